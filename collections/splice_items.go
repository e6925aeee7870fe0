package collections

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Editor steps for whole items of a `requests:` list (duplicate, delete)
// and for several entries of one mapping at once. Like those of splice.go,
// each changes the node tree copy and records text splices; a layout they
// do not know clears textOK, and commit then re-encodes the file.

// blankLine reports whether the line starting at off holds only white
// space.
func (e *editor) blankLine(off int) bool {
	d := e.src.data
	for i := off; i < len(d) && d[i] != '\n'; i++ {
		if d[i] != ' ' && d[i] != '\t' && d[i] != '\r' {
			return false
		}
	}
	return true
}

// itemSpan is the text of item idx of block sequence s: from the start of
// the line holding its "- " to the end of its last line (before the line
// break), the comment lines indented under it included. dash is the
// column of the "-". ok is false for layouts it does not handle: flow
// sequences, a dash alone on its line, an anchor or tag before the item.
func (e *editor) itemSpan(s *yaml.Node, idx int) (from, to, dash int, ok bool) {
	if s.Style&yaml.FlowStyle != 0 || idx < 0 || idx >= len(s.Content) {
		return 0, 0, 0, false
	}
	it := s.Content[idx]
	start, ok1 := e.src.offset(it.Line, it.Column)
	end, ok2 := e.src.nodeEnd(it)
	if !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	d := e.src.data
	ls := e.src.lineStart(start)
	i := ls
	for i < start && d[i] == ' ' {
		i++
	}
	if i >= start || d[i] != '-' {
		return 0, 0, 0, false
	}
	dash = i - ls
	i++
	if i >= start || d[i] != ' ' {
		return 0, 0, 0, false
	}
	for i < start && d[i] == ' ' {
		i++
	}
	if i != start {
		return 0, 0, 0, false
	}
	return ls, e.afterComments(e.src.lineEnd(end), dash+1), dash, true
}

// commentsAbove moves from (a line start) up over the comment lines right
// above it that are indented exactly indent spaces: the comments written
// for the item that starts there. Comments indented deeper belong to the
// item before (see afterComments); a blank line ends the run.
func (e *editor) commentsAbove(from, indent int) int {
	d := e.src.data
	for from > 0 {
		prev := e.src.lineStart(from - 1)
		ind := 0
		for prev+ind < len(d) && d[prev+ind] == ' ' {
			ind++
		}
		if ind != indent || prev+ind >= len(d) || d[prev+ind] != '#' {
			return from
		}
		from = prev
	}
	return from
}

// removeLines deletes whole lines, from (a line start) through the line
// ending at to. Blank lines around the cut do not double up: when the cut
// sits between two blank lines (or a blank line and the end of the file),
// the one before goes too; when first is set (nothing of the same list is
// above) a blank line right after goes.
func (e *editor) removeLines(from, to int, first bool) {
	d := e.src.data
	end := e.src.nextLine(to)
	prevBlank := from > 0 && e.blankLine(e.src.lineStart(from-1))
	nextBlank := end < len(d) && e.blankLine(end)
	switch {
	case prevBlank && (nextBlank || end >= len(d)):
		from = e.src.lineStart(from - 1)
	case first && !prevBlank && nextBlank:
		end = e.src.nextLine(end)
	}
	e.add(from, end, "")
}

// deleteItem removes item idx of sequence s with the comment lines
// directly above it and those indented under it.
func (e *editor) deleteItem(s *yaml.Node, idx int) {
	cs := e.copyOf[s]
	cs.Content = append(cs.Content[:idx:idx], cs.Content[idx+1:]...)
	if !e.textOK {
		return
	}
	from, to, dash, ok := e.itemSpan(s, idx)
	if !ok {
		e.textOK = false
		return
	}
	e.removeLines(e.commentsAbove(from, dash), to, idx == 0)
}

// dropEntry removes entry i of mapping m, value and the comment lines
// indented under it included. Layouts other than a block key alone at the
// start of its line go through deleteEntry.
func (e *editor) dropEntry(m *yaml.Node, i int) {
	if !e.textOK || m.Style&yaml.FlowStyle != 0 {
		e.deleteEntry(m, i)
		return
	}
	ks, ok1 := e.src.nodeStart(m.Content[i])
	ve, ok2 := e.src.nodeEnd(m.Content[i+1])
	if !ok1 || !ok2 || !e.onlySpacesBefore(ks) {
		e.deleteEntry(m, i)
		return
	}
	cm := e.copyOf[m]
	cm.Content = append(cm.Content[:i:i], cm.Content[i+2:]...)
	ls := e.src.lineStart(ks)
	e.removeLines(ls, e.afterComments(e.src.lineEnd(ve), ks-ls+1), false)
}

