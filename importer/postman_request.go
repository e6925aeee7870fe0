package importer

import (
	"bytes"
	"encoding/json"
	"strings"
)

// pmURL reads a Postman URL: a string (v2.0 allows it) or an object whose
// raw form is used when present, else rebuilt from protocol, host, port
// and path. Path variables (:id) take the value the export gives them;
// the query comes from the list (which keeps disabled entries) when there
// is one.
func (k *kitConv) pmURL(r *Request, where string, raw json.RawMessage) (string, []KV) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		base, q := kitSplitQuery(pmText(raw))
		return k.tpl(base, where), k.pmQueryKV(where, q)
	}
	var u pmURLObject
	if !pmFastURL(raw, &u) {
		u = pmURLObject{}
		if err := json.Unmarshal(raw, &u); err != nil {
			k.c.Unmapped(r, where, "the URL could not be read (%v)", err)
			return "", nil
		}
	}
	base, rawQuery := kitSplitQuery(strings.TrimSpace(u.Raw))
	if base == "" {
		base = pmBuildURL(u.Protocol, pmList(u.Host, "."), u.Port, pmList(u.Path, "/"))
	}
	base = k.pmPathVars(r, where, base, u.Variable)
	var query []KV
	if u.Query != nil {
		for _, q := range u.Query {
			if q.Key == nil {
				continue
			}
			if q.Disabled {
				k.c.Unmapped(r, where, "the query parameter %s was disabled in %s", *q.Key, k.tool)
				continue
			}
			// The list holds the text Postman sends: decoded as AWS reads it
			// (%20 a space, a raw + a plus), for sigscope to encode again.
			query = append(query, KV{Key: queryUnescape(*q.Key), Value: queryUnescape(pmText(q.Value))})
		}
	} else {
		query = rawQuery
	}
	return k.tpl(base, where), k.pmQueryKV(where, query)
}

func (k *kitConv) pmQueryKV(where string, q []KV) []KV {
	var out []KV
	for _, kv := range q {
		if strings.TrimSpace(kv.Key) == "" {
			continue
		}
		out = append(out, KV{Key: k.tpl(kv.Key, where), Value: k.tpl(kv.Value, where)})
	}
	return out
}

// pmList reads a host or path that is a string or a list of parts.
func pmList(raw json.RawMessage, sep string) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var fast []string
	if jsonElements(raw, func(el []byte) bool {
		p, ok := jsonPlainString(el)
		fast = append(fast, p)
		return ok
	}) {
		return strings.Join(fast, sep)
	}
	var parts []string
	if json.Unmarshal(raw, &parts) == nil {
		return strings.Join(parts, sep)
	}
	return pmText(raw)
}

func pmBuildURL(proto, host, port, path string) string {
	if host == "" {
		return ""
	}
	u := strings.TrimSuffix(host, "/")
	if proto != "" {
		u = proto + "://" + u
	}
	if port != "" {
		u += ":" + port
	}
	if path != "" {
		u += "/" + strings.TrimPrefix(path, "/")
	}
	return u
}

// pmPathVars replaces each :name segment by the value the export gives
// it, or by the variable {{name}} when it gives none.
func (k *kitConv) pmPathVars(r *Request, where, u string, vars []pmVar) string {
	if len(vars) == 0 || !strings.Contains(u, "/:") {
		return u
	}
	segs := strings.Split(u, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, ":") {
			continue
		}
		name := s[1:]
		for _, v := range vars {
			if v.Key != name {
				continue
			}
			if val := pmText(v.Value); val != "" {
				segs[i] = val
			} else {
				segs[i] = "{{" + kitVarName(name) + "}}"
				k.noteOnce("pv"+name, where, "the path variable :%s has no value in the export: it became {{%s}}; define it in an environment", name, kitVarName(name))
			}
		}
	}
	return strings.Join(segs, "/")
}

