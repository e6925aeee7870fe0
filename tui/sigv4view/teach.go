package sigv4view

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sigscope/sigscope/workbench"
)

// Teach is the walk-through: one step at a time, its explanation, its
// lines with a cursor, and under them every rule that made the cursor line
// and where in the request it came from. Editing the request while it is
// open keeps the place and marks the lines the edit changed.
type Teach struct {
	Keys TeachKeyMap

	look
	w, h    int
	version int
	seen    bool // SetSteps was called: the next new version is a change
	steps   []workbench.Step
	changed [][]bool // per step, per line: Text differs from the previous version
	step    int      // index into steps
	cursor  int      // index into steps[step].Lines
	scroll  scroll

	lines     []string
	cursorRow int // rendered row of the cursor line
	detailEnd int // last rendered row of its rules
	cache     teachKey
	haveCache bool
}

type teachKey struct {
	version, w, gen, step, cursor int
	show                          bool
}

// NewTeach returns an empty walk-through with the default styles and keys.
func NewTeach() *Teach {
	return &Teach{Keys: DefaultTeachKeyMap(), look: look{styles: DefaultStyles()}}
}

// SetSize sets the size View fills.
func (m *Teach) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.render()
	m.showCursor()
}

// SetSteps shows the steps of one signature; version identifies the request
// they came from. A new version keeps the current step and cursor and marks
// the lines whose text is not in the previous version's step, so that a
// user editing the request sees which lines the edit reached. Calling it
// again with the same version changes nothing.
func (m *Teach) SetSteps(version int, steps []workbench.Step) {
	if m.seen && version == m.version {
		return
	}
	if m.seen && m.steps != nil && steps != nil {
		m.changed = changedLines(m.steps, steps)
	} else {
		m.changed = nil
	}
	m.seen, m.version, m.steps = true, version, steps
	m.step = clampIndex(m.step, len(steps))
	m.cursor = clampIndex(m.cursor, m.lineCount())
	m.haveCache = false
	m.render()
	m.showCursor()
}

// Step is the number (1 to 4) of the step shown, 0 when there is none.
func (m *Teach) Step() int {
	if len(m.steps) == 0 {
		return 0
	}
	return m.steps[m.step].N
}

// CursorSource says where in the request the cursor line came from
// ("path", "query", "header host", "signer", "body"), so that the root can
// point at it in the wire view; "" when the line has no single source.
func (m *Teach) CursorSource() string {
	if l, ok := m.cursorLine(); ok {
		return l.Source
	}
	return ""
}

// Update moves between steps and lines on the walk-through's keys and
// scrolls on pgup/pgdown and the mouse wheel.
func (m *Teach) Update(msg tea.Msg) tea.Cmd {
	m.render()
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		m.scroll.update(msg, m.Keys.ScrollKeyMap)
	case tea.KeyPressMsg:
		page := max(m.h-1, 1)
		switch k := m.Keys; {
		case key.Matches(msg, k.Next):
			m.setStep(m.step + 1)
		case key.Matches(msg, k.Prev):
			m.setStep(m.step - 1)
		case key.Matches(msg, k.Up):
			m.setCursor(m.cursor - 1)
		case key.Matches(msg, k.Down):
			m.setCursor(m.cursor + 1)
		case key.Matches(msg, k.Top):
			m.setCursor(0)
		case key.Matches(msg, k.Bottom):
			m.setCursor(m.lineCount() - 1)
		case key.Matches(msg, k.PageUp):
			m.scroll.by(-page)
		case key.Matches(msg, k.PageDown):
			m.scroll.by(page)
		}
	}
	return nil
}

// View returns exactly h lines of exactly w cells.
func (m *Teach) View() string {
	m.render()
	return window(m.lines, m.scroll.off, m.w, m.h)
}

// ShortHelp implements help.KeyMap.
func (m *Teach) ShortHelp() []key.Binding { return m.Keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m *Teach) FullHelp() [][]key.Binding { return m.Keys.FullHelp() }

func (m *Teach) lineCount() int {
	if len(m.steps) == 0 {
		return 0
	}
	return len(m.steps[m.step].Lines)
}

func (m *Teach) cursorLine() (workbench.Line, bool) {
	if m.cursor < m.lineCount() {
		return m.steps[m.step].Lines[m.cursor], true
	}
	return workbench.Line{}, false
}

func (m *Teach) setStep(i int) {
	i = clampIndex(i, len(m.steps))
	if i == m.step {
		return
	}
	// A new step starts from its top: its explanation comes first.
	m.step, m.cursor, m.scroll.off = i, 0, 0
	m.render()
	m.showCursor()
}

