package cli

import (
	"fmt"
	"io"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

// spoolImportAt is how many spooled entries make a send open the store
// (which imports them) instead of spooling one more: a user who only
// sends still has the history's limits applied now and then.
const spoolImportAt = 100

// openSendHistory is where a send keeps its exchange: the history's
// spool, which the next reader imports (history.Spool: opening SQLite and
// committing was a third of a send's CPU time). The close function is
// nil-safe to call. SIGSCOPE_HISTORY=off keeps none; a spool that cannot
// be made is one warning.
func openSendHistory(stderr io.Writer) (workbench.Recorder, func()) {
	path, err := history.DefaultPath(nil)
	if err != nil {
		warnNotKept(stderr, err)
		return nil, func() {}
	}
	if path == "" {
		return nil, func() {}
	}
	sp, err := history.OpenSpool(path, history.Options{})
	if err != nil {
		warnNotKept(stderr, err)
		return nil, func() {}
	}
	if sp.Pending() < spoolImportAt {
		return sp, func() {}
	}
	// A store that cannot be opened now (another sigscope holds its
	// write lock too long, a newer schema) leaves the entry spooled.
	if h, err := history.Open(path, history.Options{}); err == nil {
		return h, func() { h.Close() }
	}
	return sp, func() {}
}

// warnNotKept is the one warning of a history that cannot be used.
func warnNotKept(stderr io.Writer, err error) {
	fmt.Fprintf(stderr, "sigscope: warning: %s; this run is not kept\n", termsafe.Line(err.Error()))
}
