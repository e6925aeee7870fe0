package cognito

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/sigscope/sigscope/auth/srp"
)

// fixedCode is the confirmation_code of the second pool in signUpConfig.
const fixedCode = "424242"

// signUpConfig gives the second pool a policy of its own and a fixed
// confirmation code.
func signUpConfig() Config {
	cfg := testConfig()
	no := false
	cfg.UserPools[1].PasswordPolicy = &PasswordPolicyConfig{MinimumLength: 12, RequireSymbols: &no}
	cfg.UserPools[1].ConfirmationCode = fixedCode
	return cfg
}

func attrs(kv ...string) []ciptypes.AttributeType {
	var out []ciptypes.AttributeType
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, ciptypes.AttributeType{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func (e *env) signUp(client, username, password string, extra ...string) (*cip.SignUpOutput, error) {
	in := &cip.SignUpInput{ClientId: aws.String(client), Username: aws.String(username), Password: aws.String(password),
		UserAttributes: attrs(extra...)}
	if client == secretClient {
		in.SecretHash = aws.String(srp.SecretHash(secretClient, clientSecret, username))
	}
	return e.idp.SignUp(ctx, in)
}

// lastCode is the code the emulator last "sent" to a user of the first pool.
func (e *env) lastCode(t *testing.T, username string) string {
	t.Helper()
	c, ok := e.svc.LastCode(poolID, username)
	if !ok {
		t.Fatalf("no code was sent to %s", username)
	}
	return c.Code
}

func TestSignUp(t *testing.T) {
	e := newEnv(t, signUpConfig())
	for _, c := range []struct {
		name, client, username, password string
		attrs                            []string
		wantType, wantMsg                string
	}{
		{"existing user", webClient, "demo", demoPassword, nil, "UsernameExistsException", "User already exists"},
		{"no symbol", webClient, "zed", "Passw0rdNoSym", nil, "InvalidPasswordException", "Password did not conform with policy: Password must have symbol characters"},
		{"short", webClient, "zed", "Pa0!", nil, "InvalidPasswordException", "Password did not conform with policy: Password not long enough"},
		{"pool's own policy: 12 characters", otherClient, "zed", "Passw0rd!", nil, "InvalidPasswordException", "Password did not conform with policy: Password not long enough"},
		{"attribute not in the schema", webClient, "zed", demoPassword, []string{"shoe_size", "9"}, "InvalidParameterException", "Attributes did not conform to the schema: shoe_size: Attribute does not exist in the schema."},
		{"sub is the pool's", webClient, "zed", demoPassword, []string{"sub", "x"}, "InvalidParameterException", "sub"},
		{"unknown client", "nosuchclient", "zed", demoPassword, nil, "ResourceNotFoundException", "User pool client nosuchclient does not exist."},
		{"secret client without SecretHash", "", "zed", demoPassword, nil, "NotAuthorizedException", "Client " + secretClient + " is configured for secret but secret was not received"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.client == "" {
				_, err = e.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(secretClient), Username: aws.String(c.username), Password: aws.String(c.password)})
			} else {
				_, err = e.signUp(c.client, c.username, c.password, c.attrs...)
			}
			wantAPIError(t, err, c.wantType, c.wantMsg)
		})
	}

	out, err := e.signUp(webClient, "zed", demoPassword, "email", "zed@example.com", "custom:team", "red")
	if err != nil {
		t.Fatal(err)
	}
	d := out.CodeDeliveryDetails
	if out.UserConfirmed || aws.ToString(out.UserSub) == "" || d == nil ||
		aws.ToString(d.AttributeName) != "email" || d.DeliveryMedium != ciptypes.DeliveryMediumTypeEmail || aws.ToString(d.Destination) != "z***@e***" {
		t.Fatalf("SignUp answered %+v, delivery %+v", out, d)
	}
	if !emailLine.MatchString(e.log.String()) {
		t.Errorf("the code is not in the log:\n%s", e.log)
	}
	// Not confirmed yet: the right password is refused with UserNotConfirmedException.
	_, err = e.passwordAuth(t, webClient, "zed", demoPassword, nil)
	wantAPIError(t, err, "UserNotConfirmedException", "User is not confirmed.")
	_, err = e.passwordAuth(t, webClient, "zed", "Wr0ng!pass", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// A client with a secret, and a pool with a policy of its own.
	if _, err := e.signUp(secretClient, "yan", demoPassword); err != nil {
		t.Fatal(err)
	}
	other, err := e.signUp(otherClient, "xia", "LongPassw0rdNoSymbol")
	if err != nil || other.CodeDeliveryDetails != nil {
		t.Fatalf("SignUp in the other pool: %+v, %v (no email or phone: no delivery)", other, err)
	}
}

