package importer

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// operation makes the request of one operation.
func (o *oas) operation(path, method string, op, shared *yaml.Node) *Request {
	name := text(get(op, "summary"))
	if name == "" {
		name = text(get(op, "operationId"))
	}
	if name == "" || len(name) > 80 {
		name = PathName(method, path, false)
	}
	r := &Request{Name: strings.ReplaceAll(name, "\n", " "), Method: method, URL: "{{base_url}}" + oasTemplate(path)}
	if id := text(get(op, "operationId")); id != "" && id != name {
		r.Description = "operationId: " + id
	}
	// Operation parameters override the path item's, by name and place.
	type key struct{ name, in string }
	var order []key
	params := map[key]*yaml.Node{}
	for _, list := range []*yaml.Node{shared, get(op, "parameters")} {
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, p := range list.Content {
			p = o.deref(p)
			k := key{text(get(p, "name")), text(get(p, "in"))}
			if _, ok := params[k]; !ok {
				order = append(order, k)
			}
			params[k] = p
		}
	}
	var optional []string
	for _, k := range order {
		p := params[k]
		val, has := o.example(p)
		required := text(get(p, "required")) == "true"
		switch k.in {
		case "path":
			if has {
				o.params[strings.TrimSuffix(k.name, "+")] = val
			}
		case "query":
			switch {
			case has:
				r.Query = append(r.Query, KV{Key: Literal(k.name), Value: Literal(val)})
			case required:
				r.Query = append(r.Query, KV{Key: Literal(k.name), Value: "{{" + varName(k.name) + "}}"})
			default:
				optional = append(optional, k.name)
			}
		case "header":
			if strings.EqualFold(k.name, "Authorization") || strings.EqualFold(k.name, "x-api-key") {
				continue // set by the auth block
			}
			switch {
			case has:
				r.Headers = append(r.Headers, KV{Key: k.name, Value: o.c.HeaderValue("request "+r.Name, k.name, val, false)})
			case required:
				v := "{{" + varName(k.name) + "}}"
				if SensitiveHeader(k.name) {
					v = o.c.SecretRef("request "+r.Name, k.name)
				}
				r.Headers = append(r.Headers, KV{Key: k.name, Value: v})
			default:
				optional = append(optional, k.name+" (header)")
			}
		case "body":
			r.Body = o.body(get(p, "schema"), nil, "application/json", r)
		case "formData":
			v := val
			if !has {
				v = "{{" + varName(k.name) + "}}"
			}
			if r.Body == nil {
				r.Body = &Body{Kind: BodyForm}
			}
			if r.Body.Kind == BodyForm {
				r.Body.Form = append(r.Body.Form, KV{Key: Literal(k.name), Value: v})
			}
		case "cookie":
			o.c.Unmapped(r, "", "cookie parameter %s (cookies come from the cookie jar)", k.name)
		}
	}
	if len(optional) > 0 {
		r.Comments = append(r.Comments, "optional parameters, not set: "+strings.Join(optional, ", "))
	}
	if rb := o.deref(get(op, "requestBody")); rb != nil {
		content := get(rb, "content")
		ct, media := pickMedia(content)
		if media != nil {
			r.Body = o.body(get(media, "schema"), media, ct, r)
			if ct != "" && ct != "application/json" && r.Body != nil && r.Body.Kind != BodyForm {
				r.Headers = append(r.Headers, KV{Key: "Content-Type", Value: ct})
			}
		}
	}
	if o.v2 && r.Body != nil {
		if c := get(op, "consumes"); c != nil && c.Kind == yaml.SequenceNode && len(c.Content) > 0 && c.Content[0].Value != "application/json" && r.Body.Kind == BodyJSON {
			r.Headers = append(r.Headers, KV{Key: "Content-Type", Value: c.Content[0].Value})
		}
	}
	o.security(r, op)
	return r
}

// varName makes a template variable name from a parameter name.
func varName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	n := b.String()
	if n == "" || n[0] >= '0' && n[0] <= '9' || n[0] == '-' {
		n = "p_" + n
	}
	return n
}

// pickMedia prefers JSON, then a form, then the first type.
func pickMedia(content *yaml.Node) (string, *yaml.Node) {
	if content == nil || content.Kind != yaml.MappingNode || len(content.Content) == 0 {
		return "", nil
	}
	for _, want := range []string{"application/json", "application/x-www-form-urlencoded"} {
		if m := get(content, want); m != nil {
			return want, m
		}
	}
	for i := 0; i+1 < len(content.Content); i += 2 {
		if strings.Contains(content.Content[i].Value, "json") {
			return content.Content[i].Value, content.Content[i+1]
		}
	}
	return content.Content[0].Value, content.Content[1]
}

// example is a parameter's example or default, as text.
func (o *oas) example(p *yaml.Node) (string, bool) {
	for _, n := range []*yaml.Node{get(p, "example"), get(p, "schema", "example"), get(p, "default"), get(p, "schema", "default"), get(p, "x-example")} {
		if n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
			return n.Value, true
		}
	}
	if ex := get(p, "examples"); ex != nil && ex.Kind == yaml.MappingNode && len(ex.Content) > 1 {
		if v := get(o.deref(ex.Content[1]), "value"); v != nil && v.Kind == yaml.ScalarNode {
			return v.Value, true
		}
	}
	if en := get(p, "schema", "enum"); en != nil && en.Kind == yaml.SequenceNode && len(en.Content) > 0 {
		return en.Content[0].Value, true
	}
	return "", false
}

