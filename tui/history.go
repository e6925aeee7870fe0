package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// HistoryReader is what the UI reads of the history; *history.Store is
// one.
type HistoryReader interface {
	List(ctx context.Context, f history.Filter) ([]history.Summary, error)
	Get(ctx context.Context, id int64) (*history.Entry, error)
	LastSuccess(ctx context.Context, collection, request string, beforeID int64) (*history.Entry, error)
}

// historyKeys are the history dialog's keys, for the help and its footer.
type historyKeys struct {
	Open, Scope, Diff, Replay, Back, Move key.Binding
}

var historyKeyMap = historyKeys{
	Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	Scope:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "this request / all")),
	Diff:   key.NewBinding(key.WithKeys("ctrl+d", "d"), key.WithHelp("ctrl+d", "diff with last success (d in an entry)")),
	Replay: key.NewBinding(key.WithKeys("ctrl+r", "r"), key.WithHelp("ctrl+r", "replay (r in an entry)")),
	Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back / close")),
	Move:   key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
}

func (k historyKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Move, k.Open, k.Scope, k.Diff, k.Replay, k.Back}
}
func (k historyKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Messages of the history dialog, tagged with its sequence number so
// that an answer to an older query is dropped.
type historyListMsg struct {
	seq   int
	items []history.Summary
	err   error
}

type historyEntryMsg struct {
	seq      int
	entry    *history.Entry
	previous *history.Entry // for a diff: the last success before it
	err      error
}

func historyListCmd(ctx context.Context, h HistoryReader, seq int, f history.Filter) tea.Cmd {
	return func() tea.Msg {
		items, err := h.List(ctx, f)
		return historyListMsg{seq: seq, items: items, err: err}
	}
}

func historyEntryCmd(ctx context.Context, h HistoryReader, seq int, id int64, withPrevious bool) tea.Cmd {
	return func() tea.Msg {
		e, err := h.Get(ctx, id)
		msg := historyEntryMsg{seq: seq, entry: e, err: err}
		if err == nil && withPrevious {
			msg.previous, msg.err = h.LastSuccess(ctx, e.Collection, e.Request, e.ID)
			if msg.err != nil {
				msg.err = fmt.Errorf("#%d: no earlier success of %s to compare with (%w)", e.ID, e.Request, msg.err)
			}
		}
		// Entries kept before a masking rule existed are masked on the way
		// out, as the history command does.
		for _, e := range []*history.Entry{msg.entry, msg.previous} {
			if e != nil {
				workbench.ScrubEntry(e)
			}
		}
		return msg
	}
}

const (
	historyList = iota
	historyEntry
	historyDiff
)

// historyOverlay is H: the exchanges kept, for the selected request or
// all; a filter searches their text; an entry opens as it was, diffs
// against the last success, or is replayed.
type historyOverlay struct {
	mode    int
	all     bool
	input   textinput.Model
	items   []history.Summary
	cursor  int
	seq     int
	loading bool
	err     string
	entry   *history.Entry
	text    textPane
}

func newHistoryOverlay(m *Model) (*historyOverlay, tea.Cmd) {
	o := &historyOverlay{input: newTextInput(), all: m.path == ""}
	o.input.Prompt = "filter › "
	o.input.Placeholder = "words in URLs, headers, bodies, canonical requests"
	o.input.Focus()
	o.text.mark = -1
	o.fitInput(m)
	return o, o.reload(m)
}

func (o *historyOverlay) filter(m *Model) history.Filter {
	f := history.Filter{Text: strings.TrimSpace(o.input.Value()), Limit: 200}
	if !o.all {
		if wb := m.selectedBench(); wb != nil {
			f.Collection = workbench.CollectionIdentity(wb.Coll.Name, wb.Coll.Path)
			f.Request = m.path
		}
	}
	return f
}

func (o *historyOverlay) reload(m *Model) tea.Cmd {
	o.seq++
	o.loading = true
	return tea.Batch(historyListCmd(m.ctx, m.history, o.seq, o.filter(m)), m.spinTick())
}

func (o *historyOverlay) size(m *Model) (w, h int) {
	return max(min(m.lay.W-4, 140), 20), max(m.lay.H-6, 4)
}

// fitInput gives the filter field the dialog's width (the placeholder is
// cut to its first letter without one), and the entry view its size,
// after a resize too.
func (o *historyOverlay) fitInput(m *Model) {
	w, h := o.size(m)
	o.input.SetWidth(max(w-len(o.input.Prompt)-2, 1))
	o.text.setSize(w, h-2)
}

func (o *historyOverlay) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	o.fitInput(m)
	switch msg := msg.(type) {
	case historyListMsg:
		if msg.seq != o.seq {
			return nil, false
		}
		o.loading, o.items, o.err = false, msg.items, ""
		if msg.err != nil {
			o.err = msg.err.Error()
		}
		o.cursor = clamp(o.cursor, 0, max(len(o.items)-1, 0))
		return nil, false
	case historyEntryMsg:
		if msg.seq != o.seq {
			return nil, false
		}
		o.loading = false
		if msg.err != nil {
			o.err = msg.err.Error()
			return nil, false
		}
		o.err, o.entry = "", msg.entry
		o.text.top = 0
		if msg.previous != nil {
			o.mode = historyDiff
			o.text.setLines(diffLines(m.styles, workbench.DiffText(msg.previous, msg.entry)))
		} else {
			o.mode = historyEntry
			o.text.setLines(escapedLines(workbench.EntryText(msg.entry)))
		}
		return nil, false
	case tea.KeyPressMsg:
		if o.mode != historyList {
			return o.entryKey(m, msg)
		}
		return o.listKey(m, msg)
	case tea.MouseWheelMsg:
		if o.mode != historyList {
			o.text.update(msg)
		}
	}
	return nil, false
}

