package tui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/workbench"
)

// A kept exchange is replayed from the collection open here that has its
// collection's name. Two files may share a name: field, and a collection
// may now point at another host; the replay would send the request,
// signed with this session's credentials, wherever this collection says.
// So the entry is read and compared first (a command: the history and
// the file system are I/O), and when its file or host differs the UI says
// so and asks.

// replay starts replaying the entry shown or highlighted: its collection
// must be open here.
func (o *historyOverlay) replay(m *Model) (tea.Cmd, bool) {
	var id int64
	var coll, path string
	switch {
	case o.entry != nil && o.mode != historyList:
		id, coll, path = o.entry.ID, o.entry.Collection, o.entry.Request
	case len(o.items) > 0:
		it := o.items[o.cursor]
		id, coll, path = it.ID, it.Collection, it.Request
	default:
		return nil, false
	}
	ci := -1
	for i, wb := range m.benches {
		if workbench.CollectionIdentity(wb.Coll.Name, wb.Coll.Path) == coll {
			ci = i
		}
	}
	if ci < 0 {
		o.err = fmt.Sprintf("#%d comes from the collection %q, which is not open here: open it, or use `sigscope history replay %d`", id, coll, id)
		return nil, false
	}
	m.replaySeq++
	m.setStatus(fmt.Sprintf("reading #%d …", id), true)
	return replayCheckCmd(m.ctx, m.history, m.replaySeq, ci, m.benches[ci], path, id), true
}

// replayCheckedMsg is an entry read back, and where replaying it from
// collection coll departs from where it was recorded.
type replayCheckedMsg struct {
	seq     int
	coll    int
	path    string
	entry   *history.Entry
	changes []string
	err     error
}

func replayCheckCmd(ctx context.Context, h HistoryReader, seq, coll int, wb *workbench.Workbench, path string, id int64) tea.Cmd {
	return func() tea.Msg {
		e, err := h.Get(ctx, id)
		if err != nil {
			return replayCheckedMsg{seq: seq, coll: coll, path: path, err: err}
		}
		return replayCheckedMsg{seq: seq, coll: coll, path: path, entry: e, changes: wb.ReplayChanges(e)}
	}
}

// replayChecked replays at once when the entry's file and host are this
// session's, and otherwise asks, saying what differs.
func (m *Model) replayChecked(msg replayCheckedMsg) tea.Cmd {
	if msg.seq != m.replaySeq || msg.coll >= len(m.benches) {
		return nil
	}
	if msg.err != nil {
		m.setStatus("replay: "+msg.err.Error(), false)
		return nil
	}
	e := msg.entry
	if len(msg.changes) == 0 {
		return m.replay(msg.coll, msg.path, e)
	}
	wb := m.benches[msg.coll]
	text := fmt.Sprintf("#%d %s: %s.\n\nReplaying sends it from %s, signed afresh with this session's credentials, to where this collection says.",
		e.ID, e.Request, strings.Join(msg.changes, "; "), wb.Coll.Path)
	m.ask("Replay somewhere else?", text, choice{key: "y", label: "replay it from here", do: func() tea.Cmd {
		return m.replay(msg.coll, msg.path, e)
	}})
	m.setStatus(fmt.Sprintf("#%d: not replayed yet, the file or host differs", e.ID), false)
	return nil
}

// replay selects the entry's request and re-sends it through the
// workbench (its environment and auth mode, signed afresh); the answer
// fills the panes like any send.
func (m *Model) replay(coll int, path string, e *history.Entry) tea.Cmd {
	if coll < 0 || coll >= len(m.benches) || m.history == nil {
		return nil
	}
	m.tree.selectRequest(coll, path)
	var show tea.Cmd
	if coll != m.coll || path != m.path {
		m.coll, m.path = coll, path
		show = tea.Batch(m.showSelected(), m.requestPreview())
	}
	wb := m.benches[coll]
	ctx := m.startSend(fmt.Sprintf("replaying #%d …  esc cancels", e.ID))
	seq, run := m.sendSeq, m.run()
	run.Mode, run.Source = "", "replay"
	return tea.Batch(show, func() tea.Msg {
		at := clock(wb)
		return sentMsg{seq: seq, coll: coll, path: path, at: at, oc: wb.Replay(ctx, e, false, run)}
	}, m.spinTick())
}
