package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/collections"
)

// YAML writes the collection as a collection file (two-space indents,
// comments above what they explain, auth blocks on one line) and checks it
// by loading it with collections.LoadBytes: an error means the import could
// not make a valid collection, and names what is wrong. Names are made
// unique first (see UniqueNames).
func (c *Collection) YAML() ([]byte, error) {
	c.UniqueNames()
	root, err := c.node()
	if err != nil {
		return nil, err
	}
	c.scrubRoot(root)
	// The writer marks each node with its place in the text, so the loader
	// checks the tree without parsing the text again; yaml.v3's text is
	// parsed.
	load := func(data []byte) (*collections.Collection, error) {
		return collections.LoadParsed("imported.yaml", data, &yaml.Node{Kind: yaml.DocumentNode, Line: 1, Column: 1, Content: []*yaml.Node{root}})
	}
	data, err := writeYAML(root)
	if errors.Is(err, errUnwritable) {
		data, err = encode(root)
		load = func(data []byte) (*collections.Collection, error) {
			return collections.LoadBytes("imported.yaml", data)
		}
	}
	if err != nil {
		return nil, err
	}
	if _, err := load(data); err != nil {
		return data, fmt.Errorf("the imported collection does not validate: %w", err)
	}
	return data, nil
}

func encode(root *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("write YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write YAML: %w", err)
	}
	return b.Bytes(), nil
}

// UniqueNames makes request names unique within each folder and folder
// names unique within their parent, by a suffix (" (2)", " (3)"...), and
// reports each rename. Empty names become "request N" or "folder N".
func (c *Collection) UniqueNames() {
	c.uniqueIn(c.Items, "")
}

func (c *Collection) uniqueIn(items []Item, where string) {
	reqs, folders := map[string]bool{}, map[string]bool{}
	for i, it := range items {
		switch {
		case it.Request != nil:
			r := it.Request
			if strings.TrimSpace(r.Name) == "" {
				r.Name = fmt.Sprintf("request %d", i+1)
			}
			if n := uniqueName(r.Name, reqs); n != r.Name {
				c.Note(where+"request "+r.Name, "renamed %q: another request of the folder has that name", n)
				r.Name = n
			}
			reqs[r.Name] = true
		case it.Folder != nil:
			f := it.Folder
			if strings.TrimSpace(f.Name) == "" {
				f.Name = fmt.Sprintf("folder %d", i+1)
			}
			if n := uniqueName(f.Name, folders); n != f.Name {
				c.Note(where+"folder "+f.Name, "renamed %q: another folder of the same parent has that name", n)
				f.Name = n
			}
			folders[f.Name] = true
			c.uniqueIn(f.Items, where+f.Name+"/")
		}
	}
}

func uniqueName(name string, taken map[string]bool) string {
	if !taken[name] {
		return name
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s (%d)", name, i)
		if !taken[n] {
			return n
		}
	}
}

// node builds the YAML mapping of the whole collection.
func (c *Collection) node() (*yaml.Node, error) {
	m := yMapping(false)
	if len(c.Comments) > 0 {
		m.HeadComment = yComment(c.Comments)
	}
	name := c.Name
	if strings.TrimSpace(name) == "" {
		name = "Imported"
	}
	yAdd(m, "name", yStr(name))
	if c.Description != "" {
		yAdd(m, "description", yStr(c.Description))
	}
	if len(c.Variables) > 0 {
		s := ySeq(true)
		for _, v := range c.Variables {
			s.Content = append(s.Content, yStr(v))
		}
		yAdd(m, "variables", s)
	}
	if c.DefaultEnvironment != "" {
		yAdd(m, "default_environment", yStr(c.DefaultEnvironment))
	}
	if len(c.Environments) > 0 {
		envs := yMapping(false)
		for _, e := range c.Environments {
			vars := yPairs(e.Vars)
			if len(e.Vars) == 0 {
				vars.Style = yaml.FlowStyle
			}
			k := yAdd(envs, e.Name, vars)
			k.HeadComment = yComment(yLines(e.Comment))
		}
		yAdd(m, "environments", envs)
	}
	if len(c.Profiles) > 0 {
		ps := yMapping(false)
		for _, p := range c.Profiles {
			pm := yMapping(false)
			yAdd(pm, "type", yStr(p.Type))
			for _, f := range p.Fields {
				yAdd(pm, f.Key, yStr(f.Value)).LineComment = yLineComment(f.Comment)
			}
			yAdd(ps, p.Name, pm).HeadComment = yComment(yLines(p.Comment))
		}
		yAdd(m, "auth", ps)
	}
	if d := defaultsNode(c.Defaults); d != nil {
		yAdd(m, "defaults", d)
	}
	items, err := itemsNode(c.Items)
	if err != nil {
		return nil, err
	}
	yAdd(m, "requests", items)
	return m, nil
}

