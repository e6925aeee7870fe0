package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/workbench"
)

// resize computes the layout once and pushes the sizes down.
func (m *Model) resize(w, h int) {
	m.lay = computeLayout(w, h, m.layPrefs)
	l := m.lay
	inner := func(r rect) (int, int) { return max(r.W-2, 0), max(r.H-2, 0) }
	if l.Kind == layoutWide && !m.zoom {
		m.tree.setSize(inner(l.Tree))
		m.wire.setSize(inner(l.Wire))
		if m.editing != nil {
			m.editing.setSize(inner(l.Wire))
		}
		rw, rh := inner(l.Response)
		m.setResponseSize(rw, rh)
		sw, sh := inner(l.SigV4)
		m.setSigV4Size(sw, sh)
	} else {
		r := l.Single
		if l.Kind == layoutWide { // zoomed: the focused pane takes the body
			r = l.Body
		}
		w, h := inner(r)
		m.tree.setSize(w, h)
		m.wire.setSize(w, h)
		if m.editing != nil {
			m.editing.setSize(w, h)
		}
		m.setResponseSize(w, h)
		m.setSigV4Size(w, h)
	}
	m.rebuildPanes()
}

// The response pane's first line is its tab bar; the body viewer gets
// what the diagnosis above it leaves (fitBody).
func (m *Model) setResponseSize(w, h int) {
	m.respW, m.respH = w, h
	m.respText.setSize(w, max(h-1, 0))
	m.fitBody()
}

func (m *Model) setSigV4Size(w, h int) {
	m.inspector.SetSize(w, h)
	m.teach.SetSize(w, h)
	m.diff.SetSize(w, h)
}

func (m *Model) applyStyles() {
	m.inspector.SetStyles(sigv4Styles(m.styles))
	m.teach.SetStyles(sigv4Styles(m.styles))
	m.diff.SetStyles(sigv4Styles(m.styles))
	m.body.SetStyles(bodyStyles(m.styles))
}

func (m *Model) rebuildPanes() {
	m.rebuildPreview()
	m.rebuildResponse()
}

// loaded takes the opened collections, selects the first request and
// previews it; a collection that failed shows its error.
func (m *Model) loaded(msg loadedMsg) tea.Cmd {
	m.loading = false
	m.benches, m.errs = msg.benches, msg.errs
	m.trustAsked = map[int]bool{}
	m.tree.setRows(msg.rows)
	m.tree.modes = msg.modes
	m.finderIx = msg.finder
	if want := msg.rows.want; want != m.layPrefs.TreeWant {
		m.layPrefs.TreeWant = want
		m.resize(m.lay.W, m.lay.H)
	}
	keepColl, keepPath := m.coll, m.path
	after := m.selectAfter
	m.selectAfter = nil
	m.coll, m.path = -1, ""
	switch {
	case after != nil && !after.folder: // a deleted row: the next takes its place
		m.tree.cursor = after.row
		m.tree.rebuild()
		m.tree.nearestRequest()
	case keepPath == "" || !m.tree.selectRequest(keepColl, keepPath):
		m.tree.firstRequest()
	}
	if len(m.errs) > 0 {
		m.setStatus(fmt.Sprintf("%d collection(s) did not load: see the Request pane", len(m.errs)), false)
	}
	m.rebuildPreview()
	cmds := []tea.Cmd{m.selectionChanged(), m.refreshLogins(), m.openHistory()}
	if after != nil && after.folder {
		// A folder renamed keeps the cursor; the panes keep the request
		// they show.
		m.tree.selectFolder(after.coll, after.key)
	}
	return tea.Batch(cmds...)
}

// historyOpenedMsg says cfg.OpenHistory returned, with its warning.
type historyOpenedMsg struct{ warning string }

// openHistory runs cfg.OpenHistory once, a frame after the collections
// loaded: that frame is drawn first (the renderer writes on its own
// ticker), the history's SQLite opens after it.
func (m *Model) openHistory() tea.Cmd {
	if m.cfg.OpenHistory == nil || m.historyOpened {
		return nil
	}
	m.historyOpened = true
	open := m.cfg.OpenHistory
	return tea.Tick(time.Second/60, func(time.Time) tea.Msg { return historyOpenedMsg{warning: open()} })
}

// refreshLogins asks every collection with a Cognito profile who is
// logged in; the session refreshes tokens about to expire on the way.
func (m *Model) refreshLogins() tea.Cmd {
	var cmds []tea.Cmd
	for i, wb := range m.benches {
		if len(wb.CognitoProfiles()) == 0 || !wb.KnownTrusted() {
			continue
		}
		if t, err := wb.LoginTarget(""); err == nil {
			cmds = append(cmds, loginStatusCmd(i, t))
		}
	}
	return tea.Batch(cmds...)
}

// selectionChanged previews the request under the tree's cursor.
func (m *Model) selectionChanged() tea.Cmd {
	n, ok := m.tree.selected()
	if !ok || n.Kind != nodeRequest {
		return nil
	}
	if n.Coll == m.coll && n.Key == m.path {
		return nil
	}
	m.coll, m.path = n.Coll, n.Key
	return tea.Batch(m.showSelected(), m.requestPreview())
}

// run is the run options of the selected request for this session.
func (m *Model) run() workbench.Run {
	run := workbench.Run{Mode: m.modes[m.modeKey()], ShowSecrets: m.showSecr, Timeout: 30 * time.Second, Source: "tui"}
	if lg := m.logins[m.coll]; lg != nil {
		run.Username = lg.Username // who logged in here, whatever the profile names
	}
	return run
}

// cycleAuth switches the selected request to the next auth mode the
// collection can serve; the preview follows at once. The YAML file is
// untouched.
func (m *Model) cycleAuth() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil || m.path == "" {
		return nil
	}
	modes := wb.Modes(m.path)
	cur := m.modes[m.modeKey()]
	if pv := m.livePreview(); cur == "" && pv != nil {
		cur = pv.Prepared.Mode
	}
	next := modes[0]
	for i, md := range modes {
		if md == cur {
			next = modes[(i+1)%len(modes)]
		}
	}
	m.modes[m.modeKey()] = next
	m.tree.modes[m.modeKey()] = modeLabel(next)
	m.edited(m.modeKey()) // the panes follow the new mode, not the last send
	m.setStatus("auth "+string(next)+" for this session (the file is unchanged)", true)
	return m.requestPreview()
}

// reload opens the collections again (after an edit or a fix): what
// the panes show of them is the file's from now on, not the last send.
func (m *Model) reload() tea.Cmd {
	for i := range m.benches {
		m.editedCollection(i)
	}
	m.loading = true
	return tea.Batch(loadCmd(m.cfg), m.spinTick())
}
