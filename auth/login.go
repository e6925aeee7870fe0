package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/sigscope/sigscope/auth/srp"
)

// StepKind says what a login needs next from the person logging in.
type StepKind int

const (
	// StepPassword wants Answer.Password.
	StepPassword StepKind = iota + 1
	// StepNewPassword wants Answer.NewPassword, and Answer.Attributes for
	// each of Step.RequiredAttributes (NEW_PASSWORD_REQUIRED).
	StepNewPassword
	// StepMFACode wants Answer.Code: Step.Challenge is SOFTWARE_TOKEN_MFA,
	// SMS_MFA or EMAIL_OTP; Step.Destination says where a code was sent.
	StepMFACode
	// StepSelectMFA wants Answer.MFAType, one of Step.MFAChoices.
	StepSelectMFA
	// StepTOTPSetup shows Step.TOTPSecret and Step.TOTPURI (for a QR code)
	// and wants Answer.Code from the authenticator app (MFA_SETUP).
	StepTOTPSetup
	// StepDone: Login.Tokens holds the tokens.
	StepDone
)

func (k StepKind) String() string {
	switch k {
	case StepPassword:
		return "password"
	case StepNewPassword:
		return "new password"
	case StepMFACode:
		return "MFA code"
	case StepSelectMFA:
		return "MFA choice"
	case StepTOTPSetup:
		return "TOTP setup"
	case StepDone:
		return "done"
	}
	return fmt.Sprintf("StepKind(%d)", int(k))
}

// The MFA types of SELECT_MFA_TYPE and the code challenges.
const (
	MFATOTP  = "SOFTWARE_TOKEN_MFA"
	MFASMS   = "SMS_MFA"
	MFAEmail = "EMAIL_OTP"
)

// Step is what a login asks for next. Front ends (the command line, the
// TUI) show Prompt and the fields that matter for Kind, and call Answer.
type Step struct {
	Kind      StepKind
	Challenge string // Cognito's challenge name, "" for StepPassword and StepDone
	Prompt    string // one line for a person, e.g. "Code sent by SMS to +*******0100"
	Username  string // the internal username once Cognito has named it

	Medium      string // SMS or EMAIL, for codes that were sent
	Destination string // masked by Cognito, e.g. +*******0100

	RequiredAttributes []string          // attribute names without the "userAttributes." prefix
	UserAttributes     map[string]string // the user's current attributes, for display

	MFAChoices []string // MFATOTP, MFASMS, MFAEmail

	// TOTPSecret is the new authenticator key (base32) for a person to type
	// in; TOTPURI the otpauth:// URI to show as a QR code. Both are secret.
	TOTPSecret string
	TOTPURI    string
}

// Answer is a person's reply to a Step; only the fields of its Kind count.
type Answer struct {
	Password    string
	NewPassword string
	Attributes  map[string]string // name → value, for RequiredAttributes
	Code        string
	MFAType     string
	DeviceName  string // optional name of the authenticator (TOTP setup)
}

// Login is one user pool login, driven by a front end: Next says what is
// needed, Answer supplies it, until StepDone. It does no terminal I/O.
// A Login is not safe for concurrent use.
type Login struct {
	p        CognitoProfile
	o        options
	c        clients
	x        explainer
	username string // as typed
	internal string // USER_ID_FOR_SRP / USERNAME from the challenges
	step     Step
	session  *string
	tokens   *Tokens
}

// NewLogin starts a login of username with the password flows (srp or
// password; the hosted UI is StartHostedLogin). The first step is
// StepPassword.
func NewLogin(p CognitoProfile, username string, opts ...Option) (*Login, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("cognito profile: %w", err)
	}
	if p.flow() == FlowHosted {
		return nil, errors.New("the hosted UI flow signs in through the browser: use StartHostedLogin")
	}
	if strings.TrimSpace(username) == "" {
		return nil, errors.New("no username: set username in the auth profile or pass --username")
	}
	if err := p.needSecret(); err != nil {
		return nil, err
	}
	o := buildOptions(opts)
	l := &Login{p: p, o: o, c: newClients(p, o), username: username, internal: username}
	l.x = explainer{p: p, username: username}
	l.restart()
	return l, nil
}

func (l *Login) restart() {
	l.session = nil
	l.internal = l.username
	l.step = Step{Kind: StepPassword, Prompt: fmt.Sprintf("Password for %s", l.username), Username: l.username}
}

