package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/tui/bodyview"
)

// node is one row of the collection tree: a collection (when several are
// open), a folder or a request.
type node struct {
	Coll   int    // index of the collection
	Kind   int    // nodeCollection, nodeFolder, nodeRequest
	Key    string // folder path or request path, unique within the collection
	Name   string
	Depth  int
	Method string
	Ref    collections.RequestRef
}

const (
	nodeCollection = iota
	nodeFolder
	nodeRequest
)

// treeKeys are the tree pane's keys.
type treeKeys struct {
	Up, Down, Toggle, Top, Bottom          key.Binding
	New, Folder, Duplicate, Rename, Delete key.Binding
}

func newTreeKeys() treeKeys {
	return treeKeys{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Toggle:    key.NewBinding(key.WithKeys("space", "right", "left", "l", "h"), key.WithHelp("space", "fold/unfold")),
		Top:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		New:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new request")),
		Folder:    key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "new folder")),
		Duplicate: key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "duplicate")),
		Rename:    key.NewBinding(key.WithKeys("r", "f2"), key.WithHelp("r", "rename")),
		Delete:    key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "delete")),
	}
}

func (k treeKeys) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Toggle} }
func (k treeKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Toggle, k.Top, k.Bottom}, {k.New, k.Folder, k.Duplicate, k.Rename, k.Delete}}
}

// tree is the collection tree pane. It keeps every node and the list of
// visible ones (folders may be folded); only the rows on screen are drawn.
type tree struct {
	keys      treeKeys
	all       []node
	pos       map[string]int // nodeID of a request → its index in all
	visible   []int          // indexes into all
	collapsed map[string]bool
	cursor    int // index into visible
	top       int
	w, h      int
	modes     map[string]string // "coll\x00path" → short auth label
	status    map[string]int    // last status per request
	tests     map[string]string // "✓" or "✗" when the last answer had tests
	inflight  map[string]bool
}

func newTree() *tree {
	return &tree{keys: newTreeKeys(), collapsed: map[string]bool{}, modes: map[string]string{}, status: map[string]int{}, tests: map[string]string{}, inflight: map[string]bool{}}
}

func nodeID(coll int, path string) string { return fmt.Sprintf("%d\x00%s", coll, path) }

// treeRows is the tree of every open collection, built off the UI loop
// (treeOf): its rows, where each request's row is, and the width the
// widest row needs.
type treeRows struct {
	all  []node
	pos  map[string]int // nodeID of a request → its index in all
	want int
}

// buildRows lists the rows of every open collection: a collection row
// when several are open, a row for each folder as its first request
// opens it, then the request.
func buildRows(names []string, refs [][]collections.RequestRef) treeRows {
	total := 0
	for _, rs := range refs {
		total += len(rs)
	}
	// Sized once: a folder's row per 8 requests is a guess, the requests'
	// rows are exact.
	all := make([]node, 0, total+total/8+len(refs))
	pos := make(map[string]int, total)
	for ci, rs := range refs {
		depth := 0
		if len(refs) > 1 {
			all = append(all, node{Coll: ci, Kind: nodeCollection, Key: "", Name: names[ci]})
			depth = 1
		}
		var open []string
		for _, r := range rs {
			// Close the folders this request is not in, open the new ones.
			common := 0
			for common < len(open) && common < len(r.Folders) && open[common] == r.Folders[common] {
				common++
			}
			open = open[:common]
			for _, f := range r.Folders[common:] {
				open = append(open, f)
				key := ""
				for _, o := range open {
					key = collections.JoinPath(key, o)
				}
				all = append(all, node{Coll: ci, Kind: nodeFolder, Key: key, Name: f, Depth: depth + len(open) - 1})
			}
			if _, dup := pos[nodeID(ci, r.Path)]; !dup {
				pos[nodeID(ci, r.Path)] = len(all)
			}
			all = append(all, node{Coll: ci, Kind: nodeRequest, Key: r.Path, Name: r.Name, Depth: depth + len(r.Folders), Method: r.Method, Ref: r})
		}
	}
	return treeRows{all: all, pos: pos, want: rowsWidth(all)}
}

// setRows shows rows built by buildRows.
func (t *tree) setRows(rows treeRows) {
	t.all, t.pos = rows.all, rows.pos
	t.rebuild()
}

func (t *tree) rebuild() {
	t.visible = t.visible[:0]
	hidden := -1 // depth below which rows are folded away
	for i, n := range t.all {
		if hidden >= 0 {
			if n.Depth > hidden {
				continue
			}
			hidden = -1
		}
		t.visible = append(t.visible, i)
		if n.Kind != nodeRequest && t.collapsed[nodeID(n.Coll, n.Key)+kindSuffix(n.Kind)] {
			hidden = n.Depth
		}
	}
	t.cursor = clamp(t.cursor, 0, max(len(t.visible)-1, 0))
	t.scroll()
}