// insertItemAfter puts nv into sequence s right after item idx. raw, when
// not empty, is the item's text as it must appear in the file (lines
// joined by "\n", starting with its indentation and "- "); otherwise the
// node is rendered. A blank line follows the item before when one did.
func (e *editor) insertItemAfter(s *yaml.Node, idx int, nv *yaml.Node, raw string) {
	cs := e.copyOf[s]
	cs.Content = append(cs.Content[:idx+1:idx+1], append([]*yaml.Node{nv}, cs.Content[idx+1:]...)...)
	if !e.textOK {
		return
	}
	_, to, dash, ok := e.itemSpan(s, idx)
	if !ok {
		e.textOK = false
		return
	}
	text := raw
	if text == "" {
		itemCol := s.Content[0].Column - 1
		if s.Content[0].Kind == yaml.AliasNode || itemCol <= dash {
			itemCol = dash + 2
		}
		pre := strings.Repeat(" ", dash) + "-" + strings.Repeat(" ", itemCol-dash-1)
		if inline(nv) {
			text = pre + renderFlow(nv)
		} else {
			text = pre + renderBlock(nv, itemCol)[itemCol:]
		}
	}
	sep := "\n"
	if next := e.src.nextLine(to); next > to && next < len(e.src.data) && e.blankLine(next) {
		sep = "\n\n"
	}
	e.add(to, to, sep+text)
}

// appendEntries adds key/value pairs (kv holds keys and values in turn) at
// the end of block mapping m, in one splice so that their order holds.
func (e *editor) appendEntries(m *yaml.Node, kv []*yaml.Node) {
	if len(kv) == 0 {
		return
	}
	cm := e.copyOf[m]
	cm.Content = append(cm.Content, kv...)
	if !e.textOK {
		return
	}
	if m.Style&yaml.FlowStyle != 0 {
		e.textOK = false
		return
	}
	at, indent, ok := e.blockMappingEnd(m)
	if !ok {
		e.textOK = false
		return
	}
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString("\n" + strings.Repeat(" ", indent) + renderEntry(kv[i], kv[i+1], indent))
	}
	e.add(at, at, b.String())
}

// insertEntryAfter puts key: value into mapping m right after entry i
// (the index of its key), past the comment lines indented under it.
func (e *editor) insertEntryAfter(m *yaml.Node, i int, key string, nv *yaml.Node) {
	if i+2 >= len(m.Content) {
		e.appendEntry(m, key, nv)
		return
	}
	k := strNode(key, 0)
	cm := e.copyOf[m]
	cm.Content = append(cm.Content[:i+2:i+2], append([]*yaml.Node{k, nv}, cm.Content[i+2:]...)...)
	if !e.textOK {
		return
	}
	ve, ok := e.src.nodeEnd(m.Content[i+1])
	if !ok {
		e.textOK = false
		return
	}
	if m.Style&yaml.FlowStyle != 0 {
		e.add(ve, ve, ", "+renderFlow(k)+": "+renderFlow(nv))
		return
	}
	indent := m.Content[0].Column - 1
	at := e.afterComments(e.src.lineEnd(ve), indent+1)
	e.add(at, at, "\n"+strings.Repeat(" ", indent)+renderEntry(k, nv, indent))
}

// newEntry is one entry of a mapping being rewritten by reorderEntries:
// an existing entry (old is the index of its key) or a new one (old < 0).
type newEntry struct {
	old  int
	k, v *yaml.Node
}

// reorderEntries rewrites block mapping m to hold entries, in order. An
// existing entry moves with its text: its lines, the comment lines right
// above it at its indentation and those indented under it. New entries
// are rendered. It returns false, changing nothing, for layouts it does
// not handle (flow style, keys not alone on their lines, blank lines or
// other text between entries); the caller then writes the value anew.
func (e *editor) reorderEntries(m *yaml.Node, entries []newEntry) bool {
	if !e.textOK || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 || len(entries) == 0 {
		return false
	}
	d := e.src.data
	n := len(m.Content) / 2
	starts, ends := make([]int, n), make([]int, n)
	indent := -1
	for j := 0; j < n; j++ {
		ks, ok1 := e.src.nodeStart(m.Content[2*j])
		ve, ok2 := e.src.nodeEnd(m.Content[2*j+1])
		if !ok1 || !ok2 || !e.onlySpacesBefore(ks) {
			return false
		}
		ind := ks - e.src.lineStart(ks)
		if indent >= 0 && ind != indent {
			return false
		}
		indent = ind
		starts[j] = e.commentsAbove(e.src.lineStart(ks), indent)
		ends[j] = e.src.nextLine(e.afterComments(e.src.lineEnd(ve), indent+1))
		if j > 0 && starts[j] != ends[j-1] {
			return false
		}
	}
	var b strings.Builder
	content := make([]*yaml.Node, 0, 2*len(entries))
	for _, en := range entries {
		if en.old >= 0 {
			j := en.old / 2
			t := strings.ReplaceAll(string(d[starts[j]:ends[j]]), "\r\n", "\n") // add writes the file's line ends
			if !strings.HasSuffix(t, "\n") {
				t += "\n"
			}
			b.WriteString(t)
			content = append(content, e.copyOf[m.Content[en.old]], e.copyOf[m.Content[en.old+1]])
			continue
		}
		b.WriteString(strings.Repeat(" ", indent) + renderEntry(en.k, en.v, indent) + "\n")
		content = append(content, en.k, en.v)
	}
	text := b.String()
	end := ends[n-1]
	if end == len(d) && d[end-1] != '\n' {
		text = strings.TrimSuffix(text, "\n")
	}
	e.copyOf[m].Content = content
	e.add(starts[0], end, text)
	return true
}
