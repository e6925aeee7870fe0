package importer

import (
	"reflect"
	"sort"
	"strings"
)

// bruItems converts folders and requests in Bruno's order (seq, then
// name).
func (k *kitConv) bruItems(nodes []*bruNode, prefix string, inherited *authPlan) []Item {
	sort.SliceStable(nodes, func(i, j int) bool {
		if nodes[i].seq != nodes[j].seq {
			return nodes[i].seq < nodes[j].seq
		}
		return nodes[i].name < nodes[j].name
	})
	var out []Item
	for _, n := range nodes {
		path := prefix + n.name
		if !n.folder {
			out = append(out, Item{Request: k.bruRequest(n, path, inherited)})
			continue
		}
		f := &Folder{Name: strings.TrimSpace(n.name), Description: n.docs}
		for _, s := range n.scripts {
			k.folderScript(f, s[0], s[1])
		}
		for _, u := range n.unmapped {
			k.c.UnmappedFolder(f, "%s", u)
		}
		plan := inherited
		if n.auth != nil {
			plan = k.bruAuthPlan(n.auth, "folder "+path, "")
			f.Defaults = &Defaults{Auth: plan.block()}
		}
		k.bruFolderDefaults(n, &f.Defaults, "folder "+path)
		f.Items = k.bruItems(n.children, path+"/", plan)
		out = append(out, Item{Folder: f})
	}
	return out
}

