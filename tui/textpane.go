package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/tui/hscroll"
)

// scrollKeys are the keys of a text pane (the wire view, the response's
// Headers, Cookies and Timing tabs), for the help.
type scrollKeys struct{ Up, Down, Page, Top, Side key.Binding }

var textPaneKeys = scrollKeys{
	Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	Page: key.NewBinding(key.WithKeys("pgdown", "pgup"), key.WithHelp("pgup/pgdn", "page")),
	Top:  key.NewBinding(key.WithKeys("g", "G"), key.WithHelp("g/G", "top/bottom")),
	Side: key.NewBinding(key.WithKeys("left", "right", "h", "l"), key.WithHelp("←/→ h/l", "scroll sideways")),
}

func (k scrollKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Page, k.Top, k.Side}
}
func (k scrollKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// textPane scrolls prebuilt, styled lines: the wire view and the small
// response tabs. Lines are built once per content version; view only
// slices the window and fits each line to the width.
type textPane struct {
	lines []string
	top   int
	side  hscroll.Offset // long scopes and headers stay readable
	w, h  int
	mark  int // a line to highlight (teaching), -1 for none
}

func (p *textPane) setLines(lines []string) {
	p.lines = lines
	p.top = clamp(p.top, 0, max(len(lines)-p.h, 0))
	p.side.SetBounds(p.w, p.widest())
}

func (p *textPane) setSize(w, h int) {
	p.w, p.h = w, h
	p.top = clamp(p.top, 0, max(len(p.lines)-h, 0))
	p.side.SetBounds(p.w, p.widest())
}

func (p *textPane) scrollBy(n int) {
	p.top = clamp(p.top+n, 0, max(len(p.lines)-p.h, 0))
}

// update scrolls on keys and the wheel; it reports whether it used msg.
func (p *textPane) update(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if msg.String() != "home" && p.side.Update(msg, sideKeys) {
			return true
		}
		switch msg.String() {
		case "up", "k":
			p.scrollBy(-1)
		case "down", "j":
			p.scrollBy(1)
		case "pgup", "ctrl+u":
			p.scrollBy(-max(p.h-1, 1))
		case "pgdown", "ctrl+d", "space":
			p.scrollBy(max(p.h-1, 1))
		case "g", "home":
			p.top, p.side.Left = 0, 0
		case "G", "end":
			p.scrollBy(len(p.lines))
		default:
			return false
		}
		return true
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelUp:
			p.scrollBy(-3)
		case tea.MouseWheelDown:
			p.scrollBy(3)
		}
		return true
	}
	return false
}

// reveal scrolls line i into view.
func (p *textPane) reveal(i int) {
	if i < p.top {
		p.top = i
	} else if i >= p.top+p.h {
		p.top = i - p.h + 1
	}
	p.top = clamp(p.top, 0, max(len(p.lines)-p.h, 0))
}

func (p *textPane) view(st Styles) []string {
	out := make([]string, 0, p.h)
	for i := p.top; i < len(p.lines) && len(out) < p.h; i++ {
		l := fitCols(p.lines[i], p.w)
		if p.side.Left > 0 {
			// Scrolled: the line from column left, the tab's alignment
			// dropped.
			l = hscroll.Window(strings.Replace(p.lines[i], "\t", "  ", 1), p.side.Left, p.w)
		}
		if i == p.mark {
			l = st.Highlight.Render(stripANSI(l))
		}
		out = append(out, l)
	}
	return fitLines(out, p.w, p.h)
}

// widest is the width of the longest line, tab alignment as two spaces.
func (p *textPane) widest() int {
	w := 0
	for _, l := range p.lines {
		w = max(w, ansi.StringWidth(l)+1)
	}
	return w
}

// sideKeys scroll a text pane sideways; home is the pane's own (top and
// start at once).
var sideKeys = hscroll.DefaultKeys()

func (p *textPane) text() string {
	var b []byte
	for _, l := range p.lines {
		b = append(b, stripANSI(l)...)
		b = append(b, '\n')
	}
	return string(b)
}
