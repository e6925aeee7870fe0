package cognito

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// logMatch returns the first group of pattern in the log, or fails.
func logMatch(t *testing.T, log, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("no line matches %q in the log:\n%s", pattern, log)
	}
	return m[1]
}

// TestAdminSignature: the Admin* calls want IAM credentials, refused in
// the words of AWS's JSON services; the others need none.
func TestAdminSignature(t *testing.T) {
	e := newEnv(t, testConfig())
	get := &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("demo")}
	e.raw(t, "POST", "/", targetIDP+"AdminGetUser", `{"UserPoolId":"`+poolID+`","Username":"demo"}`).
		wantError(t, "MissingAuthenticationTokenException", "Missing Authentication Token")
	for _, c := range []struct {
		name              string
		client            *cip.Client
		wantType, wantMsg string
	}{
		{"unknown key", e.signedClient("AKIDNOTKNOWN00000000", adminSecret), "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"wrong secret", e.signedClient(adminKeyID, "wrong"), "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/\n"},
		{"clock 6 minutes slow", e.signedClientAt(adminKeyID, adminSecret, func() time.Time { return e.clock.Now().Add(-6 * time.Minute) }), "InvalidSignatureException", "Signature expired: 20250305T085805Z is now earlier than 20250305T085905Z (20250305T090405Z - 5 min.)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.client.AdminGetUser(ctx, get)
			wantAPIError(t, err, c.wantType, c.wantMsg)
		})
	}
	// The string-to-sign names the scope the emulator expects.
	_, err := e.signedClient(adminKeyID, "wrong").AdminGetUser(ctx, get)
	if err == nil || !strings.Contains(err.Error(), "20250305/us-east-1/cognito-idp/aws4_request") {
		t.Errorf("the mismatch does not show the string-to-sign's scope: %v", err)
	}
	if _, err := e.admin.AdminGetUser(ctx, get); err != nil {
		t.Fatalf("signed: %v", err)
	}
}

func TestAdminCreateUser(t *testing.T) {
	e := newEnv(t, testConfig())
	create := func(in cip.AdminCreateUserInput) (*cip.AdminCreateUserOutput, error) {
		in.UserPoolId = aws.String(poolID)
		return e.admin.AdminCreateUser(ctx, &in)
	}
	for _, c := range []struct {
		name              string
		in                cip.AdminCreateUserInput
		wantType, wantMsg string
	}{
		{"existing", cip.AdminCreateUserInput{Username: aws.String("demo")}, "UsernameExistsException", "User account already exists"},
		{"weak temporary password", cip.AdminCreateUserInput{Username: aws.String("amy"), TemporaryPassword: aws.String("short")}, "InvalidPasswordException", "Password did not conform with policy: Password not long enough"},
		{"resend to nobody", cip.AdminCreateUserInput{Username: aws.String("nobody"), MessageAction: ciptypes.MessageActionTypeResend}, "UserNotFoundException", "User does not exist."},
		{"resend to a confirmed user", cip.AdminCreateUserInput{Username: aws.String("demo"), MessageAction: ciptypes.MessageActionTypeResend}, "UnsupportedUserStateException", "Resend not possible. demo status is CONFIRMED instead of FORCE_CHANGE_PASSWORD"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := create(c.in)
			wantAPIError(t, err, c.wantType, c.wantMsg)
		})
	}
	_, err := e.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String("us-east-1_Nope"), Username: aws.String("amy")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_Nope does not exist.")

	out, err := create(cip.AdminCreateUserInput{Username: aws.String("amy"), UserAttributes: attrs("email", "amy@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	u := out.User
	if aws.ToString(u.Username) != "amy" || u.UserStatus != ciptypes.UserStatusTypeForceChangePassword || !u.Enabled ||
		attrValue(u.Attributes, "sub") == "" || attrValue(u.Attributes, "email") != "amy@example.com" || !aws.ToTime(u.UserCreateDate).Equal(e.clock.Now()) {
		t.Fatalf("AdminCreateUser answered %+v", u)
	}
	// The invitation carries the generated temporary password; with it the
	// user logs in and must choose a new one.
	line := logMatch(t, e.log.String(), `Invitation to amy@example.com for amy in `+poolID+`: your username is amy and temporary password is (\S+)`)
	first, err := e.passwordAuth(t, webClient, "amy", line, nil)
	if err != nil || first.ChallengeName != ciptypes.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("login with the temporary password: %+v, %v", first, err)
	}
	// A temporary password chosen by the caller is not printed.
	if _, err := create(cip.AdminCreateUserInput{Username: aws.String("bo"), TemporaryPassword: aws.String("Ch0sen!Temp")}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.log.String(), "Ch0sen!Temp") {
		t.Error("the log shows a temporary password the caller chose")
	}
	if _, err := create(cip.AdminCreateUserInput{Username: aws.String("bo"), MessageAction: ciptypes.MessageActionTypeResend}); err != nil {
		t.Errorf("RESEND: %v", err)
	}
}

func TestAdminSetUserPasswordAndConfirm(t *testing.T) {
	e := newEnv(t, testConfig())
	set := func(username, pw string, permanent bool) error {
		_, err := e.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(username), Password: aws.String(pw), Permanent: permanent})
		return err
	}
	status := func(username string) ciptypes.UserStatusType {
		out, err := e.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})
		if err != nil {
			t.Fatal(err)
		}
		return out.UserStatus
	}
	wantAPIError(t, set("nobody", "N3wPassword!", true), "UserNotFoundException", "User does not exist.")
	wantAPIError(t, set("alice", "nouppercase1!", true), "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters")
	if err := set("newbie", "N3wPassword!", true); err != nil || status("newbie") != ciptypes.UserStatusTypeConfirmed {
		t.Fatalf("permanent: %v, status %s", err, status("newbie"))
	}
	e.tokensFor(t, webClient, "newbie", "N3wPassword!")
	if err := set("alice", "Temp0rary!2", false); err != nil || status("alice") != ciptypes.UserStatusTypeForceChangePassword {
		t.Fatalf("temporary: %v, status %s", err, status("alice"))
	}

	confirm := func(username string) error {
		_, err := e.admin.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})
		return err
	}
	if _, err := e.signUp(webClient, "zed", demoPassword, "email", "zed@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := confirm("zed"); err != nil || status("zed") != ciptypes.UserStatusTypeConfirmed {
		t.Fatalf("AdminConfirmSignUp: %v, status %s", err, status("zed"))
	}
	wantAPIError(t, confirm("zed"), "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
	wantAPIError(t, confirm("nobody"), "UserNotFoundException", "User does not exist.")
}