// bruFolderDefaults moves a folder's (or the collection's) headers into
// its defaults and its variables into the environments.
func (k *kitConv) bruFolderDefaults(n *bruNode, d **Defaults, where string) {
	for _, v := range n.vars {
		if v.disabled {
			continue
		}
		k.sharedVars = append(k.sharedVars, KV{Key: v.name, Value: v.value})
		if where != "collection" {
			k.noteOnce("fvar"+v.name, where, "the folder variable %s was moved to the environments (sigscope has no folder variables)", v.name)
		}
	}
	tmp := &Request{}
	for _, h := range n.headers {
		if !h.disabled {
			k.addHeader(tmp, where, h.name, h.value)
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

// bruSubst replaces a request's own variables (vars:pre-request) in its
// text: sigscope has no request variables, and they hold for that request
// only.
func bruSubst(s string, vars []insPair) string {
	for _, v := range vars {
		if v.disabled || !strings.Contains(s, "{{") {
			continue
		}
		s = strings.ReplaceAll(s, "{{"+v.name+"}}", v.value)
		s = strings.ReplaceAll(s, "{{ "+v.name+" }}", v.value)
	}
	return s
}

func (k *kitConv) bruRequest(n *bruNode, path string, inherited *authPlan) *Request {
	where := "request " + path
	if path == "" {
		where = "request " + n.name
	}
	sub := func(s string) string { return bruSubst(s, n.vars) }
	r := &Request{Name: strings.TrimSpace(n.name), Description: n.docs, Method: n.method}
	if r.Method == "" {
		r.Method = "GET"
	}
	var live []string
	for _, v := range n.vars {
		if !v.disabled {
			live = append(live, v.name)
		}
	}
	if len(live) > 0 {
		k.c.Note(where, "the request variables %s were written into the request where it uses them (sigscope has no request variables)", strings.Join(live, ", "))
	}
	base, q := kitSplitQuery(sub(n.url))
	for _, p := range n.pathParams {
		if !p.disabled && p.value != "" {
			base = strings.ReplaceAll(base, "/:"+p.name, "/"+sub(p.value))
		}
	}
	r.URL = k.fixURL(r, where, k.tpl(base, where))
	if n.query != nil {
		q = nil
		for _, p := range n.query {
			if p.disabled {
				k.c.Unmapped(r, where, "the query parameter %s was disabled in Bruno", p.name)
				continue
			}
			q = append(q, KV{Key: sub(p.name), Value: sub(p.value)})
		}
	}
	r.Query = k.pmQueryKV(where, q)
	for _, h := range n.headers {
		if h.disabled {
			k.c.Unmapped(r, where, "the header %s was disabled in Bruno", h.name)
			continue
		}
		k.addHeader(r, where, h.name, sub(h.value))
	}
	k.bruBody(r, where, n, sub)
	for _, s := range n.scripts {
		k.script(r, where, s[0], s[1])
	}
	for _, u := range n.unmapped {
		k.c.Unmapped(r, where, "%s", u)
	}
	switch {
	case n.auth != nil:
		plan := k.bruAuthPlan(n.auth, where, sub(n.url))
		plan.apply(r, !reflect.DeepEqual(plan, inherited))
	case inherited != nil:
		inherited.apply(r, false)
	}
	return r
}

func (k *kitConv) bruBody(r *Request, where string, n *bruNode, sub func(string) string) {
	switch n.bodyMode {
	case "", "none":
	case "json":
		k.rawBody(r, where, sub(n.bodyText), "application/json")
	case "text":
		k.rawBody(r, where, sub(n.bodyText), "")
	case "xml":
		k.rawBody(r, where, sub(n.bodyText), "application/xml")
	case "sparql":
		k.rawBody(r, where, sub(n.bodyText), "application/sparql-query")
	case "graphql":
		k.graphQLBody(r, where, sub(n.bodyText), sub(n.gqlVars))
	case "formUrlEncoded":
		var form []KV
		for _, p := range n.bodyForm {
			if p.disabled {
				k.c.Unmapped(r, where, "the form field %s was disabled in Bruno", p.name)
				continue
			}
			form = append(form, KV{Key: k.tpl(sub(p.name), where), Value: k.tpl(sub(p.value), where)})
		}
		r.Body = &Body{Kind: BodyForm, Form: form}
	case "multipartForm":
		var names []string
		for _, p := range n.bodyForm {
			names = append(names, p.name)
		}
		k.c.Unmapped(r, where, "a multipart form body (fields %s): sigscope sends json, text, form or file bodies; rebuild it as one of those", strings.Join(names, ", "))
	case "file":
		f := n.bodyFile
		if i := strings.Index(f, "@file("); i >= 0 {
			f = f[i+len("@file("):]
			if j := strings.IndexByte(f, ')'); j >= 0 {
				f = f[:j]
			}
		}
		if strings.TrimSpace(f) == "" {
			k.c.Unmapped(r, where, "a file body without a file")
			return
		}
		r.Body = &Body{Kind: BodyFile, File: k.tpl(f, where)}
		k.c.Note(where, "the body is the file %s, as the collection names it: the path is read relative to the imported collection file", f)
	default:
		k.c.Unmapped(r, where, "a body of mode %q", n.bodyMode)
	}
}

// bruAuthPlan maps a Bruno auth.
func (k *kitConv) bruAuthPlan(a *bruAuth, where, rawURL string) *authPlan {
	p := a.p
	switch a.mode {
	case "none":
		return &authPlan{auth: &Auth{Mode: "none"}}
	case "awsv4":
		return &authPlan{auth: k.awsAuth(where, kitAWSKeys{Access: p["accessKeyId"], Secret: p["secretAccessKey"],
			Session: p["sessionToken"], Region: p["region"], Service: p["service"], Profile: p["profileName"]}, rawURL, "us-east-1")}
	case "bearer":
		return &authPlan{auth: &Auth{Mode: "none"}, headers: []KV{{Key: "Authorization", Value: "Bearer " + k.secretTemplate(where, "bearer token", p["token"])}}}
	case "apikey":
		return k.apiKeyPlan(where, p["key"], p["value"], p["placement"] == "queryparams" || p["placement"] == "query")
	}
	k.c.Note(where, "Bruno auth %q has no sigscope equivalent: the requests using it send no auth (sigscope signs SigV4, sends Cognito tokens or API keys); add the header it needs by hand", a.mode)
	return &authPlan{auth: &Auth{Mode: "none"}}
}