// rowsWidth is the width the widest row needs, borders excluded: the
// layout sizes the tree by it (the status or auth label takes 4 columns).
func rowsWidth(all []node) int {
	w := 0
	for _, n := range all {
		name := lipglossWidth(bodyview.Escape(n.Name))
		switch n.Kind {
		case nodeRequest:
			w = max(w, n.Depth+1+4+1+name+1+4)
		default:
			w = max(w, n.Depth+2+name)
		}
	}
	return w
}

func kindSuffix(k int) string { return fmt.Sprint("\x00", k) }

func (t *tree) setSize(w, h int) { t.w, t.h = w, h; t.scroll() }

func (t *tree) scroll() {
	if t.h <= 0 {
		return
	}
	if t.cursor < t.top {
		t.top = t.cursor
	}
	if t.cursor >= t.top+t.h {
		t.top = t.cursor - t.h + 1
	}
	t.top = clamp(t.top, 0, max(len(t.visible)-t.h, 0))
}

// selected is the node under the cursor.
func (t *tree) selected() (node, bool) {
	if t.cursor < 0 || t.cursor >= len(t.visible) {
		return node{}, false
	}
	return t.all[t.visible[t.cursor]], true
}

// selectRequest moves the cursor onto a request, unfolding its folders.
// The request's row is looked up, not searched for: the finder and every
// listing of the tree select one, at 20,000 requests.
func (t *tree) selectRequest(coll int, path string) bool {
	i, ok := t.pos[nodeID(coll, path)]
	if !ok {
		return false
	}
	unfolded := false
	for _, f := range t.all[:i] {
		if f.Kind == nodeRequest || f.Coll != coll {
			continue
		}
		if f.Kind == nodeCollection || strings.HasPrefix(path, f.Key+"/") {
			id := nodeID(f.Coll, f.Key) + kindSuffix(f.Kind)
			if t.collapsed[id] {
				delete(t.collapsed, id)
				unfolded = true
			}
		}
	}
	if unfolded || len(t.visible) == 0 {
		t.rebuild()
	}
	// visible lists indexes into all in order.
	vi := sort.SearchInts(t.visible, i)
	if vi == len(t.visible) || t.visible[vi] != i {
		return false
	}
	t.cursor = vi
	t.scroll()
	return true
}

// selectFolder moves the cursor onto a folder (or collection) row,
// unfolding the folders above it.
func (t *tree) selectFolder(coll int, key string) bool {
	for i, n := range t.all {
		if n.Kind == nodeRequest || n.Coll != coll || n.Key != key {
			continue
		}
		for _, f := range t.all[:i] {
			if f.Coll == coll && f.Kind != nodeRequest && (f.Kind == nodeCollection || strings.HasPrefix(key, f.Key+"/")) {
				delete(t.collapsed, nodeID(f.Coll, f.Key)+kindSuffix(f.Kind))
			}
		}
		t.rebuild()
		for vi, ai := range t.visible {
			if ai == i {
				t.cursor = vi
				t.scroll()
				return true
			}
		}
	}
	return false
}

// parentKey is the key of the folder n is in ("" at the top).
func (t *tree) parentKey(n node) string {
	for i, o := range t.all {
		if o.Coll != n.Coll || o.Kind != n.Kind || o.Key != n.Key {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			p := t.all[j]
			if p.Coll != n.Coll || p.Kind == nodeCollection {
				break
			}
			if p.Kind == nodeFolder && p.Depth == n.Depth-1 {
				return p.Key
			}
		}
		break
	}
	return ""
}

// renameFolder keeps the folding of a renamed folder and of the folders
// in it.
func (t *tree) renameFolder(coll int, from, to string) {
	for id, v := range t.collapsed {
		prefix := nodeID(coll, "")
		if !strings.HasPrefix(id, prefix) {
			continue
		}
		key, suffix, _ := strings.Cut(strings.TrimPrefix(id, prefix), "\x00")
		if key == from || strings.HasPrefix(key, from+"/") {
			delete(t.collapsed, id)
			t.collapsed[prefix+to+strings.TrimPrefix(key, from)+"\x00"+suffix] = v
		}
	}
}

