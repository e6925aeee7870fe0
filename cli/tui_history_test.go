package cli

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sigscope/sigscope/history"
)

// The UI's history waits for open (called by the UI after its first
// frame): a call before it ends with its context, a call after it reaches
// the store, and one that could not be opened says why.
func TestLateHistoryOpensOnce(t *testing.T) {
	t.Setenv("SIGSCOPE_HISTORY", filepath.Join(t.TempDir(), "history.db"))
	h := newLateHistory()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.List(ctx, history.Filter{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("list before open: %v, want the context's end", err)
	}
	if w := h.open(); w != "" {
		t.Fatalf("open: warning %q", w)
	}
	if id, err := h.Add(context.Background(), &history.Entry{Request: "pets/list", Method: "GET", URL: "http://127.0.0.1/pets"}); err != nil || id == 0 {
		t.Fatalf("add: %d %v", id, err)
	}
	list, err := h.List(context.Background(), history.Filter{})
	if err != nil || len(list) != 1 || list[0].Request != "pets/list" {
		t.Fatalf("list: %+v %v", list, err)
	}
	h.close()

	broken := newLateHistory()
	t.Setenv("SIGSCOPE_HISTORY", t.TempDir()) // a folder, not a database
	if w := broken.open(); w == "" {
		t.Fatal("a history that cannot be opened gave no warning")
	}
	if _, err := broken.Get(context.Background(), 1); err == nil {
		t.Error("get from an unopened history: no error")
	}
	broken.close()
	never := newLateHistory()
	never.close() // the UI quit before its first frame: nothing to close, nothing hangs
}
