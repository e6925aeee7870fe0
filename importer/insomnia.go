package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Insomnia exports: v4 (JSON or YAML, "_type: export" with a flat list of
// resources linked by parentId) and v5 (YAML, "type:
// collection.insomnia.rest/5.0" with a tree). Both are read into insNode
// trees with their strings turned into Postman's template dialect (which
// the shared helpers then make sigscope's): {{ _.x }} becomes {{x}},
// template tags ({% ... %}) become built-ins or variables, reported.

func init() { Register(insomniaImporter{}) }

type insomniaImporter struct{}

func (insomniaImporter) Name() string { return "insomnia" }

func (insomniaImporter) Detect(data []byte, filename string) bool {
	if !bytes.Contains(data, []byte("__export_format")) && !bytes.Contains(data, []byte("insomnia.rest/5")) {
		return false
	}
	v, _ := insVersion(data)
	return v != 0
}

func (insomniaImporter) Import(data []byte, filename string) (*Collection, error) {
	v, doc := insVersion(data)
	if v == 0 {
		return nil, errors.New("not an Insomnia export (expected _type: export with __export_format 4, or type: collection.insomnia.rest/5.0)")
	}
	c := &Collection{}
	k := newKitConv(c, "Insomnia")
	var root *insNode
	var envs []insEnv
	var err error
	if v == 4 {
		root, envs, err = k.insV4(doc)
	} else {
		root, envs, err = k.insV5(doc)
	}
	if err != nil {
		return nil, err
	}
	c.Name = root.name
	c.Description = root.desc
	c.Comments = append(c.Comments, fmt.Sprintf("Imported from an Insomnia v%d export", v))
	for _, s := range root.scripts {
		k.collectionScript(s[0], s[1])
	}
	var plan *authPlan
	if root.auth != nil {
		plan = k.insAuthPlan(root.auth, "collection auth", "")
		c.Defaults = &Defaults{Auth: plan.block()}
	}
	k.insHeadersDefaults(root, &c.Defaults)
	c.Items = k.insItems(root.children, "", plan)
	k.insEnvironments(envs)
	return c, nil
}

// insVersion returns 4 or 5 and the decoded document, or 0.
func insVersion(data []byte) (int, map[string]any) {
	var doc map[string]any
	if yaml.Unmarshal(data, &doc) != nil || doc == nil {
		return 0, nil
	}
	if t, _ := doc["type"].(string); strings.HasPrefix(t, "collection.insomnia.rest/5") {
		return 5, doc
	}
	if t, _ := doc["_type"].(string); t == "export" {
		if _, ok := doc["resources"].([]any); ok {
			return 4, doc
		}
	}
	return 0, nil
}

// insNode is a folder or a request of either version.
type insNode struct {
	name, desc string
	folder     bool
	sort       float64
	children   []*insNode

	url, method string
	headers     []insPair
	params      []insPair
	pathParams  []insPair
	body        map[string]any
	auth        map[string]any // nil: inherit from the parent
	scripts     [][2]string    // kind, code
	vars        []KV           // folder environment
}

type insPair struct {
	name, value string
	disabled    bool
}

// insEnv is an environment with the base environment merged in.
type insEnv struct {
	name string
	vars []KV
}

func insMap(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func insStr(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(m[key])
}

func insNum(m map[string]any, key string) float64 {
	switch v := m[key].(type) {
	case int:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

func insPairs(m map[string]any, key string) []insPair {
	list, _ := m[key].([]any)
	var out []insPair
	for _, x := range list {
		p, ok := x.(map[string]any)
		if !ok {
			continue
		}
		d, _ := p["disabled"].(bool)
		out = append(out, insPair{name: insStr(p, "name"), value: insStr(p, "value"), disabled: d})
	}
	return out
}

// insAuthOf returns an authentication object, nil for "inherit" (absent
// or empty, as Insomnia writes it).
func insAuthOf(m map[string]any) map[string]any {
	a := insMap(m, "authentication")
	if len(a) == 0 || insStr(a, "type") == "" {
		return nil
	}
	return a
}

func (k *kitConv) insRequest(m map[string]any, v5 bool) *insNode {
	n := &insNode{name: insStr(m, "name"), url: insStr(m, "url"), method: insStr(m, "method"),
		headers: insPairs(m, "headers"), params: insPairs(m, "parameters"), pathParams: insPairs(m, "pathParameters"),
		body: insMap(m, "body"), auth: insAuthOf(m)}
	n.desc = insStr(m, "description")
	if v5 {
		meta := insMap(m, "meta")
		n.sort = insNum(meta, "sortKey")
		if d := insStr(meta, "description"); d != "" {
			n.desc = d
		}
		sc := insMap(m, "scripts")
		n.scripts = [][2]string{{"pre-request", insStr(sc, "preRequest")}, {"after-response", insStr(sc, "afterResponse")}}
	} else {
		n.sort = insNum(m, "metaSortKey")
		n.scripts = [][2]string{{"pre-request", insStr(m, "preRequestScript")}, {"after-response", insStr(m, "afterResponseScript")}}
	}
	return n
}

func (k *kitConv) insFolder(m map[string]any, v5 bool) *insNode {
	n := &insNode{name: insStr(m, "name"), folder: true, auth: insAuthOf(m), headers: insPairs(m, "headers")}
	n.desc = insStr(m, "description")
	env := insMap(m, "environment")
	if v5 {
		meta := insMap(m, "meta")
		n.sort = insNum(meta, "sortKey")
		if d := insStr(meta, "description"); d != "" {
			n.desc = d
		}
		sc := insMap(m, "scripts")
		n.scripts = [][2]string{{"pre-request", insStr(sc, "preRequest")}, {"after-response", insStr(sc, "afterResponse")}}
	} else {
		n.sort = insNum(m, "metaSortKey")
		n.scripts = [][2]string{{"pre-request", insStr(m, "preRequestScript")}, {"after-response", insStr(m, "afterResponseScript")}}
	}
	n.vars = insFlatten(env)
	return n
}

// insV4 links the resources of a v4 export into a tree under the first
// workspace.
func (k *kitConv) insV4(doc map[string]any) (*insNode, []insEnv, error) {
	res, _ := doc["resources"].([]any)
	var ws map[string]any
	byParent := map[string][]map[string]any{}
	for _, x := range res {
		r, ok := x.(map[string]any)
		if !ok {
			continue
		}
		if insStr(r, "_type") == "workspace" && ws == nil {
			ws = r
		}
		byParent[insStr(r, "parentId")] = append(byParent[insStr(r, "parentId")], r)
	}
	if ws == nil {
		return nil, nil, errors.New("the export has no workspace: export the collection again from Insomnia")
	}
	root := &insNode{name: insStr(ws, "name"), desc: insStr(ws, "description"), folder: true}
	var walk func(parent string, into *insNode, depth int)
	walk = func(parent string, into *insNode, depth int) {
		if depth > 100 {
			return
		}
		for _, r := range byParent[parent] {
			switch t := insStr(r, "_type"); t {
			case "request":
				into.children = append(into.children, k.insRequest(r, false))
			case "request_group":
				f := k.insFolder(r, false)
				walk(insStr(r, "_id"), f, depth+1)
				into.children = append(into.children, f)
			case "grpc_request", "websocket_request":
				k.c.Note("request "+insStr(r, "name"), "a %s: sigscope sends HTTP requests only", strings.ReplaceAll(t, "_", " "))
			}
		}
	}
	walk(insStr(ws, "_id"), root, 0)
	var envs []insEnv
	for _, base := range byParent[insStr(ws, "_id")] {
		if insStr(base, "_type") != "environment" {
			continue
		}
		var subs []map[string]any
		for _, s := range byParent[insStr(base, "_id")] {
			if insStr(s, "_type") == "environment" {
				subs = append(subs, s)
			}
		}
		envs = insMerge(insStr(base, "name"), insMap(base, "data"), subs)
		break
	}
	return root, envs, nil
}

// insV5 reads the tree of a v5 export.
func (k *kitConv) insV5(doc map[string]any) (*insNode, []insEnv, error) {
	root := &insNode{name: insStr(doc, "name"), folder: true}
	if d := insStr(insMap(doc, "meta"), "description"); d != "" {
		root.desc = d
	}
	var walk func(list []any, into *insNode, depth int)
	walk = func(list []any, into *insNode, depth int) {
		if depth > 100 {
			return
		}
		for _, x := range list {
			m, ok := x.(map[string]any)
			if !ok {
				continue
			}
			if kids, ok := m["children"].([]any); ok || (m["url"] == nil && m["method"] == nil) {
				f := k.insFolder(m, true)
				walk(kids, f, depth+1)
				into.children = append(into.children, f)
				continue
			}
			into.children = append(into.children, k.insRequest(m, true))
		}
	}
	list, _ := doc["collection"].([]any)
	walk(list, root, 0)
	var envs []insEnv
	if e := insMap(doc, "environments"); e != nil {
		var subs []map[string]any
		list, _ := e["subEnvironments"].([]any)
		for _, s := range list {
			if m, ok := s.(map[string]any); ok {
				subs = append(subs, m)
			}
		}
		envs = insMerge(insStr(e, "name"), insMap(e, "data"), subs)
	}
	return root, envs, nil
}

// insMerge gives each sub-environment the base environment's variables it
// does not set (nested objects are flattened: user.name), or the base
// alone when there are no sub-environments.
func insMerge(baseName string, base map[string]any, subs []map[string]any) []insEnv {
	bv := insFlatten(base)
	if len(subs) == 0 {
		if len(bv) == 0 {
			return nil
		}
		return []insEnv{{name: baseName, vars: bv}}
	}
	sort.SliceStable(subs, func(i, j int) bool { return insNum(subs[i], "metaSortKey") < insNum(subs[j], "metaSortKey") })
	var out []insEnv
	for _, s := range subs {
		sv := insFlatten(insMap(s, "data"))
		set := map[string]bool{}
		for _, kv := range sv {
			set[kv.Key] = true
		}
		vars := append([]KV(nil), sv...)
		for _, kv := range bv {
			if !set[kv.Key] {
				vars = append(vars, kv)
			}
		}
		out = append(out, insEnv{name: insStr(s, "name"), vars: vars})
	}
	return out
}

// flattenEnv flattens nested environment data into dotted keys, in key
// order (YAML and JSON maps carry none that survives decoding).
func insFlatten(m map[string]any) []KV {
	var out []KV
	var walk func(prefix string, v any, depth int)
	walk = func(prefix string, v any, depth int) {
		if mm, ok := v.(map[string]any); ok && depth < 20 {
			for _, key := range kitSortedKeys(mm) {
				p := key
				if prefix != "" {
					p = prefix + "." + key
				}
				walk(p, mm[key], depth+1)
			}
			return
		}
		if list, ok := v.([]any); ok {
			b, _ := json.Marshal(list)
			out = append(out, KV{Key: prefix, Value: string(b)})
			return
		}
		out = append(out, KV{Key: prefix, Value: insStr(map[string]any{"v": v}, "v")})
	}
	if len(m) > 0 {
		walk("", m, 0)
	}
	return out
}