func itemsNode(items []Item) (*yaml.Node, error) {
	s := ySeq(false)
	for _, it := range items {
		var n *yaml.Node
		var err error
		switch {
		case it.Request != nil:
			n, err = requestNode(it.Request)
		case it.Folder != nil:
			n, err = folderNode(it.Folder)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		s.Content = append(s.Content, n)
	}
	if len(s.Content) == 0 {
		s.Style = yaml.FlowStyle
	}
	return s, nil
}

func folderNode(f *Folder) (*yaml.Node, error) {
	m := yMapping(false)
	m.HeadComment = yComment(f.Comments)
	yAdd(m, "folder", yStr(f.Name))
	if f.Description != "" {
		yAdd(m, "description", yStr(f.Description))
	}
	if d := defaultsNode(f.Defaults); d != nil {
		yAdd(m, "defaults", d)
	}
	items, err := itemsNode(f.Items)
	if err != nil {
		return nil, fmt.Errorf("folder %q: %w", f.Name, err)
	}
	yAdd(m, "requests", items)
	return m, nil
}

func requestNode(r *Request) (*yaml.Node, error) {
	m := yMapping(false)
	m.HeadComment = yComment(r.Comments)
	yAdd(m, "name", yStr(r.Name))
	if r.Description != "" {
		yAdd(m, "description", yStr(r.Description))
	}
	method := r.Method
	if method == "" {
		method = "GET"
	}
	yAdd(m, "method", yStr(method))
	yAdd(m, "url", yStr(r.URL))
	if len(r.Query) > 0 {
		yAdd(m, "query", yPairs(r.Query))
	}
	if len(r.Headers) > 0 {
		yAdd(m, "headers", yPairs(r.Headers))
	}
	if r.Body != nil {
		b, err := bodyNode(r.Body)
		if err != nil {
			return nil, fmt.Errorf("request %q: %w", r.Name, err)
		}
		yAdd(m, "body", b)
	}
	if a := authNode(r.Auth); a != nil {
		yAdd(m, "auth", a)
	}
	return m, nil
}

func defaultsNode(d *Defaults) *yaml.Node {
	if d == nil {
		return nil
	}
	m := yMapping(false)
	if a := authNode(d.Auth); a != nil {
		yAdd(m, "auth", a)
	}
	if len(d.Headers) > 0 {
		yAdd(m, "headers", yPairs(d.Headers))
	}
	if len(m.Content) == 0 {
		return nil
	}
	return m
}

func authNode(a *Auth) *yaml.Node {
	if a == nil {
		return nil
	}
	m := yMapping(true)
	set := func(k, v string) {
		if v != "" {
			yAdd(m, k, yStr(v))
		}
	}
	flag := func(k string, v bool) {
		if v {
			yAdd(m, k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		}
	}
	set("mode", a.Mode)
	set("profile", a.Profile)
	set("service", a.Service)
	set("region", a.Region)
	flag("presign", a.Presign)
	flag("s3", a.S3)
	flag("unsigned_payload", a.UnsignedPayload)
	flag("bearer", a.Bearer)
	set("api_key", a.APIKey)
	if len(m.Content) == 0 {
		return nil
	}
	return m
}

func bodyNode(b *Body) (*yaml.Node, error) {
	var v *yaml.Node
	switch b.Kind {
	case BodyJSON:
		n, err := JSONNode(b.JSON)
		if err != nil {
			return nil, fmt.Errorf("body json: %w", err)
		}
		v = n
	case BodyText:
		v = yStr(b.Text)
		if strings.Contains(b.Text, "\n") && isPrintableText(b.Text) {
			v.Style = yaml.LiteralStyle
		}
	case BodyForm:
		v = yPairs(b.Form)
		if len(b.Form) == 0 {
			v.Style = yaml.FlowStyle
		}
	case BodyFile:
		v = yStr(b.File)
	default:
		return nil, fmt.Errorf("bad body kind %q (json, text, form or file)", b.Kind)
	}
	return yMapping(false, yStr(b.Kind), v), nil
}

// isPrintableText reports whether a literal block can hold s exactly:
// no control characters but newlines, no trailing spaces on a line, no
// carriage returns.
func isPrintableText(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\n') || r == 0x7f || r == 0xfeff {
			return false
		}
	}
	return !strings.Contains(s, " \n") && !strings.HasPrefix(s, " ") && !strings.HasPrefix(s, "\n")
}

// JSONNode turns a JSON document into a YAML node with the same key order;
// numbers stay as written. Strings are taken as templates, as the
// collection format reads them: escape literal "{{" with Literal first
// (LiteralJSON does it for a whole document).
func JSONNode(raw json.RawMessage) (*yaml.Node, error) {
	if n, err := readJSONTree(raw, yStrInto, false); err == nil {
		return n, nil
	}
	// What the fast reader does not take, encoding/json reads and names.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := jsonValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return n, nil
}

