package logindialog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sigscope/sigscope/auth"
)

// entry is one line of the login's story: a Cognito call or challenge and
// what came of it.
type entry struct {
	name, detail string
}

// flowName spells the flow as Cognito does, whether the collection says
// "srp" or "USER_SRP_AUTH"; auth defaults an empty flow to SRP.
func flowName(f string) string {
	switch strings.ToLower(f) {
	case "", "srp", "user_srp_auth":
		return "USER_SRP_AUTH"
	case "password", "user_password_auth":
		return "USER_PASSWORD_AUTH"
	}
	return f
}

// answered says what the step just accepted did, in the calls a person
// would see in CloudTrail: with SRP the password never leaves the machine,
// and the two calls show why. choice is the MFA type a SELECT_MFA_TYPE
// step was answered with.
func answered(step auth.Step, flow, choice string) []entry {
	switch step.Kind {
	case auth.StepPassword:
		if flow == "USER_PASSWORD_AUTH" {
			return []entry{{"InitiateAuth", "USER_PASSWORD_AUTH, password accepted"}}
		}
		return []entry{
			{"InitiateAuth", "SRP_A sent, got SRP_B + salt"},
			{"PASSWORD_VERIFIER", "claim signature accepted"},
		}
	case auth.StepNewPassword:
		d := "new password set"
		if len(step.RequiredAttributes) > 0 {
			d += " with " + strings.Join(step.RequiredAttributes, ", ")
		}
		return []entry{{challenge(step), d}}
	case auth.StepMFACode:
		return []entry{{challenge(step), "code accepted"}}
	case auth.StepSelectMFA:
		return []entry{{challenge(step), "chose " + mfaLabel(choice)}}
	case auth.StepTOTPSetup:
		return []entry{{challenge(step), "authenticator app verified"}}
	}
	return nil
}

// challenge names a step by Cognito's challenge, falling back on the kind
// for steppers that leave Challenge empty.
func challenge(step auth.Step) string {
	if step.Challenge != "" {
		return step.Challenge
	}
	switch step.Kind {
	case auth.StepPassword:
		return "InitiateAuth"
	case auth.StepNewPassword:
		return "NEW_PASSWORD_REQUIRED"
	case auth.StepSelectMFA:
		return "SELECT_MFA_TYPE"
	case auth.StepTOTPSetup:
		return "MFA_SETUP"
	}
	return step.Kind.String()
}

// prompt is the step's own sentence, lower-cased to read as a detail
// beside the challenge name (as in "code from your authenticator app");
// names and acronyms keep their capitals.
func prompt(step auth.Step) string {
	p := step.Prompt
	if step.Kind == auth.StepTOTPSetup {
		p = "set up an authenticator app"
	}
	first, n := utf8.DecodeRuneInString(p)
	second, _ := utf8.DecodeRuneInString(p[n:])
	if n == 0 || unicode.IsUpper(second) || strings.HasPrefix(p, "Cognito") {
		return p
	}
	return string(unicode.ToLower(first)) + p[n:]
}

func mfaLabel(t string) string {
	switch t {
	case auth.MFATOTP:
		return "authenticator app"
	case auth.MFASMS:
		return "SMS"
	case auth.MFAEmail:
		return "email"
	}
	return t
}
