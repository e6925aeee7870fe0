package importer

import (
	"bytes"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// OpenAPI 3 and Swagger 2 documents, API Gateway exports included: the
// servers become environments (base_url, region, stage variables), each
// operation a request in a folder named by its first tag (else the first
// path segment), parameters template variables with their example, and
// the API Gateway authorizers auth blocks (auth in openapi_auth.go).

func init() { Register(openapiImporter{}) }

type openapiImporter struct{}

func (openapiImporter) Name() string { return "openapi" }

var oasKey = lazyre.New(`(?m)^\s*"?(openapi|swagger)"?\s*:\s*["']?([0-9.]+)`)

func (openapiImporter) Detect(data []byte, filename string) bool {
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	m := oasKey.FindSubmatch(head)
	return m != nil && (string(m[1]) == "openapi" && bytes.HasPrefix(m[2], []byte("3")) || string(m[1]) == "swagger" && bytes.HasPrefix(m[2], []byte("2")))
}

// oas is one document being imported.
type oas struct {
	c       *Collection
	root    *yaml.Node
	v2      bool
	schemes map[string]*yaml.Node // security schemes by name
	global  *yaml.Node            // the document's security requirement
	params  map[string]string     // template variables already given a value
	region  string                // from the first server's host
	auths   map[string]*Auth      // mapped schemes, by name
	noted   map[string]bool
}

func (openapiImporter) Import(data []byte, filename string) (*Collection, error) {
	doc, err := parseOpenAPI(data)
	if err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not an OpenAPI document: the top level is not a mapping")
	}
	o := &oas{root: doc.Content[0], params: map[string]string{}, auths: map[string]*Auth{}, noted: map[string]bool{}}
	o.v2 = get(o.root, "swagger") != nil
	title := text(get(o.root, "info", "title"))
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename))
	}
	o.c = &Collection{Name: title, Description: text(get(o.root, "info", "description")),
		Comments: []string{"Imported from an OpenAPI document by sigscope import."}}
	if o.v2 {
		o.c.Comments[0] = "Imported from a Swagger 2 document by sigscope import."
	}
	o.servers(pathParamNames(get(o.root, "paths")))
	o.schemes = map[string]*yaml.Node{}
	defs := get(o.root, "components", "securitySchemes")
	if o.v2 {
		defs = get(o.root, "securityDefinitions")
	}
	eachPair(defs, func(k string, v *yaml.Node) { o.schemes[k] = o.deref(v) })
	o.global = get(o.root, "security")
	if get(o.root, "x-amazon-apigateway-any-method") != nil || get(o.root, "x-amazon-apigateway-integration") != nil {
		o.c.Note("document", "API Gateway integrations are the server's side: not needed to call the API")
	}
	paths := get(o.root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the document has no paths")
	}
	folders := map[string]*Folder{}
	eachPair(paths, func(path string, item *yaml.Node) {
		item = o.deref(item)
		shared := get(item, "parameters")
		eachPair(item, func(method string, op *yaml.Node) {
			m := strings.ToUpper(method)
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
			case "x-amazon-apigateway-any-method":
				m = "GET"
				o.c.Note("path "+path, "ANY method (x-amazon-apigateway-any-method) imported as GET: change the method to the one to send")
			default:
				return
			}
			r := o.operation(path, m, o.deref(op), shared)
			name := o.folderName(path, op)
			f := folders[name]
			if f == nil {
				f = &Folder{Name: name}
				folders[name] = f
				o.c.Items = append(o.c.Items, Item{Folder: f})
			}
			f.Items = append(f.Items, Item{Request: r})
		})
	})
	if o.c.Requests() == 0 {
		return nil, fmt.Errorf("the document has no operations under paths")
	}
	o.paramVars()
	if get(o.root, "x-amazon-apigateway-integration") == nil {
		o.noteIntegrations(paths)
	}
	return o.c, nil
}

// noteIntegrations says once that server-side extensions were left out.
func (o *oas) noteIntegrations(paths *yaml.Node) {
	found := false
	eachPair(paths, func(_ string, item *yaml.Node) {
		eachPair(o.deref(item), func(_ string, op *yaml.Node) {
			found = found || get(op, "x-amazon-apigateway-integration") != nil
		})
	})
	if found {
		o.c.Note("document", "x-amazon-apigateway-integration blocks describe the server's side: not needed to call the API, left out")
	}
}

