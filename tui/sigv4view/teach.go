package sigv4view

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// Teach is the walk-through, a lesson: one step at a time, its
// explanation, its lines with a cursor, each line whole (wrapped, never
// cut), and under them every rule that made the cursor line, where in the
// request it came from and the shell line that recomputes it by hand.
//
// Edit and watch: x asks the root for a what-if (another header, region
// or body, see TryMsg) and shows that request's steps with the lines the
// change reached marked; editing the request itself while the lesson is
// open keeps the place and marks the changed lines the same way.
type Teach struct {
	Keys TeachKeyMap

	look
	w, h    int
	version int
	seen    bool // SetSteps was called: the next new version is a change
	request string
	why     string // why there are no steps, for the request named
	trace   *sign.Trace
	steps   []workbench.Step
	changed [][]bool // per step, per line: Text differs from the previous version
	trial   *trial   // a what-if shown in place of the steps, nil for none
	step    int      // index into steps
	cursor  int      // index into steps[step].Lines
	scroll  scroll

	head      []string // pinned above the scrolled lines: the heading, a what-if
	lines     []string
	cursorRow int // rendered row of the cursor line
	detailEnd int // last rendered row of its rules
	cache     teachKey
	haveCache bool
	trialGen  int // bumped by SetTrial and ClearTrial
}

// trial is one what-if of edit and watch: what was changed, the steps of
// the changed request, and per step and line whether the change reached it.
type trial struct {
	label   string
	trace   *sign.Trace
	steps   []workbench.Step
	changed [][]bool
	err     string
}

type teachKey struct {
	version, w, gen, step, cursor, trial int
	show                                 bool
}

// TryMsg asks the root for the next what-if of edit and watch (Undo false)
// or to forget it (Undo true). The root signs the changed request as the
// one shown was signed (same time, same keys) and hands the steps back
// with SetTrial.
type TryMsg struct{ Undo bool }

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

// SetTrace names the request the next steps are of and gives its trace,
// for the rules the lesson adds (sign.Trace.Lesson). Another request
// starts the lesson again at step 1, without change marks or a what-if.
func (m *Teach) SetTrace(request string, t *sign.Trace) {
	if request != m.request {
		m.request, m.seen = request, false
		m.step, m.cursor, m.scroll.off = 0, 0, 0
		m.changed, m.trial = nil, nil
		m.trialGen++
	}
	m.trace = t
	m.haveCache = false
}

// SetUnsigned says why the request named has nothing to walk through
// (it could not be prepared, a login is missing): the lesson of the
// request selected before must not stay on screen.
func (m *Teach) SetUnsigned(request string, version int, why string) {
	m.SetTrace(request, nil)
	m.why = why
	m.SetSteps(version, nil)
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
	if m.trial != nil {
		m.trial = nil // a what-if of the request before the edit
		m.trialGen++
	}
	m.seen, m.version, m.steps = true, version, steps
	if steps != nil {
		m.why = ""
	}
	m.step = clampIndex(m.step, len(steps))
	m.cursor = clampIndex(m.cursor, m.lineCount())
	m.haveCache = false
	m.render()
	m.showCursor()
}

// SetTrial shows a what-if: label says what was changed ("region
// us-east-1 → eu-west-1"), steps and t are the changed request's, err why
// it could not be signed. The lines that differ from the steps shown are
// marked on every step.
func (m *Teach) SetTrial(label string, steps []workbench.Step, t *sign.Trace, err error) {
	tr := &trial{label: label, trace: t, steps: steps}
	if err != nil {
		tr.err = err.Error()
		tr.steps, tr.trace = nil, nil
	} else {
		tr.changed = changedLines(m.steps, steps)
	}
	m.trial = tr
	m.trialGen++
	m.cursor = clampIndex(m.cursor, m.lineCount())
	m.render()
	m.showCursor()
}

// ClearMarks forgets which lines the last new version changed: the root
// calls it when the lesson opens, so that it starts from what is on
// screen (a send re-signs at another time while the lesson is closed).
func (m *Teach) ClearMarks() {
	m.changed = nil
	m.haveCache = false
}

// Trying reports whether a what-if is shown.
func (m *Teach) Trying() bool { return m.trial != nil }

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

// Update moves between steps and lines on the walk-through's keys,
// scrolls on pgup/pgdown and the mouse wheel, and asks for a what-if on
// x (u forgets it).
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
		case key.Matches(msg, k.Try) && len(m.steps) > 0:
			return func() tea.Msg { return TryMsg{} }
		case key.Matches(msg, k.Undo) && m.trial != nil:
			m.trial = nil
			m.trialGen++
			m.render()
			return func() tea.Msg { return TryMsg{Undo: true} }
		}
	}
	return nil
}

// View returns exactly h lines of exactly w cells: the heading pinned,
// the rest scrolled.
func (m *Teach) View() string {
	m.render()
	head := make([]string, min(len(m.head), m.h))
	for i := range head {
		head[i] = fit(m.head[i], m.w)
	}
	rest := window(m.lines, m.scroll.off, m.w, m.h-len(head))
	if len(head) == 0 {
		return rest
	}
	if rest == "" {
		return strings.Join(head, "\n")
	}
	return strings.Join(head, "\n") + "\n" + rest
}

// ShortHelp implements help.KeyMap.
func (m *Teach) ShortHelp() []key.Binding { return m.Keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m *Teach) FullHelp() [][]key.Binding { return m.Keys.FullHelp() }

// shown are the steps on screen: the what-if's, else the request's.
func (m *Teach) shown() []workbench.Step {
	if m.trial != nil && m.trial.steps != nil {
		return m.trial.steps
	}
	return m.steps
}

func (m *Teach) lineCount() int {
	st := m.shown()
	if m.step >= len(st) {
		return 0
	}
	return len(st[m.step].Lines)
}

func (m *Teach) cursorLine() (workbench.Line, bool) {
	if m.cursor < m.lineCount() {
		return m.shown()[m.step].Lines[m.cursor], true
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
	k := teachKey{version: m.version, w: m.w, gen: m.gen, step: m.step, cursor: m.cursor, trial: m.trialGen, show: m.sec.show}
	if !m.haveCache || k != m.cache {
		m.cache, m.haveCache = k, true
		m.head, m.lines = m.build()
	}
	m.scroll.set(len(m.lines), max(m.h-len(m.head), 0))
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
