package cognito

import (
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// Config is the Cognito part of the emulator's configuration file.
type Config struct {
	UserPools          []UserPoolConfig     `yaml:"user_pools"`
	IdentityPools      []IdentityPoolConfig `yaml:"identity_pools"`
	TokenLifetime      Duration             `yaml:"token_lifetime"`      // id and access tokens; default 1h
	CredentialLifetime Duration             `yaml:"credential_lifetime"` // identity-pool credentials; default 1h
}

// UserPoolConfig describes one user pool.
type UserPoolConfig struct {
	ID      string         `yaml:"id"` // <region>_<name>, e.g. us-east-1_Demo1
	Name    string         `yaml:"name"`
	Clients []ClientConfig `yaml:"clients"`
	Users   []UserConfig   `yaml:"users"`
	// PasswordPolicy is what SignUp, ChangePassword, the new-password
	// challenge and the Admin* calls hold a new password to; absent:
	// Cognito's default (8 characters with upper and lower case, a digit
	// and a symbol). Passwords written in this file are not checked.
	PasswordPolicy *PasswordPolicyConfig `yaml:"password_policy,omitempty"`
	// ConfirmationCode, when set (six digits), is the code every sign-up,
	// forgotten-password and attribute-verification message of this pool
	// "sends", so that scripts can confirm users without reading the log.
	// Empty: a random code each time, written to the log and kept for
	// Service.LastCode.
	ConfirmationCode string `yaml:"confirmation_code,omitempty"`
}

// PasswordPolicyConfig is a user pool's password policy, as Cognito's
// PasswordPolicyType; an absent require_* is true, as in Cognito's default.
type PasswordPolicyConfig struct {
	MinimumLength    int   `yaml:"minimum_length,omitempty"` // 6 to 99; default 8
	RequireUppercase *bool `yaml:"require_uppercase,omitempty"`
	RequireLowercase *bool `yaml:"require_lowercase,omitempty"`
	RequireNumbers   *bool `yaml:"require_numbers,omitempty"`
	RequireSymbols   *bool `yaml:"require_symbols,omitempty"`
}

// ClientConfig describes an app client. Client ids are unique across all
// pools, because InitiateAuth names only the client.
type ClientConfig struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Secret string `yaml:"secret,omitempty"` // when set, SECRET_HASH is required
	// AuthFlows lists the enabled flows: USER_SRP_AUTH, USER_PASSWORD_AUTH,
	// REFRESH_TOKEN_AUTH, ADMIN_USER_PASSWORD_AUTH (an ALLOW_ prefix, as in
	// the console, is accepted). Empty enables all four.
	AuthFlows []string `yaml:"auth_flows,omitempty"`
}

// UserConfig describes a user. Username is also cognito:username.
type UserConfig struct {
	Username   string            `yaml:"username"`
	Password   string            `yaml:"password"`
	Status     string            `yaml:"status,omitempty"` // CONFIRMED (default) or FORCE_CHANGE_PASSWORD
	Attributes map[string]string `yaml:"attributes,omitempty"`
	MFA        *MFAConfig        `yaml:"mfa,omitempty"`
}

// MFAConfig turns on MFA for a user.
type MFAConfig struct {
	// Type is totp, sms or email, or several of them joined by commas
	// ("totp,sms"): then the login asks SELECT_MFA_TYPE first. email sends
	// the code to the user's email attribute (printed in the log, like SMS
	// codes). totp-setup is a user who must set up an authenticator app: the
	// login answers MFA_SETUP (AssociateSoftwareToken, VerifySoftwareToken).
	Type   string `yaml:"type"`
	Secret string `yaml:"secret,omitempty"` // totp: base32 shared secret
	Phone  string `yaml:"phone,omitempty"`  // sms: E.164 number the code is "sent" to
}

// IdentityPoolConfig describes an identity pool.
type IdentityPoolConfig struct {
	ID                   string   `yaml:"id"` // <region>:<uuid>
	AllowUnauthenticated bool     `yaml:"allow_unauthenticated"`
	UserPools            []string `yaml:"user_pools"` // user pools whose id tokens it accepts
	// The IAM roles the pool's credentials act as: the authenticated role
	// for logged-in users, the unauthenticated (guest) role for guests,
	// each its own, as in AWS. Role names, not ARNs; default
	// Cognito_Auth_Role and Cognito_Unauth_Role.
	AuthenticatedRole   string `yaml:"authenticated_role,omitempty"`
	UnauthenticatedRole string `yaml:"unauthenticated_role,omitempty"`
}