// servers makes one environment per server (OpenAPI 3) or the host and
// basePath (Swagger 2), with base_url and, for AWS hosts, region. A
// server's variables ({id}, {basePath}) stay variables of base_url, each
// given its default in the environment; API Gateway's ${stageVariables.x}
// and a template's ${region} (${AWS::Region}) become variables too, never
// text: "${region}" written as is would be sent as "$us-east-1".
// pathParamNames are the variables the paths use ({petId}), which a
// server variable of the same name must not shadow.
func pathParamNames(paths *yaml.Node) map[string]bool {
	out := map[string]bool{}
	eachPair(paths, func(path string, _ *yaml.Node) {
		for _, m := range oasVar.FindAllString(path, -1) {
			out[varName(strings.TrimSuffix(m[1:len(m)-1], "+"))] = true
		}
	})
	return out
}

// servers writes an environment per server. A server variable named as
// a path parameter ({id} in the host and in /pets/{id}) is renamed
// server_NAME: both in one environment, the API's id would be sent as the
// pet's.
func (o *oas) servers(pathVars map[string]bool) {
	type server struct {
		name, url string
		vars      []KV // the server's variables with their defaults, in order
	}
	var list []server
	if o.v2 {
		host := text(get(o.root, "host"))
		base := text(get(o.root, "basePath"))
		scheme := "https"
		if s := get(o.root, "schemes"); s != nil && s.Kind == yaml.SequenceNode && len(s.Content) > 0 {
			scheme = s.Content[0].Value
		}
		if host != "" {
			list = append(list, server{name: stageName(base, host), url: scheme + "://" + host + base})
		}
	} else if s := get(o.root, "servers"); s != nil && s.Kind == yaml.SequenceNode {
		for _, srv := range s.Content {
			sv := server{url: text(get(srv, "url")), name: text(get(srv, "description"))}
			eachPair(get(srv, "variables"), func(k string, v *yaml.Node) {
				d := text(get(v, "default"))
				// A stage written "/prod" after a "/" must not make "//prod".
				if strings.Contains(sv.url, "/{"+k+"}") {
					d = strings.TrimPrefix(d, "/")
				}
				sv.vars = append(sv.vars, KV{Key: k, Value: d})
				if k == "basePath" && strings.Trim(d, "/") != "" {
					sv.name = strings.Trim(d, "/")
				}
			})
			list = append(list, sv)
		}
	}
	seen := map[string]bool{}
	for i, s := range list {
		name := envSafeName(s.name)
		if name == "" || seen[name] {
			name = fmt.Sprintf("server%d", i+1)
		}
		seen[name] = true
		where := "server " + s.url
		tpl, used := serverTemplate(strings.TrimRight(s.url, "/"))
		for i, n := range used {
			if pathVars[n] && n != "region" {
				used[i] = "server_" + n
				tpl = strings.ReplaceAll(tpl, "{{"+n+"}}", "{{"+used[i]+"}}")
				for j := range s.vars {
					if varName(s.vars[j].Key) == n {
						s.vars[j].Key = used[i]
					}
				}
				o.c.Note(where, "the server variable %s is also a path parameter: in the environment it is %s", n, used[i])
			}
		}
		env := o.c.Environment(name)
		env.Set("base_url", tpl)
		values := map[string]string{}
		for _, kv := range s.vars {
			values[varName(kv.Key)] = kv.Value
		}
		// The URL with every value put in: what the host and region are.
		resolved := tpl
		for _, n := range used {
			v, ok := values[n]
			switch {
			case ok && v != "":
				env.Set(n, Literal(v))
			case n == "region":
				continue // set below, from the host or a default
			default:
				ph := "REPLACE_" + strings.ToUpper(n)
				env.Set(n, ph)
				env.Vars[len(env.Vars)-1].Comment = "a placeholder: the document gives no value"
				o.c.Note(where, "the server variable %s has no default: the environment %s holds the placeholder %s, replace it (or pass --var %s=VALUE)", n, name, ph, n)
				v = ph
			}
			resolved = strings.ReplaceAll(resolved, "{{"+n+"}}", v)
		}
		if !strings.Contains(resolved, "://") && !strings.HasPrefix(resolved, "{{") {
			o.c.Note(where, "a relative server URL: prefix base_url with the API's host")
		}
		host := hostOf(resolved)
		if _, region := awsHostScope(host); region != "" && !strings.Contains(host, "{") {
			env.Set("region", region)
			if o.region == "" {
				o.region = region
			}
		} else if slices.Contains(used, "region") {
			v := values["region"]
			if v == "" || strings.Contains(v, "{") {
				v = "us-east-1"
				o.c.Note(where, "the server leaves the region open: the environment %s signs for us-east-1 until its region is set to the API's", name)
			}
			env.Set("region", Literal(v))
			if values["region"] == "" {
				env.Vars[len(env.Vars)-1].Comment = "the export leaves the region open: set yours"
			}
		}
	}
	if len(o.c.Environments) > 0 {
		o.c.DefaultEnvironment = o.c.Environments[0].Name
	} else {
		o.c.Note("document", "no server URL: pass the API's base URL with --var base_url=https://…")
	}
}

