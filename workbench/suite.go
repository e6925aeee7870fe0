package workbench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/history"
)

// A suite run sends a collection's requests in file order (all of them, or
// the folders and requests named), takes each answer's captures into
// variables for the requests after it, and checks its assertions: what
// `sigscope run` and the UI's R do.

// SuiteOptions say what to run and how.
type SuiteOptions struct {
	// Select are request paths or folder paths; empty runs every request.
	Select []string
	Run    Run
	// Rows are data-driven iterations (--data): each row's columns are
	// variables for one pass over the requests. nil is one pass.
	Rows []map[string]string
	// Repeat runs each pass this many times (at least once).
	Repeat int
	// Bail stops at the first failed step.
	Bail bool
	// Starting, when set, hears of each step before it is sent (a
	// progress bar names the request in flight).
	Starting func(iteration int, request string)
}

// StepCount is how many steps the run of o makes when nothing stops it.
func (w *Workbench) StepCount(o SuiteOptions) (int, error) {
	paths, err := w.Selected(o.Select)
	if err != nil {
		return 0, err
	}
	return len(paths) * max(len(o.Rows), 1) * max(o.Repeat, 1), nil
}

// RunSource names a run in the history ("run 20261207T101500.000Z"), a
// face other than the command line marking its own ("…-tui"), so that
// `history runs` lists the UI's runs beside the command line's and diffs
// one with the other. Milliseconds keep two runs of one second apart.
func RunSource(now time.Time, face string) string {
	id := now.UTC().Format("20060102T150405.000Z")
	if face != "" {
		id += "-" + face
	}
	return history.RunPrefix + id
}

// StepResult is one request of one iteration.
type StepResult struct {
	Iteration int                `json:"iteration"` // from 1
	Request   string             `json:"request"`
	Outcome   *Outcome           `json:"-"`
	Checks    []CheckResult      `json:"assertions"`
	Captures  []Captured         `json:"captures"`
	Status    int                `json:"status"`   // 0 without an answer
	Duration  time.Duration      `json:"duration"` // of the exchange
	Err       string             `json:"error,omitempty"`
	Login     *RunLoginError     `json:"-"` // the login the run could not do, when that is Err
	Hint      string             `json:"hint,omitempty"`
	Verdict   StepOutcome        `json:"outcome"`
	Tests     *collections.Tests `json:"-"`
}

// StepOutcome sums a step up.
type StepOutcome string

const (
	StepPassed   StepOutcome = "passed"
	StepFailed   StepOutcome = "failed"    // an assertion does not hold, or a capture found nothing
	StepNoAnswer StepOutcome = "no-answer" // not sent, or no answer
)

// Label names the step in output: the request, and the pass after the
// first ("Create pet [2]").
func (s StepResult) Label() string {
	if s.Iteration > 1 {
		return fmt.Sprintf("%s [%d]", s.Request, s.Iteration)
	}
	return s.Request
}

// Failed counts the step's failed assertions.
func (s StepResult) Failed() int {
	n := 0
	for _, c := range s.Checks {
		if !c.Pass {
			n++
		}
	}
	for _, c := range s.Captures {
		if c.Err != "" {
			n++
		}
	}
	return n
}

// Stopped is SuiteResult.Stopped when the context ended the run (Ctrl-C,
// esc in the UI).
const Stopped = "stopped"

// SuiteResult is the whole run.
type SuiteResult struct {
	Steps    []StepResult  `json:"steps"`
	Passed   int           `json:"passed"`
	Failed   int           `json:"failed"`
	NoAnswer int           `json:"no_answer"`
	Stopped  string        `json:"stopped,omitempty"` // why the run ended early
	Duration time.Duration `json:"duration"`
	// Kept are the variables the run captured that stay in the session
	// after it; Replaced those of them that had another value before.
	Kept     []string `json:"kept,omitempty"`
	Replaced []string `json:"replaced,omitempty"`
}

// Counts sums the run up: "6 requests: 5 passed, 1 failed, 0 no answer".
func (r SuiteResult) Counts() string {
	n := fmt.Sprintf("%d requests", len(r.Steps))
	if len(r.Steps) == 1 {
		n = "1 request"
	}
	return fmt.Sprintf("%s: %d passed, %d failed, %d no answer", n, r.Passed, r.Failed, r.NoAnswer)
}

