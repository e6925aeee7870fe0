package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
)

// openEditor edits the selected request in the Request pane.
func (m *Model) openEditor() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil || m.path == "" {
		return nil
	}
	var spec collections.Request
	err := wb.Edit(func(c *collections.Collection) error {
		var err error
		spec, err = c.RequestSpec(m.path)
		return err
	})
	if err != nil {
		m.setStatus("edit: "+err.Error(), false)
		return nil
	}
	m.editing = newEditor(m.coll, m.path, spec)
	m.resize(m.lay.W, m.lay.H)
	m.focusPane(paneWire)
	if m.bundled(m.coll) {
		m.setStatus("editing "+m.path+": changes apply as you type; "+bundledNote, true)
	} else {
		m.setStatus("editing "+m.path+": changes apply as you type; ctrl+s writes the file", true)
	}
	return nil
}

// editKey routes a key while the editor is open: every letter goes to the
// field; only ctrl keys and esc act.
func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		cmd := m.applyEdits()
		m.editing = nil
		m.resize(m.lay.W, m.lay.H)
		return cmd
	case "ctrl+j":
		if cmd := m.applyEdits(); m.editing.err != "" {
			return cmd
		}
		return m.send()
	case "ctrl+s":
		if cmd := m.applyEdits(); m.editing.err != "" {
			return cmd
		}
		return m.save()
	}
	cmd, changed := m.editing.update(msg)
	if !changed {
		return cmd
	}
	m.editing.seq++
	seq := m.editing.seq
	if m.editDelay <= 0 {
		return tea.Batch(cmd, func() tea.Msg { return editTickMsg{seq: seq} })
	}
	return tea.Batch(cmd, tea.Tick(m.editDelay, func(time.Time) tea.Msg { return editTickMsg{seq: seq} }))
}

// applyEdits puts the editor's fields into the document and previews the
// request again.
func (m *Model) applyEdits() tea.Cmd {
	e := m.editing
	if e == nil || e.coll >= len(m.benches) {
		return nil
	}
	changed, err := e.apply(m.benches[e.coll])
	if err != nil {
		e.err = err.Error()
		return nil
	}
	e.err = ""
	if changed {
		// Edited after it was sent: show the request as it is now.
		m.edited(nodeID(e.coll, e.path))
		m.rebuildPreview()
	}
	return m.requestPreview()
}
