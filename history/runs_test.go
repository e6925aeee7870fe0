package history

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// TestRunsAndTheirDiff: a run's entries are listed by its source, the runs
// newest first with their counts, and two runs diff by request.
func TestRunsAndTheirDiff(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	add := func(src, req string, status int) {
		e := sampleEntry(1)
		e.Source, e.Request, e.Status, e.Mismatch = src, req, status, false
		mustAdd(t, s, e)
	}
	add("run A", "pets/create", 201)
	add("run A", "pets/get", 200)
	add("send", "pets/get", 500)
	add("run B", "pets/create", 201)
	add("run B", "pets/get", 404)
	add("run B", "pets/delete", 204)
	runs, err := s.Runs(ctx, 0)
	if err != nil || len(runs) != 2 || runs[0].Source != "run B" || runs[0].Entries != 3 || runs[0].Refused != 1 || runs[1].Entries != 2 {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	if got, _ := s.List(ctx, Filter{Source: "run A"}); len(got) != 2 {
		t.Errorf("run A lists %d entries", len(got))
	}
	diff, err := s.DiffRuns(ctx, "run A", "run B")
	if err != nil || len(diff) != 2 || !reflect.DeepEqual(diff[0], RunChange{Request: "pets/get", Before: 200, After: 404}) ||
		!reflect.DeepEqual(diff[1], RunChange{Request: "pets/delete", Before: -1, After: 204}) {
		t.Errorf("diff %+v, %v", diff, err)
	}
}

// TestRunsDiffVerdicts: a check that held in the last run and fails in
// this one is a change even when the status is the same; a check failing
// in one iteration of a repeated run fails for the run; a capture that
// finds nothing now is named by its variable; the run list counts the
// entries that failed a check.
func TestRunsDiffVerdicts(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	add := func(src, req string, status int, checks ...Check) int64 {
		e := sampleEntry(1)
		e.Source, e.Request, e.Status, e.Mismatch = src, req, status, false
		id := mustAdd(t, s, e)
		if err := s.AddChecks(ctx, id, checks); err != nil {
			t.Fatal(err)
		}
		return id
	}
	held := Check{Kind: CheckAssert, Name: `json .type == "dog"`, Pass: true, Expected: "true", Actual: "true"}
	broke := Check{Kind: CheckAssert, Name: `json .type == "dog"`, Pass: false, Expected: "true", Actual: `false (.type is "cat")`}
	status := Check{Kind: CheckAssert, Name: "status", Pass: true, Expected: "200", Actual: "200"}
	captured := Check{Kind: CheckCapture, Name: "pet_id", Pass: true, Actual: "p-1"}
	lost := Check{Kind: CheckCapture, Name: "pet_id", Pass: false, Actual: "no value at .id"}
	add("run A", "pets/create", 201, captured)
	id := add("run A", "pets/get", 200, status, held)
	add("run A", "pets/list", 200, status)
	add("run B", "pets/create", 201, lost)
	add("run B", "pets/get", 200, status, held)
	add("run B", "pets/get", 200, status, broke) // the second iteration fails
	add("run B", "pets/list", 200, status)
	diff, err := s.DiffRuns(ctx, "run A", "run B")
	want := []RunChange{
		{Request: "pets/create", Before: 201, After: 201, Checks: []CheckChange{{Kind: CheckCapture, Name: "pet_id", Before: VerdictPassed, After: VerdictFailed, Actual: "no value at .id"}}},
		{Request: "pets/get", Before: 200, After: 200, Checks: []CheckChange{{Kind: CheckAssert, Name: `json .type == "dog"`, Before: VerdictPassed, After: VerdictFailed, Expected: "true", Actual: `false (.type is "cat")`}}},
	}
	if err != nil || !reflect.DeepEqual(diff, want) {
		t.Errorf("diff\n got %+v, %v\nwant %+v", diff, err, want)
	}
	back, err := s.DiffRuns(ctx, "run B", "run A")
	if err != nil || len(back) != 2 || back[1].Checks[0].Before != VerdictFailed || back[1].Checks[0].After != VerdictPassed || back[1].Checks[0].Actual != `false (.type is "cat")` {
		t.Errorf("the fix, read backwards: %+v, %v", back, err)
	}
	if got, err := s.Checks(ctx, id); err != nil || !reflect.DeepEqual(got, []Check{status, held}) {
		t.Errorf("checks of entry %d: %+v, %v", id, got, err)
	}
	runs, err := s.Runs(ctx, 0)
	if err != nil || len(runs) != 2 || runs[0].Failed != 2 || runs[0].Checked != 4 || runs[1].Failed != 0 || runs[1].Checked != 3 {
		t.Errorf("runs %+v, %v", runs, err)
	}
	if err := s.AddChecks(ctx, 9999, []Check{held}); !errors.Is(err, ErrNotFound) {
		t.Errorf("checks for no entry: %v", err)
	}
	// The checks go with their entry.
	if _, err := s.Clear(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM entry_checks`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d checks left after clear, %v", n, err)
	}
}

// Version 4 to 5: a history with runs opens, its old runs list with no
// verdicts and diff by status as before, and a new run's verdicts are
// kept beside them.
func TestMigration5Checks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	old := sampleEntry(1)
	old.Source, old.Request, old.Status, old.Mismatch = "run A", "pets/get", 200, false
	buildAt(t, path, 4, func(tx *sql.Tx) {
		s := &Store{opts: Options{}.withDefaults()}
		kept := prepareEntry(old, s.opts)
		detail, err := encodeDetail(kept)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := insertEntry(context.Background(), tx, kept, detail, entrySize(kept, detail)); err != nil {
			t.Fatal(err)
		}
	})
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v := userVersion(t, path); v != 5 {
		t.Fatalf("version %d after Open", v)
	}
	ctx := context.Background()
	e := sampleEntry(2)
	e.Source, e.Request, e.Status, e.Mismatch = "run B", "pets/get", 200, false
	id := mustAdd(t, s, e)
	if err := s.AddChecks(ctx, id, []Check{{Kind: CheckAssert, Name: "status", Pass: false, Expected: "201", Actual: "200"}}); err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs(ctx, 0)
	if err != nil || len(runs) != 2 || runs[1].Checked != 0 || runs[0].Failed != 1 {
		t.Fatalf("runs after migration: %+v, %v", runs, err)
	}
	if diff, err := s.DiffRuns(ctx, "run A", "run B"); err != nil || len(diff) != 0 {
		t.Errorf("an old run has no verdicts to compare, and the status is the same: %+v, %v", diff, err)
	}
}
