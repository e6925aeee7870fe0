package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/sigscope/sigscope/tui/bodyview"
)

// finder is ctrl+p: fuzzy search over every request of every open
// collection. At 20,000 requests a match over all of them takes tens of
// milliseconds, so it runs in a command: a keystroke only edits the query
// and asks for a match tagged with a sequence number, the list shows the
// last answer until the next one lands, and an answer to an older query
// is dropped. The items are listed with the tree, in its command.
type finder struct {
	input   textinput.Model
	ix      *finderIndex
	matches []int // into ix.items, best first
	// matched is the query matches answers; seq numbers the queries asked.
	matched string
	seq     int
	cursor  int
}

// finderIndex is every request the finder offers, built once per listing
// of the tree (off the UI loop) and only read afterwards.
type finderIndex struct {
	items []finderItem
	all   []int // 0..len(items)-1: the matches of the empty query
}

type finderItem struct {
	coll int
	path string
	text string
}

// newFinderIndex lists the requests of the tree's rows; with several
// collections open an item names its collection.
func newFinderIndex(nodes []node, names []string) *finderIndex {
	ix := &finderIndex{}
	for _, n := range nodes {
		if n.Kind != nodeRequest {
			continue
		}
		// Folders and name as the file writes them, joined by "/": a name
		// with "/" in it (imported "GET /prod/pets") reads and is typed as
		// written, not escaped as the path is (n.Key).
		text := strings.Join(append(append([]string(nil), n.Ref.Folders...), n.Ref.Name), "/")
		if len(names) > 1 {
			text = names[n.Coll] + " › " + text
		}
		ix.items = append(ix.items, finderItem{coll: n.Coll, path: n.Key, text: n.Method + " " + text})
	}
	ix.all = make([]int, len(ix.items))
	for i := range ix.all {
		ix.all[i] = i
	}
	return ix
}

// finderSource is the items (or some of them) as fuzzy's Source.
type finderSource struct {
	ix     *finderIndex
	within []int // nil: every item
}

func (s finderSource) String(i int) string {
	if s.within != nil {
		i = s.within[i]
	}
	return s.ix.items[i].text
}

func (s finderSource) Len() int {
	if s.within != nil {
		return len(s.within)
	}
	return len(s.ix.items)
}

// match is the items that match q, best first, among within (the
// matches of a prefix of q: every match of q matches its prefixes too),
// or among all items when within is nil.
func (ix *finderIndex) match(q string, within []int) []int {
	if q == "" {
		return ix.all
	}
	found := fuzzy.FindFrom(q, finderSource{ix, within})
	out := make([]int, len(found))
	for i, r := range found {
		out[i] = r.Index
		if within != nil {
			out[i] = within[r.Index]
		}
	}
	return out
}

// finderMatchMsg answers the match asked for query number seq.
type finderMatchMsg struct {
	f       *finder
	seq     int
	query   string
	matches []int
}

func finderMatchCmd(f *finder, seq int, q string, within []int) tea.Cmd {
	ix := f.ix
	return func() tea.Msg { return finderMatchMsg{f: f, seq: seq, query: q, matches: ix.match(q, within)} }
}

func newFinder(m *Model) *finder {
	f := &finder{input: newTextInput(), ix: m.finderIx}
	if f.ix == nil {
		f.ix = newFinderIndex(nil, nil)
	}
	f.input.Placeholder = "request name or folder/name"
	f.input.Prompt = "› "
	f.input.SetWidth(max(min(72, m.lay.W-4)-4, 1)) // else the placeholder shows one letter
	f.input.Focus()
	f.matches = f.ix.all
	return f
}

// query is the text typed; a path typed as send takes it
// (`GET \/prod\/pets`) finds the name as written.
func (f *finder) query() string {
	return strings.ReplaceAll(f.input.Value(), `\/`, "/")
}

// ask starts the match of the query as typed, unless the shown matches
// are its own already.
func (f *finder) ask() tea.Cmd {
	q := f.query()
	if q == f.matched {
		f.seq++ // an answer to a query typed since is stale now
		return nil
	}
	f.seq++
	var within []int
	if f.matched != "" && strings.HasPrefix(q, f.matched) {
		within = f.matches
	}
	if q == "" {
		// Nothing to match: every request, at once.
		f.matched, f.matches = "", f.ix.all
		f.cursor = 0
		return nil
	}
	return finderMatchCmd(f, f.seq, q, within)
}

// settle makes the shown matches the typed query's own before enter
// acts on them: under load the answer to the last keystroke may not be
// back yet, and enter must open what was typed, not a stale first match.
func (f *finder) settle() {
	q := f.query()
	if q == f.matched {
		return
	}
	f.seq++ // the answer still on its way is stale now
	f.matched, f.matches = q, f.ix.match(q, nil)
	f.cursor = 0
}

// gotMatches takes an answer, if it is to the query asked last.
func (f *finder) gotMatches(msg finderMatchMsg) {
	if msg.f != f || msg.seq != f.seq {
		return
	}
	f.matched, f.matches = msg.query, msg.matches
	f.cursor = clamp(f.cursor, 0, max(len(f.matches)-1, 0))
}

func (f *finder) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch k.String() {
	case "esc":
		return nil, true
	case "ctrl+j": // send the highlighted request at once
		f.settle()
		if len(f.matches) == 0 {
			return nil, false
		}
		it := f.ix.items[f.matches[f.cursor]]
		m.tree.selectRequest(it.coll, it.path)
		m.coll, m.path = it.coll, it.path
		return m.send(), true
	case "up", "ctrl+k":
		f.cursor = max(f.cursor-1, 0)
		return nil, false
	case "down", "ctrl+n":
		f.cursor = min(f.cursor+1, max(len(f.matches)-1, 0))
		return nil, false
	case "enter":
		f.settle()
		if len(f.matches) == 0 {
			return nil, false
		}
		it := f.ix.items[f.matches[f.cursor]]
		m.tree.selectRequest(it.coll, it.path)
		return m.selectionChanged(), true
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return tea.Batch(cmd, f.ask()), false
}

func (f *finder) view(m *Model) []string {
	w := min(72, m.lay.W-4)
	rows := max(min(12, m.lay.H-8), 3)
	lines := []string{f.input.View(), ""}
	top := max(f.cursor-rows+1, 0)
	for i := top; i < len(f.matches) && i < top+rows; i++ {
		l := " " + bodyview.Escape(f.ix.items[f.matches[i]].text)
		if i == f.cursor {
			l = m.styles.Selected.Render(fit(l, w))
		}
		lines = append(lines, l)
	}
	if len(f.matches) == 0 {
		lines = append(lines, m.styles.Dim.Render(" no request matches"))
	}
	// The box keeps its height as the matches shrink: it does not jump
	// under the typing.
	for len(lines) < 2+max(min(rows, len(f.ix.items)), 1) {
		lines = append(lines, "")
	}
	status := fmt.Sprintf(" %d of %d · enter opens · esc closes", len(f.matches), len(f.ix.items))
	if f.matched != f.query() {
		status = " matching … · enter opens · esc closes"
	}
	lines = append(lines, "", m.styles.Dim.Render(status))
	return m.dialogBox("Find a request", lines, w)
}
