package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/workbench"
)

// Every call into the workbench runs in one of these commands, never in
// Update. Each result carries the sequence number it was started with;
// the root drops results older than the newest request of their kind.

type loadedMsg struct {
	benches []*workbench.Workbench
	rows    treeRows          // the tree, built here rather than in Update
	finder  *finderIndex      // what ctrl+p searches
	modes   map[string]string // nodeID → short auth label
	errs    []error           // collections that failed to load, with file:line:col
}

// loadCmd opens the collections behind a spinner: a 5,000-request file
// takes a while to parse, and the first frame must not wait for it.
func loadCmd(cfg Config) tea.Cmd {
	return func() tea.Msg {
		var benches []*workbench.Workbench
		var errs []error
		add := func(wb *workbench.Workbench) { benches = append(benches, wb) }
		opts := workbench.Options{Environment: cfg.Environment, Vars: cfg.Vars, Env: cfg.Env}
		if cfg.Data != nil {
			own := opts
			own.Trusted = true // the bundled demo
			own.Files = cfg.DataFiles
			wb, err := workbench.OpenBytes(cfg.DataName, cfg.Data, own)
			if err != nil {
				errs = append(errs, err)
			} else {
				add(wb)
			}
		}
		opened, oerrs := workbench.OpenAll(cfg.Paths, opts)
		errs = append(errs, oerrs...)
		// The trust check (the variables, hosts and uses of every request,
		// then the remembered confirmation: file I/O) runs now, not in
		// Update, and beside the listing of the tree: at 20,000 requests
		// each takes a good part of the time to the first preview.
		var checked sync.WaitGroup
		for _, wb := range opened {
			checked.Go(func() { wb.TrustStatus() })
			add(wb)
		}
		msg := treeOf(benches)
		msg.errs = errs
		checked.Wait()
		return msg
	}
}

// treeOf lists every request of the collections with its auth mode, and
// builds the tree's rows and the finder's items from them: at 20,000
// requests that is a stall of the UI loop if done in Update.
func treeOf(benches []*workbench.Workbench) loadedMsg {
	names := make([]string, len(benches))
	refs := make([][]collections.RequestRef, len(benches))
	total := 0
	for ci, wb := range benches {
		names[ci] = wb.Coll.Name
		refs[ci] = wb.Requests()
		total += len(refs[ci])
	}
	msg := loadedMsg{benches: benches, modes: make(map[string]string, total)}
	for ci, wb := range benches {
		for _, r := range refs[ci] {
			if mode, err := wb.AuthOf(r.Path); err == nil {
				msg.modes[nodeID(ci, r.Path)] = modeLabel(mode)
			}
		}
	}
	msg.rows = buildRows(names, refs)
	msg.finder = newFinderIndex(msg.rows.all, names)
	return msg
}

// sentMsg is a send's end: the outcome of one request, and when it was
// sent (by the workbench's clock, which tests fix).
type sentMsg struct {
	seq  int
	coll int
	path string
	at   time.Time
	oc   *workbench.Outcome
	// The request's assertions on the answer and its captures (taken
	// into the session's variables), computed with the send: a schema is
	// a file to read.
	checks   []workbench.CheckResult
	captures []workbench.Captured
}

func sendCmd(ctx context.Context, seq, coll int, wb *workbench.Workbench, path string, run workbench.Run) tea.Cmd {
	return func() tea.Msg {
		at := clock(wb)
		msg := sentMsg{seq: seq, coll: coll, path: path, at: at, oc: wb.Send(ctx, path, run)}
		if msg.oc.Err == nil && msg.oc.Result != nil && msg.oc.Result.Response != nil {
			msg.checks, msg.captures, _ = wb.TestOutcome(path, msg.oc)
		}
		return msg
	}
}

// clock is the workbench's time: its Env.Now when set, else the local
// clock.
func clock(wb *workbench.Workbench) time.Time {
	if wb.Env.Now != nil {
		return wb.Env.Now()
	}
	return time.Now()
}

// loginStatusMsg says who is logged in with a collection's Cognito
// profile; err is auth.ErrNotLoggedIn when nobody is.
type loginStatusMsg struct {
	coll   int
	status *workbench.LoginStatus
	err    error
	done   bool // the end of an interactive login
	hosted bool // of a hosted-UI login: its dialog closes
}

func loginStatusCmd(coll int, t *workbench.LoginTarget) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		st, err := t.Status(ctx)
		return loginStatusMsg{coll: coll, status: st, err: err}
	}
}

func finishLoginCmd(coll int, t *workbench.LoginTarget, l *auth.Login) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		st, err := t.Finish(ctx, l)
		return loginStatusMsg{coll: coll, status: st, err: err, done: true}
	}
}

type loggedOutMsg struct {
	coll int
	err  error
}

func logoutCmd(coll int, t *workbench.LoginTarget) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err := t.Logout(ctx)
		if errors.Is(err, auth.ErrNotLoggedIn) {
			err = nil
		}
		return loggedOutMsg{coll: coll, err: err}
	}
}

// tickMsg refreshes the token countdown in the header, and the login
// status (which refreshes tokens about to expire) now and then.
type tickMsg time.Time

func tickCmd() tea.Cmd {
	return tea.Tick(30*time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}
