package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// paneAt names the pane under a screen cell, from the layout computed at
// the last resize.
func (m *Model) paneAt(x, y int) pane {
	l := m.lay
	in := func(r rect) bool { return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H }
	if l.Kind == layoutNarrow || m.zoom {
		return m.focus
	}
	switch {
	case in(l.Tree):
		return paneTree
	case in(l.Wire):
		return paneWire
	case in(l.Response):
		return paneResponse
	case in(l.SigV4):
		return paneSigV4
	}
	return m.focus
}

// handleClick focuses the pane clicked; in the tree it selects the row,
// on the narrow tab bar it switches tabs.
func (m *Model) handleClick(msg tea.MouseClickMsg) tea.Cmd {
	if len(m.overlays) > 0 {
		return nil
	}
	mouse := msg.Mouse()
	if m.lay.Kind == layoutNarrow && mouse.Y == m.lay.Tabs.Y {
		// The tab bar starts at column 1, two spaces between tabs.
		end := 1
		for _, t := range narrowTabs {
			end += ansi.StringWidth(t.name) + 2
			if mouse.X < end {
				m.focusPane(t.p)
				return nil
			}
		}
		return nil
	}
	p := m.paneAt(mouse.X, mouse.Y)
	m.focusPane(p)
	if p == paneResponse && m.lay.Kind == layoutWide && !m.zoom && mouse.Y == m.lay.Response.Y+1 {
		// The tab bar: "[Body]  Headers   Cookies n   Timing", tabs in order.
		x := mouse.X - m.lay.Response.X - 1
		bounds := []int{7, 17, 29}
		tab := m.tabCount() - 1
		for i, b := range bounds {
			if x < b {
				tab = i
				break
			}
		}
		m.respTab = tab
		m.rebuildResponse()
		return nil
	}
	if p == paneTree && mouse.Button == tea.MouseLeft {
		top := m.lay.Tree.Y
		if m.lay.Kind == layoutNarrow || m.zoom {
			top = m.lay.Single.Y // the tree is the one pane shown
			if m.zoom {
				top = m.lay.Body.Y
			}
		}
		if m.tree.click(mouse.Y - top - 1) {
			return m.selectionChanged()
		}
	}
	return nil
}
