package tui

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/workbench"
)

type savedMsg struct {
	coll int
	err  error
}

func saveCmd(coll int, wb *workbench.Workbench) tea.Cmd {
	return func() tea.Msg { return savedMsg{coll: coll, err: wb.Save()} }
}

type reloadedMsg struct {
	coll int
	err  error
}

func reloadCmd(coll int, wb *workbench.Workbench) tea.Cmd {
	return func() tea.Msg { return reloadedMsg{coll: coll, err: wb.Reload()} }
}

// save writes the selected collection: the session's auth modes of its
// requests go into the document first, then the file is written with
// comments kept.
func (m *Model) save() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil {
		return nil
	}
	if m.cfg.Data != nil && m.coll == 0 {
		m.setStatus("the bundled demo collection is not a file: nothing to save", false)
		return nil
	}
	for _, n := range m.tree.all {
		if n.Kind != nodeRequest || n.Coll != m.coll {
			continue
		}
		mode, ok := m.modes[nodeID(n.Coll, n.Key)]
		if !ok {
			continue
		}
		err := wb.Edit(func(c *collections.Collection) error { return c.SetAuthMode(n.Key, mode) })
		if err != nil {
			m.setStatus(err.Error(), false)
			return nil
		}
		delete(m.modes, nodeID(n.Coll, n.Key))
	}
	m.setStatus("saving …", true)
	return saveCmd(m.coll, wb)
}

func (m *Model) saved(msg savedMsg) tea.Cmd {
	if msg.err == nil {
		m.setStatus("saved "+m.benches[msg.coll].Coll.Path, true)
		return nil
	}
	if errors.Is(msg.err, collections.ErrChangedOnDisk) {
		wb := m.benches[msg.coll]
		m.ask("The file changed on disk",
			fmt.Sprintf("%s changed on disk since sigscope loaded it: saving would overwrite those changes. Reload it from disk (your unsaved edits here are dropped), or cancel and copy your edits elsewhere first.", wb.Coll.Path),
			choice{key: "r", label: "reload from disk", do: func() tea.Cmd { return reloadCmd(msg.coll, wb) }})
		return nil
	}
	m.setStatus("not saved: "+msg.err.Error(), false)
	return nil
}

// dirty reports whether any open collection has unsaved edits.
func (m *Model) dirty() bool {
	for _, wb := range m.benches {
		if wb.Dirty() {
			return true
		}
	}
	return false
}

// askQuit quits at once, or asks first when edits are unsaved.
func (m *Model) askQuit() tea.Cmd {
	if !m.dirty() {
		return m.quit()
	}
	m.ask("Unsaved changes", "Some collections have edits that are not saved to their files.",
		choice{key: "s", label: "save and quit", do: func() tea.Cmd { return saveAllCmd(m.benches, true) }},
		choice{key: "q", label: "quit without saving", do: m.quit})
	return nil
}

type savedAllMsg struct {
	err  error
	quit bool
}

// saveAllCmd saves every collection with edits; quit ends the program
// when all were saved.
func saveAllCmd(benches []*workbench.Workbench, quit bool) tea.Cmd {
	return func() tea.Msg {
		for _, wb := range benches {
			if wb.Dirty() {
				if err := wb.Save(); err != nil {
					return savedAllMsg{err: fmt.Errorf("%s: %w", wb.Coll.Path, err)}
				}
			}
		}
		return savedAllMsg{quit: quit}
	}
}

// treeCmd lists the requests of the open collections again after an edit
// that changed the tree (new, renamed, deleted), without reopening them.
func treeCmd(benches []*workbench.Workbench) tea.Cmd {
	return func() tea.Msg { return treeOf(benches) }
}
