package importer

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Bruno's YAML format (the OpenCollection layout): opencollection.yml at
// the top (info.name, request defaults), folder.yml in folders, one .yml
// per request (info, http, runtime, docs) and environments/*.yml.

// ocLoad reads one YAML file of the collection; a skipped file gives the
// *skipError of collectionDir.read.
func ocLoad(d *collectionDir, rel string) (map[string]any, error) {
	data, err := d.read(rel)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %s", d.path(rel), boundMessage(err.Error()))
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

func ocReadDir(d *collectionDir) (*bruNode, []insEnv, error) {
	top := "opencollection.yml"
	if _, err := d.root.Lstat(top); err != nil {
		top = "opencollection.yaml"
	}
	m, err := ocLoad(d, top)
	if isSkip(err) {
		return nil, nil, fmt.Errorf("%s: %w", d.path(top), err)
	}
	if err != nil {
		return nil, nil, err
	}
	root := &bruNode{name: insStr(insMap(m, "info"), "name"), folder: true}
	if root.name == "" {
		root.name = filepath.Base(d.name)
	}
	ocDefaults(m, root)
	if err := ocWalk(d, ".", root, 0); err != nil {
		return nil, nil, err
	}
	envs, err := ocEnvs(d, "environments")
	return root, envs, err
}

func ocYAML(name string) bool {
	return strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".yaml")
}

func ocWalk(d *collectionDir, dir string, into *bruNode, depth int) error {
	if depth > 50 {
		return nil
	}
	entries, err := d.list(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		rel := filepath.Join(dir, name)
		switch {
		case strings.HasPrefix(name, "."), name == "node_modules", depth == 0 && name == "environments":
		case e.Type()&fs.ModeSymlink != 0:
			_ = d.skip(rel, notRegular(e.Type()))
		case e.IsDir():
			f := &bruNode{name: name, folder: true}
			for _, fy := range []string{"folder.yml", "folder.yaml"} {
				if m, err := ocLoad(d, filepath.Join(rel, fy)); err == nil {
					info := insMap(m, "info")
					if v := insStr(info, "name"); v != "" {
						f.name = v
					}
					f.seq = insNum(info, "seq")
					ocDefaults(m, f)
				}
			}
			if err := ocWalk(d, rel, f, depth+1); err != nil {
				return err
			}
			into.children = append(into.children, f)
		case ocYAML(name) && !strings.HasPrefix(name, "folder.") && !strings.HasPrefix(name, "opencollection."):
			m, err := ocLoad(d, rel)
			if isSkip(err) {
				continue
			}
			if err != nil {
				return err
			}
			if r, ok := ocRequest(m, strings.TrimSuffix(strings.TrimSuffix(name, ".yml"), ".yaml")); ok {
				into.children = append(into.children, r)
			}
		}
	}
	return nil
}

// ocDefaults reads the request defaults of a folder or the collection.
func ocDefaults(m map[string]any, n *bruNode) {
	req := insMap(m, "request")
	n.headers = ocPairs(req, "headers")
	n.auth = ocAuth(req["auth"])
	n.vars = ocPairs(req, "variables")
	n.scripts = ocScripts(req["scripts"])
	n.docs = ocDocs(m["docs"])
}

func ocPairs(m map[string]any, key string) []insPair {
	list, _ := m[key].([]any)
	var out []insPair
	for _, x := range list {
		p, ok := x.(map[string]any)
		if !ok {
			continue
		}
		d, _ := p["disabled"].(bool)
		if e, ok := p["enabled"].(bool); ok && !e {
			d = true
		}
		out = append(out, insPair{name: insStr(p, "name"), value: insStr(p, "value"), disabled: d})
	}
	return out
}

func ocDocs(v any) string {
	switch d := v.(type) {
	case string:
		return strings.TrimSpace(d)
	case map[string]any:
		return strings.TrimSpace(insStr(d, "content"))
	}
	return ""
}

func ocScripts(v any) [][2]string {
	list, _ := v.([]any)
	var out [][2]string
	for _, x := range list {
		if s, ok := x.(map[string]any); ok {
			out = append(out, [2]string{insStr(s, "type"), insStr(s, "code")})
		}
	}
	return out
}

// ocAuth reads an auth: "inherit" (or absent) gives nil.
func ocAuth(v any) *bruAuth {
	switch a := v.(type) {
	case string:
		if a == "inherit" || a == "" {
			return nil
		}
		return &bruAuth{mode: a, p: map[string]string{}}
	case map[string]any:
		mode := insStr(a, "type")
		if mode == "" || mode == "inherit" {
			return nil
		}
		p := map[string]string{}
		for key := range a {
			p[key] = insStr(a, key)
		}
		if mode == "apikey" && p["placement"] == "query" {
			p["placement"] = "queryparams"
		}
		return &bruAuth{mode: mode, p: p}
	}
	return nil
}

