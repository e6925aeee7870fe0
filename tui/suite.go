package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// R runs a folder's requests as `sigscope run` does: in file order, the
// captures of each feeding the ones after it, every answer tested. A
// dialog shows the progress and, at the end, the summary; esc stops the
// run (and then closes the dialog). Each answer becomes its request's last
// one, so the tree marks it and selecting it shows it.

// suiteStepMsg is one step of the run tagged seq; done ends it.
type suiteStepMsg struct {
	seq  int
	coll int
	step *workbench.StepResult
	res  *workbench.SuiteResult
	err  error
	next <-chan suiteStepMsg
}

// runSuite starts the run of the folder under the tree's cursor (the
// request's own folder on a request row; the whole collection at its top).
func (m *Model) runSuite() tea.Cmd {
	n, ok := m.tree.selected()
	wb := m.selectedBench()
	if !ok || wb == nil {
		return nil
	}
	scope := n.Key
	if n.Kind == nodeRequest {
		scope = m.tree.parentKey(n)
	}
	var sel []string
	if scope != "" {
		sel = []string{scope}
	}
	paths, err := wb.Selected(sel)
	if err != nil {
		m.setStatus(err.Error(), false)
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.suiteSeq++
	d := &suiteDialog{seq: m.suiteSeq, coll: n.Coll, scope: scope, total: len(paths), cancel: cancel, started: time.Now()}
	if scope == "" {
		d.scope = wb.Coll.Name
	}
	m.pushOverlay(d)
	run := m.run()
	run.Source = workbench.RunSource(d.started, "tui")
	return suiteCmd(m.ctx, ctx, wb, d.seq, n.Coll, sel, run)
}

// suiteCmd runs the suite in the background and reports each step as a
// message; the program's context ends the reporting if the UI is gone.
func suiteCmd(app, ctx context.Context, wb *workbench.Workbench, seq, coll int, sel []string, run workbench.Run) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan suiteStepMsg, 1)
		send := func(msg suiteStepMsg) {
			select {
			case ch <- msg:
			case <-app.Done():
			}
		}
		go func() {
			defer close(ch)
			res, err := wb.RunSuite(ctx, workbench.SuiteOptions{Select: sel, Run: run}, func(s workbench.StepResult) {
				send(suiteStepMsg{seq: seq, coll: coll, step: &s})
			})
			send(suiteStepMsg{seq: seq, coll: coll, res: &res, err: err})
		}()
		return waitSuite(ch)()
	}
}

// waitSuite is the command that waits for the run's next step.
func waitSuite(ch <-chan suiteStepMsg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		msg.next = ch
		return msg
	}
}

// suiteStep takes one step of the run in: the request's last answer and
// tests, the dialog's progress; and waits for the next.
func (m *Model) suiteStep(msg suiteStepMsg) tea.Cmd {
	var d *suiteDialog
	for _, o := range m.overlays {
		if sd, ok := o.(*suiteDialog); ok && sd.seq == msg.seq {
			d = sd
		}
	}
	if s := msg.step; s != nil {
		if s.Outcome != nil {
			id := nodeID(msg.coll, s.Request)
			kept := m.keep(id, s.Outcome, time.Now())
			kept.checks, kept.captures = s.Checks, s.Captures
			m.tree.tests[id] = testsMark(s.Checks, s.Captures)
			if s.Status != 0 {
				m.tree.status[id] = s.Status
			}
			if id == m.modeKey() {
				m.rebuildPreview()
				m.rebuildResponse()
			}
		}
		if d != nil {
			d.steps = append(d.steps, *s)
		}
	}
	if msg.res != nil && d != nil {
		d.res, d.err = msg.res, msg.err
		d.cancel()
	}
	if msg.res != nil {
		return m.refreshLogins() // the run may have logged in
	}
	if msg.next == nil {
		return nil
	}
	return waitSuite(msg.next)
}

type suiteDialog struct {
	seq, coll int
	scope     string
	total     int
	steps     []workbench.StepResult
	res       *workbench.SuiteResult
	err       error
	cancel    context.CancelFunc
	started   time.Time
	top       int
}

