package importer

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The collection's node tree is written by a writer of its own rather than
// yaml.v3's encoder: the encoder queues every event of the document in one
// growing slice, which took most of an import's time and memory at 20,000
// requests. The writer knows the shapes the importer builds (block and
// flow mappings and sequences, plain, quoted and literal scalars, head and
// line comments) and lays them out as yaml.v3 does with two-space indents;
// its quoting follows yaml.v3's rules (yaml_emitter_analyze_scalar and
// yaml_emitter_select_scalar_style), so a string that would read back as
// anything else is quoted. A shape outside that set (an alias, a key too
// long for a simple key, invalid UTF-8...) returns errUnwritable, and the
// caller falls back to yaml.v3's encoder.

var errUnwritable = errors.New("a node the YAML writer does not lay out")

// maxSimpleKey is yaml.v3's limit for a key written as "key:" rather than
// as an explicit "? key".
const maxSimpleKey = 128

type yamlWriter struct {
	b         bytes.Buffer
	line      int // the line being written, from 1
	lineStart int // its offset in b
}

// nl ends a line.
func (w *yamlWriter) nl() {
	w.b.WriteByte('\n')
	w.line++
	w.lineStart = w.b.Len()
}

// mark gives n the position the writer stands at, as yaml.v3's parser
// would, so that the collection loader can validate the tree itself and
// name the same lines as it would reading the text.
func (w *yamlWriter) mark(n *yaml.Node) {
	n.Line, n.Column = w.line, w.b.Len()-w.lineStart+1
}

// writeYAML writes root as a YAML document.
func writeYAML(root *yaml.Node) ([]byte, error) {
	w := &yamlWriter{line: 1}
	w.b.Grow(4096)
	if root.Kind != yaml.MappingNode || root.Style&yaml.FlowStyle != 0 || len(root.Content) == 0 {
		return nil, errUnwritable
	}
	if err := w.headComment(root.HeadComment, 0); err != nil {
		return nil, err
	}
	if err := w.blockMapping(root, 0, false); err != nil {
		return nil, err
	}
	return w.b.Bytes(), nil
}

func (w *yamlWriter) indent(n int) {
	for ; n > 0; n-- {
		w.b.WriteByte(' ')
	}
}

// headComment writes each line of a comment at the indent, on lines of
// its own.
func (w *yamlWriter) headComment(c string, indent int) error {
	if c == "" {
		return nil
	}
	for line := range strings.SplitSeq(c, "\n") {
		if !strings.HasPrefix(line, "#") {
			return errUnwritable
		}
		w.indent(indent)
		w.b.WriteString(line)
		w.nl()
	}
	return nil
}

func (w *yamlWriter) lineComment(c string) error {
	if c == "" {
		return nil
	}
	if !strings.HasPrefix(c, "#") || strings.ContainsAny(c, "\n\r") {
		return errUnwritable
	}
	w.b.WriteByte(' ')
	w.b.WriteString(c)
	return nil
}

// flat reports whether n is written on the line of its key or dash: a
// scalar, a flow collection, or an empty one (yaml.v3 writes those as {}
// and []).
func flat(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode || n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0
}

// blockMapping writes the pairs of m at indent; inline says the first key
// goes where the writer stands (after a sequence's "- ").
func (w *yamlWriter) blockMapping(m *yaml.Node, indent int, inline bool) error {
	if len(m.Content)%2 != 0 {
		return errUnwritable
	}
	for i := 0; i < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if i == 0 && inline {
			w.mark(m)
		}
		if k.Kind != yaml.ScalarNode || k.FootComment != "" || v.FootComment != "" || v.HeadComment != "" && v.Kind == yaml.ScalarNode {
			return errUnwritable
		}
		if inline && i == 0 {
			if k.HeadComment != "" {
				return errUnwritable
			}
		} else {
			if err := w.headComment(k.HeadComment, indent); err != nil {
				return err
			}
			w.indent(indent)
			if i == 0 {
				w.mark(m)
			}
		}
		if err := w.scalar(k, true, false, indent); err != nil {
			return err
		}
		w.b.WriteByte(':')
		if err := w.value(k, v, indent); err != nil {
			return err
		}
	}
	return nil
}

