package workbench

import "context"

// SourceCaptured is the source of a variable taken from an answer.
const SourceCaptured = "captured"

// TestOutcome checks a request's answer against its assertions (a request
// without a status assertion must answer below 400) and takes its
// captures, which become variables of the session for the requests after
// it, as in a run. The schema of an assertion is read from disk: call it
// off the UI thread.
func (w *Workbench) TestOutcome(requestPath string, oc *Outcome) ([]CheckResult, []Captured, error) {
	w.doc.RLock()
	t, err := w.Coll.Tests(requestPath)
	w.doc.RUnlock()
	if err != nil {
		return nil, nil, err
	}
	checks, caps := w.testAnswer(context.Background(), t, oc)
	return checks, caps, nil
}

// keepCaptured makes captured values runtime variables; a secret one is
// masked in every later output.
func (w *Workbench) keepCaptured(caps []Captured) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.captured == nil {
		w.captured = map[string]Captured{}
	}
	for _, c := range caps {
		if c.Err != "" {
			continue
		}
		w.captured[c.Var] = c
		w.vars[c.Var] = c.Value
	}
}

// capturedSecrets are the captured values outputs must mask.
func (w *Workbench) capturedSecrets() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, c := range w.captured {
		if c.Secret && c.Value != "" {
			out = append(out, c.Value)
		}
	}
	return out
}

// CapturedVar is a captured value, when one was taken.
func (w *Workbench) CapturedVar(name string) (Captured, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.captured[name]
	return c, ok
}

// ForgetCaptured drops a captured value from the session (the UI's unset):
// a value given with --var of that name holds again, else none does, and
// the request that captures it must run again before one that uses it.
func (w *Workbench) ForgetCaptured(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.captured[name]
	if !ok {
		return
	}
	delete(w.captured, name)
	if w.vars[name] != c.Value {
		return // set since by other means: not the capture's any more
	}
	delete(w.uiVars, name)
	if v, ok := w.flagVars[name]; ok {
		w.vars[name] = v
		return
	}
	delete(w.vars, name)
}
