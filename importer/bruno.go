package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Bruno collections: a folder with bruno.json (or opencollection.yml, the
// YAML format of newer Bruno), requests in .bru (or .yml) files, folders
// as sub-folders (folder.bru / folder.yml holds their settings),
// collection.bru for collection-wide headers, auth, variables and
// scripts, and environments/ with one file per environment. A single .bru
// file imports as a collection of one request.

func init() { Register(brunoImporter{}) }

type brunoImporter struct{}

func (brunoImporter) Name() string { return "bruno" }

func (brunoImporter) Detect(data []byte, filename string) bool {
	if strings.HasSuffix(filename, ".bru") {
		return true
	}
	s := bytes.TrimSpace(data)
	return bytes.HasPrefix(s, []byte("meta {")) && bytes.Contains(s, []byte("\n}"))
}

func (brunoImporter) DetectDir(dir string) bool {
	for _, f := range []string{"bruno.json", "opencollection.yml", "opencollection.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

func (brunoImporter) Import(data []byte, filename string) (*Collection, error) {
	name := filename
	if name == "" || name == "-" {
		name = "request.bru"
	}
	blocks, err := parseBru(name, string(data))
	if err != nil {
		return nil, err
	}
	r, ok := bruRequestOf(blocks, strings.TrimSuffix(filepath.Base(name), ".bru"))
	if !ok {
		return nil, fmt.Errorf("%s: no request in it (a Bruno request file has a get, post... block)", name)
	}
	c := &Collection{Name: r.name, Comments: []string{"Imported from a Bruno request file"}}
	k := newKitConv(c, "Bruno")
	k.envAllow = true
	c.Items = []Item{{Request: k.bruRequest(r, "", nil)}}
	k.insEnvironments(nil)
	return c, nil
}

// bruNode is a request or a folder of either format.
type bruNode struct {
	name, docs string
	seq        float64
	folder     bool
	children   []*bruNode

	method, url string
	headers     []insPair
	query       []insPair // nil: the URL's own query
	pathParams  []insPair
	bodyMode    string
	bodyText    string
	bodyForm    []insPair
	gqlVars     string
	bodyFile    string
	auth        *bruAuth // nil: inherit
	vars        []insPair
	scripts     [][2]string
	unmapped    []string
}

type bruAuth struct {
	mode string
	p    map[string]string
}

func (brunoImporter) ImportDir(dir string) (*Collection, error) {
	d, err := openCollectionDir(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	c := &Collection{}
	k := newKitConv(c, "Bruno")
	k.envAllow = true
	var root *bruNode
	var envs []insEnv
	if _, e := d.root.Lstat("bruno.json"); e == nil {
		root, envs, err = bruReadDir(d)
		c.Comments = append(c.Comments, "Imported from a Bruno collection (.bru files)")
	} else {
		root, envs, err = ocReadDir(d)
		c.Comments = append(c.Comments, "Imported from a Bruno collection (YAML files)")
	}
	if err != nil {
		return nil, err
	}
	c.Name = root.name
	c.Description = root.docs
	d.note(c)
	for _, s := range root.scripts {
		k.collectionScript(s[0], s[1])
	}
	for _, u := range root.unmapped {
		k.c.Note("collection", "%s", u)
		k.c.Comments = append(k.c.Comments, "not imported: "+u)
	}
	var plan *authPlan
	if root.auth != nil {
		plan = k.bruAuthPlan(root.auth, "collection auth", "")
		c.Defaults = &Defaults{Auth: plan.block()}
	}
	k.bruFolderDefaults(root, &c.Defaults, "collection")
	c.Items = k.bruItems(root.children, "", plan)
	k.insEnvironments(envs)
	return c, nil
}

// bruReadDir reads a collection of .bru files.
func bruReadDir(d *collectionDir) (*bruNode, []insEnv, error) {
	var meta struct {
		Name string `json:"name"`
	}
	data, err := d.read("bruno.json")
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", d.path("bruno.json"), err)
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return nil, nil, fmt.Errorf("%s: %s", d.path("bruno.json"), boundMessage(err.Error()))
	}
	root := &bruNode{name: meta.Name, folder: true}
	if root.name == "" {
		root.name = filepath.Base(d.name)
	}
	if err := bruFolderFile(d, "collection.bru", root); err != nil {
		return nil, nil, err
	}
	if err := bruWalk(d, ".", root, 0); err != nil {
		return nil, nil, err
	}
	envs, err := bruEnvs(d, "environments")
	return root, envs, err
}

// bruFolderFile reads collection.bru or folder.bru into a folder node;
// a missing (or skipped) file is fine.
func bruFolderFile(d *collectionDir, rel string, n *bruNode) error {
	data, err := d.read(rel)
	if errors.Is(err, fs.ErrNotExist) || isSkip(err) {
		return nil
	}
	if err != nil {
		return err
	}
	blocks, err := parseBru(d.path(rel), string(data))
	if err != nil {
		return err
	}
	if m := bruFind(blocks, "meta"); m != nil {
		if v := bruGet(m, "name"); v != "" {
			n.name = v
		}
		n.seq, _ = strconv.ParseFloat(bruGet(m, "seq"), 64)
	}
	bruCommon(blocks, n, bruGet(bruFind(blocks, "auth"), "mode"))
	return nil
}

func bruWalk(d *collectionDir, dir string, into *bruNode, depth int) error {
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
			if err := bruFolderFile(d, filepath.Join(rel, "folder.bru"), f); err != nil {
				return err
			}
			if err := bruWalk(d, rel, f, depth+1); err != nil {
				return err
			}
			into.children = append(into.children, f)
		case strings.HasSuffix(name, ".bru") && name != "collection.bru" && name != "folder.bru":
			data, err := d.read(rel)
			if isSkip(err) {
				continue
			}
			if err != nil {
				return err
			}
			blocks, err := parseBru(d.path(rel), string(data))
			if err != nil {
				return err
			}
			if r, ok := bruRequestOf(blocks, strings.TrimSuffix(name, ".bru")); ok {
				into.children = append(into.children, r)
			}
		}
	}
	return nil
}

var bruMethods = []string{"get", "post", "put", "delete", "patch", "options", "head", "connect", "trace", "http"}

// bruRequestOf reads a request file's blocks; false when it has no HTTP
// method block (a gRPC or WebSocket request, which sigscope does not send).
func bruRequestOf(blocks []bruBlock, fallback string) (*bruNode, bool) {
	n := &bruNode{name: fallback}
	if m := bruFind(blocks, "meta"); m != nil {
		if v := bruGet(m, "name"); v != "" {
			n.name = v
		}
		n.seq, _ = strconv.ParseFloat(bruGet(m, "seq"), 64)
	}
	var mb *bruBlock
	for _, m := range bruMethods {
		if b := bruFind(blocks, m); b != nil {
			mb, n.method = b, strings.ToUpper(m)
			break
		}
	}
	if mb == nil {
		return nil, false
	}
	if n.method == "HTTP" {
		n.method = strings.ToUpper(bruGet(mb, "method"))
	}
	n.url = bruGet(mb, "url")
	n.bodyMode = bruGet(mb, "body")
	authMode := bruGet(mb, "auth")
	if authMode == "" {
		authMode = "inherit"
	}
	n.query = nil
	if q := bruFind(blocks, "params:query"); q != nil {
		n.query = []insPair{}
		for _, p := range q.pairs {
			n.query = append(n.query, insPair{name: p.key, value: p.value, disabled: p.disabled})
		}
	}
	if q := bruFind(blocks, "params:path"); q != nil {
		for _, p := range q.pairs {
			n.pathParams = append(n.pathParams, insPair{name: p.key, value: p.value, disabled: p.disabled})
		}
	}
	for _, b := range blocks {
		switch b.name {
		case "body:json", "body:text", "body:xml", "body:sparql", "body:graphql":
			if n.bodyMode == "" {
				n.bodyMode = strings.TrimPrefix(b.name, "body:")
			}
			if bruBodyBlock(n.bodyMode) == b.name {
				n.bodyText = b.text
			}
		case "body:graphql:vars":
			n.gqlVars = b.text
		case "body:form-urlencoded":
			if n.bodyMode == "" || n.bodyMode == "formUrlEncoded" {
				n.bodyMode = "formUrlEncoded"
				for _, p := range b.pairs {
					n.bodyForm = append(n.bodyForm, insPair{name: p.key, value: p.value, disabled: p.disabled})
				}
			}
		case "body:multipart-form":
			if n.bodyMode == "" {
				n.bodyMode = "multipartForm"
			}
			for _, p := range b.pairs {
				n.bodyForm = append(n.bodyForm, insPair{name: p.key, value: p.value, disabled: p.disabled})
			}
		case "body:file":
			for _, p := range b.pairs {
				if !p.disabled && n.bodyFile == "" {
					n.bodyFile = p.value
				}
			}
		case "vars:post-response", "assert":
			if len(b.pairs) > 0 {
				n.unmapped = append(n.unmapped, fmt.Sprintf("the %s block (%d entries): sigscope runs no assertions and sets no variables from answers", b.name, len(b.pairs)))
			}
		}
	}
	bruCommon(blocks, n, authMode)
	return n, true
}

// bruBodyBlock is the block that holds the body of a mode.
func bruBodyBlock(mode string) string {
	switch mode {
	case "formUrlEncoded":
		return "body:form-urlencoded"
	case "multipartForm":
		return "body:multipart-form"
	}
	return "body:" + mode
}

// bruCommon reads what requests, folders and the collection share:
// headers, auth, variables, scripts and docs.
func bruCommon(blocks []bruBlock, n *bruNode, authMode string) {
	if h := bruFind(blocks, "headers"); h != nil {
		for _, p := range h.pairs {
			n.headers = append(n.headers, insPair{name: p.key, value: p.value, disabled: p.disabled})
		}
	}
	if v := bruFind(blocks, "vars:pre-request"); v != nil {
		for _, p := range v.pairs {
			n.vars = append(n.vars, insPair{name: p.key, value: p.value, disabled: p.disabled})
		}
	}
	if d := bruFind(blocks, "docs"); d != nil {
		n.docs = strings.TrimSpace(d.text)
	}
	for _, s := range [][2]string{{"script:pre-request", "pre-request"}, {"script:post-response", "post-response"}, {"tests", "tests"}} {
		if b := bruFind(blocks, s[0]); b != nil {
			n.scripts = append(n.scripts, [2]string{s[1], b.text})
		}
	}
	if authMode != "" && authMode != "inherit" {
		a := &bruAuth{mode: authMode, p: map[string]string{}}
		if b := bruFind(blocks, "auth:"+authMode); b != nil {
			for _, p := range b.pairs {
				if !p.disabled {
					a.p[p.key] = p.value
				}
			}
		}
		n.auth = a
	}
}

// bruEnvs reads environments/*.bru: "vars" entries, and "vars:secret"
// names whose values Bruno keeps outside the file.
func bruEnvs(d *collectionDir, dir string) ([]insEnv, error) {
	if ok, err := d.subfolder(dir); !ok || err != nil {
		return nil, err
	}
	entries, err := d.list(dir)
	if err != nil {
		return nil, err
	}
	var out []insEnv
	for _, f := range entries {
		name := f.Name()
		if !strings.HasSuffix(name, ".bru") {
			continue
		}
		rel := filepath.Join(dir, name)
		data, err := d.read(rel)
		if isSkip(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		blocks, err := parseBru(d.path(rel), string(data))
		if err != nil {
			return nil, err
		}
		e := insEnv{name: strings.TrimSuffix(name, ".bru")}
		if v := bruFind(blocks, "vars"); v != nil {
			for _, p := range v.pairs {
				if !p.disabled {
					e.vars = append(e.vars, KV{Key: p.key, Value: p.value})
				}
			}
		}
		if s := bruFind(blocks, "vars:secret"); s != nil {
			for _, name := range s.list {
				e.vars = append(e.vars, KV{Key: strings.TrimPrefix(name, "~"), Comment: "secret"})
			}
		}
		out = append(out, e)
	}
	return out, nil
}
