package importer

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// insItems converts folders and requests, in Insomnia's order.
func (k *kitConv) insItems(nodes []*insNode, prefix string, inherited *authPlan) []Item {
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].sort < nodes[j].sort })
	var out []Item
	for _, n := range nodes {
		path := prefix + n.name
		if n.folder {
			f := &Folder{Name: strings.TrimSpace(n.name), Description: n.desc}
			for _, s := range n.scripts {
				k.folderScript(f, s[0], k.insNorm(s[1], "folder "+path))
			}
			plan := inherited
			if n.auth != nil {
				plan = k.insAuthPlan(n.auth, "folder "+path, "")
				f.Defaults = &Defaults{Auth: plan.block()}
			}
			k.insHeadersDefaults(n, &f.Defaults)
			for _, kv := range n.vars {
				k.sharedVars = append(k.sharedVars, kv)
				k.noteOnce("fvar"+kv.Key, "folder "+path, "the folder variable %s was moved to the environments (sigscope has no folder variables)", kv.Key)
			}
			f.Items = k.insItems(n.children, path+"/", plan)
			out = append(out, Item{Folder: f})
			continue
		}
		out = append(out, Item{Request: k.insRequestOf(n, path, inherited)})
	}
	return out
}

// insHeadersDefaults moves a folder's (or v5 collection's) headers into its
// defaults.
func (k *kitConv) insHeadersDefaults(n *insNode, d **Defaults) {
	if len(n.headers) == 0 {
		return
	}
	tmp := &Request{}
	for _, h := range n.headers {
		if !h.disabled {
			k.addHeader(tmp, "folder "+n.name, k.insNorm(h.name, n.name), k.insNorm(h.value, n.name))
		}
	}
	if len(tmp.Headers) == 0 {
		return
	}
	if *d == nil {
		*d = &Defaults{}
	}
	(*d).Headers = tmp.Headers
}

func (k *kitConv) insRequestOf(n *insNode, path string, inherited *authPlan) *Request {
	where := "request " + path
	r := &Request{Name: strings.TrimSpace(n.name), Description: n.desc, Method: strings.ToUpper(strings.TrimSpace(n.method))}
	if r.Method == "" {
		r.Method = "GET"
	}
	base, q := kitSplitQuery(k.insNorm(n.url, where))
	for _, p := range n.pathParams {
		if p.value != "" {
			base = strings.ReplaceAll(base, "/:"+p.name, "/"+k.insNorm(p.value, where))
		}
	}
	r.URL = k.fixURL(r, where, k.tpl(base, where))
	for _, p := range n.params {
		if p.disabled {
			k.c.Unmapped(r, where, "the query parameter %s was disabled in Insomnia", p.name)
			continue
		}
		q = append(q, KV{Key: k.insNorm(p.name, where), Value: k.insNorm(p.value, where)})
	}
	r.Query = k.pmQueryKV(where, q)
	for _, h := range n.headers {
		if h.disabled {
			k.c.Unmapped(r, where, "the header %s was disabled in Insomnia", h.name)
			continue
		}
		k.addHeader(r, where, k.insNorm(h.name, where), k.insNorm(h.value, where))
	}
	k.insBody(r, where, n.body)
	for _, s := range n.scripts {
		k.script(r, where, s[0], s[1])
	}
	switch {
	case n.auth != nil:
		plan := k.insAuthPlan(n.auth, where, n.url)
		plan.apply(r, !reflect.DeepEqual(plan, inherited))
	case inherited != nil:
		inherited.apply(r, false)
	}
	return r
}

func (k *kitConv) insBody(r *Request, where string, b map[string]any) {
	if len(b) == 0 {
		return
	}
	mime := strings.ToLower(strings.TrimSpace(strings.Split(insStr(b, "mimeType"), ";")[0]))
	text := k.insNorm(insStr(b, "text"), where)
	switch {
	case mime == "application/x-www-form-urlencoded":
		var form []KV
		for _, p := range insPairs(b, "params") {
			if p.disabled {
				k.c.Unmapped(r, where, "the form field %s was disabled in Insomnia", p.name)
				continue
			}
			form = append(form, KV{Key: k.tpl(k.insNorm(p.name, where), where), Value: k.tpl(k.insNorm(p.value, where), where)})
		}
		r.Body = &Body{Kind: BodyForm, Form: form}
	case mime == "multipart/form-data":
		var names []string
		for _, p := range insPairs(b, "params") {
			names = append(names, p.name)
		}
		k.c.Unmapped(r, where, "a multipart form body (fields %s): sigscope sends json, text, form or file bodies; rebuild it as one of those", strings.Join(names, ", "))
	case insStr(b, "fileName") != "":
		r.Body = &Body{Kind: BodyFile, File: k.tpl(insStr(b, "fileName"), where)}
		k.c.Note(where, "the body is the file %s, as the export names it: the path is read relative to the collection file", insStr(b, "fileName"))
	case mime == "application/graphql":
		var g struct {
			Query     string          `json:"query"`
			Variables json.RawMessage `json:"variables"`
		}
		if json.Unmarshal([]byte(insStr(b, "text")), &g) != nil {
			k.c.Unmapped(r, where, "the GraphQL body could not be read")
			return
		}
		vars := string(g.Variables)
		if vars == "null" {
			vars = ""
		}
		k.graphQLBody(r, where, k.insNorm(g.Query, where), k.insNorm(vars, where))
	case strings.Contains(mime, "json"):
		k.rawBody(r, where, text, "application/json")
	default:
		k.rawBody(r, where, text, mime)
	}
}

