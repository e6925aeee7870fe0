package cli

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/sigscope/sigscope/history"
)

// lateHistory is the UI's history, opened after the first frame (the UI
// calls open from a command: SQLite's open, and the import of what sends
// spooled, are not worth a later first screen). Until then every call
// waits for it, in the UI's commands, never on its loop.
type lateHistory struct {
	once  sync.Once
	ready chan struct{}
	s     *history.Store
	warn  string
}

func newLateHistory() *lateHistory { return &lateHistory{ready: make(chan struct{})} }

// open opens the history once and returns the warning for the status
// line when it cannot be used.
func (l *lateHistory) open() string {
	l.once.Do(func() {
		var warn strings.Builder
		l.s = openHistory(&warn)
		l.warn = strings.TrimSpace(strings.TrimPrefix(warn.String(), "sigscope: warning: "))
		close(l.ready)
	})
	return l.warn
}

// close closes the history if it was opened; one not opened yet never is.
func (l *lateHistory) close() {
	l.once.Do(func() { close(l.ready) })
	if l.s != nil {
		l.s.Close()
	}
}

func (l *lateHistory) store(ctx context.Context) (*history.Store, error) {
	select {
	case <-l.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if l.s == nil {
		if l.warn != "" {
			return nil, errors.New(l.warn)
		}
		return nil, errors.New("the history is not open")
	}
	return l.s, nil
}

func (l *lateHistory) Add(ctx context.Context, e *history.Entry) (int64, error) {
	s, err := l.store(ctx)
	if err != nil {
		return 0, err
	}
	return s.Add(ctx, e)
}

func (l *lateHistory) AddChecks(ctx context.Context, entryID int64, checks []history.Check) error {
	s, err := l.store(ctx)
	if err != nil {
		return err
	}
	return s.AddChecks(ctx, entryID, checks)
}

func (l *lateHistory) List(ctx context.Context, f history.Filter) ([]history.Summary, error) {
	s, err := l.store(ctx)
	if err != nil {
		return nil, err
	}
	return s.List(ctx, f)
}

func (l *lateHistory) Get(ctx context.Context, id int64) (*history.Entry, error) {
	s, err := l.store(ctx)
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func (l *lateHistory) LastSuccess(ctx context.Context, collection, request string, beforeID int64) (*history.Entry, error) {
	s, err := l.store(ctx)
	if err != nil {
		return nil, err
	}
	return s.LastSuccess(ctx, collection, request, beforeID)
}