func jsonValue(dec *json.Decoder, depth int) (*yaml.Node, error) {
	if depth > 200 {
		return nil, fmt.Errorf("JSON nested too deep")
	}
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			m := yMapping(false)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				yAdd(m, kt.(string), val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if len(m.Content) == 0 {
				m.Style = yaml.FlowStyle
			}
			return m, nil
		case '[':
			s := ySeq(false)
			for dec.More() {
				val, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				s.Content = append(s.Content, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if len(s.Content) == 0 {
				s.Style = yaml.FlowStyle
			}
			return s, nil
		}
	case string:
		return yStr(v), nil
	case json.Number:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: numberTag(string(v)), Value: string(v)}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(v)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", t)
}

// numberTag picks the tag YAML will read a JSON number back with, so the
// encoder writes it plain.
func numberTag(s string) string {
	probe := &yaml.Node{Kind: yaml.ScalarNode, Value: s}
	if t := probe.ShortTag(); t == "!!int" || t == "!!float" {
		return t
	}
	return "!!str"
}

// LiteralJSON escapes "{{" in every string of a JSON document (keys
// included), for a body taken from a source that has no templates.
func LiteralJSON(raw json.RawMessage) json.RawMessage {
	if !bytes.Contains(raw, []byte("{{")) {
		return raw
	}
	return json.RawMessage(bytes.ReplaceAll(raw, []byte("{{"), []byte("{{{{")))
}

func yMapping(flow bool, kv ...*yaml.Node) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
	if flow {
		m.Style = yaml.FlowStyle
	}
	return m
}

func ySeq(flow bool) *yaml.Node {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if flow {
		s.Style = yaml.FlowStyle
	}
	return s
}

// str is a string scalar; the encoder quotes it when plain text would read
// back as something else ("yes", "10", "{{x}}").
func yStr(s string) *yaml.Node {
	n := &yaml.Node{}
	yStrInto(n, s)
	return n
}

// yStrInto makes n the string scalar yStr makes.
func yStrInto(n *yaml.Node, s string) {
	n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", s
	switch {
	case strings.ContainsAny(s, "\t\r") || strings.HasSuffix(s, " ") || strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n"):
		// yaml.v3 writes a leading line break as a literal block that
		// reads back without it.
		n.Style = yaml.DoubleQuotedStyle
	case yaml11Bool(s):
		// A string to YAML 1.2 readers, a boolean to YAML 1.1 ones.
		n.Style = yaml.DoubleQuotedStyle
	}
}

func yaml11Bool(s string) bool {
	if len(s) > 3 {
		return false
	}
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "on", "off":
		return true
	}
	return false
}

// add appends key: value to a mapping and returns the key node (for
// comments).
func yAdd(m *yaml.Node, key string, v *yaml.Node) *yaml.Node {
	k := yStr(key)
	m.Content = append(m.Content, k, v)
	return k
}

// pairs writes ordered pairs as a mapping; a repeated key becomes a list
// at the place of its first occurrence. A pair's comment goes at the end
// of its line.
func yPairs(kvs []KV) *yaml.Node {
	m := yMapping(false)
	at := map[string]int{}
	for _, kv := range kvs {
		if i, ok := at[kv.Key]; ok {
			v := m.Content[i+1]
			if v.Kind != yaml.SequenceNode {
				s := ySeq(true)
				s.Content = []*yaml.Node{v}
				m.Content[i+1] = s
				v = s
			}
			v.Content = append(v.Content, yStr(kv.Value))
			continue
		}
		at[kv.Key] = len(m.Content)
		yAdd(m, kv.Key, yStr(kv.Value)).LineComment = yLineComment(kv.Comment)
	}
	return m
}

func yLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// yLineComment is a comment at the end of a line: its lines joined by
// spaces, since yaml.v3 writes the lines of a longer one inside the value
// that follows (a literal block then reads back with them).
func yLineComment(s string) string {
	if s == "" {
		return ""
	}
	return yComment([]string{strings.Join(strings.Fields(s), " ")})
}

// comment joins lines into a YAML comment, each line prefixed by "# " and
// every character a YAML reader refuses raw replaced by a space: a comment
// cannot escape them, and one of them makes the whole file unreadable.
func yComment(ls []string) string {
	if len(ls) == 0 {
		return ""
	}
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		for _, part := range strings.Split(l, "\n") {
			part = strings.Map(func(r rune) rune {
				if !commentSafe(r) {
					return ' '
				}
				return r
			}, part)
			out = append(out, "# "+strings.TrimRight(part, " "))
		}
	}
	return strings.Join(out, "\n")
}

// commentSafe reports whether r may stand raw in a comment: YAML's
// printable characters (C0 and C1 controls, DEL, the byte order mark,
// surrogates and U+FFFE/U+FFFF are not; a broken UTF-8 byte decodes as
// U+FFFD, which is), less tab and NEL, which read as space and line break.
func commentSafe(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7e:
		return true
	case r == 0xfeff:
		return false
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}
