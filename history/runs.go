package history

import (
	"context"
	"fmt"
	"time"
)

// RunPrefix begins the source of a run's entries: `sigscope run`'s ("run
// 20261207T101500.000Z") and the UI's R ("run 20261207T101500.000Z-tui").
const RunPrefix = "run "

// Run is one `sigscope run` as the history kept it.
type Run struct {
	Source  string `json:"source"`
	Entries int    `json:"entries"`
	Refused int    `json:"refused"` // answered 4xx or 5xx, or not at all
	// Failed counts the entries with an assertion that did not hold or a
	// capture that found nothing; Checked those whose verdicts were kept
	// (none for a run recorded before sigscope kept them).
	Failed  int       `json:"failed"`
	Checked int       `json:"checked"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
}

// Check kinds.
const (
	CheckAssert  = "assert"
	CheckCapture = "capture"
)

// Check is one verdict of a tested exchange: an assertion, or a capture
// (Name its variable, Pass whether it found a value). Like every field of
// an Entry it comes masked: the caller keeps no secret capture's value.
type Check struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Pass     bool   `json:"pass"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
}

// AddChecks keeps the verdicts of the exchange entryID, after those it
// has. An entry that retention removed meanwhile is an error matching
// ErrNotFound.
func (s *Store) AddChecks(ctx context.Context, entryID int64, checks []Check) error {
	if len(checks) == 0 {
		return nil
	}
	if s.opts.ReadOnly {
		return &UnavailableError{Path: s.path, Problem: "add checks: the history was opened read-only"}
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(s.path, "add checks", err)
	}
	defer tx.Rollback()
	var seq, n int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM entries WHERE id = ?), coalesce((SELECT max(seq) + 1 FROM entry_checks WHERE entry_id = ?), 0)`,
		entryID, entryID).Scan(&n, &seq); err != nil {
		return classify(s.path, "add checks", err)
	}
	if n == 0 {
		return fmt.Errorf("history %s: add checks to entry %d: %w", s.path, entryID, ErrNotFound)
	}
	for i, c := range checks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO entry_checks (entry_id, seq, kind, name, pass, expected, actual) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			entryID, seq+i, c.Kind, c.Name, c.Pass, c.Expected, c.Actual); err != nil {
			return classify(s.path, "add checks", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return classify(s.path, "add checks", err)
	}
	return nil
}

// Checks are the verdicts kept for an entry, in the order checked.
func (s *Store) Checks(ctx context.Context, entryID int64) ([]Check, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, name, pass, expected, actual FROM entry_checks WHERE entry_id = ? ORDER BY seq`, entryID)
	if err != nil {
		return nil, classify(s.path, "read checks", err)
	}
	defer rows.Close()
	var out []Check
	for rows.Next() {
		var c Check
		if err := rows.Scan(&c.Kind, &c.Name, &c.Pass, &c.Expected, &c.Actual); err != nil {
			return nil, classify(s.path, "read checks", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(s.path, "read checks", err)
	}
	return out, nil
}

// Runs lists the runs kept, newest first.
func (s *Store) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.db.QueryContext(ctx, `SELECT source, count(*), sum(status >= 400 OR status = 0),
			sum(EXISTS (SELECT 1 FROM entry_checks c WHERE c.entry_id = e.id AND c.pass = 0)),
			sum(EXISTS (SELECT 1 FROM entry_checks c WHERE c.entry_id = e.id)),
			min(time), max(time)
		FROM entries e WHERE source LIKE 'run %' GROUP BY source ORDER BY max(id) DESC LIMIT ?`, limit)
	if err != nil {
		return nil, classify(s.path, "list runs", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var first, last int64
		if err := rows.Scan(&r.Source, &r.Entries, &r.Refused, &r.Failed, &r.Checked, &first, &last); err != nil {
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

// RunChange is a request whose answer or verdicts differ between two runs.
type RunChange struct {
	Request string `json:"request"`
	Before  int    `json:"before"` // status; 0 no answer, -1 not in that run
	After   int    `json:"after"`
	// Checks are the assertions and captures whose verdict changed.
	Checks []CheckChange `json:"checks,omitempty"`
}

// Verdicts of a check in one run.
const (
	VerdictPassed = "passed"
	VerdictFailed = "failed"
	VerdictAbsent = "" // not checked in that run (not written then, or the request not run)
)

// CheckChange is one assertion or capture whose verdict changed: it held
// before and fails now, or the reverse, or it is new or gone. Expected and
// Actual are those of the failing side (the later one when both fail).
type CheckChange struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Before   string `json:"before"`
	After    string `json:"after"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
}

// runRequest is what one run says of one request: its last status and
// each check's verdict over all its passes (failed when any pass failed:
// a run with --repeat or --data fails a check if one iteration does).
type runRequest struct {
	status  int
	checks  map[string]*Check // by kind and name
	order   []string
	checked bool
}

func checkKey(kind, name string) string { return kind + "\x00" + name }

func (s *Store) runRequests(ctx context.Context, src string) (map[string]*runRequest, []string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.request, e.status, c.kind, c.name, c.pass, c.expected, c.actual
		FROM entries e LEFT JOIN entry_checks c ON c.entry_id = e.id
		WHERE e.source = ? ORDER BY e.id, c.seq`, src)
	if err != nil {
		return nil, nil, classify(s.path, "diff runs", err)
	}
	defer rows.Close()
	m := map[string]*runRequest{}
	var order []string
	for rows.Next() {
		var req string
		var st int
		var kind, name, expected, actual *string
		var pass *bool
		if err := rows.Scan(&req, &st, &kind, &name, &pass, &expected, &actual); err != nil {
			return nil, nil, classify(s.path, "diff runs", err)
		}
		r := m[req]
		if r == nil {
			r = &runRequest{checks: map[string]*Check{}}
			m[req] = r
			order = append(order, req)
		}
		r.status = st
		if kind == nil {
			continue
		}
		r.checked = true
		k := checkKey(*kind, *name)
		c := r.checks[k]
		if c == nil {
			c = &Check{Kind: *kind, Name: *name, Pass: true}
			r.checks[k] = c
			r.order = append(r.order, k)
		}
		if !*pass || c.Pass { // the first failure's values, else the last pass's
			c.Expected, c.Actual = *expected, *actual
		}
		c.Pass = c.Pass && *pass
	}
	if err := rows.Err(); err != nil {
		return nil, nil, classify(s.path, "diff runs", err)
	}
	return m, order, nil
}

// DiffRuns lists the requests whose last status in run b differs from
// their last one in run a (a request in one run only included), or whose
// assertions and captures have another verdict. A run kept before
// verdicts were (schema version 5) compares by status only.
func (s *Store) DiffRuns(ctx context.Context, a, b string) ([]RunChange, error) {
	before, orderA, err := s.runRequests(ctx, a)
	if err != nil {
		return nil, err
	}
	after, orderB, err := s.runRequests(ctx, b)
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
		x, y := before[req], after[req]
		ch := RunChange{Request: req, Before: -1, After: -1}
		if x != nil {
			ch.Before = x.status
		}
		if y != nil {
			ch.After = y.status
		}
		if x != nil && y != nil && x.checked && y.checked {
			ch.Checks = checkChanges(x, y)
		}
		if ch.Before != ch.After || len(ch.Checks) > 0 {
			out = append(out, ch)
		}
	}
	return out, nil
}

// checkChanges are the checks of one request whose verdict differs, in
// the later run's order, then those only the earlier run had.
func checkChanges(x, y *runRequest) []CheckChange {
	verdict := func(c *Check) string {
		switch {
		case c == nil:
			return VerdictAbsent
		case c.Pass:
			return VerdictPassed
		}
		return VerdictFailed
	}
	var out []CheckChange
	seen := map[string]bool{}
	for _, k := range append(append([]string(nil), y.order...), x.order...) {
		if seen[k] {
			continue
		}
		seen[k] = true
		cx, cy := x.checks[k], y.checks[k]
		vb, va := verdict(cx), verdict(cy)
		if vb == va {
			continue
		}
		shown := cy
		if cy == nil || (cy.Pass && cx != nil) {
			shown = cx
		}
		out = append(out, CheckChange{Kind: shown.Kind, Name: shown.Name, Before: vb, After: va, Expected: shown.Expected, Actual: shown.Actual})
	}
	return out
}