func TestConfirmSignUp(t *testing.T) {
	e := newEnv(t, signUpConfig())
	confirm := func(username, code string) error {
		_, err := e.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(webClient), Username: aws.String(username), ConfirmationCode: aws.String(code)})
		return err
	}
	for _, name := range []string{"zed", "late", "guesser"} {
		if _, err := e.signUp(webClient, name, demoPassword, "email", name+"@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	code := e.lastCode(t, "zed")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for _, c := range []struct {
		name, username, code, wantType, wantMsg string
	}{
		{"wrong code", "zed", wrong, "CodeMismatchException", "Invalid verification code provided, please try again."},
		{"unknown user", "nobody", code, "UserNotFoundException", "Username/client id combination not found."},
		{"already confirmed", "demo", code, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"},
	} {
		t.Run(c.name, func(t *testing.T) { wantAPIError(t, confirm(c.username, c.code), c.wantType, c.wantMsg) })
	}
	if err := confirm("zed", code); err != nil {
		t.Fatal(err)
	}
	if _, err := e.passwordAuth(t, webClient, "zed", demoPassword, nil); err != nil {
		t.Fatalf("a confirmed user cannot log in: %v", err)
	}
	admin, err := e.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("zed")})
	if err != nil || admin.UserStatus != ciptypes.UserStatusTypeConfirmed || attrValue(admin.UserAttributes, "email_verified") != "true" {
		t.Fatalf("after ConfirmSignUp: %+v, %v", admin, err)
	}

	// Five wrong codes, then even the right one is refused.
	guess := e.lastCode(t, "guesser")
	for i := 0; i < maxCodeAttempts; i++ {
		wantAPIError(t, confirm("guesser", wrongCode(guess)), "CodeMismatchException", "Invalid verification code")
	}
	wantAPIError(t, confirm("guesser", guess), "LimitExceededException", "Attempt limit exceeded, please try after some time.")

	// A sign-up code lasts 24 hours.
	late := e.lastCode(t, "late")
	e.clock.Advance(24*time.Hour + time.Second)
	wantAPIError(t, confirm("late", late), "ExpiredCodeException", "Invalid code provided, please request a code again.")
}

func wrongCode(code string) string {
	if code == "999999" {
		return "000000"
	}
	return "999999"
}

func attrValue(list []ciptypes.AttributeType, name string) string {
	for _, a := range list {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

func TestResendConfirmationCode(t *testing.T) {
	e := newEnv(t, signUpConfig())
	if _, err := e.signUp(webClient, "zed", demoPassword, "phone_number", "+15555550123"); err != nil {
		t.Fatal(err)
	}
	resend := func(client, username string) (*cip.ResendConfirmationCodeOutput, error) {
		return e.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(client), Username: aws.String(username)})
	}
	e.clock.Advance(23 * time.Hour)
	out, err := resend(webClient, "zed")
	if err != nil {
		t.Fatal(err)
	}
	// No email: the code goes by SMS to the phone number.
	if d := out.CodeDeliveryDetails; d == nil || d.DeliveryMedium != ciptypes.DeliveryMediumTypeSms || aws.ToString(d.Destination) != "+*******0123" {
		t.Fatalf("delivery %+v", out.CodeDeliveryDetails)
	}
	// The new code has a new day to live.
	e.clock.Advance(2 * time.Hour)
	if _, err := e.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(webClient), Username: aws.String("zed"), ConfirmationCode: aws.String(e.lastCode(t, "zed"))}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, client, username, wantType, wantMsg string }{
		{"confirmed", webClient, "zed", "InvalidParameterException", "User is already confirmed."},
		{"unknown user", webClient, "nobody", "UserNotFoundException", "Username/client id combination not found."},
		{"secret client, no SecretHash", secretClient, "zed", "NotAuthorizedException", "configured for secret but secret was not received"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := resend(c.client, c.username)
			wantAPIError(t, err, c.wantType, c.wantMsg)
		})
	}
}

func TestForgotPassword(t *testing.T) {
	e := newEnv(t, signUpConfig())
	forgot := func(client, username string) (*cip.ForgotPasswordOutput, error) {
		return e.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(client), Username: aws.String(username)})
	}
	reset := func(client, username, code, pw string) error {
		_, err := e.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(client), Username: aws.String(username),
			ConfirmationCode: aws.String(code), Password: aws.String(pw)})
		return err
	}
	for _, c := range []struct{ name, username, wantType, wantMsg string }{
		{"unknown user", "nobody", "UserNotFoundException", "Username/client id combination not found."},
		{"nowhere to send the code", "totp", "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := forgot(webClient, c.username)
			wantAPIError(t, err, c.wantType, c.wantMsg)
		})
	}
	out, err := forgot(webClient, "alice")
	if err != nil || out.CodeDeliveryDetails == nil || aws.ToString(out.CodeDeliveryDetails.Destination) != "a***@e***" {
		t.Fatalf("ForgotPassword: %+v, %v", out, err)
	}
	code := e.lastCode(t, "alice")
	for _, c := range []struct{ name, code, pw, wantType, wantMsg string }{
		{"weak password", code, "weakpass", "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters"},
		{"wrong code", wrongCode(code), "N3wPassword!", "CodeMismatchException", "Invalid verification code provided, please try again."},
	} {
		t.Run(c.name, func(t *testing.T) { wantAPIError(t, reset(webClient, "alice", c.code, c.pw), c.wantType, c.wantMsg) })
	}
	if err := reset(webClient, "alice", code, "N3wPassword!"); err != nil {
		t.Fatal(err)
	}
	_, err = e.passwordAuth(t, webClient, "alice", demoPassword, nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if _, err := e.srpLogin(t, webClient, "alice", "N3wPassword!", "", e.clock.Now()); err != nil {
		t.Fatalf("SRP with the new password: %v", err)
	}
	// A code is spent once used.
	wantAPIError(t, reset(webClient, "alice", code, "An0therPass!"), "CodeMismatchException", "Invalid verification code")

	// The other pool's fixed code, which lasts an hour.
	if _, err := e.signUp(otherClient, "xia", "LongPassw0rdNoSymbol", "email", "xia@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := forgot(otherClient, "xia"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	wantAPIError(t, reset(otherClient, "xia", fixedCode, "LongerPassw0rd2"), "ExpiredCodeException", "Invalid code provided, please request a code again.")
	if _, err := forgot(otherClient, "xia"); err != nil {
		t.Fatal(err)
	}
	if err := reset(otherClient, "xia", fixedCode, "LongerPassw0rd2"); err != nil {
		t.Fatalf("the pool's confirmation_code: %v", err)
	}
}
