package workbench

import (
	"context"
	"errors"
	"fmt"

	"github.com/sigscope/sigscope/auth"
)

// RunLoginError is a login a run cannot do by itself (no username and
// password_env, or Cognito asks for a code). Error is the command line's
// wording; Missing leaves the step to each face (the UI names its key).
type RunLoginError struct {
	Collection string
	Why        string // what is missing, without the step to take
}

// Missing says what the run could not do.
func (e *RunLoginError) Missing() string { return e.Why }

// Alternative is the way around a login that needs a person.
const runLoginAlternative = "or give the profile a username and password_env"

func (e *RunLoginError) Error() string {
	return fmt.Sprintf("%s: log in first with `sigscope login %s`, %s", e.Why, e.Collection, runLoginAlternative)
}

// Step is how a face other than the command line words the way out,
// given its own step ("press L to log in").
func (e *RunLoginError) Step(first string) string {
	return e.Why + ": " + first + " first, " + runLoginAlternative
}

// loginForRun logs in with the profile's own username and password_env, as
// a CI job must: no prompt, no MFA. What it cannot do without a person
// says so, with the command that can.
func (w *Workbench) loginForRun(ctx context.Context, err error) error {
	var le *LoginRequiredError
	if !errors.As(err, &le) {
		return err
	}
	t, terr := w.LoginTarget(le.Profile)
	if terr != nil {
		return terr
	}
	if t.Username == "" || t.Password == "" {
		return &RunLoginError{Collection: w.Coll.Path, Why: fmt.Sprintf("auth profile %q needs a login and the run cannot ask for one", le.Profile)}
	}
	l, err := t.Start(t.Username)
	if err != nil {
		return fmt.Errorf("log in as %s: %w", t.Username, err)
	}
	for step := l.Next(); step.Kind != auth.StepDone; {
		if step.Kind != auth.StepPassword {
			return &RunLoginError{Collection: w.Coll.Path, Why: fmt.Sprintf("log in as %s: Cognito asks for %s, which a run cannot answer", t.Username, step.Prompt)}
		}
		if step, err = l.Answer(ctx, auth.Answer{Password: t.Password}); err != nil {
			return fmt.Errorf("log in as %s: %w", t.Username, err)
		}
	}
	if _, err := t.Finish(ctx, l); err != nil {
		return fmt.Errorf("log in as %s: %w", t.Username, err)
	}
	return nil
}
