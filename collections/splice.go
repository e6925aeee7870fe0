package collections

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// An edit is made twice. The yaml.v3 node tree is changed (on a copy): that
// is the meaning of the edit. The file's text is changed only where needed:
// that keeps comments, blank lines, quoting and indentation everywhere
// else. Before the new text is accepted it is parsed again and compared
// with the changed tree; if they differ (an odd layout the text edit did
// not foresee), the changed tree is written out whole by yaml.v3 instead —
// comments survive, some formatting may not, and the content is right.
type editor struct {
	c       *Collection
	src     *source
	doc     *yaml.Node // the copy being changed
	copyOf  map[*yaml.Node]*yaml.Node
	splices []splice
	textOK  bool
	crlf    bool // the file ends its lines with CR LF; new lines do too
}

type splice struct {
	start, end int
	text       string
}

func (c *Collection) newEditor() *editor {
	doc, m := copyTree(c.doc)
	return &editor{c: c, src: c.src, doc: doc, copyOf: m, textOK: true, crlf: bytes.Contains(c.src.data, []byte("\r\n"))}
}

// add records a text change. Rendered text never holds a line break inside
// a scalar (those are written as \n escapes), so every '\n' in it is a line
// end and can follow the file's convention.
func (e *editor) add(start, end int, text string) {
	if e.crlf {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	e.splices = append(e.splices, splice{start, end, text})
}

// colonEnd is the offset just after the ':' that follows a block key.
func (e *editor) colonEnd(key *yaml.Node) (int, bool) {
	end, ok := e.src.nodeEnd(key)
	if !ok {
		return 0, false
	}
	d := e.src.data
	for end < len(d) && (d[end] == ' ' || d[end] == '\t') {
		end++
	}
	if end >= len(d) || d[end] != ':' {
		return 0, false
	}
	return end + 1, true
}

// onlySpacesBefore reports whether nothing but indentation precedes off on
// its line.
func (e *editor) onlySpacesBefore(off int) bool {
	for i := e.src.lineStart(off); i < off; i++ {
		if e.src.data[i] != ' ' {
			return false
		}
	}
	return true
}

// afterComments moves an insertion point (the end of a line) past the
// comment lines that follow it indented by at least minIndent: they belong
// to the entry or item before, such as a commented-out header.
func (e *editor) afterComments(at, minIndent int) int {
	d := e.src.data
	for {
		next := e.src.nextLine(at)
		if next >= len(d) {
			return at
		}
		ind := 0
		for next+ind < len(d) && d[next+ind] == ' ' {
			ind++
		}
		if next+ind >= len(d) || d[next+ind] != '#' || ind < minIndent {
			return at
		}
		at = e.src.lineEnd(next)
	}
}

// replaceValue sets the value of entry i (index of the key) of mapping m.
func (e *editor) replaceValue(m *yaml.Node, i int, nv *yaml.Node) {
	e.copyOf[m].Content[i+1] = nv
	if !e.textOK {
		return
	}
	key, old := m.Content[i], m.Content[i+1]
	oldStart, ok1 := e.src.nodeStart(old)
	oldEnd, ok2 := e.src.nodeEnd(old)
	if !ok1 || !ok2 {
		e.textOK = false
		return
	}
	if m.Style&yaml.FlowStyle != 0 {
		e.add(oldStart, oldEnd, renderFlow(nv))
		return
	}
	dOld := deref(old)
	oldInline := old.Kind == yaml.AliasNode || inline(dOld) && !(dOld.Kind == yaml.ScalarNode && dOld.Value == "" && dOld.Style == 0)
	if inline(nv) && oldInline {
		e.add(oldStart, oldEnd, renderFlow(nv))
		return
	}
	ce, ok := e.colonEnd(key)
	if !ok {
		e.textOK = false
		return
	}
	if inline(nv) {
		e.add(ce, oldEnd, " "+renderFlow(nv))
		return
	}
	e.add(ce, oldEnd, "\n"+renderBlock(nv, key.Column-1+2))
}

// appendEntry adds key: value at the end of mapping m.
func (e *editor) appendEntry(m *yaml.Node, key string, nv *yaml.Node) {
	k := strNode(key, 0)
	cm := e.copyOf[m]
	cm.Content = append(cm.Content, k, nv)
	if !e.textOK {
		return
	}
	if m.Style&yaml.FlowStyle != 0 {
		if len(m.Content) == 0 {
			end, ok := e.src.nodeEnd(m)
			if !ok {
				e.textOK = false
				return
			}
			e.add(end-1, end-1, renderFlow(k)+": "+renderFlow(nv))
			return
		}
		last, ok := e.src.nodeEnd(m.Content[len(m.Content)-1])
		if !ok {
			e.textOK = false
			return
		}
		e.add(last, last, ", "+renderFlow(k)+": "+renderFlow(nv))
		return
	}
	at, indent, ok := e.blockMappingEnd(m)
	if !ok {
		e.textOK = false
		return
	}
	e.add(at, at, "\n"+strings.Repeat(" ", indent)+renderEntry(k, nv, indent))
}

// blockMappingEnd is where an entry added at the end of block mapping m
// goes (past the comment lines indented under its last entry) and the
// indent of its keys; not ok for an empty mapping or one whose end the
// text does not show.
func (e *editor) blockMappingEnd(m *yaml.Node) (at, indent int, ok bool) {
	if len(m.Content) == 0 {
		return 0, 0, false
	}
	last, ok := e.src.nodeEnd(m.Content[len(m.Content)-1])
	if !ok {
		return 0, 0, false
	}
	indent = m.Content[0].Column - 1
	return e.afterComments(e.src.lineEnd(last), indent), indent, true
}

// deleteEntry removes entry i (index of the key) from mapping m.
func (e *editor) deleteEntry(m *yaml.Node, i int) {
	cm := e.copyOf[m]
	cm.Content = append(cm.Content[:i:i], cm.Content[i+2:]...)
	if !e.textOK {
		return
	}
	ks, ok1 := e.src.nodeStart(m.Content[i])
	ve, ok2 := e.src.nodeEnd(m.Content[i+1])
	if !ok1 || !ok2 {
		e.textOK = false
		return
	}
	hasNext := i+2 < len(m.Content)
	if m.Style&yaml.FlowStyle != 0 {
		switch {
		case hasNext:
			ns, ok := e.src.nodeStart(m.Content[i+2])
			if !ok {
				e.textOK = false
				return
			}
			e.add(ks, ns, "")
		case i > 0:
			pe, ok := e.src.nodeEnd(m.Content[i-1])
			if !ok {
				e.textOK = false
				return
			}
			e.add(pe, ve, "")
		default:
			e.add(ks, ve, "")
		}
		return
	}
	if e.onlySpacesBefore(ks) {
		e.add(e.src.lineStart(ks), e.src.nextLine(ve), "")
		return
	}
	if hasNext {
		// "- key: v" followed by more keys: the next key moves up behind "- ".
		ns, ok := e.src.nodeStart(m.Content[i+2])
		if !ok {
			e.textOK = false
			return
		}
		e.add(ks, ns, "")
		return
	}
	e.textOK = false
}

// appendItem adds an item at the end of sequence s.
func (e *editor) appendItem(s *yaml.Node, nv *yaml.Node) {
	cs := e.copyOf[s]
	cs.Content = append(cs.Content, nv)
	if !e.textOK {
		return
	}
	if s.Style&yaml.FlowStyle != 0 {
		if len(s.Content) == 0 {
			end, ok := e.src.nodeEnd(s)
			if !ok {
				e.textOK = false
				return
			}
			e.add(end-1, end-1, renderFlow(nv))
			return
		}
		last, ok := e.src.nodeEnd(s.Content[len(s.Content)-1])
		if !ok {
			e.textOK = false
			return
		}
		e.add(last, last, ", "+renderFlow(nv))
		return
	}
	if len(s.Content) == 0 {
		e.textOK = false
		return
	}
	last, ok := e.src.nodeEnd(s.Content[len(s.Content)-1])
	if !ok {
		e.textOK = false
		return
	}
	dash := s.Column - 1
	itemCol := s.Content[0].Column - 1
	if s.Content[0].Kind == yaml.AliasNode || itemCol <= dash {
		itemCol = dash + 2
	}
	at := e.afterComments(e.src.lineEnd(last), dash+1)
	var text string
	if inline(nv) {
		text = strings.Repeat(" ", dash) + "-" + strings.Repeat(" ", itemCol-dash-1) + renderFlow(nv)
	} else {
		body := renderBlock(nv, itemCol)
		text = strings.Repeat(" ", dash) + "-" + strings.Repeat(" ", itemCol-dash-1) + body[itemCol:]
	}
	e.add(at, at, "\n"+text)
}

// commit applies the edit: the text splices when they reproduce the
// changed tree, else a full re-encode. The result must load cleanly or the
// collection is left as it was.
func (e *editor) commit(op string) error {
	var data []byte
	reformatted := true
	if e.textOK {
		cand := applySplices(e.src.data, e.splices)
		if doc, err := parseYAML(e.c.Path, cand); err == nil && sameTree(doc, e.doc) {
			data, reformatted = cand, false
		}
	}
	if data == nil {
		var err error
		if data, err = encodeDoc(e.doc); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	nc, err := LoadBytes(e.c.Path, data)
	if err != nil {
		return fmt.Errorf("%s: not applied, the collection would become invalid: %w", op, err)
	}
	c := e.c
	c.Name, c.Description, c.DefaultEnvironment = nc.Name, nc.Description, nc.DefaultEnvironment
	c.src, c.doc, c.root = nc.src, nc.doc, nc.root
	c.variables, c.envs, c.profiles, c.defaults, c.items = nc.variables, nc.envs, nc.profiles, nc.defaults, nc.items
	c.index, c.version = nc.index, nc.version
	c.reformatted = reformatted
	return nil
}

func applySplices(data []byte, ss []splice) []byte {
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].start > ss[j].start })
	out := append([]byte(nil), data...)
	for _, s := range ss {
		out = append(out[:s.start:s.start], append([]byte(s.text), out[s.end:]...)...)
	}
	return out
}

// mapIndex returns the index of key in mapping m's Content, or -1.
func mapIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if deref(m.Content[i]).Value == key {
			return i
		}
	}
	return -1
}
