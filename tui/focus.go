package tui

import (
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/explain"
)

// diagnosis is explain's reading of the selected request's last answer,
// nil when it has none: the diff (d) only ever shows the selected
// request's own.
func (m *Model) diagnosis() *explain.Diagnosis {
	r := m.selected()
	if r == nil {
		return nil
	}
	if r.oc.Diagnosis != nil {
		return r.oc.Diagnosis
	}
	return r.oc.Mismatch
}

// toggleDiff opens the diagnosis of the selected request's answer: the
// mismatch diff with its causes, or for another refusal (a wrong region,
// an expired signature) what the server said, the hint and the causes.
func (m *Model) toggleDiff() tea.Cmd {
	if m.diagnosis() == nil {
		what := "nothing sent for " + m.path + " yet"
		if r := m.selected(); r != nil {
			what = "sigscope reads nothing wrong in the answer of " + m.path
		}
		m.setStatus("no diagnosis to show: "+what+" (d opens when the server refuses a request)", false)
		m.statusAbout = m.modeKey()
		return nil
	}
	m.showDiff = !m.showDiff
	if m.showDiff {
		m.teaching = false
		if m.lay.Kind == layoutNarrow {
			m.narrow, m.focus = paneDiff, paneDiff
		} else {
			m.focusPane(paneSigV4)
		}
	}
	return nil
}

// panes lists the panes focus cycles through in the current layout.
func (m *Model) panes() []pane {
	if m.lay.Kind == layoutNarrow {
		return []pane{paneTree, paneWire, paneSigV4, paneResponse, paneCookies, paneDiff}
	}
	return []pane{paneTree, paneWire, paneResponse, paneSigV4}
}

func (m *Model) cycleFocus(d int) {
	ps := m.panes()
	i := 0
	for j, p := range ps {
		if p == m.focus {
			i = j
		}
	}
	m.focusPane(ps[(i+d+len(ps))%len(ps)])
}

func (m *Model) focusPane(p pane) {
	m.focus = p
	if m.lay.Kind == layoutNarrow {
		m.narrow = p
	}
	if p == paneCookies {
		m.respTab = tabCookies
		m.rebuildResponse()
	}
}

// jumpPane is 0-5 (0 the tree): in the narrow layout the tabs, in the wide one the
// panes (4 opens the Cookies tab, 5 the diff).
func (m *Model) jumpPane(k string) {
	n, _ := strconv.Atoi(k)
	switch n {
	case 0:
		m.focusPane(paneTree)
	case 1:
		m.focusPane(paneWire)
	case 2:
		m.focusPane(paneSigV4)
	case 3:
		m.focusPane(paneResponse)
		if m.respTab == tabCookies {
			m.respTab = tabBody
			m.rebuildResponse()
		}
	case 4:
		if m.lay.Kind == layoutNarrow {
			m.focusPane(paneCookies)
		} else {
			m.focusPane(paneResponse)
			m.respTab = tabCookies
			m.rebuildResponse()
		}
	case 5:
		if m.lay.Kind == layoutNarrow {
			m.focusPane(paneDiff)
		} else if !m.showDiff {
			m.toggleDiff()
		}
	}
}

func (m *Model) syncTeachMark() {
	m.wire.mark = -1
	if !m.teaching {
		return
	}
	if i, ok := m.wireSrc[m.teach.CursorSource()]; ok {
		m.wire.mark = i
		m.wire.reveal(i)
	}
}
