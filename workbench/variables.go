package workbench

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sigscope/sigscope/collections"
)

// Variable is one variable a request can use, as a face lists it: where
// it comes from and its value, masked when it is a secret. The list is
// generic (name, value, source) so that other sources can join it.
type Variable struct {
	Name string
	// Value is masked unless the caller asked for secrets in clear; for
	// a variable that could not be expanded it is the template as written.
	Value string
	// Source says where the value comes from: "runtime (--var)",
	// "runtime (set here)", "environment prod", "environment prod · $NAME".
	Source string
	// Secret: the value is a credential by its name, or holds what the
	// process environment gave ({{env.NAME}}).
	Secret bool
	// Shadowed: a runtime variable of the same name wins over it.
	Shadowed bool
	// Problem says why the value could not be expanded ("" when it was).
	Problem string
}

// Runtime variable sources.
const (
	SourceFlag = "runtime (--var)"
	SourceUI   = "runtime (set here)"
)

// Variables lists the runtime variables (sorted by name) and then the
// variables of the environment env ("" for the effective one) in file
// order, each with its value as a request would see it. Secrets are
// masked unless show. The process environment is read only once the
// collection is trusted (TrustStatus does file I/O: call it off the UI
// thread).
func (w *Workbench) Variables(env string, show bool) ([]Variable, error) {
	if env == "" {
		env = w.EffectiveEnvironment()
	}
	vars := w.Vars()
	w.mu.Lock()
	fromUI := map[string]bool{}
	for k := range w.uiVars {
		fromUI[k] = true
	}
	w.mu.Unlock()

	trusted, _, _ := w.TrustStatus()
	lookup := w.Env.lookup
	if !trusted {
		lookup = func(string) (string, bool) { return "", false }
	}
	w.doc.RLock()
	values, err := w.Coll.EnvironmentValues(env, vars, lookup)
	w.doc.RUnlock()
	if err != nil {
		return nil, err
	}

	var secrets []string
	for _, v := range values {
		secrets = append(secrets, v.Secrets...)
		if CredentialName(v.Name) && v.Value != "" {
			secrets = append(secrets, v.Value)
		}
	}
	for k, v := range vars {
		if CredentialName(k) && v != "" {
			secrets = append(secrets, v)
		}
	}
	secrets = append(secrets, w.capturedSecrets()...)
	red := NewSecretsRedactor(secrets...)
	mask := func(s string) string {
		if show {
			return s
		}
		return red.Text(s)
	}

	var out []Variable
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		src, secret := SourceFlag, CredentialName(k)
		if c, ok := w.CapturedVar(k); ok && c.Value == vars[k] {
			src, secret = SourceCaptured+" ("+c.Where+")", secret || c.Secret
		} else if fromUI[k] {
			src = SourceUI
		}
		out = append(out, Variable{Name: k, Value: mask(vars[k]), Source: src, Secret: secret})
	}
	for _, v := range values {
		src := "environment " + env
		if len(v.FromEnv) > 0 {
			src += " · $" + strings.Join(v.FromEnv, " $")
		}
		_, shadowed := vars[v.Name]
		item := Variable{Name: v.Name, Value: mask(v.Value), Source: src, Shadowed: shadowed,
			Secret: CredentialName(v.Name) || len(v.Secrets) > 0}
		switch {
		case !trusted && len(v.FromEnv) > 0:
			item.Value, item.Problem = v.Template, "the environment is read once the collection is trusted"
		case v.Err != nil:
			item.Value, item.Problem = v.Template, problemText(v.Err)
		}
		out = append(out, item)
	}
	return out, nil
}

// problemText is an expansion error without its file:line prefix: the
// list says which variable it is about.
func problemText(err error) string {
	var es collections.Errors
	if e, ok := err.(collections.Errors); ok {
		es = e
	}
	if len(es) == 0 {
		return err.Error()
	}
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Msg
	}
	return strings.Join(msgs, "; ")
}

// SetVar sets a runtime variable for later calls, as --var does: taken
// literally, and never written to the collection file. It wins over an
// environment's variable of the same name.
func (w *Workbench) SetVar(name, value string) error {
	name = strings.TrimSpace(name)
	if !collections.ValidVarName(name) {
		return fmt.Errorf("%q cannot name a variable: use letters, digits, _ and -, starting with a letter or _", name)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("variable %s: a value may not hold a line break or NUL", name)
	}
	if name == "emulator" {
		value = strings.TrimRight(value, "/") // as newWorkbench does
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.vars[name] = value
	if w.uiVars == nil {
		w.uiVars = map[string]bool{}
	}
	w.uiVars[name] = true
	return nil
}

// UnsetVar undoes SetVar: a variable given with --var gets that value
// back; any other runtime variable goes, and the environment's value of
// that name, if any, holds again.
func (w *Workbench) UnsetVar(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.uiVars[name] {
		return // --var's own: only the command line sets it
	}
	delete(w.uiVars, name)
	if v, ok := w.flagVars[name]; ok {
		w.vars[name] = v
		return
	}
	delete(w.vars, name)
}
