package tui

import (
	"errors"
	"fmt"
	"strings"

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
	if m.bundled(m.coll) {
		m.setStatus(bundledNote, false)
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

// The bundled demo collection (Config.Data) is sigscope's own, held in
// memory: its "path" only names it, and writing there would put an edit
// into the repository's examples/collections/demo.yaml (the next build
// embeds it), or fail in another folder. It is read-only on every path:
// ctrl+s, the quit dialog, $EDITOR and the tree's edits; request edits
// last for the session.
const bundledNote = "the bundled demo collection is read-only (not a file): its edits last for this session only"

// bundled reports whether collection coll is the bundled demo.
func (m *Model) bundled(coll int) bool { return m.cfg.Data != nil && coll == 0 }

// dirty reports whether any open collection has unsaved edits.
func (m *Model) dirty() bool {
	for _, wb := range m.benches {
		if wb.Dirty() {
			return true
		}
	}
	return false
}

// savable lists the collections with edits that can be saved: files, not
// the bundled demo.
func (m *Model) savable() []*workbench.Workbench {
	var out []*workbench.Workbench
	for i, wb := range m.benches {
		if wb.Dirty() && !m.bundled(i) {
			out = append(out, wb)
		}
	}
	return out
}

// askQuit quits at once, or asks first when edits are unsaved. Saving is
// offered for the files only: the bundled demo's edits can only be
// dropped.
func (m *Model) askQuit() tea.Cmd {
	if !m.dirty() {
		return m.quit()
	}
	files := m.savable()
	if len(files) == 0 {
		m.ask("Unsaved changes", "The bundled demo collection has edits. It is read-only (sigscope's own, not a file): they last for this session only.",
			choice{key: "q", label: "quit and drop them", do: m.quit})
		return nil
	}
	var names []string
	for _, wb := range files {
		names = append(names, wb.Coll.Path)
	}
	text := "These collections have edits not saved to their files: " + strings.Join(names, ", ") + "."
	if m.bundled(0) && m.benches[0].Dirty() {
		text += " The bundled demo's edits cannot be saved (it is read-only): they are dropped either way."
	}
	m.ask("Unsaved changes", text,
		choice{key: "s", label: "save and quit", do: func() tea.Cmd { return saveAllCmd(files, true) }},
		choice{key: "q", label: "quit without saving", do: m.quit})
	return nil
}

type savedAllMsg struct {
	err  error
	quit bool
}

// saveAllCmd saves the collections given (files with edits, never the
// bundled demo); quit ends the program when all were saved.
func saveAllCmd(files []*workbench.Workbench, quit bool) tea.Cmd {
	return func() tea.Msg {
		for _, wb := range files {
			if err := wb.Save(); err != nil {
				return savedAllMsg{err: fmt.Errorf("%s: %w", wb.Coll.Path, err)}
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