// Default role names of an identity pool that names none.
const (
	DefaultAuthRole   = "Cognito_Auth_Role"
	DefaultUnauthRole = "Cognito_Unauth_Role"
)

// roleNamePattern is IAM's pattern of a role name.
var roleNamePattern = lazyre.New(`^[\w+=,.@-]{1,64}$`)

// Duration is a time.Duration written in YAML as a Go duration string
// ("1h", "90s").
type Duration time.Duration

// UnmarshalYAML reads a duration string and reports the line on error.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a duration like \"1h\" or \"90s\": %w", n.Line, err)
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("line %d: want a duration like \"1h\" or \"90s\", got %q", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration string form.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// String returns the Go duration form.
func (d Duration) String() string { return time.Duration(d).String() }

const (
	flowSRP          = "USER_SRP_AUTH"
	flowPassword     = "USER_PASSWORD_AUTH"
	flowRefresh      = "REFRESH_TOKEN_AUTH"
	flowRefreshAlias = "REFRESH_TOKEN"
	// flowAdminPassword is AdminInitiateAuth's password flow; its older
	// name ADMIN_NO_SRP_AUTH is accepted too.
	flowAdminPassword = "ADMIN_USER_PASSWORD_AUTH"

	statusConfirmed   = "CONFIRMED"
	statusForceChange = "FORCE_CHANGE_PASSWORD"
	statusUnconfirmed = "UNCONFIRMED"
	statusReset       = "RESET_REQUIRED"

	mfaTOTP = "totp"
	mfaSMS  = "sms"
)

var (
	// The pattern amazon-cognito-identity-js enforces on UserPoolId.
	userPoolIDPattern     = lazyre.New(`^[\w-]+_[0-9a-zA-Z]+$`)
	identityPoolIDPattern = lazyre.New(`^[\w-]+:[0-9a-f-]+$`)
	clientIDPattern       = lazyre.New(`^[\w+]+$`)
	phonePattern          = lazyre.New(`^\+[1-9][0-9]{4,14}$`)
	sixDigits             = lazyre.New(`^[0-9]{6}$`)
)

// reservedClaims are token claims that a user attribute must not shadow.
var reservedClaims = map[string]bool{
	"aud": true, "iss": true, "exp": true, "iat": true, "nbf": true, "jti": true, "token_use": true,
	"auth_time": true, "cognito:username": true, "origin_jti": true, "event_id": true,
	"client_id": true, "scope": true, "username": true,
}

// normalizeFlow maps a configured flow name to the InitiateAuth name.
func normalizeFlow(f string) (string, bool) {
	f = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(f)), "ALLOW_")
	switch f {
	case flowSRP, flowPassword, flowRefresh, flowAdminPassword:
		return f, true
	case flowRefreshAlias:
		return flowRefresh, true
	case "ADMIN_NO_SRP_AUTH":
		return flowAdminPassword, true
	}
	return "", false
}

// decodeTOTPSecret reads a base32 secret the way authenticator apps do:
// case-insensitive, spaces ignored, padding optional.
func decodeTOTPSecret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	s = strings.TrimRight(s, "=")
	if s == "" {
		return nil, errors.New("empty")
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not base32 (letters A-Z and digits 2-7): %w", err)
	}
	return key, nil
}

