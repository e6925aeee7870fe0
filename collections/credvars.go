package collections

import (
	"fmt"
	"strings"
)

// An auth profile's *_env fields each give a value one role, and some
// roles send the value out in clear: the access key id in Credential=,
// the session token in X-Amz-Security-Token. A collection that put the
// user's secret key into such a field would deliver it to its own host,
// so every field accepts only names that fit its role, AWS's own
// variables only in their own role, and one variable in one role only.

// credentialRoles describes each *_env field: what its value is, whether
// it leaves in clear, and the name parts that say a variable holds
// something else (a value that must not feed this field).
var credentialRoles = map[string]struct {
	what    string
	inClear string // where the value is sent readable; "" when it is not
	foreign []string
}{
	"access_key_id_env":     {"the access key id", "in the Credential= part of every signature", []string{"SECRET", "TOKEN", "PASSWORD", "PASSWD", "PRIVATE"}},
	"secret_access_key_env": {"the secret access key", "", []string{"TOKEN", "PASSWORD", "PASSWD", "KEY_ID"}},
	"session_token_env":     {"the session token", "in the X-Amz-Security-Token header", []string{"SECRET", "PASSWORD", "PASSWD", "PRIVATE", "KEY_ID"}},
	"password_env":          {"the Cognito password", "", []string{"ACCESS_KEY", "SECRET_KEY", "SESSION_TOKEN", "SECURITY_TOKEN"}},
	"client_secret_env":     {"the app client secret", "", []string{"ACCESS_KEY", "SECRET_KEY", "SESSION_TOKEN", "SECURITY_TOKEN"}},
}

// awsCredentialVars are AWS's well-known credential variables, each with
// the only field that may read it.
var awsCredentialVars = map[string]string{
	"AWS_ACCESS_KEY_ID":     "access_key_id_env",
	"AWS_SECRET_ACCESS_KEY": "secret_access_key_env",
	"AWS_SESSION_TOKEN":     "session_token_env",
	"AWS_SECURITY_TOKEN":    "session_token_env",
	"AWS_SECRET_KEY":        "secret_access_key_env",
	"AWS_ACCESS_KEY":        "access_key_id_env",
}

// CredentialEnvProblem says why the auth-profile field (access_key_id_env,
// secret_access_key_env, session_token_env, password_env,
// client_secret_env) may not read the environment variable name, or ""
// when it may. Importers use it to keep a source's names only where they
// fit.
func CredentialEnvProblem(field, name string) string {
	role, ok := credentialRoles[field]
	if !ok {
		return ""
	}
	up := strings.ToUpper(name)
	if own, ok := awsCredentialVars[up]; ok {
		if own == field {
			return ""
		}
		return fmt.Sprintf("%s is AWS's variable for %s: only %s may read it, never %s (%s)", name, credentialRoles[own].what, own, field, role.what)
	}
	for _, part := range role.foreign {
		if strings.Contains(up, part) {
			where := ""
			if role.inClear != "" {
				where = ", which is sent " + role.inClear
			}
			return fmt.Sprintf("%s names a variable that holds something other than %s (its name has %s): %s may not read it%s", name, role.what, part, field, where)
		}
	}
	return ""
}

// credentialUse is where a variable feeds a profile field, for the check
// that one variable has one role.
type credentialUse struct {
	profile, field string
	line           int
}

// checkCredentialEnv refuses a *_env field that does not fit its role, or
// a variable already read in another role (by this or another profile).
func checkCredentialEnv(uses map[string]credentialUse, profile, field, name string, at int) string {
	if msg := CredentialEnvProblem(field, name); msg != "" {
		return msg
	}
	if _, ok := credentialRoles[field]; !ok {
		return ""
	}
	if first, ok := uses[name]; ok && first.field != field {
		return fmt.Sprintf("%s is already read as %s by auth profile %q (line %d): one variable may feed one role only, or a value meant for one place is sent to another", name, credentialRoles[first.field].what, first.profile, first.line)
	}
	if _, ok := uses[name]; !ok {
		uses[name] = credentialUse{profile: profile, field: field, line: at}
	}
	return ""
}