// insAuthPlan maps an Insomnia authentication object.
func (k *kitConv) insAuthPlan(a map[string]any, where, rawURL string) *authPlan {
	if d, _ := a["disabled"].(bool); d {
		return &authPlan{auth: &Auth{Mode: "none"}}
	}
	s := func(key string) string { return k.insNorm(insStr(a, key), where) }
	switch insStr(a, "type") {
	case "none":
		return &authPlan{auth: &Auth{Mode: "none"}}
	case "iam":
		return &authPlan{auth: k.awsAuth(where, kitAWSKeys{Access: s("accessKeyId"), Secret: s("secretAccessKey"),
			Session: s("sessionToken"), Region: s("region"), Service: s("service")}, k.insNorm(rawURL, where), "us-east-1")}
	case "bearer":
		prefix := strings.TrimSpace(s("prefix"))
		if prefix == "" {
			prefix = "Bearer"
		}
		return &authPlan{auth: &Auth{Mode: "none"}, headers: []KV{{Key: "Authorization", Value: k.tpl(prefix, where) + " " + k.secretTemplate(where, "bearer token", s("token"))}}}
	case "apikey":
		if insStr(a, "addTo") == "cookie" {
			k.c.Note(where, "the API key is sent as a cookie in Insomnia: not mapped; add a Cookie header by hand")
			return &authPlan{auth: &Auth{Mode: "none"}}
		}
		return k.apiKeyPlan(where, s("key"), s("value"), insStr(a, "addTo") == "queryParams")
	}
	k.c.Note(where, "Insomnia auth %q has no sigscope equivalent: the requests using it send no auth (sigscope signs SigV4, sends Cognito tokens or API keys); add the header it needs by hand", insStr(a, "type"))
	return &authPlan{auth: &Auth{Mode: "none"}}
}

// insEnvironments writes the environments, each completed by the folder
// variables it does not set.
func (k *kitConv) insEnvironments(envs []insEnv) {
	if len(envs) == 0 && len(k.sharedVars) > 0 {
		envs = []insEnv{{name: "default"}}
	}
	for _, ie := range envs {
		e := k.c.Environment(ie.name)
		set := map[string]bool{}
		for _, kv := range append(append([]KV(nil), ie.vars...), k.sharedVars...) {
			if set[kv.Key] {
				continue
			}
			set[kv.Key] = true
			// Bruno marks secret variables, whose values it keeps elsewhere.
			k.envVar(e, kv.Key, k.insNorm(kv.Value, "environment "+ie.name), kv.Comment == "secret")
		}
	}
	if len(k.c.Environments) == 1 {
		k.c.DefaultEnvironment = k.c.Environments[0].Name
	}
}

var (
	insTagRE     = lazyre.New(`\{%-?\s*([A-Za-z_][A-Za-z0-9_]*)(.*?)-?%\}`)
	insBracketRE = lazyre.New(`^_\[\s*['"]([^'"]+)['"]\s*\]$`)
)

// insNorm rewrites Insomnia's templates into Postman's dialect: {{ _.a.b }}
// and {{ a }} become {{a.b}} and {{a}} (made valid names later), filters
// are dropped (reported), and template tags become sigscope built-ins
// ({% uuid %}, {% now %}) or variables named after the tag, reported.
func (k *kitConv) insNorm(s, where string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	s = insTagRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := insTagRE.FindStringSubmatch(m)
		tag, args := sub[1], strings.TrimSpace(sub[2])
		switch {
		case tag == "uuid":
			return "{{$guid}}"
		case tag == "now" && (strings.Contains(args, "unix") || strings.Contains(args, "seconds")):
			return "{{$timestamp}}"
		case tag == "now" && (args == "" || strings.Contains(args, "iso")):
			return "{{$isoTimestamp}}"
		}
		name := "insomnia_" + kitVarName(tag)
		k.noteOnce("tag"+m, where, "the Insomnia template tag %s has no sigscope equivalent: it became the variable {{%s}}; define it in an environment or pass --var %s=VALUE", m, name, name)
		return "{{" + name + "}}"
	})
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "{{")
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		end := strings.Index(s[i+2:], "}}")
		if end < 0 {
			b.WriteString(s[i:])
			break
		}
		inner := strings.TrimSpace(s[i+2 : i+2+end])
		if f := strings.Index(inner, "|"); f >= 0 {
			k.noteOnce("filter"+inner, where, "the template filter in {{ %s }} was dropped: sigscope uses the variable as it is", inner)
			inner = strings.TrimSpace(inner[:f])
		}
		if m := insBracketRE.FindStringSubmatch(inner); m != nil {
			inner = m[1]
		}
		inner = strings.TrimPrefix(inner, "_.")
		b.WriteString("{{" + inner + "}}")
		i += 2 + end + 2
	}
	return b.String()
}
