package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// fit makes s exactly w cells wide: cut with an ellipsis when longer,
// padded with spaces when shorter. Every line the UI draws goes through
// it, so that no line ever wraps into the next pane.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// fitLines makes a block exactly w by h.
func fitLines(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := 0; i < h; i++ {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

// frame draws a box of exactly w by h around content, with a title in the
// top border, the way the sketch shows panes: ┌─ Title ───┐.
func (m *Model) frame(title string, content []string, w, h int, focused bool) []string {
	st := m.styles
	if w < 4 || h < 2 {
		return fitLines(nil, max(w, 0), max(h, 0))
	}
	bs, ts := st.Border, st.Title
	if focused {
		bs, ts = st.BorderFocused, st.TitleFocused
	}
	inner := w - 2
	t := ""
	if title != "" {
		t = "─ " + ansi.Truncate(title, max(inner-4, 0), "…") + " "
	}
	top := bs.Render("┌") + ts.Render(t) + bs.Render(strings.Repeat("─", max(inner-ansi.StringWidth(t), 0))+"┐")
	out := make([]string, 0, h)
	out = append(out, top)
	body := fitLines(content, inner, h-2)
	side := bs.Render("│")
	for _, l := range body {
		out = append(out, side+l+side)
	}
	out = append(out, bs.Render("└"+strings.Repeat("─", inner)+"┘"))
	return out
}

// joinColumns puts blocks of equal height side by side.
func joinColumns(blocks ...[]string) []string {
	if len(blocks) == 0 {
		return nil
	}
	out := make([]string, len(blocks[0]))
	for i := range out {
		var b strings.Builder
		for _, bl := range blocks {
			if i < len(bl) {
				b.WriteString(bl[i])
			}
		}
		out[i] = b.String()
	}
	return out
}

// overlay draws box over base, centred, cell-exact: what is under the box
// is cut out of each base line and the rest kept.
func drawOver(base []string, box []string, width int) []string {
	if len(box) == 0 {
		return base
	}
	bw := 0
	for _, l := range box {
		bw = max(bw, ansi.StringWidth(l))
	}
	bw = min(bw, width)
	y := max((len(base)-len(box))/2, 0)
	x := max((width-bw)/2, 0)
	out := append([]string{}, base...)
	for i, l := range box {
		if y+i >= len(out) {
			break
		}
		b := out[y+i]
		left := ansi.Truncate(b, x, "")
		right := ansi.TruncateLeft(b, x+bw, "")
		out[y+i] = fit(left, x) + fit(l, bw) + right
	}
	return out
}

// wrapText breaks prose into lines of at most w cells.
func wrapText(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}

func lipglossWidth(s string) int { return ansi.StringWidth(s) }

func stripANSI(s string) string { return ansi.Strip(s) }

// fitCols is fit for lines made by twoCol: the part after the tab is
// aligned to the right edge, and the left part gives way first.
func fitCols(s string, w int) string {
	left, right, ok := strings.Cut(s, "\t")
	if !ok {
		return fit(s, w)
	}
	rw := ansi.StringWidth(right)
	if rw+2 > w {
		return fit(left, w)
	}
	return fit(left, w-rw-1) + " " + right
}
