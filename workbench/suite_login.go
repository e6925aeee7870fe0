package workbench

import (
	"context"
	"errors"
	"fmt"

	"github.com/sigscope/sigscope/auth"
)

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
	manual := fmt.Sprintf("log in first with `sigscope login %s`, or give the profile a username and password_env", w.Coll.Path)
	if t.Username == "" || t.Password == "" {
		return fmt.Errorf("auth profile %q needs a login and the run cannot ask for one: %s", le.Profile, manual)
	}
	l, err := t.Start(t.Username)
	if err != nil {
		return fmt.Errorf("log in as %s: %w", t.Username, err)
	}
	for step := l.Next(); step.Kind != auth.StepDone; {
		if step.Kind != auth.StepPassword {
			return fmt.Errorf("log in as %s: Cognito asks for %s, which a run cannot answer: %s", t.Username, step.Prompt, manual)
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