type pmBody struct {
	Mode       string `json:"mode"`
	Raw        string `json:"raw"`
	URLEncoded []struct {
		Key      string          `json:"key"`
		Value    json.RawMessage `json:"value"`
		Disabled bool            `json:"disabled"`
	} `json:"urlencoded"`
	FormData []struct {
		Key  string `json:"key"`
		Type string `json:"type"`
	} `json:"formdata"`
	File *struct {
		Src json.RawMessage `json:"src"`
	} `json:"file"`
	GraphQL *struct {
		Query     string          `json:"query"`
		Variables json.RawMessage `json:"variables"`
	} `json:"graphql"`
	Options struct {
		Raw struct {
			Language string `json:"language"`
		} `json:"raw"`
	} `json:"options"`
	Disabled bool `json:"disabled"`
}

// rawContentType is the Content-Type Postman sends for a raw body of each
// language when the request sets none.
var rawContentType = map[string]string{
	"json": "application/json", "xml": "application/xml", "html": "text/html", "javascript": "application/javascript",
}

func (k *kitConv) pmBody(r *Request, where string, b *pmBody) {
	if b == nil || b.Disabled {
		return
	}
	switch b.Mode {
	case "", "none":
	case "raw":
		k.rawBody(r, where, b.Raw, rawContentType[b.Options.Raw.Language])
	case "urlencoded":
		var form []KV
		for _, f := range b.URLEncoded {
			if f.Disabled {
				k.c.Unmapped(r, where, "the form field %s was disabled in %s", f.Key, k.tool)
				continue
			}
			form = append(form, KV{Key: k.tpl(f.Key, where), Value: k.tpl(pmText(f.Value), where)})
		}
		r.Body = &Body{Kind: BodyForm, Form: form}
	case "formdata":
		var names []string
		for _, f := range b.FormData {
			names = append(names, f.Key)
		}
		k.c.Unmapped(r, where, "a multipart form body (fields %s): sigscope sends json, text, form or file bodies; rebuild it as one of those", strings.Join(names, ", "))
	case "file":
		src := ""
		if b.File != nil {
			src = pmText(b.File.Src)
		}
		if src == "" {
			k.c.Unmapped(r, where, "a file body without a file")
			return
		}
		r.Body = &Body{Kind: BodyFile, File: k.tpl(src, where)}
		k.c.Note(where, "the body is the file %s, as the export names it: the path is read relative to the collection file", src)
	case "graphql":
		if b.GraphQL == nil {
			return
		}
		k.graphQLBody(r, where, b.GraphQL.Query, pmText(b.GraphQL.Variables))
	default:
		k.c.Unmapped(r, where, "a body of mode %q", b.Mode)
	}
}

// rawBody sets a raw body: JSON when it is a JSON document (strings may
// hold templates), else text; contentType is sent when the request sets
// none and the body kind would not imply it.
func (k *kitConv) rawBody(r *Request, where, raw, contentType string) {
	if strings.TrimSpace(raw) == "" {
		return
	}
	text := k.tpl(raw, where)
	jsonLike := contentType == "application/json" || strings.Contains(strings.ToLower(kitHeader(r, "Content-Type")), "json")
	if jsonLike && json.Valid([]byte(text)) {
		r.Body = &Body{Kind: BodyJSON, JSON: json.RawMessage(text)}
		return
	}
	if jsonLike {
		k.c.Note(where, "the JSON body is not valid JSON as written (a variable outside quotes?): it is sent as text, as written")
	}
	r.Body = &Body{Kind: BodyText, Text: text}
	if contentType != "" && kitHeader(r, "Content-Type") == "" {
		r.Headers = append(r.Headers, KV{Key: "Content-Type", Value: contentType})
	}
}

// graphQLBody sends a GraphQL query as Postman, Insomnia and Bruno do: a
// JSON document {"query": ..., "variables": ...}.
func (k *kitConv) graphQLBody(r *Request, where, query, vars string) {
	q, _ := json.Marshal(k.tpl(query, where))
	v := strings.TrimSpace(k.tpl(vars, where))
	if v == "" {
		v = "{}"
	}
	if !json.Valid([]byte(v)) {
		k.c.Unmapped(r, where, "the GraphQL variables are not valid JSON: sent as {}")
		v = "{}"
	}
	r.Body = &Body{Kind: BodyJSON, JSON: json.RawMessage(`{"query":` + string(q) + `,"variables":` + v + `}`)}
}

// kitHeader returns the value of a request's header, or "".
func kitHeader(r *Request, name string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Key, name) {
			return h.Value
		}
	}
	return ""
}