func (m *Teach) setCursor(i int) {
	m.cursor = clampIndex(i, m.lineCount())
	m.render()
	m.showCursor()
}

// showCursor scrolls so that the cursor line and as much of its rules as
// fit are in view, the cursor line first.
func (m *Teach) showCursor() {
	if m.lineCount() > 0 {
		m.scroll.show(m.cursorRow, m.detailEnd)
	}
}

func (m *Teach) render() {
	k := teachKey{version: m.version, w: m.w, gen: m.gen, step: m.step, cursor: m.cursor, show: m.sec.show}
	if !m.haveCache || k != m.cache {
		m.cache, m.haveCache = k, true
		m.lines = m.build()
	}
	m.scroll.set(len(m.lines), m.h)
}

func (m *Teach) build() []string {
	w, st := m.w, m.styles
	if w <= 0 {
		return nil
	}
	var rows []*row
	text := func(s string, style lipgloss.Style) {
		rows = append(rows, (&row{}).add(s, style))
	}
	if len(m.steps) == 0 {
		for _, l := range wrap("Nothing to walk through: this request is not signed with SigV4. Choose the iam auth mode to sign it.", w) {
			text(l, st.Text)
		}
		return renderRows(rows, w)
	}
	s := m.steps[m.step]
	var changed []bool
	if m.step < len(m.changed) {
		changed = m.changed[m.step]
	}

	head := (&row{}).add(fmt.Sprintf("Step %d of %d · %s", s.N, len(m.steps), escape(s.Title)), st.Heading)
	if n := count(changed); n > 0 {
		head.right(fmt.Sprintf("* %d changed", n), st.Changed, w)
	}
	rows = append(rows, head)
	for _, l := range wrap(s.Explain, w) {
		text(l, st.Text)
	}
	text("", st.Text)

	for i, l := range s.Lines {
		mark, changeMark, textStyle := " ", " ", st.Text
		if i < len(changed) && changed[i] {
			changeMark, textStyle = "*", st.Changed
		}
		if i == m.cursor {
			mark = "›"
			m.cursorRow = len(rows)
		}
		r := stepLine(st, m.sec, s.N, l, w, textStyle, span{mark, st.Heading}, span{changeMark, st.Changed})
		if i == m.cursor {
			c := st.Cursor
			r.fill = &c
		}
		rows = append(rows, r)
	}
	text("", st.Text)

	if l, ok := m.cursorLine(); ok {
		// The gutter cut a long line (the Authorization header, a
		// presigned URL): the walk-through is where it can be read whole.
		full := m.sec.lineText(l.Secret, l.Text)
		if ansi.StringWidth(full) > w-2-gutterWidth {
			first, rest := hanging("text: ", full, w)
			rows = append(rows, (&row{}).add("text: ", st.Label).add(first, st.Text))
			for _, r := range rest {
				text(r, st.Text)
			}
		}
		rules := l.Rules
		if len(rules) == 0 && l.Note != "" {
			rules = []string{l.Note}
		}
		if len(rules) > 0 {
			text("why:", st.Label)
			for _, rule := range rules {
				first, rest := hanging("  • ", rule, w)
				rows = append(rows, (&row{}).add("  • ", st.Gutter).add(first, st.Text))
				for _, r := range rest {
					text(r, st.Text)
				}
			}
		}
		if l.Source != "" {
			rows = append(rows, (&row{}).add("from: ", st.Label).add(escape(l.Source), st.Text))
		}
	}
	m.detailEnd = len(rows) - 1
	return renderRows(rows, w)
}

func renderRows(rows []*row, w int) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.render(w)
	}
	return out
}

// changedLines marks, per step of cur, the lines whose text is not among
// the lines of the same step in prev. Texts are matched as a multiset
// rather than by index so that an added header marks itself and the
// signed-headers line, not every header line after it.
func changedLines(prev, cur []workbench.Step) [][]bool {
	out := make([][]bool, len(cur))
	for i, s := range cur {
		left := map[string]int{}
		for _, p := range prev {
			if p.N == s.N {
				for _, l := range p.Lines {
					left[l.Text]++
				}
			}
		}
		out[i] = make([]bool, len(s.Lines))
		for j, l := range s.Lines {
			if left[l.Text] > 0 {
				left[l.Text]--
			} else {
				out[i][j] = true
			}
		}
	}
	return out
}

func count(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

func clampIndex(i, n int) int {
	return max(min(i, n-1), 0)
}