func (d *suiteDialog) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch k.String() {
	case "esc", "q":
		if d.res == nil {
			d.cancel() // stops between steps, and the step in flight
			m.setStatus("run stopped: the answers so far are kept", false)
			return nil, false
		}
		return nil, true
	case "up", "k":
		d.top = max(d.top-1, 0)
	case "down", "j":
		d.top++
	}
	return nil, false
}

func (d *suiteDialog) view(m *Model) []string {
	st := m.styles
	w := min(90, m.lay.W-4)
	done := len(d.steps)
	barW := max(w-24, 10)
	fill := 0
	if d.total > 0 {
		fill = barW * done / d.total
	}
	bar := st.OK.Render(strings.Repeat("█", fill)) + st.Dim.Render(strings.Repeat("░", barW-fill))
	lines := []string{fmt.Sprintf(" %s %d/%d", bar, done, d.total), ""}
	rows := max(m.lay.H-12, 3)
	var body []string
	for _, s := range d.steps {
		mark, status := s.Mark()
		markStyle := st.OK
		switch s.Verdict {
		case workbench.StepFailed:
			markStyle = st.Error
		case workbench.StepNoAnswer:
			markStyle = st.Warn
		}
		body = append(body, fit(fmt.Sprintf(" %s %s %s  %s", markStyle.Render(mark), status, bodyview.Escape(s.Label()),
			st.Dim.Render(fmt.Sprintf("%s · %d/%d assertions", s.Duration.Round(100*time.Microsecond), workbench.Held(s.Checks), len(s.Checks)))), w))
		worded := false
		for _, f := range s.Failures() {
			if f.Kind == workbench.FailError && s.Login != nil {
				// The command line's `sigscope login FILE` is a key here.
				if worded {
					continue
				}
				f.Text, worded = s.Login.Step("press "+m.keys.Login.Help().Key+" to log in"), true
			}
			style := st.Error
			switch f.Kind {
			case workbench.FailError:
				style = st.Warn
			case workbench.FailHint:
				style = st.Dim
			}
			body = append(body, fit(style.Render("     "+bodyview.Escape(f.Text)), w))
		}
	}
	// Follow the end while running; the user scrolls after.
	if d.res == nil {
		d.top = max(len(body)-rows, 0)
	}
	d.top = clamp(d.top, 0, max(len(body)-rows, 0))
	lines = append(lines, body[d.top:min(d.top+rows, len(body))]...)
	lines = append(lines, "")
	switch {
	case d.err != nil:
		lines = append(lines, st.Error.Render(" "+bodyview.Escape(d.err.Error())))
	case d.res != nil:
		r := d.res
		sum := fmt.Sprintf(" %s, in %s", r.Counts(), r.Duration.Round(time.Millisecond))
		if r.Stopped != "" {
			sum += " · " + r.Stopped
		}
		style := st.OK
		if r.Failed+r.NoAnswer > 0 || r.Stopped != "" {
			style = st.Error
		}
		lines = append(lines, style.Render(sum))
		if kept := keptLine(r); kept != "" {
			lines = append(lines, fit(st.Dim.Render(" "+bodyview.Escape(kept)), w))
		}
		lines = append(lines, st.Dim.Render(" ↑/↓ scroll · esc closes · each answer is its request's last: select it to see it"))
	default:
		lines = append(lines, st.Dim.Render(fmt.Sprintf(" running for %s … esc stops", time.Since(d.started).Round(time.Second))))
	}
	return m.dialogBox("Run · "+bodyview.Escape(d.scope), lines, w)
}

// keptLine says which captured variables the run left in the session
// (the environment view, e, lists them), and which of them replaced a
// value the session had.
func keptLine(r *workbench.SuiteResult) string {
	if len(r.Kept) == 0 {
		return ""
	}
	line := "kept in the session (e): " + strings.Join(r.Kept, ", ")
	if len(r.Replaced) > 0 {
		line += " · replacing the earlier " + strings.Join(r.Replaced, ", ")
	}
	return line
}
