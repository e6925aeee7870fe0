package history

import (
	"context"
	"time"
)

// RunPrefix begins the source of a `sigscope run`'s entries ("run
// 20261207T101500Z"); the TUI's R records "tui run".
const RunPrefix = "run "

// Run is one `sigscope run` as the history kept it.
type Run struct {
	Source  string    `json:"source"`
	Entries int       `json:"entries"`
	Refused int       `json:"refused"` // answered 4xx or 5xx, or not at all
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
}

// Runs lists the runs kept, newest first.
func (s *Store) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.db.QueryContext(ctx, `SELECT source, count(*), sum(status >= 400 OR status = 0), min(time), max(time)
		FROM entries WHERE source LIKE 'run %' GROUP BY source ORDER BY max(id) DESC LIMIT ?`, limit)
	if err != nil {
		return nil, classify(s.path, "list runs", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var first, last int64
		if err := rows.Scan(&r.Source, &r.Entries, &r.Refused, &first, &last); err != nil {
			return nil, classify(s.path, "list runs", err)
		}
		r.First, r.Last = time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(s.path, "list runs", err)
	}
	return out, nil
}

// RunChange is a request whose answer differs between two runs.
type RunChange struct {
	Request string `json:"request"`
	Before  int    `json:"before"` // status; 0 no answer, -1 not in that run
	After   int    `json:"after"`
}

// DiffRuns lists the requests whose last status in run b differs from
// their last one in run a (a request in one run only included).
func (s *Store) DiffRuns(ctx context.Context, a, b string) ([]RunChange, error) {
	last := func(src string) (map[string]int, []string, error) {
		rows, err := s.db.QueryContext(ctx, `SELECT request, status FROM entries WHERE source = ? ORDER BY id`, src)
		if err != nil {
			return nil, nil, classify(s.path, "diff runs", err)
		}
		defer rows.Close()
		m := map[string]int{}
		var order []string
		for rows.Next() {
			var req string
			var st int
			if err := rows.Scan(&req, &st); err != nil {
				return nil, nil, classify(s.path, "diff runs", err)
			}
			if _, seen := m[req]; !seen {
				order = append(order, req)
			}
			m[req] = st
		}
		return m, order, rows.Err()
	}
	before, orderA, err := last(a)
	if err != nil {
		return nil, err
	}
	after, orderB, err := last(b)
	if err != nil {
		return nil, err
	}
	var out []RunChange
	seen := map[string]bool{}
	for _, req := range append(orderB, orderA...) {
		if seen[req] {
			continue
		}
		seen[req] = true
		x, okA := before[req]
		y, okB := after[req]
		if !okA {
			x = -1
		}
		if !okB {
			y = -1
		}
		if x != y {
			out = append(out, RunChange{Request: req, Before: x, After: y})
		}
	}
	return out, nil
}
