package sigv4view

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/tui/hscroll"
	"github.com/sigscope/sigscope/workbench"
)

// Inspector is the SigV4 pane: the four steps, one line per canonical line,
// always in view beside the request.
type Inspector struct {
	Keys InspectorKeyMap

	look
	w, h      int
	version   int
	steps     []workbench.Step
	unsigned  string
	highlight string
	scroll    scroll
	side      hscroll.Offset // the text column, sideways; the labels stay
	widths    widthCache

	// The steps change only when the request does, but View runs on every
	// frame: lines are rendered once per (content, width, secrets, styles).
	cache     inspectorKey
	lines     []string
	haveCache bool
}

type inspectorKey struct {
	version, w, gen, left int
	show                  bool
	highlight             string
}

// NewInspector returns an empty inspector with the default styles and keys.
func NewInspector() *Inspector {
	return &Inspector{Keys: DefaultInspectorKeyMap(), look: look{styles: DefaultStyles()}}
}

// SetSize sets the size View fills.
func (m *Inspector) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.render()
}

// SetSteps shows the steps of one signature. version identifies the
// request they were computed from and must change whenever the steps do:
// it is the cache key. With nil steps the pane explains why there is no
// signature with unsigned, the caller's text (the auth mode and what it
// sends instead).
func (m *Inspector) SetSteps(version int, steps []workbench.Step, unsigned string) {
	m.version, m.steps, m.unsigned = version, steps, unsigned
	m.haveCache = false
	m.render()
}

// Highlight marks the lines of one canonical part (sign.PartHeaders, …) and
// scrolls the first of them into view; "" clears it. The diff uses it to
// point at the differing part, the walk-through at the line it explains.
// Only a new part scrolls, so that the root may call it on every update
// without taking the scroll position away from the user.
func (m *Inspector) Highlight(part string) {
	if part == m.highlight {
		return
	}
	m.highlight = part
	m.render()
	if part == "" {
		return
	}
	i := 0
	for _, s := range m.steps {
		i++ // heading
		for _, l := range s.Lines {
			if l.Part == part {
				m.scroll.show(i, i)
				return
			}
			i++
		}
	}
}

// Update scrolls on the inspector's keys and the mouse wheel. Home goes
// back to the top and to the start of the lines at once.
func (m *Inspector) Update(msg tea.Msg) tea.Cmd {
	m.render()
	m.side.Update(msg, m.Keys.Side)
	m.scroll.update(msg, m.Keys.ScrollKeyMap)
	return nil
}

// SideStatus says how far the text column is scrolled sideways, for the
// pane's title: "" when every line fits, "→ more", "‹ col 41 →".
func (m *Inspector) SideStatus() string {
	m.render()
	return m.side.Status()
}

// View returns exactly h lines of exactly w cells.
func (m *Inspector) View() string {
	m.render()
	return window(m.lines, m.scroll.off, m.w, m.h)
}

// ShortHelp implements help.KeyMap.
func (m *Inspector) ShortHelp() []key.Binding { return m.Keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m *Inspector) FullHelp() [][]key.Binding { return m.Keys.FullHelp() }

// render refreshes the cached lines when anything they depend on changed.
func (m *Inspector) render() {
	m.side.SetBounds(m.w-gutterWidth, m.widths.get(m.version, m.look, m.widest))
	k := inspectorKey{version: m.version, w: m.w, gen: m.gen, left: m.side.Left, show: m.sec.show, highlight: m.highlight}
	if !m.haveCache || k != m.cache {
		m.cache, m.haveCache = k, true
		m.lines = m.build()
	}
	m.scroll.set(len(m.lines), m.h)
}

func (m *Inspector) build() []string {
	w, st := m.w, m.styles
	if w <= 0 {
		return nil
	}
	if m.steps == nil {
		var out []string
		for _, l := range wrap(m.unsigned, w) {
			r := row{}
			out = append(out, r.add(l, st.Text).render(w))
		}
		return out
	}
	var out []string
	for _, s := range m.steps {
		out = append(out, m.heading(s).render(w))
		for _, l := range s.Lines {
			r := stepLine(st, m.sec, l, w, m.side.Left, st.Text)
			if m.highlight != "" && l.Part == m.highlight {
				hl := st.Highlight
				r.fill = &hl
			}
			out = append(out, r.render(w))
		}
	}
	return out
}

// heading is "1 CANONICAL REQUEST" with the step's digest on the right,
// its hashes abbreviated (9f2c…e1a0) when the full digest does not fit.
func (m *Inspector) heading(s workbench.Step) *row {
	st := m.styles
	r := &row{}
	r.add(fmt.Sprintf("%d %s", s.N, escape(s.Title)), st.Heading)
	d := escape(s.Digest)
	if d == "" {
		return r
	}
	room := m.w - r.width() - 2
	if ansi.StringWidth(d) > room {
		d = shortHashes(d)
	}
	if w := ansi.StringWidth(d); w > room && room >= 8 {
		d = ansi.Truncate(d, room, "…")
	}
	r.right(d, st.Dim, m.w)
	return r
}

// widest is the widest text of the step lines, for the sideways scroll.
func (m *Inspector) widest() int {
	n := 0
	for _, s := range m.steps {
		for _, l := range s.Lines {
			n = max(n, ansi.StringWidth(m.sec.lineText(l.Secret, l.Text)))
		}
	}
	return n
}

// stepLine is "label   │text" with the note flush right when there is room.
// A hash too long for the pane keeps its ends rather than being cut.
// Scrolled sideways by left cells, the text is shown from there (behind
// "‹") and the notes, which belong to the whole line, give way.
func stepLine(st Styles, sec secrets, l workbench.Line, w, left int, textStyle lipgloss.Style) *row {
	r := &row{}
	r.add(labelCell(l.Label), st.Label)
	r.add("│", st.Gutter)
	text := sec.lineText(l.Secret, l.Text)
	room := w - r.width()
	switch {
	case left > 0 && text != "":
		r.add(hscroll.Window(text, left, room), textStyle)
		return r
	case ansi.StringWidth(text) > room && isHex(text):
		text = abbrevHex(text, room)
	}
	if text == "" {
		r.add("(empty line)", st.Dim)
	} else {
		r.add(text, textStyle)
	}
	r.right(escape(l.Note), st.Note, w)
	return r
}
