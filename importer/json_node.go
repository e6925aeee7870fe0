package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// A JSON document read straight into a yaml.Node tree, in one pass over
// the bytes: yaml.v3's parser took most of an OpenAPI import's time on a
// JSON export, and encoding/json's token reader most of a body's. What the
// reader does not take (invalid JSON, invalid UTF-8, nesting deeper than
// maxJSONDepth) returns errJSONShape, and the caller reads the document
// the slower way, which then names the problem as before.

var errJSONShape = errors.New("not JSON the fast reader takes")

const maxJSONDepth = 200

// jsonTree reads JSON into nodes; str makes a node a string's, and flow
// says whether collections are marked flow style (as yaml.v3 marks the
// JSON it parses) or only empty ones (as the collection file writes them).
// Nodes come from slabs, not one allocation each: an OpenAPI document has
// hundreds of thousands. A slab is twice the last one, up to maxNodeSlab,
// so that a small body does not hold a large slab.
type jsonTree struct {
	data     []byte
	i        int
	str      func(*yaml.Node, string)
	flow     bool
	slab     []yaml.Node
	slabSize int
	// keys, when set, gives every key of the same text one node: a parsed
	// document that is only read (OpenAPI's) repeats a few hundred keys
	// over and over. A tree that is written is marked node by node with
	// its place in the text, and keeps a node per key.
	keys map[string]*yaml.Node
}

const maxNodeSlab = 256

// node is a fresh node of the tree.
func (p *jsonTree) node() *yaml.Node {
	if len(p.slab) == 0 {
		p.slabSize = min(max(2*p.slabSize, 4), maxNodeSlab)
		p.slab = make([]yaml.Node, p.slabSize)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

func (p *jsonTree) strNode(s string) *yaml.Node {
	n := p.node()
	p.str(n, s)
	return n
}

func readJSONTree(data []byte, str func(*yaml.Node, string), flow bool) (*yaml.Node, error) {
	return (&jsonTree{data: data, str: str, flow: flow}).read()
}

// readJSONTreeShared reads a document that is only read, never written:
// its collections marked flow style, as yaml.v3 marks the JSON it parses,
// and its keys of the same text sharing a node.
func readJSONTreeShared(data []byte, str func(*yaml.Node, string)) (*yaml.Node, error) {
	return (&jsonTree{data: data, str: str, flow: true, keys: map[string]*yaml.Node{}}).read()
}

func (p *jsonTree) read() (*yaml.Node, error) {
	if !utf8.Valid(p.data) {
		return nil, errJSONShape
	}
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if p.space(); p.i != len(p.data) {
		return nil, errJSONShape
	}
	return n, nil
}

func (p *jsonTree) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonTree) value(depth int) (*yaml.Node, error) {
	if depth > maxJSONDepth || p.i >= len(p.data) {
		return nil, errJSONShape
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		return p.strNode(s), nil
	case c == 't':
		return p.word("true", "!!bool")
	case c == 'f':
		return p.word("false", "!!bool")
	case c == 'n':
		return p.word("null", "!!null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, errJSONShape
}

func (p *jsonTree) word(w, tag string) (*yaml.Node, error) {
	if len(p.data)-p.i < len(w) || string(p.data[p.i:p.i+len(w)]) != w {
		return nil, errJSONShape
	}
	p.i += len(w)
	n := p.node()
	n.Kind, n.Tag, n.Value = yaml.ScalarNode, tag, w
	return n, nil
}

// number takes a JSON number as written, tagged as YAML reads it back.
func (p *jsonTree) number() (*yaml.Node, error) {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.data[p.i] == '-' {
		p.i++
	}
	intStart := p.i
	if digits() == 0 || p.data[intStart] == '0' && p.i-intStart > 1 {
		return nil, errJSONShape
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, errJSONShape
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, errJSONShape
		}
	}
	v := string(p.data[start:p.i])
	n := p.node()
	n.Kind, n.Tag, n.Value = yaml.ScalarNode, numberTag(v), v
	return n, nil
}

// key reads a key's string into its node.
func (p *jsonTree) key() (*yaml.Node, error) {
	if p.keys != nil {
		// A key met before is looked up by its bytes, without making its
		// string again.
		if end, escaped, ok := jsonStringEnd(p.data, p.i); ok && !escaped && !hasControl(p.data[p.i+1:end-1]) {
			if n, ok := p.keys[string(p.data[p.i+1:end-1])]; ok {
				p.i = end
				return n, nil
			}
		}
	}
	k, err := p.string()
	if err != nil {
		return nil, err
	}
	if p.keys == nil {
		return p.strNode(k), nil
	}
	if n, ok := p.keys[k]; ok {
		return n, nil
	}
	n := p.strNode(k)
	p.keys[k] = n
	return n, nil
}

// hasControl reports whether b holds a control character, which a JSON
// string may hold only escaped.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// string reads a JSON string; one with escapes is decoded by
// encoding/json.
func (p *jsonTree) string() (string, error) {
	start := p.i
	p.i++
	escaped := false
	for p.i < len(p.data) {
		switch c := p.data[p.i]; {
		case c == '"':
			p.i++
			if !escaped {
				return string(p.data[start+1 : p.i-1]), nil
			}
			var s string
			if json.Unmarshal(p.data[start:p.i], &s) != nil {
				return "", errJSONShape
			}
			return s, nil
		case c == '\\':
			escaped = true
			p.i += 2
		case c < 0x20:
			return "", errJSONShape
		default:
			p.i++
		}
	}
	return "", errJSONShape
}

func (p *jsonTree) object(depth int) (*yaml.Node, error) {
	m := p.node()
	m.Kind, m.Tag = yaml.MappingNode, "!!map"
	p.i++
	p.space()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		m.Style = yaml.FlowStyle
		return m, nil
	}
	for {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, errJSONShape
		}
		kn, err := p.key()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, errJSONShape
		}
		p.i++
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m.Content = append(m.Content, kn, v)
		if done, err := p.after('}', m); err != nil {
			return nil, err
		} else if done {
			return m, nil
		}
	}
}

// after reads what follows a member of collection n: a comma, or the
// closing byte (then done, and n flow style when the reader marks all).
func (p *jsonTree) after(closing byte, n *yaml.Node) (bool, error) {
	p.space()
	switch {
	case p.i >= len(p.data):
		return false, errJSONShape
	case p.data[p.i] == closing:
		p.i++
		if p.flow {
			n.Style = yaml.FlowStyle
		}
		return true, nil
	case p.data[p.i] != ',':
		return false, errJSONShape
	}
	p.i++
	p.space()
	return false, nil
}

func (p *jsonTree) array(depth int) (*yaml.Node, error) {
	s := p.node()
	s.Kind, s.Tag = yaml.SequenceNode, "!!seq"
	p.i++
	p.space()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		s.Style = yaml.FlowStyle
		return s, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		s.Content = append(s.Content, v)
		if done, err := p.after(']', s); err != nil {
			return nil, err
		} else if done {
			return s, nil
		}
	}
}

// quotedStr makes n a string node as yaml.v3 parses a JSON string.
func quotedStr(n *yaml.Node, s string) {
	n.Kind, n.Tag, n.Style, n.Value = yaml.ScalarNode, "!!str", yaml.DoubleQuotedStyle, s
}

// parseOpenAPI reads an OpenAPI document: a JSON one (as API Gateway
// exports it) by the fast reader, anything else by yaml.v3.
func parseOpenAPI(data []byte) (*yaml.Node, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		if root, err := readJSONTreeShared(data, quotedStr); err == nil {
			return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}, nil
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return &doc, nil
}