func TestAdminGetUpdateDeleteUser(t *testing.T) {
	e := newEnv(t, testConfig())
	in := func(username string) (*string, *string) { return aws.String(poolID), aws.String(username) }
	pool, name := in("sms")
	got, err := e.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: name})
	if err != nil || got.PreferredMfaSetting == nil || *got.PreferredMfaSetting != "SMS_MFA" || got.UserStatus != ciptypes.UserStatusTypeConfirmed {
		t.Fatalf("AdminGetUser: %+v, %v", got, err)
	}
	pool, name = in("demo")
	tok := e.tokensFor(t, webClient, "demo", demoPassword)
	_, err = e.admin.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: name, UserAttributes: attrs("shoe_size", "9")})
	wantAPIError(t, err, "InvalidParameterException", "Attributes did not conform to the schema")
	if _, err := e.admin.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: name,
		UserAttributes: attrs("email", "new@example.com", "email_verified", "true")}); err != nil {
		t.Fatal(err)
	}
	got, _ = e.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: name})
	if attrValue(got.UserAttributes, "email") != "new@example.com" || attrValue(got.UserAttributes, "email_verified") != "true" {
		t.Errorf("after AdminUpdateUserAttributes: %+v", got.UserAttributes)
	}
	if _, err := e.admin.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: name}); err != nil {
		t.Fatal(err)
	}
	_, err = e.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: name})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = e.admin.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: name})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	// The deleted user's tokens are revoked, and a new user of the same
	// name is someone else.
	wantAPIError(t, e.refreshWith(webClient, tok.RefreshToken), "NotAuthorizedException", "Invalid Refresh Token")
	if _, err := e.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: name, TemporaryPassword: aws.String("Temp0rary!")}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, e.getUser(tok.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
}

func TestAdminInitiateAuth(t *testing.T) {
	e := newEnv(t, testConfig())
	auth := func(pool, client string, flow ciptypes.AuthFlowType, params map[string]string) (*cip.AdminInitiateAuthOutput, error) {
		return e.admin.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(pool), ClientId: aws.String(client), AuthFlow: flow, AuthParameters: params})
	}
	pw := map[string]string{"USERNAME": "demo", "PASSWORD": demoPassword}
	for _, c := range []struct {
		name, pool, client string
		flow               ciptypes.AuthFlowType
		params             map[string]string
		wantType, wantMsg  string
	}{
		{"wrong password", poolID, webClient, ciptypes.AuthFlowTypeAdminUserPasswordAuth, map[string]string{"USERNAME": "demo", "PASSWORD": "x"}, "NotAuthorizedException", "Incorrect username or password."},
		{"client of another pool", otherPoolID, webClient, ciptypes.AuthFlowTypeAdminUserPasswordAuth, pw, "ResourceNotFoundException", "User pool client " + webClient + " does not exist."},
		{"flow not enabled", poolID, srpOnlyClient, ciptypes.AuthFlowTypeAdminUserPasswordAuth, pw, "InvalidParameterException", "Auth flow not enabled for this client"},
		{"SRP is not an admin flow", poolID, webClient, ciptypes.AuthFlowTypeUserSrpAuth, pw, "InvalidParameterException", "not supported by AdminInitiateAuth"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := auth(c.pool, c.client, c.flow, c.params)
			wantAPIError(t, err, c.wantType, c.wantMsg)
		})
	}
	for _, flow := range []ciptypes.AuthFlowType{ciptypes.AuthFlowTypeAdminUserPasswordAuth, ciptypes.AuthFlowTypeAdminNoSrpAuth} {
		out, err := auth(poolID, webClient, flow, pw)
		if err != nil || out.AuthenticationResult == nil || e.getUser(out.AuthenticationResult.AccessToken) != nil {
			t.Fatalf("%s: %+v, %v", flow, out, err)
		}
		ref, err := auth(poolID, webClient, ciptypes.AuthFlowTypeRefreshTokenAuth, map[string]string{"REFRESH_TOKEN": aws.ToString(out.AuthenticationResult.RefreshToken)})
		if err != nil || ref.AuthenticationResult == nil {
			t.Fatalf("refresh: %v", err)
		}
	}
}