// value writes what follows "key:" and ends the line.
func (w *yamlWriter) value(k, v *yaml.Node, indent int) error {
	comment := k.LineComment
	if v.LineComment != "" {
		if comment != "" || v.Kind != yaml.ScalarNode {
			return errUnwritable
		}
		comment = v.LineComment
	}
	if comment != "" && v.Kind != yaml.ScalarNode && flat(v) {
		// yaml.v3 moves the comment of a key before a flow collection to
		// the next key that opens a block: left to it.
		return errUnwritable
	}
	if flat(v) {
		if comment != "" && v.Kind == yaml.ScalarNode && strings.Contains(v.Value, "\n") {
			return errUnwritable // a block scalar's lines would come after the comment
		}
		w.b.WriteByte(' ')
		if err := w.flowOrScalar(v, false, indent+2); err != nil {
			return err
		}
		if err := w.lineComment(comment); err != nil {
			return err
		}
		w.nl()
		return nil
	}
	if err := w.lineComment(comment); err != nil {
		return err
	}
	w.nl()
	if v.HeadComment != "" {
		return errUnwritable
	}
	switch v.Kind {
	case yaml.MappingNode:
		return w.blockMapping(v, indent+2, false)
	case yaml.SequenceNode:
		return w.blockSequence(v, indent+2, false)
	}
	return errUnwritable
}

// blockSequence writes the items of s, each "- " at indent.
func (w *yamlWriter) blockSequence(s *yaml.Node, indent int, inline bool) error {
	for i, it := range s.Content {
		if it.FootComment != "" || it.LineComment != "" && !flat(it) {
			return errUnwritable
		}
		if inline && i == 0 {
			if it.HeadComment != "" {
				return errUnwritable
			}
		} else {
			if err := w.headComment(it.HeadComment, indent); err != nil {
				return err
			}
			w.indent(indent)
		}
		if i == 0 {
			w.mark(s)
		}
		w.b.WriteString("- ")
		if flat(it) {
			if it.LineComment != "" && it.Kind == yaml.ScalarNode && strings.Contains(it.Value, "\n") {
				return errUnwritable
			}
			if err := w.flowOrScalar(it, false, indent+2); err != nil {
				return err
			}
			if err := w.lineComment(it.LineComment); err != nil {
				return err
			}
			w.nl()
			continue
		}
		var err error
		switch it.Kind {
		case yaml.MappingNode:
			err = w.blockMapping(it, indent+2, true)
		case yaml.SequenceNode:
			err = w.blockSequence(it, indent+2, true)
		default:
			err = errUnwritable
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// flowOrScalar writes a scalar, or a collection in flow style ({a: 1},
// [x, y], {} and []). inFlow says a flow collection holds it.
func (w *yamlWriter) flowOrScalar(n *yaml.Node, inFlow bool, indent int) error {
	if n.Kind == yaml.ScalarNode {
		return w.scalar(n, false, inFlow, indent)
	}
	w.mark(n)
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" || n.Anchor != "" {
		return errUnwritable
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content)%2 != 0 {
			return errUnwritable
		}
		w.b.WriteByte('{')
		for i := 0; i < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.HeadComment != "" || k.LineComment != "" || k.FootComment != "" {
				return errUnwritable
			}
			if i > 0 {
				w.b.WriteString(", ")
			}
			if err := w.scalar(k, true, true, indent); err != nil {
				return err
			}
			w.b.WriteString(": ")
			if err := w.flowOrScalar(v, true, indent); err != nil {
				return err
			}
		}
		w.b.WriteByte('}')
	case yaml.SequenceNode:
		w.b.WriteByte('[')
		for i, it := range n.Content {
			if i > 0 {
				w.b.WriteString(", ")
			}
			if err := w.flowOrScalar(it, true, indent); err != nil {
				return err
			}
		}
		w.b.WriteByte(']')
	default:
		return errUnwritable
	}
	return nil
}

