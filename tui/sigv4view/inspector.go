package sigv4view

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
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

	// The steps change only when the request does, but View runs on every
	// frame: lines are rendered once per (content, width, secrets, styles).
	cache     inspectorKey
	lines     []string
	haveCache bool
}

type inspectorKey struct {
	version, w, gen int
	show            bool
	highlight       string
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

// Update scrolls on the inspector's keys and the mouse wheel.
func (m *Inspector) Update(msg tea.Msg) tea.Cmd {
	m.render()
	m.scroll.update(msg, m.Keys.ScrollKeyMap)
	return nil
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
	k := inspectorKey{version: m.version, w: m.w, gen: m.gen, show: m.sec.show, highlight: m.highlight}
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
			r := stepLine(st, m.sec, s.N, l, w, st.Text)
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

// stepLine is "label   │text" with the note flush right when there is room.
// pre goes before the label (the walk-through's cursor and change marks).
// A hash too long for the pane keeps its ends rather than being cut.
func stepLine(st Styles, sec secrets, stepN int, l workbench.Line, w int, textStyle lipgloss.Style, pre ...span) *row {
	r := &row{spans: append([]span(nil), pre...)}
	r.add(labelCell(l.Label), st.Label)
	r.add("│", st.Gutter)
	text := sec.lineText(l.Secret, l.Text)
	room := w - r.width()
	if ansi.StringWidth(text) > room && isHex(text) {
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
