package importer

// Secrets in the three tools' exports: which variables hold them (by name,
// by type, by the shape of the value, or by their use as a token or key),
// and what is written instead of a value (a reference to an environment
// variable, the value never).

import (
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// kitSecretName reports whether a variable's name says it holds a secret.
func kitSecretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"secret", "passw", "pwd", "token", "apikey", "api_key", "api-key", "credential", "private", "accesskey", "access_key", "signature", "cookie", "session"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

var (
	kitJWTRE       = lazyre.New(`^(Bearer\s+)?eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$`)
	kitAWSSecretRE = lazyre.New(`^[A-Za-z0-9/+]{40}$`)
	kitAWSKeyIDRE  = lazyre.New(`^(AKIA|ASIA)[A-Z0-9]{12,}$`)
)

// kitSecretValue reports whether a value is shaped like a credential.
func kitSecretValue(v string) bool {
	v = strings.TrimSpace(v)
	return kitJWTRE.MatchString(v) || kitAWSSecretRE.MatchString(v) || kitAWSKeyIDRE.MatchString(v)
}

// envVar adds one source variable to an environment: its value as a
// template, or, for a secret, a reference to an environment variable
// (declared, and said once in the report), never the value.
func (k *kitConv) envVar(e *Environment, key, value string, secretType bool) {
	where := "environment " + e.Name
	if env, ok := k.awsVars[key]; ok {
		k.noteOnce("awsvar"+key, "variable "+key, "holds an AWS key: its value was left out; the auth profile reads the environment variable %s", env)
		return
	}
	name := kitVarName(key)
	// A URL is an address, not a secret, whatever its name says
	// (access_token_url).
	isURL := strings.HasPrefix(value, "http://") || strings.HasPrefix(value, "https://")
	secret := secretType || (kitSecretName(key) && !isURL) || kitSecretValue(value) || k.credVars[key]
	if !secret {
		e.Set(name, k.tpl(value, where))
		return
	}
	if _, ok := kitSingleVar(value); ok {
		e.Set(name, k.tpl(value, where))
		return
	}
	env, ok := k.secrets[key]
	if !ok {
		env = EnvName(key)
		k.secrets[key] = env
		k.c.DeclareVariable(env)
		if strings.TrimSpace(value) == "" && !secretType {
			// Nothing was left out: a login script fills such a variable
			// when the source's tool runs (a variable of a secret type is
			// empty because the tool keeps its value elsewhere).
			k.c.Note("variable "+key, "empty in the source (a script or the user sets it when the requests run): the variable %s reads the environment variable %s ({{env.%s}}); set it, or give --var %s=VALUE", name, env, env, name)
		} else {
			k.c.Note("variable "+key, "secret left out of the file: set the environment variable %s (the variable %s reads it as {{env.%s}})", env, name, env)
		}
	}
	e.Set(name, "{{env."+env+"}}")
}

// cutFold is strings.CutPrefix, the prefix matched in any case.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return strings.TrimSpace(s[len(prefix):]), true
	}
	return s, false
}

// secretTemplate returns what to write for a token or key: the template
// when the source gave one ("{{token}}", whose variable is then kept out
// of environments as a credential), else a reference to an environment
// variable named after hint, the literal left out and reported.
func (k *kitConv) secretTemplate(where, hint, v string) string {
	// "Bearer {{token}}" in a bearer token field: Postman sends "Bearer
	// Bearer ..."; the template is kept, the scheme written once.
	if rest, ok := cutFold(strings.TrimSpace(v), "Bearer "); ok {
		if _, single := kitSingleVar(rest); single {
			k.c.Note(where, "the %s is written \"%s\", scheme included, so %s sends \"Bearer %s\": the scheme is written once here", hint, v, k.tool, v)
			v = rest
		}
	}
	if inner, ok := kitSingleVar(v); ok {
		if !strings.HasPrefix(inner, "$") && !strings.HasPrefix(inner, "process.env.") {
			k.credVars[inner] = true
		}
		return k.tpl(strings.TrimSpace(v), where)
	}
	if strings.TrimSpace(v) == "" {
		k.c.Note(where, "the %s is empty in the export: set the environment variable %s", hint, EnvName(hint))
		env := EnvName(hint)
		k.c.DeclareVariable(env)
		return "{{env." + env + "}}"
	}
	return k.c.SecretRef(where, hint)
}
