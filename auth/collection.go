package auth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/collections"
)

// ResolveCognitoProfile finds the cognito auth profile a login uses: name,
// else the profile of the collection's defaults when it is a cognito one,
// else the collection's only cognito profile. Its templates are expanded
// with vars (--var), the environment env ("" for the default one) and
// getenv ({{env.NAME}}). It returns the profile and the environment's
// name, which is part of the token cache key.
func ResolveCognitoProfile(c *collections.Collection, name, env string, vars map[string]string, getenv Getenv) (*collections.Profile, string, error) {
	if name != "" {
		typ, ok := c.ProfileType(name)
		switch {
		case !ok:
			return nil, "", fmt.Errorf("collection %s has no auth profile %q (profiles: %s)", c.Path, name, strings.Join(c.AuthProfiles(), ", "))
		case typ != collections.ProfileCognito:
			return nil, "", fmt.Errorf("auth profile %q is of type %s: Cognito logins need a profile of type cognito", name, typ)
		}
		return c.ResolveProfile(name, env, vars, getenv)
	}
	if d := c.DefaultAuthProfile(); d != "" {
		if typ, _ := c.ProfileType(d); typ == collections.ProfileCognito {
			return c.ResolveProfile(d, env, vars, getenv)
		}
	}
	var cognito []string
	for _, n := range c.AuthProfiles() {
		if typ, _ := c.ProfileType(n); typ == collections.ProfileCognito {
			cognito = append(cognito, n)
		}
	}
	switch len(cognito) {
	case 0:
		return nil, "", fmt.Errorf("collection %s has no auth profile of type cognito", c.Path)
	case 1:
		return c.ResolveProfile(cognito[0], env, vars, getenv)
	}
	return nil, "", fmt.Errorf("collection %s has several cognito auth profiles (%s): choose one (--profile)", c.Path, strings.Join(cognito, ", "))
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
		Domain: p.Domain, IdentityProvider: p.IdentityProvider, Scopes: strings.Fields(p.Scopes),
	}
	if p.RedirectPort != "" {
		port, err := strconv.Atoi(p.RedirectPort)
		if err != nil || port < 1 || port > 65535 {
			return CognitoProfile{}, fmt.Errorf("auth profile %q: redirect_port %q is not a port number", p.Name, p.RedirectPort)
		}
		out.RedirectPort = port
	}
	if p.ClientSecretEnv != "" {
		// Read now, needed later: only a login or a refresh sends it.
		if v, ok := getenv(p.ClientSecretEnv); ok && v != "" {
			out.ClientSecret = v
		} else {
			out.UnsetSecretEnv = p.ClientSecretEnv
		}
	}
	if err := out.Validate(); err != nil {
		return CognitoProfile{}, fmt.Errorf("auth profile %q: %w", p.Name, err)
	}
	return out, nil
}
