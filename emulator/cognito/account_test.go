package cognito

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/sigscope/sigscope/auth/srp"
)

// tokensFor logs a user in with the password and returns the tokens.
func (e *env) tokensFor(t *testing.T, client, username, password string) *ciptypes.AuthenticationResultType {
	t.Helper()
	var extra map[string]string
	if client == secretClient {
		extra = map[string]string{"SECRET_HASH": srp.SecretHash(secretClient, clientSecret, username)}
	}
	out, err := e.passwordAuth(t, client, username, password, extra)
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return out.AuthenticationResult
}

func (e *env) getUser(access *string) error {
	_, err := e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: access})
	return err
}

func (e *env) refreshWith(client string, refresh *string) error {
	_, err := e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(client),
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(refresh)}})
	return err
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t, testConfig())
	tok := e.tokensFor(t, webClient, "alice", demoPassword)
	change := func(access *string, prev, next string) error {
		_, err := e.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: access, PreviousPassword: aws.String(prev), ProposedPassword: aws.String(next)})
		return err
	}
	for _, c := range []struct {
		name              string
		access            *string
		prev, next        string
		wantType, wantMsg string
	}{
		{"wrong previous password", tok.AccessToken, "Wr0ng!pass", "N3wPassword!", "NotAuthorizedException", "Incorrect username or password."},
		{"weak new password", tok.AccessToken, demoPassword, "n3wpassword!", "InvalidPasswordException", "Password does not conform to policy: Password must have uppercase characters"},
		{"id token instead of access token", tok.IdToken, demoPassword, "N3wPassword!", "NotAuthorizedException", "Invalid Access Token"},
		{"not a token", aws.String("abc"), demoPassword, "N3wPassword!", "NotAuthorizedException", "Invalid Access Token"},
	} {
		t.Run(c.name, func(t *testing.T) { wantAPIError(t, change(c.access, c.prev, c.next), c.wantType, c.wantMsg) })
	}
	if err := change(tok.AccessToken, demoPassword, "N3wPassword!"); err != nil {
		t.Fatal(err)
	}
	_, err := e.passwordAuth(t, webClient, "alice", demoPassword, nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if _, err := e.srpLogin(t, webClient, "alice", "N3wPassword!", "", e.clock.Now()); err != nil {
		t.Fatalf("SRP with the new password (a new verifier): %v", err)
	}
}

