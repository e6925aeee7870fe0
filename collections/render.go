package collections

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// Rendering of new YAML fragments for edits. The edit code writes only the
// text it changes; these functions produce that text, in the layout people
// write by hand (two-space indents, block mappings, short auth blocks in
// flow style).

var plainSafe = lazyre.New(`^[\p{L}\p{N}_./~][\p{L}\p{N} _./~+=@()$%^;!*'-]*$`)

// strNode makes a string scalar. prefer is the style of the value it
// replaces, kept when it can hold the new text.
func strNode(s string, prefer yaml.Style) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	oneLine := !strings.ContainsAny(s, "\n\r\t") && isPrintable(s)
	switch {
	case prefer&yaml.SingleQuotedStyle != 0 && oneLine:
		n.Style = yaml.SingleQuotedStyle
	case prefer&yaml.DoubleQuotedStyle != 0:
		n.Style = yaml.DoubleQuotedStyle
	case isPlainSafe(s):
		n.Style = 0
	default:
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfeff {
			return false
		}
	}
	return true
}

// isPlainSafe reports whether s can be written without quotes in both
// block and flow context and still reads back as the same string.
func isPlainSafe(s string) bool {
	if !plainSafe.MatchString(s) || strings.HasSuffix(s, " ") || strings.Contains(s, "  ") {
		return false
	}
	if yaml11Bools[s] {
		// Strings to YAML 1.2, booleans to YAML 1.1 readers: quote them.
		return false
	}
	probe := &yaml.Node{Kind: yaml.ScalarNode, Value: s}
	return probe.ShortTag() == "!!str"
}

var yaml11Bools = map[string]bool{}

func init() {
	for _, w := range []string{"y", "yes", "n", "no", "on", "off"} {
		yaml11Bools[w] = true
		yaml11Bools[strings.ToUpper(w)] = true
		yaml11Bools[strings.ToUpper(w[:1])+w[1:]] = true
	}
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(b)}
}

func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(i)}
}

func mapNode(flow bool, kv ...*yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func seqNode(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// scalarText writes a scalar in its node's style. Literal and folded
// styles are written double-quoted: exact, and valid in any context.
func scalarText(n *yaml.Node) string {
	switch n.Tag {
	case "!!bool", "!!int", "!!float", "!!null":
		if n.Style == 0 {
			return n.Value
		}
	}
	switch {
	case n.Style&yaml.SingleQuotedStyle != 0:
		return "'" + strings.ReplaceAll(n.Value, "'", "''") + "'"
	case n.Style == 0 && isPlainSafe(n.Value):
		return n.Value
	}
	var b bytes.Buffer
	writeJSONString(&b, n.Value) // a JSON string is a valid YAML double-quoted scalar
	return b.String()
}

// renderFlow writes a node on one line: {k: v}, [a, b], scalars.
func renderFlow(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		parts := make([]string, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, renderFlow(n.Content[i])+": "+renderFlow(n.Content[i+1]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case yaml.SequenceNode:
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			parts[i] = renderFlow(c)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return scalarText(n)
}

// inline reports whether a value is written on its key's line.
func inline(n *yaml.Node) bool {
	n = deref(n)
	return n.Kind == yaml.ScalarNode || n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0
}

// renderBlock writes a block collection, every line indented by indent
// spaces, without a final newline.
func renderBlock(n *yaml.Node, indent int) string {
	pad := strings.Repeat(" ", indent)
	n = deref(n)
	var lines []string
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			lines = append(lines, pad+renderEntry(n.Content[i], n.Content[i+1], indent))
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			it = deref(it)
			if inline(it) {
				lines = append(lines, pad+"- "+renderFlow(it))
				continue
			}
			body := renderBlock(it, indent+2)
			lines = append(lines, pad+"- "+body[indent+2:])
		}
	default:
		lines = append(lines, pad+scalarText(n))
	}
	return strings.Join(lines, "\n")
}

// renderEntry writes `key: value` for a block mapping whose keys sit at
// indent; the key line itself is not indented.
func renderEntry(k, v *yaml.Node, indent int) string {
	head := renderFlow(k) + ":"
	if inline(v) {
		return head + " " + renderFlow(v)
	}
	return head + "\n" + renderBlock(v, indent+2)
}

// encodeDoc writes a whole document with yaml.v3: the fallback when an
// edit cannot be made as a local text change.
func encodeDoc(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// jsonToNode converts a JSON document to YAML nodes, keeping object key
// order and numbers exactly as written.
func jsonToNode(raw json.RawMessage) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := jsonValue(dec)
	if err != nil {
		return nil, fmt.Errorf("body json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("body json: unexpected data after the JSON value")
	}
	return n, nil
}

func jsonValue(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := mapNode(false)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := jsonValue(dec)
				if err != nil {
					return nil, err
				}
				m.Content = append(m.Content, strNode(k, 0), v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if len(m.Content) == 0 {
				m.Style = yaml.FlowStyle
			}
			return m, nil
		case '[':
			s := seqNode()
			for dec.More() {
				v, err := jsonValue(dec)
				if err != nil {
					return nil, err
				}
				s.Content = append(s.Content, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			s.Style = yaml.FlowStyle
			for _, c := range s.Content {
				if c.Kind != yaml.ScalarNode {
					s.Style = 0
				}
			}
			return s, nil
		}
	case string:
		return strNode(t, 0), nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(string(t), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(t)}, nil
	case bool:
		return boolNode(t), nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// copyTree deep-copies a node tree, re-pointing aliases at the copies,
// and returns the copy with a map from each original node to its copy.
func copyTree(n *yaml.Node) (*yaml.Node, map[*yaml.Node]*yaml.Node) {
	m := map[*yaml.Node]*yaml.Node{}
	var cp func(*yaml.Node) *yaml.Node
	cp = func(o *yaml.Node) *yaml.Node {
		if o == nil {
			return nil
		}
		if c, ok := m[o]; ok {
			return c
		}
		c := *o
		m[o] = &c
		c.Content = make([]*yaml.Node, len(o.Content))
		for i, ch := range o.Content {
			c.Content[i] = cp(ch)
		}
		return &c
	}
	root := cp(n)
	for _, c := range m {
		if c.Kind == yaml.AliasNode && c.Alias != nil {
			if t, ok := m[c.Alias]; ok {
				c.Alias = t
			}
		}
	}
	return root, m
}

// sameTree compares two trees by content: kinds, resolved tags, values,
// anchors and order. Comments, styles and positions are ignored.
func sameTree(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		if a.Value != b.Value || a.ShortTag() != b.ShortTag() {
			return false
		}
	case yaml.AliasNode:
		if a.Value != b.Value {
			return false
		}
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
