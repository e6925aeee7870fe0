package tui

import "fmt"

// rect is a pane's place on the screen.
type rect struct{ X, Y, W, H int }

// layoutKind is how many panes fit side by side.
type layoutKind int

const (
	layoutWide   layoutKind = iota // tree | wire over response | SigV4
	layoutNarrow                   // one pane at a time behind a tab bar
)

// layout is where everything goes for one terminal size, computed once per
// tea.WindowSizeMsg and pushed down to the panes; View never measures.
type layout struct {
	W, H     int
	Kind     layoutKind
	Header   rect
	Footer   rect
	Body     rect // everything between header and footer
	Tree     rect
	Wire     rect
	Response rect
	SigV4    rect
	Tabs     rect // narrow: the tab bar
	Single   rect // narrow: the one pane shown
}

// layoutPrefs are what sizes the wide layout besides the terminal: the
// width the tree's rows want, and the user's own moves of the two pane
// borders (< and >), in columns.
type layoutPrefs struct {
	TreeWant   int // the widest tree row, borders excluded
	TreeShift  int
	SigV4Shift int
}

// Bounds of the wide layout's panes, in columns with borders.
const (
	minTree, minMid, minSigV4 = 16, 40, 30
)

// computeLayout is pure: a size and the preferences in, rectangles out.
// Wide needs 110 columns and 20 rows; below that one pane at a time. The
// tree is as wide as its rows want, up to a fifth of the screen (the
// middle keeps 60 columns); the
// user's shifts move the borders within the panes' minimums.
func computeLayout(w, h int, p layoutPrefs) layout {
	l := layout{W: w, H: h}
	l.Header = rect{0, 0, w, 1}
	l.Footer = rect{0, max(h-1, 0), w, 1}
	bodyH := max(h-2, 0)
	l.Body = rect{0, 1, w, bodyH}
	if w >= 110 && h >= 20 {
		l.Kind = layoutWide
		right := clamp(w*2/5, 44, 78)
		tree := 20
		if p.TreeWant > 0 {
			// Never at the cost of the request and response below 60.
			tree = clamp(p.TreeWant+2, 20, max(min(w/5, w-right-60), 20))
		}
		tree = clamp(tree+p.TreeShift, minTree, w-minMid-minSigV4)
		right = clamp(right+p.SigV4Shift, minSigV4, w-tree-minMid)
		mid := w - tree - right
		l.Tree = rect{0, 1, tree, bodyH}
		l.SigV4 = rect{tree + mid, 1, right, bodyH}
		wireH := max(bodyH*9/20, 6)
		if bodyH-wireH < 6 {
			wireH = bodyH / 2
		}
		l.Wire = rect{tree, 1, mid, wireH}
		l.Response = rect{tree, 1 + wireH, mid, bodyH - wireH}
		return l
	}
	l.Kind = layoutNarrow
	l.Tabs = rect{0, 1, w, 1}
	l.Single = rect{0, 2, w, max(bodyH-1, 0)}
	return l
}

// shiftBorder moves the border of the focused pane by d columns (> widens
// it, < narrows it) and returns what the user should read; the layout
// keeps every pane at its minimum.
func (m *Model) shiftBorder(d int) string {
	if m.lay.Kind != layoutWide || m.zoom {
		return "panes are resized in the wide layout (110 columns or more), not zoomed"
	}
	before := m.lay
	switch m.focus {
	case paneTree:
		m.layPrefs.TreeShift += d
	case paneSigV4:
		m.layPrefs.SigV4Shift += d
	default: // the middle column widens at the SigV4 pane's cost
		m.layPrefs.SigV4Shift -= d
	}
	m.resize(m.lay.W, m.lay.H)
	// Keep the shift where the minimums stopped it, so the opposite key
	// acts at once.
	base := computeLayout(m.lay.W, m.lay.H, layoutPrefs{TreeWant: m.layPrefs.TreeWant})
	m.layPrefs.TreeShift = m.lay.Tree.W - base.Tree.W
	m.layPrefs.SigV4Shift = m.lay.SigV4.W - base.SigV4.W
	if m.lay == before {
		return "the panes are at their smallest (tree 16, middle 40, SigV4 30 columns)"
	}
	return fmt.Sprintf("panes: requests %d, request/response %d, SigV4 %d columns (< and > move the focused pane's border)",
		m.lay.Tree.W, m.lay.Wire.W, m.lay.SigV4.W)
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