// Next returns the current step.
func (l *Login) Next() Step { return l.step }

// Tokens returns the tokens once the login is done.
func (l *Login) Tokens() (Tokens, bool) {
	if l.tokens == nil {
		return Tokens{}, false
	}
	return *l.tokens, true
}

// Answer supplies what the current step asks for and returns the next
// step. On an error the step is the same when it may be answered again
// (a mistyped code: see Error.Retry), else the login is back at
// StepPassword.
func (l *Login) Answer(ctx context.Context, a Answer) (Step, error) {
	var err error
	switch l.step.Kind {
	case StepPassword:
		err = l.answerPassword(ctx, a)
	case StepNewPassword:
		err = l.answerNewPassword(ctx, a)
	case StepMFACode:
		err = l.answerCode(ctx, a)
	case StepSelectMFA:
		err = l.answerSelect(ctx, a)
	case StepTOTPSetup:
		err = l.answerSetup(ctx, a)
	case StepDone:
		return l.step, errors.New("the login is already done")
	}
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) && ae.Retry {
			return l.step, err
		}
		var input *inputError
		if errors.As(err, &input) {
			return l.step, err
		}
		l.restart()
		return l.step, err
	}
	return l.step, nil
}

// inputError is a reply refused before anything was sent.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func (l *Login) answerPassword(ctx context.Context, a Answer) error {
	if a.Password == "" {
		return &inputError{"the password is empty"}
	}
	if l.p.flow() == FlowPassword {
		out, err := l.c.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth,
			ClientId: aws.String(l.p.ClientID),
			AuthParameters: l.p.withSecretHash(map[string]string{
				"USERNAME": l.username, "PASSWORD": a.Password,
			}, l.username),
		})
		if err != nil {
			return l.x.explain("InitiateAuth", err)
		}
		return l.advance(ctx, out.ChallengeName, out.ChallengeParameters, out.Session, out.AuthenticationResult)
	}
	return l.srpLogin(ctx, a.Password)
}

// srpLogin runs USER_SRP_AUTH as amazon-cognito-identity-js does: A in
// InitiateAuth, then the password claim for the PASSWORD_VERIFIER
// challenge, signed over USER_ID_FOR_SRP.
func (l *Login) srpLogin(ctx context.Context, password string) error {
	client, err := srp.NewClient(l.p.UserPoolID, nil)
	if err != nil {
		return fmt.Errorf("start SRP: %w", err)
	}
	out, err := l.c.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: ciptypes.AuthFlowTypeUserSrpAuth,
		ClientId: aws.String(l.p.ClientID),
		AuthParameters: l.p.withSecretHash(map[string]string{
			"USERNAME": l.username, "SRP_A": client.SRPA(),
		}, l.username),
	})
	if err != nil {
		return l.x.explain("InitiateAuth", err)
	}
	if out.ChallengeName != ciptypes.ChallengeNameTypePasswordVerifier {
		return fmt.Errorf("USER_SRP_AUTH: Cognito answered %q instead of PASSWORD_VERIFIER", out.ChallengeName)
	}
	p := out.ChallengeParameters
	userID := p["USER_ID_FOR_SRP"]
	if userID == "" {
		return errors.New("PASSWORD_VERIFIER: Cognito sent no USER_ID_FOR_SRP")
	}
	l.internal = userID
	sig, ts, err := client.PasswordClaim(userID, password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], l.o.now())
	if err != nil {
		return fmt.Errorf("PASSWORD_VERIFIER: %w", err)
	}
	resp, err := l.c.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ChallengeName: ciptypes.ChallengeNameTypePasswordVerifier,
		ClientId:      aws.String(l.p.ClientID),
		Session:       out.Session,
		ChallengeResponses: l.p.withSecretHash(map[string]string{
			"USERNAME":                    userID,
			"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE":    sig,
			"TIMESTAMP":                   ts,
		}, userID),
	})
	if err != nil {
		return l.x.explain("RespondToAuthChallenge", err)
	}
	return l.advance(ctx, resp.ChallengeName, resp.ChallengeParameters, resp.Session, resp.AuthenticationResult)
}