// body makes a request body from the media type's example, else the
// schema's, else a skeleton of the schema.
func (o *oas) body(schema, media *yaml.Node, ct string, r *Request) *Body {
	var ex *yaml.Node
	if media != nil {
		ex = get(media, "example")
		if exs := get(media, "examples"); ex == nil && exs != nil && exs.Kind == yaml.MappingNode && len(exs.Content) > 1 {
			ex = get(o.deref(exs.Content[1]), "value")
		}
	}
	schema = o.deref(schema)
	if ex == nil && schema != nil {
		ex = get(schema, "example")
	}
	if strings.Contains(ct, "x-www-form-urlencoded") {
		var form []KV
		eachPair(get(schema, "properties"), func(k string, v *yaml.Node) {
			val, ok := o.example(map1("schema", o.deref(v)))
			if !ok {
				val = "{{" + varName(k) + "}}"
			} else {
				val = Literal(val)
			}
			form = append(form, KV{Key: Literal(k), Value: val})
		})
		return &Body{Kind: BodyForm, Form: form}
	}
	var v any
	if ex != nil {
		v = nodeValue(ex, 0)
	} else if schema != nil {
		v = o.skeleton(schema, 0)
		if v == nil {
			return nil
		}
		r.Comments = append(r.Comments, "the body is a skeleton made from the schema: fill in the values")
	} else {
		return nil
	}
	if s, ok := v.(string); ok && !strings.Contains(ct, "json") {
		return &Body{Kind: BodyText, Text: Literal(s)}
	}
	raw, err := marshalOrdered(v)
	if err != nil {
		return nil
	}
	return &Body{Kind: BodyJSON, JSON: LiteralJSON(raw)}
}

func map1(k string, v *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: k}, v}}
}

// orderedMap keeps the key order of a YAML mapping for JSON.
type orderedMap struct {
	keys []string
	vals map[string]any
}

func (m orderedMap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalOrdered(m.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalOrdered(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// nodeValue converts an example node to a JSON-ready value, key order kept.
func nodeValue(n *yaml.Node, depth int) any {
	if n == nil || depth > 64 {
		return nil
	}
	switch n.Kind {
	case yaml.AliasNode:
		return nodeValue(n.Alias, depth+1)
	case yaml.MappingNode:
		m := orderedMap{vals: map[string]any{}}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := m.vals[k]; !dup {
				m.keys = append(m.keys, k)
			}
			m.vals[k] = nodeValue(n.Content[i+1], depth+1)
		}
		return m
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, nodeValue(c, depth+1))
		}
		return out
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			if _, err := strconv.ParseFloat(n.Value, 64); err == nil && json.Valid([]byte(n.Value)) {
				return json.Number(n.Value)
			}
		case "!!bool":
			return n.Value == "true"
		case "!!null":
			return nil
		}
		return n.Value
	}
	return nil
}

// skeleton builds a value of a schema's shape: examples and defaults where
// given, else an empty value of the type.
func (o *oas) skeleton(s *yaml.Node, depth int) any {
	s = o.deref(s)
	if s == nil || depth > 6 {
		return nil
	}
	for _, k := range []string{"example", "default"} {
		if ex := get(s, k); ex != nil {
			return nodeValue(ex, 0)
		}
	}
	if all := get(s, "allOf"); all != nil && all.Kind == yaml.SequenceNode {
		m := orderedMap{vals: map[string]any{}}
		for _, part := range all.Content {
			if pm, ok := o.skeleton(part, depth+1).(orderedMap); ok {
				for _, k := range pm.keys {
					m.keys = append(m.keys, k)
					m.vals[k] = pm.vals[k]
				}
			}
		}
		return m
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alt := get(s, k); alt != nil && alt.Kind == yaml.SequenceNode && len(alt.Content) > 0 {
			return o.skeleton(alt.Content[0], depth+1)
		}
	}
	if en := get(s, "enum"); en != nil && en.Kind == yaml.SequenceNode && len(en.Content) > 0 {
		return nodeValue(en.Content[0], 0)
	}
	switch text(get(s, "type")) {
	case "object", "":
		props := get(s, "properties")
		if props == nil {
			if text(get(s, "type")) == "" {
				return nil
			}
			return orderedMap{vals: map[string]any{}}
		}
		m := orderedMap{vals: map[string]any{}}
		eachPair(props, func(k string, v *yaml.Node) {
			m.keys = append(m.keys, k)
			m.vals[k] = o.skeleton(v, depth+1)
		})
		return m
	case "array":
		if it := o.skeleton(get(s, "items"), depth+1); it != nil {
			return []any{it}
		}
		return []any{}
	case "integer", "number":
		return json.Number("0")
	case "boolean":
		return false
	}
	return ""
}

// paramVars gives every environment the path parameters' examples, so
// that {{petId}} resolves; parameters without one are reported.
func (o *oas) paramVars() {
	var missing []string
	seen := map[string]bool{}
	walkItems(o.c.Items, func(*Folder) {}, func(r *Request) {
		for _, m := range oasVarUse.FindAllStringSubmatch(r.URL, -1) {
			n := m[1]
			if n == "base_url" || seen[n] {
				continue
			}
			seen[n] = true
			if _, ok := o.params[n]; !ok {
				missing = append(missing, n)
			}
		}
	})
	names := make([]string, 0, len(o.params))
	for n := range o.params {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(o.c.Environments) == 0 && len(names) > 0 {
		o.c.Environment("default")
		o.c.DefaultEnvironment = "default"
	}
	for i := range o.c.Environments {
		for _, n := range names {
			o.c.Environments[i].Set(n, Literal(o.params[n]))
		}
	}
	if len(missing) > 0 {
		o.c.Note("path parameters", "no example for %s: pass them with --var NAME=VALUE or add them to an environment", strings.Join(missing, ", "))
	}
}

var oasVarUse = lazyre.New(`\{\{([A-Za-z_][A-Za-z0-9_-]*)\}\}`)