// Selected lists the request paths a suite runs, in file order; an entry
// of sel that names neither a request nor a folder is an error.
func (w *Workbench) Selected(sel []string) ([]string, error) {
	refs := w.Requests()
	if len(sel) == 0 {
		out := make([]string, len(refs))
		for i, r := range refs {
			out[i] = r.Path
		}
		return out, nil
	}
	var out []string
	for _, s := range sel {
		s = strings.Trim(s, "/")
		found := false
		for _, r := range refs {
			if r.Path == s || strings.HasPrefix(r.Path, s+"/") {
				found = true
				if !contains(out, r.Path) {
					out = append(out, r.Path)
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("collection %s has no request or folder %q", w.Coll.Path, s)
		}
	}
	// File order, whatever the order named.
	var ordered []string
	for _, r := range refs {
		if contains(out, r.Path) {
			ordered = append(ordered, r.Path)
		}
	}
	return ordered, nil
}

// RunSuite runs the selected requests; each gets reported as it ends. The
// context stops the run between steps and cancels the step in flight.
func (w *Workbench) RunSuite(ctx context.Context, o SuiteOptions, each func(StepResult)) (res SuiteResult, err error) {
	var paths []string
	if paths, err = w.Selected(o.Select); err != nil {
		return SuiteResult{}, err
	}
	tests := make(map[string]*collections.Tests, len(paths))
	w.doc.RLock()
	for _, p := range paths {
		if tests[p], err = w.Coll.Tests(p); err != nil {
			break
		}
	}
	w.doc.RUnlock()
	if err != nil {
		return SuiteResult{}, err
	}
	rows := o.Rows
	if rows == nil {
		rows = []map[string]string{nil}
	}
	repeat := max(o.Repeat, 1)
	vars := w.beginRunVars()
	start := time.Now()
	iteration := 0
	defer func() {
		res.Kept, res.Replaced = vars.end()
		res.Duration = time.Since(start)
	}()
	for _, row := range rows {
		for rep := 0; rep < repeat; rep++ {
			iteration++
			vars.pass(row)
			for _, p := range paths {
				if ctx.Err() != nil {
					res.Stopped = Stopped
					return res, nil
				}
				if o.Starting != nil {
					o.Starting(iteration, p)
				}
				step := w.runStep(ctx, p, tests[p], o.Run)
				step.Iteration = iteration
				vars.captured(step.Captures)
				switch step.Verdict {
				case StepPassed:
					res.Passed++
				case StepFailed:
					res.Failed++
				default:
					res.NoAnswer++
				}
				res.Steps = append(res.Steps, step)
				if each != nil {
					each(step)
				}
				if o.Bail && step.Verdict != StepPassed {
					res.Stopped = fmt.Sprintf("at the first failure (bail): %s, %s", step.Label(), strings.ReplaceAll(string(step.Verdict), "-", " "))
					return res, nil
				}
			}
		}
	}
	return res, nil
}

// runStep sends one request of a run, checks its answer and keeps its
// captures for the steps after it (a captured secret is masked in their
// output too: Preview adds it to the request's secrets).
func (w *Workbench) runStep(ctx context.Context, path string, t *collections.Tests, run Run) StepResult {
	step := StepResult{Request: path, Tests: t}
	oc := w.send(ctx, path, run, func(err error) error { return w.loginForRun(ctx, err) })
	step.Outcome = oc
	switch {
	case oc.Err != nil:
		step.Err, step.Verdict = w.MaskError(oc.Err).Error(), StepNoAnswer
		var le *RunLoginError
		if errors.As(oc.Err, &le) {
			step.Login = le
		}
		return step
	case oc.Result.Err != nil && oc.Result.Response == nil:
		mask := oc.Redact()
		step.Err, step.Hint, step.Verdict = mask.Text(oc.Result.Err.Error()), mask.Text(oc.Result.Err.Hint), StepNoAnswer
		return step
	}
	step.Status = oc.Result.Response.Status
	step.Duration = oc.Result.Timings.Total
	if d := oc.Mismatch; d != nil {
		step.Hint = oc.Redact().Text(d.Hint)
	} else if oc.Hint != "" {
		step.Hint = oc.Redact().Text(oc.Hint)
	}
	step.Checks, step.Captures = w.testAnswer(ctx, t, oc)
	step.Verdict = StepPassed
	if step.Failed() > 0 {
		step.Verdict = StepFailed
	}
	return step
}

// withDefaultStatus: a request that says nothing of its status passes
// only below 400, so that a refused signature fails a run (with its
// diagnosis) even in a collection without assertions.
func withDefaultStatus(t *collections.Tests) *collections.Tests {
	for _, a := range t.Asserts {
		if a.Kind == collections.AssertStatus {
			return t
		}
	}
	out := *t
	out.Asserts = append([]collections.Assert{{Kind: collections.AssertStatus, Values: []string{"1xx", "2xx", "3xx"}, Where: "default (no status: assertion)"}}, t.Asserts...)
	return &out
}