// nearestRequest moves the cursor to the first request at or below it,
// else the last one above.
func (t *tree) nearestRequest() {
	for vi := t.cursor; vi < len(t.visible); vi++ {
		if t.all[t.visible[vi]].Kind == nodeRequest {
			t.cursor = vi
			t.scroll()
			return
		}
	}
	for vi := min(t.cursor, len(t.visible)-1); vi >= 0; vi-- {
		if t.all[t.visible[vi]].Kind == nodeRequest {
			t.cursor = vi
			t.scroll()
			return
		}
	}
}

// firstRequest selects the first request, if any.
func (t *tree) firstRequest() {
	for vi, ai := range t.visible {
		if t.all[ai].Kind == nodeRequest {
			t.cursor = vi
			t.scroll()
			return
		}
	}
}

// update moves the cursor; it reports whether the selection changed.
func (t *tree) update(msg tea.Msg) bool {
	old := t.cursor
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, t.keys.Up):
			t.cursor--
		case key.Matches(msg, t.keys.Down):
			t.cursor++
		case key.Matches(msg, t.keys.Top):
			t.cursor = 0
		case key.Matches(msg, t.keys.Bottom):
			t.cursor = len(t.visible) - 1
		case key.Matches(msg, t.keys.Toggle):
			if n, ok := t.selected(); ok && n.Kind != nodeRequest {
				id := nodeID(n.Coll, n.Key) + kindSuffix(n.Kind)
				t.collapsed[id] = !t.collapsed[id]
				t.rebuild()
			}
		}
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelUp:
			t.cursor--
		case tea.MouseWheelDown:
			t.cursor++
		}
	}
	t.cursor = clamp(t.cursor, 0, max(len(t.visible)-1, 0))
	t.scroll()
	return t.cursor != old
}

// click selects the row at y (relative to the pane's content).
func (t *tree) click(y int) bool {
	i := t.top + y
	if i < 0 || i >= len(t.visible) {
		return false
	}
	old := t.cursor
	t.cursor = i
	if n, ok := t.selected(); ok && n.Kind != nodeRequest && old == i {
		id := nodeID(n.Coll, n.Key) + kindSuffix(n.Kind)
		t.collapsed[id] = !t.collapsed[id]
		t.rebuild()
	}
	return t.cursor != old
}

// view draws the visible rows: fold marker, method badge, name, and on the
// right the auth mode or the last status.
func (t *tree) view(st Styles, focused bool) []string {
	out := make([]string, 0, t.h)
	for row := 0; row < t.h && t.top+row < len(t.visible); row++ {
		vi := t.top + row
		n := t.all[t.visible[vi]]
		indent := strings.Repeat(" ", n.Depth)
		var line string
		switch n.Kind {
		case nodeCollection, nodeFolder:
			mark := "▾ "
			if t.collapsed[nodeID(n.Coll, n.Key)+kindSuffix(n.Kind)] {
				mark = "▸ "
			}
			line = indent + st.Folder.Render(mark+bodyview.Escape(n.Name))
		default:
			id := nodeID(n.Coll, n.Key)
			m := fmt.Sprintf("%-4s", shortMethod(n.Method))
			right := st.Dim.Render(t.modes[id])
			switch {
			case t.inflight[id]:
				right = st.Warn.Render("…")
			case t.status[id] != 0:
				right = st.status(t.status[id]).Render(fmt.Sprint(t.status[id]))
				switch t.tests[id] {
				case "✓":
					right = st.OK.Render("✓") + right
				case "✗":
					right = st.Error.Render("✗") + right
				}
			}
			name := indent + " " + st.method(n.Method).Render(m) + " " + bodyview.Escape(n.Name)
			rw := lipglossWidth(right)
			line = fit(name, max(t.w-rw-1, 1)) + " " + right
		}
		line = fit(line, t.w)
		if vi == t.cursor {
			if focused {
				line = st.Selected.Render(stripANSI(line))
			} else {
				line = st.SelectedBlur.Render(stripANSI(line))
			}
		}
		out = append(out, line)
	}
	if len(t.visible) == 0 {
		out = append(out, st.Dim.Render(" (no requests)"))
	}
	return out
}

func shortMethod(m string) string {
	switch m {
	case "DELETE":
		return "DEL"
	case "OPTIONS":
		return "OPT"
	case "PATCH":
		return "PTCH"
	}
	if len(m) > 4 {
		return m[:4]
	}
	return m
}

// modeLabel is the tree's short name of an auth mode.
func modeLabel(m collections.AuthMode) string {
	switch m {
	case collections.ModeIAM:
		return "iam"
	case collections.ModeIDToken:
		return "id"
	case collections.ModeAccessToken:
		return "acc"
	case collections.ModeAPIKey:
		return "key"
	case collections.ModeGuest:
		return "gst"
	}
	return ""
}
