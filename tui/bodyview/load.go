package bodyview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// SyncMax is the largest body SetBody prepares inside Update: indexing,
// pretty-printing and highlighting 256 KiB take a few milliseconds. Load
// prepares anything larger in a command, behind a spinner.
const SyncMax = 256 << 10

// LoadedMsg carries a body prepared off the UI loop by Load. Its id is the
// Load's: one that a later SetBody, Load or SetPending replaced is dropped.
type LoadedMsg struct {
	id   int
	raw  []byte
	doc  *document
	expr string // the jq filter active when Load was called, re-applied
	out  []byte
	err  error
}

// loading is the state shown while a body is read or prepared.
type loading struct {
	on        bool
	preparing bool // by Load, for m.id: a LoadedMsg is on its way
	label     string
}

// SetPending shows a spinner and label in place of the body until a body
// with a later id arrives (the caller reads it, from a spool file say).
// The returned command starts the spinner; it is nil when it runs already.
func (m *Model) SetPending(id int, label string) tea.Cmd {
	running := m.load.on
	m.id, m.hasBody, m.raw = id, true, nil
	m.body = m.emptyDoc("")
	m.filtered = nil
	m.top, m.topRow, m.hoff = 0, 0, 0
	m.matches, m.cur = nil, -1
	m.searchGen++
	m.load = loading{on: true, label: label}
	if running {
		return nil
	}
	return m.spin.Tick
}

// Loading reports whether a spinner stands in for the body.
func (m *Model) Loading() bool { return m.load.on }

// SpinnerID tells the viewer's spinner ticks from other spinners'.
func (m *Model) SpinnerID() int { return m.spin.ID() }

// Load shows a body like SetBody; one larger than SyncMax is indexed,
// pretty-printed and highlighted in the returned command, which answers
// with a LoadedMsg for Update, and a spinner shows meanwhile. As with
// SetBody the same id again is a no-op, and the viewer keeps body without
// copying it.
func (m *Model) Load(id int, contentType string, body []byte) tea.Cmd {
	if len(body) <= SyncMax {
		m.SetBody(id, contentType, body)
		return nil
	}
	if m.hasBody && id == m.id && (!m.load.on || m.load.preparing) {
		return nil
	}
	expr := m.filterExpr
	tick := m.SetPending(id, "preparing the body ("+ByteSize(int64(len(body)))+") …")
	m.load.preparing = true
	m.filterExpr = expr // kept for the result: the filter is re-applied there
	gen := m.nextGen()
	prepare := func() tea.Msg {
		msg := LoadedMsg{id: id, raw: body, doc: newDocument(gen, contentType, body), expr: expr}
		if len(body) == 0 {
			msg.doc.placeholder = "(empty body)"
		}
		if expr != "" {
			msg.out, msg.err = runFilter(expr, msg.doc, body)
		}
		return msg
	}
	return tea.Batch(tick, prepare)
}

// loaded shows a prepared body, unless another one replaced it meanwhile.
func (m *Model) loaded(msg LoadedMsg) {
	if !m.load.preparing || msg.id != m.id {
		return
	}
	m.load = loading{}
	m.raw, m.body, m.filtered = msg.raw, msg.doc, nil
	m.top, m.topRow, m.hoff = 0, 0, 0
	m.fitHex()
	if msg.expr != "" {
		m.filterExpr = ""
		if msg.err == nil {
			m.ApplyFilter(msg.expr, msg.out) // it searches again itself
			return
		}
	}
	m.research()
}

// updateLoading handles the messages of Load and of the spinner.
func (m *Model) updateLoading(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case LoadedMsg:
		m.loaded(msg)
	case spinner.TickMsg:
		if !m.load.on || msg.ID != m.spin.ID() {
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	}
	return nil
}

// loadingView is the frame while loading: the spinner and the label on
// the first row, then blank rows. It is not cached: the spinner moves.
func (m *Model) loadingView() string {
	rows := make([]string, m.height)
	text := ansi.Truncate(strings.TrimSpace(ansi.Strip(m.spin.View()))+" "+m.load.label, m.width, "…")
	pad := strings.Repeat(" ", max(m.width-ansi.StringWidth(text), 0))
	rows[0] = m.sgr[clsDim].open + text + m.sgr[clsDim].close + pad
	blank := strings.Repeat(" ", m.width)
	for i := 1; i < len(rows); i++ {
		rows[i] = blank
	}
	return strings.Join(rows, "\n")
}

// ByteSize writes a byte count as the panes do: "840 B", "1.2 kB",
// "52.4 MB" (decimal units, as HTTP clients report sizes).
func ByteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}