func TestGlobalSignOut(t *testing.T) {
	e := newEnv(t, testConfig())
	laptop := e.tokensFor(t, webClient, "demo", demoPassword)
	phone := e.tokensFor(t, webClient, "demo", demoPassword)
	bystander := e.tokensFor(t, webClient, "alice", demoPassword)
	if _, err := e.idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: phone.AccessToken}); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []*ciptypes.AuthenticationResultType{laptop, phone} {
		wantAPIError(t, e.getUser(tok.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
		wantAPIError(t, e.refreshWith(webClient, tok.RefreshToken), "NotAuthorizedException", "Invalid Refresh Token")
	}
	_, err := e.idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: phone.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token has been revoked")
	if err := e.getUser(bystander.AccessToken); err != nil {
		t.Errorf("another user was signed out too: %v", err)
	}
	// Signing in again works, with new tokens.
	if err := e.getUser(e.tokensFor(t, webClient, "demo", demoPassword).AccessToken); err != nil {
		t.Error(err)
	}
}

func TestRevokeToken(t *testing.T) {
	e := newEnv(t, testConfig())
	laptop := e.tokensFor(t, webClient, "demo", demoPassword)
	phone := e.tokensFor(t, webClient, "demo", demoPassword)
	server := e.tokensFor(t, secretClient, "demo", demoPassword)
	revoke := func(token *string, client, secret string) error {
		in := &cip.RevokeTokenInput{Token: token, ClientId: aws.String(client)}
		if secret != "" {
			in.ClientSecret = aws.String(secret)
		}
		_, err := e.idp.RevokeToken(ctx, in)
		return err
	}
	for _, c := range []struct {
		name              string
		token             *string
		client, secret    string
		wantType, wantMsg string
	}{
		{"another client's token", phone.RefreshToken, secretClient, clientSecret, "UnauthorizedException", "another app client"},
		{"a client with a secret, none sent", server.RefreshToken, secretClient, "", "NotAuthorizedException", "configured for secret but secret was not received"},
		{"a wrong secret", server.RefreshToken, secretClient, "nope", "NotAuthorizedException", "Unable to verify secret for client " + secretClient},
		{"an access token", phone.AccessToken, webClient, "", "UnsupportedTokenTypeException", "refresh token"},
	} {
		t.Run(c.name, func(t *testing.T) { wantAPIError(t, revoke(c.token, c.client, c.secret), c.wantType, c.wantMsg) })
	}
	if err := revoke(phone.RefreshToken, webClient, ""); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, e.refreshWith(webClient, phone.RefreshToken), "NotAuthorizedException", "Invalid Refresh Token")
	wantAPIError(t, e.getUser(phone.AccessToken), "NotAuthorizedException", "Access Token has been revoked")
	// Only that login: the laptop's tokens still work.
	if err := e.getUser(laptop.AccessToken); err != nil {
		t.Errorf("the other login's access token: %v", err)
	}
	if err := e.refreshWith(webClient, laptop.RefreshToken); err != nil {
		t.Errorf("the other login's refresh token: %v", err)
	}
	// Revoking again, or a token never issued, is not an error (RFC 7009).
	if err := revoke(phone.RefreshToken, webClient, ""); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if err := revoke(server.RefreshToken, secretClient, clientSecret); err != nil {
		t.Errorf("with the client secret: %v", err)
	}
}

func TestUpdateUserAttributes(t *testing.T) {
	e := newEnv(t, testConfig())
	tok := e.tokensFor(t, webClient, "demo", demoPassword)
	update := func(kv ...string) (*cip.UpdateUserAttributesOutput, error) {
		return e.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: attrs(kv...)})
	}
	for _, c := range []struct {
		name              string
		kv                []string
		wantType, wantMsg string
	}{
		{"sub", []string{"sub", "x"}, "InvalidParameterException", "Cannot modify an already provided sub attribute"},
		{"not in the schema", []string{"shoe_size", "9"}, "InvalidParameterException", "Attributes did not conform to the schema: shoe_size: Attribute does not exist in the schema."},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := update(c.kv...)
			wantAPIError(t, err, c.wantType, c.wantMsg)
		})
	}
	out, err := update("email", "demo2@example.com", "given_name", "Dee")
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CodeDeliveryDetailsList) != 1 || aws.ToString(out.CodeDeliveryDetailsList[0].AttributeName) != "email" ||
		aws.ToString(out.CodeDeliveryDetailsList[0].Destination) != "d***@e***" {
		t.Fatalf("a new email is verified by a code: %+v", out.CodeDeliveryDetailsList)
	}
	got, err := e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
	if err != nil || attrValue(got.UserAttributes, "email") != "demo2@example.com" || attrValue(got.UserAttributes, "given_name") != "Dee" ||
		attrValue(got.UserAttributes, "email_verified") != "false" {
		t.Fatalf("GetUser after the update: %+v, %v", got, err)
	}
	verify := func(code string) error {
		_, err := e.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(code)})
		return err
	}
	code := e.lastCode(t, "demo")
	wantAPIError(t, verify(wrongCode(code)), "CodeMismatchException", "Invalid verification code")
	if err := verify(code); err != nil {
		t.Fatal(err)
	}
	got, _ = e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
	if attrValue(got.UserAttributes, "email_verified") != "true" {
		t.Errorf("email_verified after the code: %q", attrValue(got.UserAttributes, "email_verified"))
	}
	// Attributes that are not an address need no code.
	if out, err := update("custom:team", "green"); err != nil || len(out.CodeDeliveryDetailsList) != 0 {
		t.Errorf("custom attribute: %+v, %v", out, err)
	}
}
