package collections

import "fmt"

// ProfileType reports the type of the auth profile name.
func (c *Collection) ProfileType(name string) (ProfileType, bool) {
	if p := c.profile(name); p != nil {
		return p.typ, true
	}
	return "", false
}

// DefaultAuthProfile is the profile the collection's defaults name, "" when
// they name none.
func (c *Collection) DefaultAuthProfile() string {
	return c.defaults.auth.profile.val
}

// ResolveProfile expands one auth profile's templates with the environment
// env ("" for the default one), vars and processEnv, as Resolve does for a
// request that uses it. It also returns the environment's name.
func (c *Collection) ResolveProfile(name, env string, vars map[string]string, processEnv func(string) (string, bool)) (*Profile, string, error) {
	p := c.profile(name)
	if p == nil {
		names := c.AuthProfiles()
		return nil, "", fmt.Errorf("collection %q has no auth profile %q%s (profiles: %s)", c.Name, name, didYouMean(name, names), quoteList(names))
	}
	e, err := c.pickEnvironment(env)
	if err != nil {
		return nil, "", fmt.Errorf("auth profile %q: %w", name, err)
	}
	x := &expander{c: c, env: e, vars: vars, processEnv: processEnv, now: c.now(), uuid: c.uuid, cache: map[string]string{}}
	out := resolveProfile(p, x)
	if len(x.errs) > 0 {
		return nil, "", x.errs.sorted()
	}
	envName := ""
	if e != nil {
		envName = e.name
	}
	return out, envName, nil
}
