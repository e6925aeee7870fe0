// Package hscroll is the one sideways scroll of the UI's text panes: the
// Request pane, the response's small tabs, the SigV4 pane and the mismatch
// diff. Long scopes, signed-header lists and header values stay readable at
// any width: →/l and ←/h move half a view, home goes back, a "‹" in the
// first cell says the view is scrolled and a "…" in the last that the text
// goes on.
package hscroll

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Keys are the sideways keys. Home also goes back to the top in panes
// that scroll vertically; those handle it themselves.
type Keys struct {
	Right, Left, Home key.Binding
}

// DefaultKeys are →/l, ←/h and home.
func DefaultKeys() Keys {
	return Keys{
		Right: key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll right")),
		Left:  key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll left")),
		Home:  key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "scroll to the start")),
	}
}

// Offset is how many cells a view is scrolled sideways. view is the
// cells the scrolled text has on screen, widest the widest text's cells;
// both are the caller's, pushed on every size or content change.
type Offset struct {
	Left         int
	view, widest int
}

// SetBounds sets the view's width and the widest text's, and keeps Left
// in range.
func (o *Offset) SetBounds(view, widest int) {
	o.view, o.widest = max(view, 0), max(widest, 0)
	o.Left = min(o.Left, o.maxLeft())
	o.Left = max(o.Left, 0)
}

// maxLeft is the offset at which the widest text's last cell is the view's
// last.
func (o *Offset) maxLeft() int { return max(o.widest-o.view, 0) }

// Update scrolls on k's keys and reports whether msg was one of them.
func (o *Offset) Update(msg tea.Msg, k Keys) bool {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	step := max(o.view/2, 1)
	switch {
	case key.Matches(kp, k.Right):
		o.Left = min(o.Left+step, o.maxLeft())
	case key.Matches(kp, k.Left):
		o.Left = max(o.Left-step, 0)
	case key.Matches(kp, k.Home):
		o.Left = 0
	default:
		return false
	}
	return true
}

// Show scrolls the least so that cells a..b of the text are on screen,
// with ctx cells of context before a when it has to move: the diff opens
// on its first differing character this way.
func (o *Offset) Show(a, b, ctx int) {
	lo, hi := o.Left, o.Left+o.view-1 // hi: the last cell may be "…"
	if o.Left > 0 {
		lo++ // under "‹"
	}
	if a >= lo && b < hi {
		return
	}
	o.Left = max(a-ctx, 0)
	o.Left = min(o.Left, o.maxLeft())
}

// Scrollable reports whether some text is wider than the view.
func (o *Offset) Scrollable() bool { return o.widest > o.view }

// Status says where the view is, for a pane's title: "" when everything
// fits, "→ more" at the start, "‹ col 41 →" in the middle and "‹ col 41"
// at the end.
func (o *Offset) Status() string {
	switch {
	case !o.Scrollable():
		return ""
	case o.Left == 0:
		return "→ more"
	case o.Left >= o.maxLeft():
		return fmt.Sprintf("‹ col %d", o.Left+1)
	}
	return fmt.Sprintf("‹ col %d →", o.Left+1)
}

// Window is cells left..left+w of s, exactly w cells: "‹" stands in the
// first cell when left > 0, "…" in the last when s goes on past the view.
// s may carry ANSI styles; they are kept.
func Window(s string, left, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	more := sw > left+w
	var b strings.Builder
	from := left
	if left > 0 {
		b.WriteString("‹")
		from = left + 1
	}
	to := left + w
	if more {
		to--
	}
	if from < to {
		b.WriteString(ansi.Cut(s, from, to))
	}
	if more {
		b.WriteString("…")
	}
	out := b.String()
	if n := ansi.StringWidth(out); n < w {
		out += strings.Repeat(" ", w-n)
	}
	return out
}
