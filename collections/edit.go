package collections

import (
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// The edit methods change the collection in memory, keeping the file's
// comments, order and layout; Save writes the result. An edit that would
// leave the collection invalid (a duplicate name, a bad URL...) returns the
// problems and changes nothing.

// SetHeader sets a request's own header to one value, replacing every
// value it had (the name is matched without case; the spelling in the
// file is kept).
func (c *Collection) SetHeader(requestPath, name, value string) error {
	op := fmt.Sprintf("set header %s on %q", name, requestPath)
	if !isToken(name) {
		return fmt.Errorf("%s: bad header name: use letters, digits and !#$%%&'*+-.^_`|~ only", op)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("%s: a header value cannot contain a line break or NUL", op)
	}
	r, _, err := c.find(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := c.newEditor()
	rm := r.node
	hi := mapIndex(rm, "headers")
	switch {
	case hi < 0:
		e.appendEntry(rm, "headers", mapNode(false, strNode(name, 0), strNode(value, 0)))
	case deref(rm.Content[hi+1]).Kind != yaml.MappingNode:
		e.replaceValue(rm, hi, mapNode(false, strNode(name, 0), strNode(value, 0)))
	default:
		hm := deref(rm.Content[hi+1])
		if ki := headerIndex(hm, name); ki >= 0 {
			e.replaceValue(hm, ki, strNode(value, deref(hm.Content[ki+1]).Style))
		} else {
			e.appendEntry(hm, name, strNode(value, 0))
		}
	}
	return e.commit(op)
}

// DeleteHeader removes a header the request itself sets. Headers that come
// from defaults are not the request's to delete: set them to null on the
// request instead (see docs/collections.md).
func (c *Collection) DeleteHeader(requestPath, name string) error {
	op := fmt.Sprintf("delete header %s from %q", name, requestPath)
	r, _, err := c.find(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	rm := r.node
	hi := mapIndex(rm, "headers")
	var hm *yaml.Node
	ki := -1
	if hi >= 0 {
		hm = deref(rm.Content[hi+1])
		if hm.Kind == yaml.MappingNode {
			ki = headerIndex(hm, name)
		}
	}
	if ki < 0 {
		return fmt.Errorf("%s: the request sets no header %q itself (it may come from defaults; write %s: null on the request to drop it)", op, name, name)
	}
	e := c.newEditor()
	if len(hm.Content) == 2 {
		e.deleteEntry(rm, hi) // the last header: drop the empty headers: too
	} else {
		e.deleteEntry(hm, ki)
	}
	return e.commit(op)
}

func headerIndex(hm *yaml.Node, name string) int {
	for i := 0; i+1 < len(hm.Content); i += 2 {
		if strings.EqualFold(deref(hm.Content[i]).Value, name) {
			return i
		}
	}
	return -1
}

// SetAuthMode sets the request's own auth mode (iam, id_token,
// access_token, api_key or none): the one-key switch between SigV4 and a
// user-pool token.
func (c *Collection) SetAuthMode(requestPath string, mode AuthMode) error {
	op := fmt.Sprintf("set auth mode of %q", requestPath)
	if !contains(authModes, string(mode)) {
		return fmt.Errorf("%s: bad auth mode %q%s (modes: %s)", op, mode, didYouMean(string(mode), authModes), strings.Join(authModes, ", "))
	}
	r, _, err := c.find(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := c.newEditor()
	rm := r.node
	ai := mapIndex(rm, "auth")
	switch {
	case ai < 0:
		e.appendEntry(rm, "auth", mapNode(true, strNode("mode", 0), strNode(string(mode), 0)))
	case deref(rm.Content[ai+1]).Kind != yaml.MappingNode:
		e.replaceValue(rm, ai, mapNode(true, strNode("mode", 0), strNode(string(mode), 0)))
	default:
		am := deref(rm.Content[ai+1])
		if mi := mapIndex(am, "mode"); mi >= 0 {
			e.replaceValue(am, mi, strNode(string(mode), deref(am.Content[mi+1]).Style))
		} else {
			e.appendEntry(am, "mode", strNode(string(mode), 0))
		}
	}
	return e.commit(op)
}

// AddRequest appends a request to a folder ("" for the top level; nested
// folders as "outer/inner").
func (c *Collection) AddRequest(folderPath string, r Request) error {
	op := fmt.Sprintf("add request %q", r.Name)
	if strings.TrimSpace(r.Name) == "" {
		return fmt.Errorf("add request: the name is empty")
	}
	fm, err := c.folderNode(folderPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	rn, err := requestNode(r)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return c.appendItem(op, fm, rn)
}

// appendItem adds a request or folder node at the end of a folder's (or
// the top level's) requests list, creating the list when there is none.
func (c *Collection) appendItem(op string, fm, item *yaml.Node) error {
	e := c.newEditor()
	ri := mapIndex(fm, "requests")
	switch {
	case ri < 0:
		e.appendEntry(fm, "requests", seqNode(item))
	case deref(fm.Content[ri+1]).Kind != yaml.SequenceNode:
		e.replaceValue(fm, ri, seqNode(item))
	default:
		e.appendItem(deref(fm.Content[ri+1]), item)
	}
	return e.commit(op)
}

func (c *Collection) folderNode(folderPath string) (*yaml.Node, error) {
	if folderPath == "" {
		return c.root, nil
	}
	items := c.items
	var f *folder
	for _, part := range splitPath(folderPath) {
		f = nil
		for _, it := range items {
			if it.folder != nil && it.folder.name == part {
				f = it.folder
				break
			}
		}
		if f == nil {
			return nil, fmt.Errorf("no folder %q in collection %q", folderPath, c.Name)
		}
		items = f.items
	}
	return f.node, nil
}

// RenameRequest gives a request a new name; it must stay unique in its
// folder.
func (c *Collection) RenameRequest(requestPath, newName string) error {
	op := fmt.Sprintf("rename %q", requestPath)
	if strings.TrimSpace(newName) == "" {
		return fmt.Errorf("%s: the new name is empty", op)
	}
	return c.setField(op, requestPath, "name", newName)
}

// SetURL replaces a request's URL (templates allowed).
func (c *Collection) SetURL(requestPath, url string) error {
	return c.setField(fmt.Sprintf("set URL of %q", requestPath), requestPath, "url", url)
}

func (c *Collection) setField(op, requestPath, field, value string) error {
	r, _, err := c.find(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := c.newEditor()
	if i := mapIndex(r.node, field); i >= 0 {
		e.replaceValue(r.node, i, strNode(value, deref(r.node.Content[i+1]).Style))
	} else {
		e.appendEntry(r.node, field, strNode(value, 0))
	}
	return e.commit(op)
}

// SetBody replaces a request's body; nil removes it.
func (c *Collection) SetBody(requestPath string, b *BodySpec) error {
	op := fmt.Sprintf("set body of %q", requestPath)
	r, _, err := c.find(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	bi := mapIndex(r.node, "body")
	e := c.newEditor()
	if b == nil {
		if bi < 0 {
			return nil
		}
		e.deleteEntry(r.node, bi)
		return e.commit(op)
	}
	bn, err := bodyNode(b)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if bi >= 0 {
		e.replaceValue(r.node, bi, bn)
	} else {
		e.appendEntry(r.node, "body", bn)
	}
	return e.commit(op)
}

func bodyNode(b *BodySpec) (*yaml.Node, error) {
	var v *yaml.Node
	switch b.Kind {
	case BodyJSON:
		if !json.Valid(b.JSON) {
			return nil, fmt.Errorf("body json is not valid JSON")
		}
		n, err := jsonToNode(b.JSON)
		if err != nil {
			return nil, err
		}
		v = n
	case BodyText:
		v = strNode(b.Text, 0)
	case BodyForm:
		v = kvNode(b.Form)
	case BodyFile:
		if strings.TrimSpace(b.File) == "" {
			return nil, fmt.Errorf("body file: the path is empty")
		}
		v = strNode(b.File, 0)
	default:
		return nil, fmt.Errorf("bad body kind %q (kinds: %s)", b.Kind, strings.Join(bodyKinds, ", "))
	}
	return mapNode(false, strNode(string(b.Kind), 0), v), nil
}

// kvNode writes ordered pairs as a mapping; a repeated key becomes a list
// at the place of its first occurrence.
func kvNode(kvs []KV) *yaml.Node {
	m := mapNode(false)
	where := map[string]int{}
	for _, kv := range kvs {
		if i, ok := where[kv.Key]; ok {
			v := m.Content[i+1]
			if v.Kind != yaml.SequenceNode {
				v = seqNode(v)
				v.Style = yaml.FlowStyle
				m.Content[i+1] = v
			}
			v.Content = append(v.Content, strNode(kv.Value, 0))
			continue
		}
		where[kv.Key] = len(m.Content)
		m.Content = append(m.Content, strNode(kv.Key, 0), strNode(kv.Value, 0))
	}
	if len(m.Content) == 0 {
		m.Style = yaml.FlowStyle
	}
	return m
}

func requestNode(r Request) (*yaml.Node, error) {
	method := r.Method
	if method == "" {
		method = "GET"
	}
	n := mapNode(false,
		strNode("name", 0), strNode(r.Name, 0),
		strNode("method", 0), strNode(method, 0),
		strNode("url", 0), strNode(r.URL, 0))
	if r.Description != "" {
		n.Content = append(n.Content[:2:2], append([]*yaml.Node{strNode("description", 0), strNode(r.Description, 0)}, n.Content[2:]...)...)
	}
	if len(r.Query) > 0 {
		n.Content = append(n.Content, strNode("query", 0), kvNode(r.Query))
	}
	if len(r.Headers) > 0 || len(r.RemoveHeaders) > 0 {
		n.Content = append(n.Content, strNode("headers", 0), pairsNode(r.RemoveHeaders, groupPairs(r.Headers), false))
	}
	if r.Body != nil {
		b, err := bodyNode(r.Body)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, strNode("body", 0), b)
	}
	if a := r.Auth; a != nil {
		am := mapNode(true)
		str := func(k, v string) {
			if v != "" {
				am.Content = append(am.Content, strNode(k, 0), strNode(v, 0))
			}
		}
		boolean := func(k string, v *bool) {
			if v != nil {
				am.Content = append(am.Content, strNode(k, 0), boolNode(*v))
			}
		}
		str("mode", string(a.Mode))
		str("profile", a.Profile)
		str("service", a.Service)
		str("region", a.Region)
		boolean("presign", a.Presign)
		if a.Expires != 0 {
			am.Content = append(am.Content, strNode("expires", 0), intNode(a.Expires))
		}
		boolean("s3", a.S3)
		boolean("unsigned_payload", a.UnsignedPayload)
		boolean("bearer", a.Bearer)
		str("api_key", a.APIKey)
		boolean("cookies", a.Cookies)
		str("algorithm", a.Algorithm)
		if len(a.RegionSet) > 0 {
			set := seqNode()
			set.Style = yaml.FlowStyle
			for _, r := range a.RegionSet {
				set.Content = append(set.Content, strNode(r, 0))
			}
			am.Content = append(am.Content, strNode("region_set", 0), set)
		}
		if len(am.Content) > 0 {
			n.Content = append(n.Content, strNode("auth", 0), am)
		}
	}
	return n, nil
}

// Bytes returns the collection's current text, edits included.
func (c *Collection) Bytes() []byte {
	return append([]byte(nil), c.src.data...)
}
