package collections

// EnvValue is one variable of an environment as a request would see it:
// its template as written, and its value expanded with the runtime
// variables and the process environment.
type EnvValue struct {
	Name     string
	Template string // as written in the file
	Value    string // expanded; "" when Err
	// Secrets are the parts of Value read from the process environment
	// ({{env.NAME}}): shown masked.
	Secrets []string
	// FromEnv names the process environment variables it read.
	FromEnv []string
	Err     error
}

// EnvironmentValues lists the variables of the environment env ("" for
// the default one) in file order, each expanded as Resolve would
// (runtime vars first, then the environment, {{env.NAME}} from
// processEnv). A variable that cannot be expanded carries its error; the
// others are still listed. No environment (none chosen, none defined):
// nil.
func (c *Collection) EnvironmentValues(env string, vars map[string]string, processEnv func(string) (string, bool)) ([]EnvValue, error) {
	e, err := c.pickEnvironment(env)
	if err != nil || e == nil {
		return nil, err
	}
	var out []EnvValue
	for _, v := range e.vars {
		x := &expander{c: c, env: e, vars: vars, processEnv: processEnv, now: c.now(), uuid: c.uuid, cache: map[string]string{}}
		x.visiting = []string{v.name}
		ev := EnvValue{Name: v.name, Template: v.value.raw, Value: x.expand(v.value)}
		for _, s := range v.value.segs {
			if s.kind == segEnv {
				ev.FromEnv = append(ev.FromEnv, s.text)
			}
		}
		ev.Secrets = x.secrets
		if len(x.errs) > 0 {
			ev.Value, ev.Err = "", x.errs.sorted()
		}
		out = append(out, ev)
	}
	return out, nil
}

// ValidVarName reports whether s can name a variable ({{s}}): letters,
// digits, _ and -, starting with a letter or _.
func ValidVarName(s string) bool { return isVarName(s) }