// scalar writes a scalar as yaml.v3 would: plain when that reads back as
// the same value of the same type, else single-quoted, else double-quoted;
// a multi-line string (not a key) as a literal block whose lines are
// indented to indent.
func (w *yamlWriter) scalar(n *yaml.Node, key, inFlow bool, indent int) error {
	v := n.Value
	// yaml.v3 escapes what follows a byte order mark its own way
	// ("\uFEFF\x30"): such a string is left to it.
	if n.Anchor != "" || n.Alias != nil || n.FootComment != "" || !utf8.ValidString(v) || strings.ContainsRune(v, '\ufeff') || n.Style&(yaml.TaggedStyle|yaml.FoldedStyle) != 0 {
		return errUnwritable
	}
	w.mark(n)
	a := analyzeScalar(v)
	if key && (a.multiline || len(v) > maxSimpleKey) {
		return errUnwritable
	}
	tag := n.Tag
	quoted := n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle) != 0
	force := false
	switch tag {
	case "!!str":
		if !quoted && plainTag(v) != "!!str" {
			force = true
		}
	case "!!int", "!!float", "!!bool", "!!null":
		if quoted || plainTag(v) != tag {
			return errUnwritable // yaml.v3 would tag it
		}
	default:
		return errUnwritable
	}
	style := yaml.Style(0) // plain
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		style = yaml.DoubleQuotedStyle
	case n.Style&yaml.SingleQuotedStyle != 0:
		style = yaml.SingleQuotedStyle
	case n.Style&yaml.LiteralStyle != 0 || strings.Contains(v, "\n"):
		style = yaml.LiteralStyle
	case force:
		style = yaml.DoubleQuotedStyle
	}
	if key && a.multiline {
		style = yaml.DoubleQuotedStyle
	}
	if style == 0 {
		if inFlow && !a.flowPlain || !inFlow && !a.blockPlain || v == "" && (inFlow || key) {
			style = yaml.SingleQuotedStyle
		}
	}
	if style == yaml.SingleQuotedStyle && !a.singleQuoted {
		style = yaml.DoubleQuotedStyle
	}
	if style == yaml.LiteralStyle && (!a.block || inFlow || key) {
		style = yaml.DoubleQuotedStyle
	}
	switch style {
	case 0:
		w.b.WriteString(v)
	case yaml.SingleQuotedStyle:
		if a.multiline {
			return errUnwritable // line folding inside quotes: leave it to yaml.v3
		}
		w.b.WriteByte('\'')
		for {
			i := strings.IndexByte(v, '\'')
			if i < 0 {
				break
			}
			w.b.WriteString(v[:i+1])
			w.b.WriteByte('\'')
			v = v[i+1:]
		}
		w.b.WriteString(v)
		w.b.WriteByte('\'')
	case yaml.DoubleQuotedStyle:
		w.doubleQuoted(v)
	case yaml.LiteralStyle:
		return w.literal(v, n.LineComment, indent)
	}
	return nil
}

// literal writes a "|" block: the chomping indicator says whether the
// text ends in a line break ("|") or not ("|-").
func (w *yamlWriter) literal(v, comment string, indent int) error {
	if strings.ContainsAny(v, "\r\u0085\u2028\u2029") {
		return errUnwritable
	}
	if strings.HasPrefix(v, " ") || strings.HasPrefix(v, "\n") {
		return errUnwritable // the indentation indicator is relative to the parent's indent: leave it to yaml.v3
	}
	w.b.WriteByte('|')
	switch {
	case !strings.HasSuffix(v, "\n"):
		w.b.WriteByte('-')
	case v == "\n" || strings.HasSuffix(v, "\n\n"):
		return errUnwritable // "+" keeps trailing breaks and leaves the document open-ended
	}
	if comment != "" {
		return errUnwritable
	}
	// The line break ends the indicator's line; each line of text follows
	// at the indent, an empty line written empty.
	for line := range strings.SplitSeq(strings.TrimSuffix(v, "\n"), "\n") {
		w.nl()
		if line != "" {
			w.indent(indent)
			w.b.WriteString(line)
		}
	}
	// The caller ends the value's line.
	return nil
}

// doubleQuoted writes v in double quotes with yaml.v3's escapes: what is
// not printable, line breaks, the BOM, '"' and '\'.
func (w *yamlWriter) doubleQuoted(v string) {
	const hex = "0123456789ABCDEF"
	w.b.WriteByte('"')
	for _, r := range v {
		if printable(r) && !isBreak(r) && r != '"' && r != '\\' {
			w.b.WriteRune(r)
			continue
		}
		w.b.WriteByte('\\')
		switch r {
		case 0x00:
			w.b.WriteByte('0')
		case 0x07:
			w.b.WriteByte('a')
		case 0x08:
			w.b.WriteByte('b')
		case 0x09:
			w.b.WriteByte('t')
		case 0x0A:
			w.b.WriteByte('n')
		case 0x0B:
			w.b.WriteByte('v')
		case 0x0C:
			w.b.WriteByte('f')
		case 0x0D:
			w.b.WriteByte('r')
		case 0x1B:
			w.b.WriteByte('e')
		case '"':
			w.b.WriteByte('"')
		case '\\':
			w.b.WriteByte('\\')
		case 0x85:
			w.b.WriteByte('N')
		case 0xA0:
			w.b.WriteByte('_')
		case 0x2028:
			w.b.WriteByte('L')
		case 0x2029:
			w.b.WriteByte('P')
		default:
			digits := 8
			switch {
			case r <= 0xFF:
				w.b.WriteByte('x')
				digits = 2
			case r <= 0xFFFF:
				w.b.WriteByte('u')
				digits = 4
			default:
				w.b.WriteByte('U')
			}
			for s := (digits - 1) * 4; s >= 0; s -= 4 {
				w.b.WriteByte(hex[(r>>uint(s))&0xF])
			}
		}
	}
	w.b.WriteByte('"')
}

