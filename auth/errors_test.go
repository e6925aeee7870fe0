package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/sigscope/sigscope/internal/testkit"
)

// TestErrorsInPlainWords feeds Cognito's documented error codes and
// messages through the explainer and checks each names the fix.
func TestErrorsInPlainWords(t *testing.T) {
	p := CognitoProfile{UserPoolID: "eu-west-1_Pool9", ClientID: "client123", IdentityPoolID: "eu-west-1:abc"}
	x := explainer{p: p, username: "alice"}
	for _, c := range []struct {
		op, code, msg string
		want          string
		retry         bool
	}{
		{"InitiateAuth", "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client",
			"USER_PASSWORD_AUTH is not enabled for this app client: enable ALLOW_USER_PASSWORD_AUTH", false},
		{"InitiateAuth", "InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client", "enable ALLOW_USER_SRP_AUTH", false},
		{"InitiateAuth", "InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client", "enable ALLOW_REFRESH_TOKEN_AUTH", false},
		{"InitiateAuth", "NotAuthorizedException", "Incorrect username or password.", `wrong password for user "alice" (or no such user in pool eu-west-1_Pool9)`, false},
		{"InitiateAuth", "NotAuthorizedException", "Password attempts exceeded", "wait a few minutes", false},
		{"InitiateAuth", "NotAuthorizedException", "Client client123 is configured for secret but secret was not received", "set client_secret_env", false},
		{"InitiateAuth", "NotAuthorizedException", "Unable to verify secret hash for client client123", "cognito:username", false},
		{"InitiateAuth", "NotAuthorizedException", "Refresh Token has expired", "log in again with 'sigscope login'", false},
		{"InitiateAuth", "NotAuthorizedException", "User is disabled.", "admin-enable-user", false},
		{"RespondToAuthChallenge", "NotAuthorizedException", "Invalid session for the user, session is expired.", "start the login again", false},
		{"GetId", "NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.", "eu-west-1:abc does not allow guests", false},
		{"GetId", "NotAuthorizedException", "Invalid login token. Token expired: 1 >= 0", "add user pool eu-west-1_Pool9 with app client client123 to its authentication providers", false},
		{"InitiateAuth", "UserNotFoundException", "User does not exist.", `user "alice" does not exist in pool eu-west-1_Pool9`, false},
		{"RespondToAuthChallenge", "CodeMismatchException", "Invalid code received for user", "the code is wrong", true},
		{"RespondToAuthChallenge", "ExpiredCodeException", "Invalid code provided, please request a code again.", "expired", false},
		{"InitiateAuth", "PasswordResetRequiredException", "Password reset required for the user", "forgot-password", false},
		{"InitiateAuth", "UserNotConfirmedException", "User is not confirmed.", "confirm-sign-up", false},
		{"InitiateAuth", "TooManyRequestsException", "Too many requests", "wait a moment and try again", false},
		{"InitiateAuth", "ResourceNotFoundException", "User pool client client123 does not exist.", "app client client123 does not exist in region eu-west-1: check client_id", false},
		{"GetId", "ResourceNotFoundException", "IdentityPool 'eu-west-1:abc' not found.", "identity pool eu-west-1:abc does not exist", false},
		{"RespondToAuthChallenge", "InvalidPasswordException", "Password does not conform to policy: Password not long enough", "password policy: Password does not conform", true},
		{"InitiateAuth", "InvalidPasswordException", "Invalid password", "wrong password for user \"alice\" (this server answers InvalidPasswordException", false},
		{"VerifySoftwareToken", "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA", "authenticator app's code did not match", true},
		{"InitiateAuth", "UserLambdaValidationException", "PreAuthentication failed with error nope.", "Lambda trigger", false},
		{"InitiateAuth", "CognitoLocal#Unsupported", "USER_SRP_AUTH is not supported", "use --flow password", false},
		{"InitiateAuth", "SomethingNewException", "brand new", "Cognito answered SomethingNewException: brand new", false},
	} {
		err := x.explain(c.op, fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: c.code, Message: c.msg}))
		var ae *Error
		if !errors.As(err, &ae) {
			t.Errorf("%s %s: not an *Error: %v", c.code, c.msg, err)
			continue
		}
		if !strings.Contains(ae.Plain, c.want) || ae.Retry != c.retry {
			t.Errorf("%s %q:\n got %q (retry %v)\nwant %q (retry %v)", c.code, c.msg, ae.Plain, ae.Retry, c.want, c.retry)
		}
		// The full message keeps Cognito's own words after the explanation.
		if !strings.Contains(err.Error(), c.code+": "+c.msg) {
			t.Errorf("%s: %q lost Cognito's message", c.code, err.Error())
		}
	}
}

func TestUnreachableEndpoint(t *testing.T) {
	addr := testkit.ClosedPort(t)
	p := CognitoProfile{UserPoolID: demoPool, ClientID: webClient, Endpoint: "http://" + addr}
	l, err := NewLogin(p, "demo", WithStore(&Store{Dir: t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Answer(ctx, Answer{Password: demoPassword})
	if err == nil || !strings.HasPrefix(err.Error(), "cannot reach http://"+addr) || !strings.Contains(err.Error(), "is the emulator running") {
		t.Fatalf("got %v", err)
	}
	noSecrets(t, "the error", err.Error(), demoPassword)
}
