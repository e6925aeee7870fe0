package workbench

import (
	"fmt"
	"strings"
	"sync"

	"github.com/itchyny/gojq"
)

// jq expressions of captures and assertions read the run's variables as
// $vars: `.name == $vars.name` with a --data row's column, a value an
// earlier request captured, a --var or an environment's variable. Values
// are strings, as the templates see them (`$vars.age | tonumber`).
// A variable that holds a secret (a credential by its name, or a value
// from the process environment) is left out: an expression's result goes
// into output and history, and a secret compared in clear there would
// leak it.

// VarsName is the jq variable that holds the run's variables.
const VarsName = "$vars"

// jqCodes keeps compiled expressions: a run of 1,000 requests checks the
// same few expressions over and over.
var jqCodes sync.Map // string → *gojq.Code

// compileJQ compiles expr with $vars declared.
func compileJQ(expr string) (*gojq.Code, error) {
	if c, ok := jqCodes.Load(expr); ok {
		return c.(*gojq.Code), nil
	}
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("jq expression %q does not parse: %w", expr, err)
	}
	code, err := gojq.Compile(q, gojq.WithVariables([]string{VarsName}))
	if err != nil {
		return nil, fmt.Errorf("jq expression %q: %w", expr, err)
	}
	jqCodes.Store(expr, code)
	return code, nil
}

// usesVars reports whether expr reads $vars (only then are they gathered).
func usesVars(expr string) bool { return strings.Contains(expr, VarsName) }

// jqVars is $vars: the environment's variables that expand without a
// problem and hold no secret, then the runtime variables (--var, the data
// row, captured values, the UI's) over them, as templates resolve them.
func (w *Workbench) jqVars() map[string]any {
	out := map[string]any{}
	trusted, _, _ := w.TrustStatus()
	lookup := w.Env.lookup
	if !trusted {
		lookup = func(string) (string, bool) { return "", false }
	}
	vars := w.Vars()
	w.doc.RLock()
	values, err := w.Coll.EnvironmentValues(w.EffectiveEnvironment(), vars, lookup)
	w.doc.RUnlock()
	if err == nil {
		for _, v := range values {
			if v.Err == nil && len(v.Secrets) == 0 && len(v.FromEnv) == 0 && !CredentialName(v.Name) {
				out[v.Name] = v.Value
			}
		}
	}
	secret := map[string]bool{}
	for _, s := range w.capturedSecrets() {
		secret[s] = true
	}
	for k, v := range vars {
		if CredentialName(k) || secret[v] {
			delete(out, k) // shadowed by a value $vars does not show
			continue
		}
		out[k] = v
	}
	return out
}
