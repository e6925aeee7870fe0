package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/workbench"
)

// run --diff: when the run is over, compare it with the one before it of
// the same collection (not merely the one before it: a CI job that runs
// two collections diffs each against its own), as `history runs --diff`
// does, and fail on a check that held then and fails now.

// previousRun is the newest run of collection in the history other than
// source, "" when there is none.
func previousRun(ctx context.Context, s *history.Store, source, collection string) (string, error) {
	runs, err := s.Runs(ctx, 100)
	if err != nil {
		return "", err
	}
	for _, r := range runs {
		if r.Source == source {
			continue
		}
		es, err := s.List(ctx, history.Filter{Source: r.Source, Collection: collection, Limit: 1})
		if err != nil {
			return "", err
		}
		if len(es) > 0 {
			return r.Source, nil
		}
	}
	return "", nil
}

// diffWithPrevious prints what changed since the collection's previous
// run to w and returns the regression error, nil when there is none (or
// no previous run, which it says on stderr).
func diffWithPrevious(ctx context.Context, w, stderr io.Writer, s *history.Store, source string, wb *workbench.Workbench) error {
	if s == nil {
		fmt.Fprintln(stderr, "sigscope: --diff: the history is off, so there is no earlier run to compare with")
		return nil
	}
	// The run is over: what is left of the context (Ctrl-C ends a run
	// early) still gets the comparison of what ran.
	ctx = context.WithoutCancel(ctx)
	prev, err := previousRun(ctx, s, source, workbench.CollectionIdentity(wb.Coll.Name, wb.Coll.Path))
	if err != nil {
		return withCode(ExitError, fmt.Errorf("--diff: %w", err))
	}
	if prev == "" {
		fmt.Fprintln(stderr, "sigscope: --diff: no earlier run of this collection in the history; the next run compares with this one")
		return nil
	}
	changes, err := s.DiffRuns(ctx, prev, source)
	if err != nil {
		return withCode(ExitError, fmt.Errorf("--diff: %w", err))
	}
	fmt.Fprintln(w)
	printRunDiff(w, prev, source, changes)
	return regressionError(prev, source, regressions(changes))
}