// validate reports every problem in cfg, each naming the item it is about.
func (cfg *Config) validate() error {
	var errs []error
	add := func(where, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
	}
	if cfg.TokenLifetime < 0 {
		add("token_lifetime", "must be positive, got %s", cfg.TokenLifetime)
	}
	if cfg.CredentialLifetime < 0 {
		add("credential_lifetime", "must be positive, got %s", cfg.CredentialLifetime)
	}
	poolIDs := map[string]int{}
	clientIDs := map[string]string{}
	for i, p := range cfg.UserPools {
		where := fmt.Sprintf("user_pools[%d]", i)
		if p.ID != "" {
			where += " (" + p.ID + ")"
		}
		switch {
		case p.ID == "":
			add(where, "id is empty; want <region>_<name>, e.g. us-east-1_Demo1")
		case !userPoolIDPattern.MatchString(p.ID):
			add(where, "id %q: want <region>_<name> with a letters-and-digits name, e.g. us-east-1_Demo1", p.ID)
		default:
			if j, dup := poolIDs[p.ID]; dup {
				add(where, "duplicate id, already used by user_pools[%d]", j)
			}
			poolIDs[p.ID] = i
		}
		for j, c := range p.Clients {
			cw := fmt.Sprintf("user_pools[%d].clients[%d]", i, j)
			if c.ID != "" {
				cw += " (" + c.ID + ")"
			}
			switch {
			case c.ID == "":
				add(cw, "id is empty")
			case !clientIDPattern.MatchString(c.ID):
				add(cw, "id may hold only letters, digits, _ and +")
			default:
				if prev, dup := clientIDs[c.ID]; dup {
					add(cw, "duplicate client id, already used by %s (client ids are global)", prev)
				}
				clientIDs[c.ID] = fmt.Sprintf("user_pools[%d].clients[%d]", i, j)
			}
			for _, f := range c.AuthFlows {
				if _, ok := normalizeFlow(f); !ok {
					add(cw, "auth_flows: unknown flow %q; want USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH or ADMIN_USER_PASSWORD_AUTH", f)
				}
			}
		}
		if pp := p.PasswordPolicy; pp != nil && pp.MinimumLength != 0 && (pp.MinimumLength < 6 || pp.MinimumLength > 99) {
			add(where, "password_policy.minimum_length %d: Cognito allows 6 to 99", pp.MinimumLength)
		}
		if c := p.ConfirmationCode; c != "" && !sixDigits.MatchString(c) {
			add(where, "confirmation_code %q: want six digits, as Cognito sends, e.g. \"123456\"", c)
		}
		users := map[string]int{}
		for j, u := range p.Users {
			uw := fmt.Sprintf("user_pools[%d].users[%d]", i, j)
			if u.Username != "" {
				uw += " (" + u.Username + ")"
			}
			if u.Username == "" {
				add(uw, "username is empty")
			} else if k, dup := users[u.Username]; dup {
				add(uw, "duplicate username, already used by users[%d]", k)
			} else {
				users[u.Username] = j
			}
			if u.Password == "" {
				add(uw, "password is empty")
			}
			switch u.Status {
			case "", statusConfirmed, statusForceChange, statusUnconfirmed, statusReset:
			default:
				add(uw, "status %q: want CONFIRMED, FORCE_CHANGE_PASSWORD, UNCONFIRMED or RESET_REQUIRED", u.Status)
			}
			for name, v := range u.Attributes {
				if name == "" {
					add(uw, "attributes: empty attribute name")
				} else if reservedClaims[name] {
					add(uw, "attributes: %q is a token claim the emulator sets itself", name)
				} else if name == "sub" && v == "" {
					add(uw, "attributes: sub is empty; leave it out to get a generated one")
				}
			}
			if u.MFA != nil {
				validateMFA(uw, u, add)
			}
		}
	}
	idPoolIDs := map[string]int{}
	for i, ip := range cfg.IdentityPools {
		where := fmt.Sprintf("identity_pools[%d]", i)
		if ip.ID != "" {
			where += " (" + ip.ID + ")"
		}
		switch {
		case ip.ID == "":
			add(where, "id is empty; want <region>:<uuid>")
		case !identityPoolIDPattern.MatchString(ip.ID):
			add(where, "id %q: want <region>:<uuid>, e.g. us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab", ip.ID)
		default:
			if j, dup := idPoolIDs[ip.ID]; dup {
				add(where, "duplicate id, already used by identity_pools[%d]", j)
			}
			idPoolIDs[ip.ID] = i
		}
		for _, up := range ip.UserPools {
			if _, ok := poolIDs[up]; !ok {
				add(where, "user_pools: %q is not a configured user pool", up)
			}
		}
		for _, r := range [...]struct{ field, role string }{{"authenticated_role", ip.AuthenticatedRole}, {"unauthenticated_role", ip.UnauthenticatedRole}} {
			if r.role != "" && !roleNamePattern.MatchString(r.role) {
				add(where, "%s %q: want an IAM role name (letters, digits and +=,.@_-, at most 64), not an ARN", r.field, r.role)
			}
		}
		if ip.AuthenticatedRole != "" && ip.AuthenticatedRole == ip.UnauthenticatedRole {
			add(where, "authenticated_role and unauthenticated_role are both %q: guests and logged-in users get a role each", ip.AuthenticatedRole)
		}
	}
	return errors.Join(errs...)
}
