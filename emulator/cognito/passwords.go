package cognito

import (
	"strings"
	"time"
	"unicode"
)

// passwordPolicy is a pool's PasswordPolicyType.
type passwordPolicy struct {
	minLength                      int
	upper, lower, numbers, symbols bool
}

func newPasswordPolicy(c *PasswordPolicyConfig) passwordPolicy {
	p := passwordPolicy{minLength: 8, upper: true, lower: true, numbers: true, symbols: true}
	if c == nil {
		return p
	}
	if c.MinimumLength != 0 {
		p.minLength = c.MinimumLength
	}
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.upper, c.RequireUppercase)
	set(&p.lower, c.RequireLowercase)
	set(&p.numbers, c.RequireNumbers)
	set(&p.symbols, c.RequireSymbols)
	return p
}

// cognitoSymbols are the characters Cognito counts as symbols (its
// developer guide's list), the space among them.
const cognitoSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// The two wordings Cognito uses: SignUp, AdminCreateUser,
// AdminSetUserPassword and ConfirmForgotPassword say "did not conform
// with", ChangePassword and the new-password challenge "does not conform
// to".
const (
	policyDidNot  = "Password did not conform with policy: "
	policyDoesNot = "Password does not conform to policy: "
)

// check returns InvalidPasswordException with the first rule pw breaks,
// in the order Cognito checks them, or nil.
func (p passwordPolicy) check(pw, wording string) *apiError {
	var upper, lower, digit, symbol bool
	n := 0
	for _, r := range pw {
		n++
		upper = upper || unicode.IsUpper(r)
		lower = lower || unicode.IsLower(r)
		digit = digit || unicode.IsDigit(r)
		symbol = symbol || strings.ContainsRune(cognitoSymbols, r)
	}
	reason := ""
	switch {
	case n < p.minLength:
		reason = "Password not long enough"
	case p.lower && !lower:
		reason = "Password must have lowercase characters"
	case p.upper && !upper:
		reason = "Password must have uppercase characters"
	case p.numbers && !digit:
		reason = "Password must have numeric characters"
	case p.symbols && !symbol:
		reason = "Password must have symbol characters"
	default:
		return nil
	}
	return newErr("InvalidPasswordException", "%s%s", wording, reason)
}

// setPassword replaces a user's password. The SRP salt changes with it,
// as a new verifier is one for the new password only.
func (u *user) setPassword(pw string, now time.Time) {
	u.password = pw
	u.salt = randomHex(16)
	u.modified = now
}
