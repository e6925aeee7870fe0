package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/workbench"
)

// send sends the selected request; esc cancels it in flight.
func (m *Model) send() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil || m.path == "" {
		return nil
	}
	ctx := m.startSend("sending " + m.path + " …  esc cancels")
	return tea.Batch(sendCmd(ctx, m.sendSeq, m.coll, wb, m.path, m.run()), m.spinTick())
}

// startSend cancels a send in flight and starts the next one: a new
// sequence number (older answers are dropped), the request marked in
// flight, the status said. esc cancels the context it returns.
func (m *Model) startSend(status string) context.Context {
	if m.cancelSend != nil {
		m.cancelSend()
	}
	if m.sendingID != "" {
		delete(m.tree.inflight, m.sendingID)
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancelSend = cancel
	m.sendSeq++
	m.sending, m.sendingID = true, m.modeKey()
	m.tree.inflight[m.sendingID] = true
	m.setStatus(status, true)
	return ctx
}

// sent keeps an outcome as its request's last. The panes change only when
// that request is still the selected one; the status line names it
// either way.
func (m *Model) sent(msg sentMsg) tea.Cmd {
	m.sending, m.sendingID = false, ""
	m.cancelSend = nil
	id := nodeID(msg.coll, msg.path)
	delete(m.tree.inflight, id)
	oc := msg.oc
	at := msg.at
	if at.IsZero() {
		at = time.Now()
	}
	kept := m.keep(id, oc, at)
	kept.checks, kept.captures = msg.checks, msg.captures
	m.tree.tests[id] = testsMark(msg.checks, msg.captures)
	switch {
	case isUntrusted(oc.Err):
		ue, _ := workbench.IsUntrusted(oc.Err)
		m.setStatus("not sent: "+untrustedNote, false)
		m.askTrust(msg.coll, ue, true)
	case oc.Err != nil:
		m.setStatus("not sent: "+oc.Err.Error(), false)
	case oc.Result.Err != nil && oc.Result.Response == nil:
		m.tree.status[id] = 0
		text, _ := transportWording(oc.Result.Err)
		m.setStatus(msg.path+": no answer: "+text, false)
	default: // an answer, perhaps cut short (Response.Incomplete)
		r := oc.Result.Response
		m.tree.status[id] = r.Status
		m.setStatus(fmt.Sprintf("%s %s", msg.path, r.StatusText), r.Status < 400)
		switch {
		case r.Incomplete != "":
			m.setStatus(fmt.Sprintf("%s %s · incomplete: %s", msg.path, r.StatusText, r.Incomplete), false)
		case oc.Mismatch != nil:
			m.setStatus(fmt.Sprintf("%s %s · signature mismatch: d shows the diff", msg.path, r.StatusText), false)
		case oc.Diagnosis != nil:
			m.setStatus(fmt.Sprintf("%s %s · %s: d shows why", msg.path, r.StatusText, oc.Diagnosis.Describe()), false)
		}
	}
	m.statusAbout = id
	if id != m.modeKey() {
		return nil
	}
	m.respTab = tabBody
	return m.showSelected()
}

// showSelected redraws every pane for the selected request: its request
// (as sent, or previewed), its own answer and diagnosis. A diff left open
// closes when this request has none: it is never another request's.
func (m *Model) showSelected() tea.Cmd {
	if m.showDiff && m.diagnosis() == nil && m.lay.Kind != layoutNarrow {
		m.showDiff = false
	}
	if m.statusAbout != "" && m.statusAbout != m.modeKey() {
		// "Create pet 403 · d shows the diff" is not about this request.
		m.setStatus("", true)
	}
	m.rebuildPreview()
	m.rebuildResponse()
	return m.showBody()
}

// rebuildResponse renders the response pane of the selected request: the
// diagnosis over the body, the other tabs, and the diff's content.
func (m *Model) rebuildResponse() {
	st := m.styles
	r := m.selected()
	if m.respTab >= m.tabCount() {
		m.respTab = tabBody // the Tests tab of another request: this one has none
	}
	m.diag = nil
	defer m.fitBody()
	if r == nil {
		m.showDiagnosis(nil)
		text := "Nothing sent yet: enter sends the selected request."
		if m.path != "" {
			text = "Nothing sent yet for " + m.path + ": enter sends it."
		}
		m.respText.setLines(wrapLines([]string{st.Dim.Render(text)}, m.respText.w))
		return
	}
	oc := r.oc
	red := r.redactor(m.showSecr)
	mask := maskOnce(red)
	m.diff.SetRedact(mask)
	m.showDiagnosis(r)
	var lines []string
	switch {
	case oc.Err != nil:
		shown, hint, _ := m.loginWording(oc.Err)
		lines = errorLines(st, "Not sent", shown, hint)
	case oc.Result.Err != nil && oc.Result.Response == nil:
		lines = transportLines(st, oc.Result.Err, oc.Result.Request)
	default:
		switch m.respTab {
		case tabHeaders:
			lines = headerLines(st, oc, red)
		case tabCookies:
			var jar []cookies.Entry
			if oc.Preview.Jar != nil {
				jar = oc.Preview.Jar.All(time.Now())
			}
			lines = cookieLines(st, oc, jar)
		case tabTiming:
			lines = timingLines(st, oc, mask)
		case tabTests:
			lines = testLines(st, r.checks, r.captures, m.showSecr)
		default:
			if oc.Result.Response.Incomplete != "" {
				lines = incompleteLines(st, oc, red) // the body viewer shows complete answers only
			} else {
				m.diag = diagnosisLines(st, oc, mask, m.respW, m.respH-1)
			}
		}
	}
	m.respText.setLines(wrapLines(lines, m.respText.w))
}

// fitBody gives the body viewer the rows the diagnosis above it leaves.
func (m *Model) fitBody() {
	m.body.SetSize(m.respW, max(m.respH-1-len(m.diag), 0))
}

// showDiagnosis gives the diff the selected result's diagnosis, against
// what was signed; only when it changes, so that a resize or S keeps the
// difference the caret is under.
func (m *Model) showDiagnosis(r *result) {
	var d *explain.Diagnosis
	if r != nil {
		d = m.diagnosis()
	}
	if d == m.diffOf {
		return
	}
	m.diffOf = d
	signed, sts := "", ""
	if d != nil && r.oc.Preview != nil && r.oc.Preview.Prepared.Trace != nil {
		tr := r.oc.Preview.Prepared.Trace
		signed, sts = tr.CanonicalRequest, tr.StringToSign
	}
	m.diff.SetMismatch(d, signed, sts)
}