// respond answers the current challenge with responses (USERNAME and
// SECRET_HASH added) and moves on.
func (l *Login) respond(ctx context.Context, name string, responses map[string]string) error {
	responses["USERNAME"] = l.internal
	resp, err := l.c.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ChallengeName:      ciptypes.ChallengeNameType(name),
		ClientId:           aws.String(l.p.ClientID),
		Session:            l.session,
		ChallengeResponses: l.p.withSecretHash(responses, l.internal),
	})
	if err != nil {
		return l.x.explain("RespondToAuthChallenge", err)
	}
	return l.advance(ctx, resp.ChallengeName, resp.ChallengeParameters, resp.Session, resp.AuthenticationResult)
}

// advance turns Cognito's answer into the next step.
func (l *Login) advance(ctx context.Context, name ciptypes.ChallengeNameType, params map[string]string, session *string, result *ciptypes.AuthenticationResultType) error {
	if result != nil && name == "" {
		t := Tokens{
			IDToken:      aws.ToString(result.IdToken),
			AccessToken:  aws.ToString(result.AccessToken),
			RefreshToken: aws.ToString(result.RefreshToken),
			TokenType:    aws.ToString(result.TokenType),
		}
		if t.IDToken == "" || t.AccessToken == "" {
			return errors.New("Cognito's answer has no id or access token")
		}
		t.setExpiry(l.o.now(), int64(result.ExpiresIn))
		l.tokens = &t
		l.session = nil
		l.step = Step{Kind: StepDone, Username: l.internal}
		if u := t.Username(); u != "" {
			l.step.Username = u
		}
		return nil
	}
	if u := params["USER_ID_FOR_SRP"]; u != "" {
		l.internal = u
	} else if u := params["USERNAME"]; u != "" {
		l.internal = u
	}
	l.session = session
	st := Step{Challenge: string(name), Username: l.internal}
	switch name {
	case ciptypes.ChallengeNameTypeNewPasswordRequired:
		st.Kind = StepNewPassword
		st.Prompt = "Cognito requires a new password"
		st.RequiredAttributes = requiredAttributes(params["requiredAttributes"])
		st.UserAttributes = jsonStringMap(params["userAttributes"])
		if len(st.RequiredAttributes) > 0 {
			st.Prompt += " and " + strings.Join(st.RequiredAttributes, ", ")
		}
	case ciptypes.ChallengeNameTypeSoftwareTokenMfa:
		st.Kind = StepMFACode
		st.Prompt = "Code from your authenticator app"
	case ciptypes.ChallengeNameTypeSmsMfa, ciptypes.ChallengeNameTypeEmailOtp, ciptypes.ChallengeNameTypeSmsOtp:
		st.Kind = StepMFACode
		st.Medium = params["CODE_DELIVERY_DELIVERY_MEDIUM"]
		st.Destination = params["CODE_DELIVERY_DESTINATION"]
		medium := "SMS"
		if name == ciptypes.ChallengeNameTypeEmailOtp {
			medium = "email"
		}
		st.Prompt = fmt.Sprintf("Code sent by %s", medium)
		if st.Destination != "" {
			st.Prompt += " to " + st.Destination
		}
	case ciptypes.ChallengeNameTypeSelectMfaType:
		st.Kind = StepSelectMFA
		st.MFAChoices = jsonStringList(params["MFAS_CAN_CHOOSE"])
		if len(st.MFAChoices) == 0 {
			return errors.New("SELECT_MFA_TYPE: Cognito offered no MFA types (MFAS_CAN_CHOOSE is empty)")
		}
		st.Prompt = "Choose how to receive the MFA code"
	case ciptypes.ChallengeNameTypeMfaSetup:
		return l.startSetup(ctx, params)
	case ciptypes.ChallengeNameTypePasswordVerifier:
		return errors.New("Cognito asked for PASSWORD_VERIFIER outside USER_SRP_AUTH")
	default:
		return fmt.Errorf("Cognito asks for the %s challenge, which sigscope does not answer (it answers NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE and MFA_SETUP)", name)
	}
	l.step = st
	return nil
}

