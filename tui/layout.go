package tui

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

// computeLayout is pure: a size in, rectangles out. Wide needs 110
// columns and 20 rows; below that one pane at a time.
func computeLayout(w, h int) layout {
	l := layout{W: w, H: h}
	l.Header = rect{0, 0, w, 1}
	l.Footer = rect{0, max(h-1, 0), w, 1}
	bodyH := max(h-2, 0)
	l.Body = rect{0, 1, w, bodyH}
	if w >= 110 && h >= 20 {
		l.Kind = layoutWide
		tree := clamp(w/7, 20, 30)
		right := clamp(w*2/5, 44, 78)
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

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