// ocRequest reads a request file; false for other kinds (gRPC, WebSocket).
func ocRequest(m map[string]any, fallback string) (*bruNode, bool) {
	info := insMap(m, "info")
	if t := insStr(info, "type"); t != "" && t != "http" && t != "graphql" {
		return nil, false
	}
	h := insMap(m, "http")
	if h == nil {
		h = insMap(m, "graphql")
	}
	if h == nil {
		return nil, false
	}
	n := &bruNode{name: insStr(info, "name"), seq: insNum(info, "seq"), docs: ocDocs(m["docs"])}
	if n.name == "" {
		n.name = fallback
	}
	if d := insStr(info, "description"); d != "" && n.docs == "" {
		n.docs = d
	}
	n.method = strings.ToUpper(insStr(h, "method"))
	n.url = insStr(h, "url")
	n.headers = ocPairs(h, "headers")
	list, _ := h["params"].([]any)
	for _, x := range list {
		p, ok := x.(map[string]any)
		if !ok {
			continue
		}
		d, _ := p["disabled"].(bool)
		ip := insPair{name: insStr(p, "name"), value: insStr(p, "value"), disabled: d}
		if insStr(p, "type") == "path" {
			n.pathParams = append(n.pathParams, ip)
		} else {
			if n.query == nil {
				n.query = []insPair{}
			}
			n.query = append(n.query, ip)
		}
	}
	ocBody(h["body"], n)
	n.auth = ocAuth(h["auth"])
	rt := insMap(m, "runtime")
	n.vars = ocPairs(rt, "variables")
	n.scripts = ocScripts(rt["scripts"])
	if a, ok := rt["assertions"].([]any); ok && len(a) > 0 {
		n.unmapped = append(n.unmapped, fmt.Sprintf("%d assertions: sigscope runs no assertions", len(a)))
	}
	if a, ok := rt["actions"].([]any); ok && len(a) > 0 {
		n.unmapped = append(n.unmapped, fmt.Sprintf("%d actions (variables set from the answer): sigscope sets no variables from answers", len(a)))
	}
	return n, true
}

// ocBody reads {type, data} (what Bruno writes) or {mode, json|text...}.
func ocBody(v any, n *bruNode) {
	b, ok := v.(map[string]any)
	if !ok {
		return
	}
	mode := insStr(b, "type")
	if mode == "" {
		mode = insStr(b, "mode")
	}
	switch mode {
	case "form-urlencoded", "formUrlEncoded":
		n.bodyMode = "formUrlEncoded"
		n.bodyForm = ocPairs(b, "data")
	case "multipart-form", "multipartForm":
		n.bodyMode = "multipartForm"
		n.bodyForm = ocPairs(b, "data")
	case "file":
		n.bodyMode = "file"
		list, _ := b["data"].([]any)
		for _, x := range list {
			if f, ok := x.(map[string]any); ok && n.bodyFile == "" {
				n.bodyFile = insStr(f, "filePath")
			}
		}
	case "graphql":
		n.bodyMode = "graphql"
		if d, ok := b["data"].(map[string]any); ok {
			n.bodyText, n.gqlVars = insStr(d, "query"), insStr(d, "variables")
		} else {
			n.bodyText = insStr(b, "query")
			n.gqlVars = insStr(b, "variables")
		}
	default:
		n.bodyMode = mode
		n.bodyText = insStr(b, "data")
		if n.bodyText == "" {
			n.bodyText = insStr(b, mode)
		}
	}
}

// ocEnvs reads environments/*.yml: variables, with secret ones (no value
// in the file) flagged.
func ocEnvs(d *collectionDir, dir string) ([]insEnv, error) {
	if ok, err := d.subfolder(dir); !ok || err != nil {
		return nil, err
	}
	entries, err := d.list(dir)
	if err != nil {
		return nil, err
	}
	var out []insEnv
	for _, f := range entries {
		if !ocYAML(f.Name()) {
			continue
		}
		m, err := ocLoad(d, filepath.Join(dir, f.Name()))
		if isSkip(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		name := insStr(m, "name")
		if name == "" {
			name = strings.TrimSuffix(strings.TrimSuffix(f.Name(), ".yml"), ".yaml")
		}
		e := insEnv{name: name}
		list, _ := m["variables"].([]any)
		for _, x := range list {
			v, ok := x.(map[string]any)
			if !ok {
				continue
			}
			if off, _ := v["disabled"].(bool); off {
				continue
			}
			kv := KV{Key: insStr(v, "name"), Value: insStr(v, "value")}
			if s, _ := v["secret"].(bool); s {
				kv.Comment = "secret"
			}
			e.vars = append(e.vars, kv)
		}
		out = append(out, e)
	}
	return out, nil
}
