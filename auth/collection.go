package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sigscope/sigscope/collections"
)

// loginRequest names the request added to a copy of a collection so that
// collections.Resolve expands an auth profile's templates (the collections
// package resolves profiles only as part of a request).
const loginRequest = "__sigscope_login__"

// errNotApplicable says the synthetic request could not be added: the
// collection refuses the auth mode for that profile (id_token mode for a
// profile that is not of type cognito, or no profile at all).
var errNotApplicable = errors.New("profile does not fit the auth mode")

// resolveProfile expands the named auth profile ("" for the one the
// collection's defaults use) under mode and returns it with the
// environment's name.
func resolveProfile(c *collections.Collection, name string, mode collections.AuthMode, env string, vars map[string]string, getenv Getenv) (*collections.Profile, string, error) {
	cp, err := collections.LoadBytes(c.Path, c.Bytes())
	if err != nil {
		return nil, "", err
	}
	if err := cp.AddRequest("", collections.Request{Name: loginRequest, Method: "GET", URL: "http://127.0.0.1/",
		Auth: &collections.AuthSpec{Mode: mode, Profile: name}}); err != nil {
		return nil, "", fmt.Errorf("%w: %w", errNotApplicable, err)
	}
	r, err := cp.Resolve(loginRequest, env, vars, getenv)
	if err != nil {
		return nil, "", err
	}
	return r.Auth.Profile, r.Environment, nil
}

// ResolveCognitoProfile finds the cognito auth profile a login uses: name,
// else the profile of the collection's defaults when it is a cognito one,
// else the collection's only cognito profile. Its templates are expanded
// with vars (--var), the environment env ("" for the default one) and
// getenv ({{env.NAME}}). It returns the profile and the environment's
// name, which is part of the token cache key.
func ResolveCognitoProfile(c *collections.Collection, name, env string, vars map[string]string, getenv Getenv) (*collections.Profile, string, error) {
	// id_token mode is valid exactly for cognito profiles, whatever else
	// they hold, so the collection's own checks say which profiles fit.
	if name != "" {
		if !slices.Contains(c.AuthProfiles(), name) {
			return nil, "", fmt.Errorf("collection %s has no auth profile %q (profiles: %s)", c.Path, name, strings.Join(c.AuthProfiles(), ", "))
		}
		p, envName, err := resolveProfile(c, name, collections.ModeIDToken, env, vars, getenv)
		if errors.Is(err, errNotApplicable) {
			if other, _, err2 := resolveProfile(c, name, collections.ModeIAM, env, vars, getenv); err2 == nil && other != nil {
				return nil, "", fmt.Errorf("auth profile %q is of type %s: Cognito logins need a profile of type cognito", name, other.Type)
			}
			return nil, "", fmt.Errorf("auth profile %q is not of type cognito: Cognito logins need one", name)
		}
		if err != nil {
			return nil, "", err
		}
		return p, envName, nil
	}
	if p, envName, err := resolveProfile(c, "", collections.ModeIDToken, env, vars, getenv); !errors.Is(err, errNotApplicable) {
		if err != nil {
			return nil, "", err
		}
		return p, envName, nil
	}
	var found []*collections.Profile
	var envName string
	var errs []error
	for _, n := range c.AuthProfiles() {
		p, e, err := resolveProfile(c, n, collections.ModeIDToken, env, vars, getenv)
		switch {
		case errors.Is(err, errNotApplicable):
		case err != nil:
			errs = append(errs, err)
		default:
			found, envName = append(found, p), e
		}
	}
	// A cognito profile whose templates do not resolve counts too: it is
	// one the person may have meant.
	switch len(found) + len(errs) {
	case 0:
		return nil, "", fmt.Errorf("collection %s has no auth profile of type cognito", c.Path)
	case 1:
		if len(found) == 1 {
			return found[0], envName, nil
		}
		return nil, "", errs[0]
	}
	names := make([]string, len(found))
	for i, p := range found {
		names[i] = p.Name
	}
	if len(errs) > 0 {
		names = append(names, fmt.Sprintf("%d more whose templates do not resolve", len(errs)))
	}
	return nil, "", fmt.Errorf("collection %s has several cognito auth profiles (%s): choose one (--profile)", c.Path, strings.Join(names, ", "))
}

// CognitoProfileFrom turns a collection's cognito auth profile into a
// CognitoProfile, reading the client secret from the variable that
// client_secret_env names.
func CognitoProfileFrom(p *collections.Profile, getenv Getenv) (CognitoProfile, error) {
	if p == nil {
		return CognitoProfile{}, errors.New("no auth profile")
	}
	if p.Type != collections.ProfileCognito {
		return CognitoProfile{}, fmt.Errorf("auth profile %q is of type %s, not cognito", p.Name, p.Type)
	}
	out := CognitoProfile{
		Region: p.Region, UserPoolID: p.UserPoolID, ClientID: p.ClientID, IdentityPoolID: p.IdentityPoolID,
		Flow: Flow(p.Flow), Endpoint: p.Endpoint, Username: p.Username,
	}
	if p.ClientSecretEnv != "" {
		v, ok := getenv(p.ClientSecretEnv)
		if !ok || v == "" {
			return CognitoProfile{}, fmt.Errorf("auth profile %q: client_secret_env names %s, which is not set: export the app client's secret in it", p.Name, p.ClientSecretEnv)
		}
		out.ClientSecret = v
	}
	if err := out.Validate(); err != nil {
		return CognitoProfile{}, fmt.Errorf("auth profile %q: %w", p.Name, err)
	}
	return out, nil
}
