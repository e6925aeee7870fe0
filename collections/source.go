package collections

import (
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// source is the text of a collection file with a line index, used to turn
// yaml.v3 positions (line, character column) into byte offsets and back.
// yaml.v3 reports only where a node starts; the end of a node and the
// position of a template inside a quoted scalar are recovered here by
// re-reading the bytes.
type source struct {
	data  []byte
	lines []int // byte offset where each line starts
}

func newSource(data []byte) *source {
	s := &source{data: data, lines: []int{0}}
	for i, b := range data {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// offset converts a 1-based line and character column to a byte offset.
func (s *source) offset(line, col int) (int, bool) {
	if line < 1 || line > len(s.lines) || col < 1 {
		return 0, false
	}
	off := s.lines[line-1]
	for c := 1; c < col; c++ {
		if off >= len(s.data) || s.data[off] == '\n' {
			return 0, false
		}
		_, w := utf8.DecodeRune(s.data[off:])
		off += w
	}
	return off, true
}

// position converts a byte offset to a 1-based line and character column.
func (s *source) position(off int) (line, col int) {
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, utf8.RuneCount(s.data[s.lines[lo]:off]) + 1
}

func (s *source) lineStart(off int) int {
	for off > 0 && s.data[off-1] != '\n' {
		off--
	}
	return off
}

// lineEnd is the offset where the line holding off ends: before its "\n"
// or "\r\n", or at the end of the data.
func (s *source) lineEnd(off int) int {
	for off < len(s.data) && s.data[off] != '\n' {
		off++
	}
	if off > 0 && off < len(s.data) && s.data[off-1] == '\r' {
		off--
	}
	return off
}

// nextLine is the offset where the line after the one holding off starts,
// or the end of the data.
func (s *source) nextLine(off int) int {
	for off < len(s.data) && s.data[off] != '\n' {
		off++
	}
	if off < len(s.data) {
		off++
	}
	return off
}

// nodeStart is the byte offset of a node's own text. yaml.v3 puts anchored
// or tagged nodes at the anchor or tag, so those properties are skipped.
func (s *source) nodeStart(n *yaml.Node) (int, bool) {
	off, ok := s.offset(n.Line, n.Column)
	if !ok {
		return 0, false
	}
	for i := 0; i < 4 && off < len(s.data) && (s.data[off] == '&' || s.data[off] == '!'); i++ {
		for off < len(s.data) && !isSpace(s.data[off]) {
			off++
		}
		for off < len(s.data) && isSpace(s.data[off]) {
			off++
		}
	}
	return off, off <= len(s.data)
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// nodeEnd returns the byte offset just after a node's text.
func (s *source) nodeEnd(n *yaml.Node) (int, bool) {
	start, ok := s.nodeStart(n)
	if !ok {
		return 0, false
	}
	switch n.Kind {
	case yaml.AliasNode:
		if start >= len(s.data) || s.data[start] != '*' {
			return 0, false
		}
		return start + 1 + len(n.Value), true
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return s.flowEnd(start)
		}
		if len(n.Content) == 0 {
			return 0, false
		}
		return s.nodeEnd(n.Content[len(n.Content)-1])
	case yaml.ScalarNode:
		return s.scalarEnd(n, start)
	}
	return 0, false
}

func (s *source) scalarEnd(n *yaml.Node, start int) (int, bool) {
	d := s.data
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		if start >= len(d) || d[start] != '"' {
			return 0, false
		}
		for i := start + 1; i < len(d); i++ {
			switch d[i] {
			case '\\':
				i++
			case '"':
				return i + 1, true
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		if start >= len(d) || d[start] != '\'' {
			return 0, false
		}
		for i := start + 1; i < len(d); i++ {
			if d[i] == '\'' {
				if i+1 < len(d) && d[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, true
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return s.blockScalarEnd(start)
	default:
		if n.Value == "" {
			// An empty (null) value has no text; yaml.v3 places it right
			// after the colon.
			return start, true
		}
		return s.plainEnd(n.Value, start)
	}
	return 0, false
}

// plainEnd walks the source along a plain scalar's value. Line folding
// turned each line break (and the indentation after it) into one space, so
// a space in the value may stand for any run of white space in the source.
func (s *source) plainEnd(value string, start int) (int, bool) {
	d := s.data
	i := start
	for j := 0; j < len(value); {
		if i < len(d) && d[i] == value[j] {
			i++
			j++
			continue
		}
		folded := value[j] == ' ' || value[j] == '\n' || (j > 0 && (value[j-1] == ' ' || value[j-1] == '\n'))
		if i < len(d) && isSpace(d[i]) && folded {
			for i < len(d) && isSpace(d[i]) {
				i++
			}
			if value[j] == ' ' || value[j] == '\n' {
				j++
			}
			continue
		}
		return 0, false
	}
	return i, true
}

// blockScalarEnd finds the end of a | or > scalar: its content lines are
// the following lines indented more than the line holding the indicator.
func (s *source) blockScalarEnd(start int) (int, bool) {
	d := s.data
	headerLineStart := s.lineStart(start)
	parentIndent := 0
	for headerLineStart+parentIndent < len(d) && d[headerLineStart+parentIndent] == ' ' {
		parentIndent++
	}
	end := s.lineEnd(start)
	for off := s.nextLine(start); off < len(d); off = s.nextLine(off) {
		le := s.lineEnd(off)
		ind := 0
		for off+ind < le && d[off+ind] == ' ' {
			ind++
		}
		blank := off+ind == le
		if !blank && ind <= parentIndent {
			break
		}
		if !blank {
			end = le
		}
	}
	return end, true
}

// flowEnd finds the bracket closing the flow collection opened at start,
// skipping quoted scalars and comments.
func (s *source) flowEnd(start int) (int, bool) {
	d := s.data
	if start >= len(d) || (d[start] != '{' && d[start] != '[') {
		return 0, false
	}
	depth := 0
	for i := start; i < len(d); i++ {
		switch d[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '"':
			for i++; i < len(d) && d[i] != '"'; i++ {
				if d[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(d); i++ {
				if d[i] == '\'' {
					if i+1 < len(d) && d[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && isSpace(d[i-1]) {
				i = s.lineEnd(i) - 1
			}
		}
	}
	return 0, false
}

// valuePosition returns the line and column of the byte at offset off of a
// scalar's value. It is exact for single-line plain and quoted scalars and
// falls back to the scalar's start for block and multi-line scalars, where
// a byte of the value has no single place in the file.
func (s *source) valuePosition(n *yaml.Node, off int) (line, col int) {
	start, ok := s.nodeStart(n)
	if !ok {
		return n.Line, n.Column
	}
	fallback := func() (int, int) { return s.position(start) }
	end, ok := s.nodeEnd(n)
	if !ok || end > s.lineEnd(start) {
		return fallback()
	}
	var src int
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		src, ok = mapDoubleQuoted(s.data[start:end], off)
	case n.Style&yaml.SingleQuotedStyle != 0:
		src, ok = mapSingleQuoted(s.data[start:end], off)
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		ok = false
	default:
		src, ok = off, off <= len(n.Value) && off <= end-start && string(s.data[start:start+off]) == n.Value[:off]
	}
	if !ok {
		return fallback()
	}
	return s.position(start + src)
}

// mapSingleQuoted maps a value offset to a source offset within a
// single-quoted scalar, where a doubled quote stands for one.
func mapSingleQuoted(raw []byte, off int) (int, bool) {
	v := 0
	for i := 1; i < len(raw); {
		if v == off {
			return i, true
		}
		if raw[i] == '\'' {
			if i+1 < len(raw) && raw[i+1] == '\'' {
				i += 2
				v++
				continue
			}
			return 0, false
		}
		i++
		v++
	}
	return 0, false
}

// mapDoubleQuoted maps a value offset to a source offset within a
// double-quoted scalar, counting how many value bytes each escape yields.
func mapDoubleQuoted(raw []byte, off int) (int, bool) {
	v := 0
	for i := 1; i < len(raw); {
		if v == off {
			return i, true
		}
		switch raw[i] {
		case '"':
			return 0, false
		case '\\':
			if i+1 >= len(raw) {
				return 0, false
			}
			n, w := escapeWidth(raw[i+1:])
			if w == 0 {
				return 0, false
			}
			if off < v+n {
				return i, true // inside an escape: point at the backslash
			}
			v += n
			i += 1 + w
		default:
			i++
			v++
		}
	}
	return 0, false
}

// escapeWidth returns how many bytes of value a double-quoted escape
// produces and how many source bytes follow the backslash.
func escapeWidth(b []byte) (valueBytes, srcBytes int) {
	hex := func(n int) (int, int) {
		if len(b) < 1+n {
			return 0, 0
		}
		r := 0
		for _, c := range b[1 : 1+n] {
			r <<= 4
			switch {
			case c >= '0' && c <= '9':
				r |= int(c - '0')
			case c >= 'a' && c <= 'f':
				r |= int(c-'a') + 10
			case c >= 'A' && c <= 'F':
				r |= int(c-'A') + 10
			default:
				return 0, 0
			}
		}
		w := utf8.RuneLen(rune(r))
		if w < 0 {
			return 0, 0
		}
		return w, 1 + n
	}
	switch b[0] {
	case 'x':
		return hex(2)
	case 'u':
		return hex(4)
	case 'U':
		return hex(8)
	case 'N', '_':
		return 2, 1
	case 'L', 'P':
		return 3, 1
	case '0', 'a', 'b', 't', '\t', 'n', 'v', 'f', 'r', 'e', ' ', '"', '/', '\\':
		return 1, 1
	}
	return 0, 0
}