// serverTemplate turns a server URL into a template and lists the
// variables it uses: OpenAPI's {name}, API Gateway's
// ${stageVariables.name} and a template engine's ${name} (${AWS::Region}
// is region).
func serverTemplate(u string) (string, []string) {
	var used []string
	use := func(n string) string {
		if !slices.Contains(used, n) {
			used = append(used, n)
		}
		return "\x00" + n + "\x01"
	}
	u = dollarVar.ReplaceAllStringFunc(u, func(m string) string {
		inner := m[2 : len(m)-1]
		switch {
		case strings.HasPrefix(inner, "stageVariables."):
			return use(varName(strings.TrimPrefix(inner, "stageVariables.")))
		case inner == "AWS::Region":
			return use("region")
		}
		return use(varName(inner))
	})
	u = oasVar.ReplaceAllStringFunc(u, func(m string) string {
		return use(varName(strings.TrimSuffix(m[1:len(m)-1], "+")))
	})
	u = Literal(u)
	u = strings.NewReplacer("\x00", "{{", "\x01", "}}").Replace(u)
	return u, used
}

var dollarVar = lazyre.New(`\$\{[A-Za-z_][A-Za-z0-9_.:-]*\}`)

func stageName(basePath, host string) string {
	if s := strings.Trim(basePath, "/"); s != "" {
		return s
	}
	if i := strings.IndexByte(host, '.'); i > 0 {
		return host[:i]
	}
	return host
}

var envNameBad = lazyre.New(`[^A-Za-z0-9_.-]+`)

func envSafeName(s string) string {
	s = strings.Trim(envNameBad.ReplaceAllString(strings.TrimSpace(s), "-"), "-")
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

func hostOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	return strings.SplitN(strings.SplitN(u, "/", 2)[0], ":", 2)[0]
}

// oasTemplate turns OpenAPI's {name} into a template {{name}}, escaping
// anything else that would read as a template.
func oasTemplate(s string) string {
	s = Literal(s)
	return oasVar.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.TrimSuffix(m[1:len(m)-1], "+") // API Gateway's greedy {proxy+}
		if name == "" || strings.HasPrefix(m, "{{") {
			return m
		}
		return "{{" + name + "}}"
	})
}

var oasVar = lazyre.New(`\{[A-Za-z_][A-Za-z0-9_.-]*\+?\}`)

// folderName: the first tag, else the first path segment, else "root".
func (o *oas) folderName(path string, op *yaml.Node) string {
	if tags := get(op, "tags"); tags != nil && tags.Kind == yaml.SequenceNode && len(tags.Content) > 0 && tags.Content[0].Value != "" {
		return tags.Content[0].Value
	}
	for _, seg := range strings.Split(path, "/") {
		if seg != "" && !strings.HasPrefix(seg, "{") {
			return seg
		}
	}
	return "root"
}

// get walks mapping keys; nil when any is missing.
func get(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil {
			return nil
		}
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func text(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func eachPair(n *yaml.Node, fn func(string, *yaml.Node)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i].Value, n.Content[i+1])
	}
}

// deref follows a local $ref ("#/components/schemas/Pet"), at most a few
// levels (a cycle stops there).
func (o *oas) deref(n *yaml.Node) *yaml.Node {
	for i := 0; i < 8 && n != nil; i++ {
		ref := text(get(n, "$ref"))
		if !strings.HasPrefix(ref, "#/") {
			return n
		}
		t := o.root
		for _, part := range strings.Split(ref[2:], "/") {
			part, _ = url.PathUnescape(strings.NewReplacer("~1", "/", "~0", "~").Replace(part))
			t = get(t, part)
		}
		if t == nil {
			return n
		}
		n = t
	}
	return n
}