func (o *historyOverlay) listKey(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch k.String() {
	case "esc":
		return nil, true
	case "up", "ctrl+k":
		o.cursor = max(o.cursor-1, 0)
		return nil, false
	case "down", "ctrl+n":
		o.cursor = min(o.cursor+1, max(len(o.items)-1, 0))
		return nil, false
	case "tab":
		o.all = !o.all
		return o.reload(m), false
	case "enter":
		return o.open(m, false), false
	case "ctrl+d":
		return o.open(m, true), false
	case "ctrl+r":
		return o.replay(m)
	}
	before := o.input.Value()
	var cmd tea.Cmd
	o.input, cmd = o.input.Update(k)
	if o.input.Value() != before {
		return tea.Batch(cmd, o.reload(m)), false
	}
	return cmd, false
}

func (o *historyOverlay) entryKey(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch k.String() {
	case "esc", "backspace":
		o.mode, o.err = historyList, ""
		return nil, false
	case "d", "ctrl+d":
		if o.mode == historyDiff {
			o.mode = historyEntry
			o.text.top = 0
			o.text.setLines(escapedLines(workbench.EntryText(o.entry)))
			return nil, false
		}
		return o.load(m, o.entry.ID, true), false
	case "r", "ctrl+r":
		return o.replay(m)
	}
	o.text.update(k)
	return nil, false
}

func (o *historyOverlay) open(m *Model, diff bool) tea.Cmd {
	if len(o.items) == 0 {
		return nil
	}
	return o.load(m, o.items[o.cursor].ID, diff)
}

func (o *historyOverlay) load(m *Model, id int64, diff bool) tea.Cmd {
	o.seq++
	o.loading = true
	return tea.Batch(historyEntryCmd(m.ctx, m.history, o.seq, id, diff), m.spinTick())
}

func (o *historyOverlay) view(m *Model) []string {
	st := m.styles
	w, h := o.size(m)
	var lines []string
	title := "History"
	switch o.mode {
	case historyList:
		scope := "this request"
		if o.all || m.path == "" {
			scope = "all requests"
		}
		title = "History · " + scope
		lines = append(lines, o.input.View(), "")
		rows := max(h-5, 1)
		top := max(o.cursor-rows+1, 0)
		for i := top; i < len(o.items) && i < top+rows; i++ {
			it := o.items[i]
			status := workbench.StatusWord(it.Status, it.Error, it.Mismatch)
			sst := st.Text
			switch {
			case it.Status >= 200 && it.Status < 300:
				sst = st.OK
			case it.Status >= 400 || status == "error":
				sst = st.Error
			}
			l := fmt.Sprintf(" %6d  %s  %s  %-6s  %-7s %s", it.ID, it.Time.Local().Format("01-02 15:04:05"), sst.Render(fmt.Sprintf("%-5s", status)),
				bodyview.Escape(it.Method), workbench.RoundDuration(it.Duration), bodyview.Escape(it.Request))
			if o.all {
				l += st.Dim.Render("  " + bodyview.Escape(it.Collection))
			}
			if i == o.cursor {
				l = st.Selected.Render(fit(stripANSI(l), w))
			}
			lines = append(lines, l)
		}
		switch {
		case o.loading && len(o.items) == 0:
			lines = append(lines, " "+m.spin.View()+" reading the history …")
		case len(o.items) == 0 && o.err == "":
			lines = append(lines, st.Dim.Render(" nothing kept yet: send a request (enter), or widen the filter (tab: all requests)"))
		}
	default:
		e := o.entry
		title = fmt.Sprintf("History #%d · %s", e.ID, e.Request)
		if o.mode == historyDiff {
			title = fmt.Sprintf("History #%d against the last success", e.ID)
		}
		lines = append(lines, o.text.view(st)...)
	}
	if o.err != "" {
		lines = append(lines, st.Error.Render(" "+bodyview.Escape(o.err)))
	}
	lines = fitLines(lines, w, max(h-1, 1))
	foot := "↑/↓ move · enter opens · ctrl+d diff with last success · ctrl+r replay · tab this request/all · esc closes"
	if o.mode != historyList {
		foot = "↑/↓ pgup/pgdn scroll · d entry/diff · r replay · esc back"
	}
	lines = append(lines, st.Dim.Render(" "+foot))
	return m.dialogBox(title, lines, w)
}

// escapedLines splits text into lines safe to draw.
func escapedLines(text string) []string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = bodyview.Escape(l)
	}
	return lines
}

// diffLines colours a unified diff: removed lines as errors, added ones
// as additions, section titles bold.
func diffLines(st Styles, text string) []string {
	lines := escapedLines(text)
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "== "):
			lines[i] = st.Bold.Render(l)
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
			lines[i] = st.Dim.Render(l)
		case strings.HasPrefix(l, "- "):
			lines[i] = st.Error.Render(l)
		case strings.HasPrefix(l, "+ "):
			lines[i] = st.Added.Render(l)
		}
	}
	return lines
}
