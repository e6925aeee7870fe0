package history

import (
	"context"
	"testing"
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
	if err != nil || len(diff) != 2 || diff[0] != (RunChange{"pets/get", 200, 404}) || diff[1] != (RunChange{"pets/delete", -1, 204}) {
		t.Errorf("diff %+v, %v", diff, err)
	}
}
