package workbench

import (
	"context"
	"fmt"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/history"
)

// CheckRecorder is a Recorder that also keeps a tested exchange's
// verdicts beside it (*history.Store is one), so that `history runs
// --diff` can name the assertion that held last run and fails now.
type CheckRecorder interface {
	AddChecks(ctx context.Context, entryID int64, checks []history.Check) error
}

// recordChecks keeps the verdicts of a tested outcome with its exchange:
// each assertion with what it expected and what came, masked as the
// exchange itself is (always, whatever the screen shows), and each
// capture by its variable, with its value only when it is not a secret. A
// history that fails is a warning on the outcome.
func (w *Workbench) recordChecks(ctx context.Context, oc *Outcome, checks []CheckResult, caps []Captured) {
	r, ok := w.Env.History.(CheckRecorder)
	if !ok || oc == nil || oc.HistoryID == 0 {
		return
	}
	mask := w.historyMask(oc, caps)
	out := make([]history.Check, 0, len(checks)+len(caps))
	for _, c := range checks {
		out = append(out, history.Check{Kind: history.CheckAssert, Name: mask(c.Name), Pass: c.Pass, Expected: mask(c.Expected), Actual: mask(c.Actual)})
	}
	for _, c := range caps {
		hc := history.Check{Kind: history.CheckCapture, Name: c.Var, Pass: c.Err == ""}
		switch {
		case c.Err != "":
			hc.Actual = mask(c.Err)
		case !c.Secret:
			hc.Actual = mask(c.Value)
		}
		out = append(out, hc)
	}
	if err := r.AddChecks(context.WithoutCancel(ctx), oc.HistoryID, out); err != nil {
		oc.Warnings = append(oc.Warnings, fmt.Sprintf("history: %v; this exchange's assertions were not kept", err))
	}
}

// historyMask masks text for the history: what the exchange's record
// masks (its credentials, cookies, signatures, credential-shaped fields
// of the answer) and the secret values this answer gave its captures.
func (w *Workbench) historyMask(oc *Outcome, caps []Captured) func(string) string {
	var secrets []string
	for _, c := range caps {
		if c.Secret && c.Value != "" {
			secrets = append(secrets, c.Value)
		}
	}
	own := NewSecretsRedactor(append(secrets, w.capturedSecrets()...)...)
	pv := oc.Preview
	if pv == nil || pv.Prepared == nil {
		return own.Text
	}
	m := historyRedactor(pv.Prepared, oc.Result, exchangeFields(pv.Prepared, oc.Result))
	return func(s string) string { return own.Text(m.Text(fingerprintSignatures(s))) }
}

// testAnswer takes an answer's captures and checks its assertions (a
// request without a status assertion must answer below 400), keeps the
// verdicts in the history, and masks the actual values as the outcome's
// output does.
func (w *Workbench) testAnswer(ctx context.Context, t *collections.Tests, oc *Outcome) ([]CheckResult, []Captured) {
	caps := w.Capture(t, oc)
	w.keepCaptured(caps)
	checks := w.Check(withDefaultStatus(t), oc)
	w.recordChecks(ctx, oc, checks, caps)
	mask := oc.Redact()
	for i := range checks {
		checks[i].Actual = mask.Text(checks[i].Actual)
	}
	return checks, caps
}