// startSetup begins MFA_SETUP: AssociateSoftwareToken hands out the key
// that the person adds to an authenticator app.
func (l *Login) startSetup(ctx context.Context, params map[string]string) error {
	can := jsonStringList(params["MFAS_CAN_SETUP"])
	if len(can) > 0 && !slices.Contains(can, MFATOTP) {
		return fmt.Errorf("MFA_SETUP: this user pool offers only %s, and sigscope sets up authenticator apps (SOFTWARE_TOKEN_MFA) only; set up MFA in the app, then log in", strings.Join(can, ", "))
	}
	out, err := l.c.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: l.session})
	if err != nil {
		return l.x.explain("AssociateSoftwareToken", err)
	}
	secretCode := aws.ToString(out.SecretCode)
	if secretCode == "" {
		return errors.New("AssociateSoftwareToken returned no secret")
	}
	l.session = out.Session
	l.step = Step{
		Kind: StepTOTPSetup, Challenge: string(ciptypes.ChallengeNameTypeMfaSetup), Username: l.internal,
		Prompt:     "Add this key to an authenticator app, then type the code it shows",
		TOTPSecret: secretCode,
		TOTPURI:    OTPAuthURI(secretCode, l.username, "AWSCognito"),
	}
	return nil
}

func (l *Login) answerNewPassword(ctx context.Context, a Answer) error {
	if a.NewPassword == "" {
		return &inputError{"the new password is empty"}
	}
	resp := map[string]string{"NEW_PASSWORD": a.NewPassword}
	var missing []string
	for _, name := range l.step.RequiredAttributes {
		if strings.TrimSpace(a.Attributes[name]) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return &inputError{"Cognito requires these attributes: " + strings.Join(missing, ", ")}
	}
	for k, v := range a.Attributes {
		resp["userAttributes."+k] = v
	}
	return l.respond(ctx, l.step.Challenge, resp)
}

func (l *Login) answerCode(ctx context.Context, a Answer) error {
	code := strings.TrimSpace(a.Code)
	if code == "" {
		return &inputError{"the code is empty"}
	}
	param := map[string]string{
		MFATOTP:   "SOFTWARE_TOKEN_MFA_CODE",
		MFASMS:    "SMS_MFA_CODE",
		MFAEmail:  "EMAIL_OTP_CODE",
		"SMS_OTP": "SMS_OTP_CODE",
	}[l.step.Challenge]
	return l.respond(ctx, l.step.Challenge, map[string]string{param: code})
}

func (l *Login) answerSelect(ctx context.Context, a Answer) error {
	if !slices.Contains(l.step.MFAChoices, a.MFAType) {
		return &inputError{fmt.Sprintf("MFA type %q is not offered; choose one of %s", a.MFAType, strings.Join(l.step.MFAChoices, ", "))}
	}
	return l.respond(ctx, l.step.Challenge, map[string]string{"ANSWER": a.MFAType})
}

// answerSetup verifies the first code of the new authenticator, then
// completes MFA_SETUP.
func (l *Login) answerSetup(ctx context.Context, a Answer) error {
	code := strings.TrimSpace(a.Code)
	if code == "" {
		return &inputError{"the code is empty"}
	}
	in := &cip.VerifySoftwareTokenInput{Session: l.session, UserCode: aws.String(code)}
	if a.DeviceName != "" {
		in.FriendlyDeviceName = aws.String(a.DeviceName)
	}
	out, err := l.c.idp.VerifySoftwareToken(ctx, in)
	if err != nil {
		return l.x.explain("VerifySoftwareToken", err)
	}
	if out.Status != ciptypes.VerifySoftwareTokenResponseTypeSuccess {
		return &Error{Op: "VerifySoftwareToken", Code: string(out.Status), Message: "verification did not succeed",
			Plain: "the authenticator app's code was not accepted: type the newest code", Retry: true}
	}
	if out.Session != nil {
		l.session = out.Session
	}
	return l.respond(ctx, string(ciptypes.ChallengeNameTypeMfaSetup), map[string]string{})
}

// requiredAttributes reads NEW_PASSWORD_REQUIRED's requiredAttributes, a
// JSON list of "userAttributes.<name>".
func requiredAttributes(s string) []string {
	var out []string
	for _, a := range jsonStringList(s) {
		out = append(out, strings.TrimPrefix(a, "userAttributes."))
	}
	return out
}

func jsonStringList(s string) []string {
	var out []string
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}

// jsonStringMap reads userAttributes, whose values Cognito sends as strings
// (cognito-local sometimes as booleans).
func jsonStringMap(s string) map[string]string {
	var raw map[string]any
	if json.Unmarshal([]byte(s), &raw) != nil {
		return nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		out[k] = fmt.Sprint(v)
	}
	return out
}