// printable is yaml.v3's is_printable on a rune: a line feed, printable
// ASCII, and the BMP but surrogates, U+FFFE and U+FFFF (yaml.v3 escapes
// runes beyond the BMP too), the BOM left out.
func printable(r rune) bool {
	return r == 0x0A || r >= 0x20 && r <= 0x7E || r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF
}

func isBreak(r rune) bool {
	return r == '\r' || r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029
}

// plainTag is the tag yaml.v3 reads a plain scalar with. yaml.v3 looks
// at a value only when its first byte may start something else than a
// string (a sign, a digit, a dot, or a letter of true, null, yes, on...):
// the others are strings without asking it, which would allocate a node
// for every string of the document.
func plainTag(v string) string {
	if v != "" && !strings.ContainsRune("+-.0123456789yYnNtTfFoO~", rune(v[0])) {
		return "!!str"
	}
	return (&yaml.Node{Kind: yaml.ScalarNode, Value: v}).ShortTag()
}

// scalarShape is what yaml_emitter_analyze_scalar learns of a value.
type scalarShape struct {
	multiline, flowPlain, blockPlain, singleQuoted, block bool
}

func analyzeScalar(v string) scalarShape {
	if v == "" {
		return scalarShape{blockPlain: true, singleQuoted: true}
	}
	var blockInd, flowInd, lineBreaks, special, tabs bool
	var leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak bool
	var prevSpace, prevBreak bool
	if strings.HasPrefix(v, "---") || strings.HasPrefix(v, "...") {
		blockInd, flowInd = true, true
	}
	precededByWS := true
	for i, r := range v {
		w := utf8.RuneLen(r)
		followedByWS := i+w >= len(v) || v[i+w] == ' ' || v[i+w] == '\t'
		if i == 0 {
			switch r {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				flowInd, blockInd = true, true
			case '?', ':':
				flowInd = true
				if followedByWS {
					blockInd = true
				}
			case '-':
				if followedByWS {
					flowInd, blockInd = true, true
				}
			}
		} else {
			switch r {
			case ',', '?', '[', ']', '{', '}':
				flowInd = true
			case ':':
				flowInd = true
				if followedByWS {
					blockInd = true
				}
			case '#':
				if precededByWS {
					flowInd, blockInd = true, true
				}
			}
		}
		if r == '\t' {
			tabs = true
		} else if !printable(r) {
			special = true
		}
		switch {
		case r == ' ':
			if i == 0 {
				leadingSpace = true
			}
			if i+w == len(v) {
				trailingSpace = true
			}
			if prevBreak {
				breakSpace = true
			}
			prevSpace, prevBreak = true, false
		case isBreak(r):
			lineBreaks = true
			if i == 0 {
				leadingBreak = true
			}
			if i+w == len(v) {
				trailingBreak = true
			}
			if prevSpace {
				spaceBreak = true
			}
			prevSpace, prevBreak = false, true
		default:
			prevSpace, prevBreak = false, false
		}
		precededByWS = r == ' ' || r == '\t' || isBreak(r) || r == 0
	}
	s := scalarShape{multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true}
	if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
		s.flowPlain, s.blockPlain = false, false
	}
	if trailingSpace {
		s.block = false
	}
	if breakSpace {
		s.flowPlain, s.blockPlain, s.singleQuoted = false, false, false
	}
	if spaceBreak || tabs || special {
		s.flowPlain, s.blockPlain, s.singleQuoted = false, false, false
	}
	if spaceBreak || special {
		s.block = false
	}
	if lineBreaks {
		s.flowPlain, s.blockPlain = false, false
	}
	if flowInd {
		s.flowPlain = false
	}
	if blockInd {
		s.blockPlain = false
	}
	return s
}
