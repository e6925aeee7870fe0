package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/tui/sigv4view"
	"github.com/sigscope/sigscope/workbench"
)

// Edit and watch, the heart of the lesson: the walk-through asks for a
// what-if (sigv4view.TryMsg), the request shown is signed again with one
// input changed — a header, the region, the body, in turn — at the same
// time and with the same keys, and the walk-through marks the lines the
// change reached. Nothing is saved or sent: the change lives in Run.Edit.

// lessonState is the next what-if and the id of the last one asked for.
type lessonState struct {
	next, seq int
}

// lessonChange changes one input of a resolved request and says what it
// did, for the walk-through's "what if:" line.
type lessonChange func(rr *collections.ResolvedRequest) string

var lessonChanges = []lessonChange{
	func(rr *collections.ResolvedRequest) string {
		rr.Headers = append(rr.Headers, collections.KV{Key: "X-Lesson", Value: "edit-and-watch"})
		return "header X-Lesson: edit-and-watch added"
	},
	func(rr *collections.ResolvedRequest) string {
		from, to := rr.Auth.Region, "eu-west-1"
		if from == to {
			to = "us-east-1"
		}
		rr.Auth.Region = to
		return fmt.Sprintf("region %s → %s", from, to)
	},
	func(rr *collections.ResolvedRequest) string {
		if rr.Body == nil {
			rr.Body = &collections.ResolvedBody{Kind: collections.BodyJSON, Bytes: []byte(`{"name":"Rex"}`), ContentType: "application/json"}
			return `body {"name":"Rex"} added (14 bytes)`
		}
		n := len(rr.Body.Bytes)
		b := append([]byte(nil), rr.Body.Bytes...)
		rr.Body.Bytes = append(b, '\n')
		return fmt.Sprintf("body: a newline added at its end (%d → %d bytes)", n, n+1)
	},
}

// lessonMsg is a what-if signed, for the request id and seq it was asked for.
type lessonMsg struct {
	seq   int
	id    string
	label string
	pv    *workbench.Preview
	err   error
}

// tryLesson signs the next what-if of the request the walk-through shows;
// Undo needs nothing from here (the walk-through dropped it) but to start
// the round again.
func (m *Model) tryLesson(msg sigv4view.TryMsg) tea.Cmd {
	m.lesson.seq++ // an answer still on its way is not wanted any more
	if msg.Undo {
		m.lesson.next = 0
		return nil
	}
	pv, _ := m.shownPreview()
	wb := m.selectedBench()
	if pv == nil || pv.Prepared.Trace == nil || wb == nil {
		return nil
	}
	change := lessonChanges[m.lesson.next%len(lessonChanges)]
	m.lesson.next++
	run := m.run()
	// Signed at the same moment as the steps shown, so that only what the
	// change reaches differs (not X-Amz-Date and everything after it).
	if at, err := time.Parse("20060102T150405Z", pv.Prepared.Trace.RequestDate); err == nil {
		run.Time = at
	}
	return lessonCmd(m.ctx, m.lesson.seq, m.modeKey(), wb, m.path, run, change)
}

func lessonCmd(ctx context.Context, seq int, id string, wb *workbench.Workbench, path string, run workbench.Run, change lessonChange) tea.Cmd {
	return func() tea.Msg {
		var label string
		edit := run.Edit
		run.Edit = func(rr *collections.ResolvedRequest) {
			if edit != nil {
				edit(rr)
			}
			label = change(rr)
		}
		pv, err := wb.Preview(ctx, path, run)
		return lessonMsg{seq: seq, id: id, label: label, pv: pv, err: err}
	}
}

// lessonTried hands a what-if to the walk-through, if it is still the one
// asked for about the request shown.
func (m *Model) lessonTried(msg lessonMsg) {
	if msg.seq != m.lesson.seq || msg.id != m.modeKey() || !m.teaching {
		return
	}
	var tr *sign.Trace
	if msg.err == nil && msg.pv != nil {
		tr = msg.pv.Prepared.Trace
	}
	if msg.err == nil && tr == nil {
		msg.err = fmt.Errorf("the changed request is not signed with SigV4")
	}
	m.teach.SetTrial(msg.label, workbench.Steps(tr), tr, msg.err)
}
