package auth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/smithy-go"
)

// ErrNotLoggedIn is returned (wrapped) when no usable tokens are cached:
// the user must log in (again).
var ErrNotLoggedIn = errors.New("not logged in")

// Error is a failed Cognito call explained in plain words. Code and Message
// are Cognito's own; neither ever holds a password or token (Cognito does
// not echo them, and sigscope never adds them).
type Error struct {
	Op      string // the API call, e.g. InitiateAuth
	Code    string // e.g. NotAuthorizedException; "" for network errors
	Message string // Cognito's message
	Plain   string // what it means and what to do
	// Retry says the same step may be answered again (a mistyped code or a
	// new password the policy refused); otherwise the login starts over.
	Retry bool
	Err   error
}

func (e *Error) Error() string {
	if e.Code == "" {
		return e.Plain
	}
	return fmt.Sprintf("%s (%s: %s: %s)", e.Plain, e.Op, e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// explainer carries what a message needs to name the right thing.
type explainer struct {
	p        CognitoProfile
	username string
	refresh  bool // the call was REFRESH_TOKEN_AUTH
}

// explain turns an SDK error from op into an *Error with the fix.
func (x explainer) explain(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		var ne net.Error
		var oe *net.OpError
		if errors.As(err, &oe) || errors.As(err, &ne) {
			where, hint := "Cognito in "+x.p.region(), "check the network and the profile's region"
			if x.p.Endpoint != "" {
				where, hint = x.p.Endpoint, "is the endpoint right, and does something listen there?"
				if isLoopback(x.p.Endpoint) {
					hint = "is the emulator running, and is the endpoint right?"
				}
			}
			var ce *tls.CertificateVerificationError
			if errors.As(err, &ce) {
				hint = "the server's certificate is not trusted: pass --ca-file with the CA that signed it, or set AWS_CA_BUNDLE"
			}
			return &Error{Op: op, Plain: fmt.Sprintf("cannot reach %s: %v (%s)", where, rootCause(err), hint), Err: err}
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	code, msg := ae.ErrorCode(), ae.ErrorMessage()
	e := &Error{Op: op, Code: code, Message: msg, Err: err}
	e.Plain, e.Retry = x.plain(op, code, msg)
	return e
}

func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// plain maps Cognito's error codes and messages onto an explanation and a
// fix. The messages matched are those AWS documents and sends today.
func (x explainer) plain(op, code, msg string) (string, bool) {
	p := x.p
	lmsg := strings.ToLower(msg)
	has := func(s string) bool { return strings.Contains(lmsg, strings.ToLower(s)) }
	user := x.username
	if user == "" {
		user = "the user"
	} else {
		user = fmt.Sprintf("user %q", user)
	}
	switch code {
	case "InvalidParameterException":
		switch {
		case has("USER_PASSWORD_AUTH flow not enabled"):
			return "USER_PASSWORD_AUTH is not enabled for this app client: enable ALLOW_USER_PASSWORD_AUTH in the app client's authentication flows, or use SRP (--flow srp)", false
		case has("USER_SRP_AUTH flow not enabled"):
			return "USER_SRP_AUTH is not enabled for this app client: enable ALLOW_USER_SRP_AUTH in the app client's authentication flows, or use --flow password", false
		case has("REFRESH_TOKEN_AUTH flow not enabled"):
			return "refreshing tokens is not enabled for this app client: enable ALLOW_REFRESH_TOKEN_AUTH, or log in again each time", false
		case has("SECRET_HASH"):
			return fmt.Sprintf("app client %s has a secret but no SECRET_HASH was sent: set client_secret_env in the auth profile to the variable holding the client secret", p.ClientID), false
		case has("Missing required parameter"):
			return "Cognito wants a value sigscope did not send: " + msg, false
		case has("Cannot modify") || has("attribute"):
			return "Cognito refused a user attribute: " + msg + " (only the attributes it lists as required or writable may be set)", true
		}
		return "Cognito refused a parameter: " + msg, false
	case "NotAuthorizedException":
		switch {
		case has("Incorrect username or password"):
			return fmt.Sprintf("wrong password for %s (or no such user in pool %s)", user, p.UserPoolID), false
		case has("Password attempts exceeded"):
			return "too many failed password attempts: Cognito blocks this user for a while; wait a few minutes before trying again", false
		case has("configured for secret but secret was not received"):
			return fmt.Sprintf("app client %s has a secret: set client_secret_env in the auth profile to the variable holding it", p.ClientID), false
		case has("Unable to verify secret hash"):
			return fmt.Sprintf("SECRET_HASH does not match for app client %s: check the client secret (client_secret_env); on refresh it is computed over the internal username cognito:username, which sigscope takes from the id token", p.ClientID), false
		case has("session is expired") || has("Invalid session"):
			return "the login session expired (Cognito gives about 3 minutes per step): start the login again", false
		case has("Refresh Token has expired") || has("Invalid Refresh Token") || has("Refresh Token has been revoked") || has("refresh token"):
			return "the refresh token is no longer accepted (expired, revoked, or from another client): log in again with 'sigscope login'", false
		case has("User is disabled"):
			return fmt.Sprintf("%s is disabled in pool %s: an administrator must enable it (aws cognito-idp admin-enable-user)", user, p.UserPoolID), false
		case has("Unauthenticated access is not supported"):
			return fmt.Sprintf("identity pool %s does not allow guests: log in first, or turn on unauthenticated access for the pool", p.IdentityPoolID), false
		case has("Invalid login token") || has("Token is not from a supported provider"):
			return fmt.Sprintf("identity pool %s did not accept the id token: add user pool %s with app client %s to its authentication providers, and check the token has not expired (%s)", p.IdentityPoolID, p.UserPoolID, p.ClientID, msg), false
		case has("Access Token has expired") || has("Invalid Access Token"):
			return "the access token is no longer valid: log in again", false
		case x.refresh:
			return "the refresh token was refused: log in again with 'sigscope login'", false
		case has("not authorized to perform") || has("flow"):
			return "Cognito refused this flow for the app client: " + msg, false
		}
		return "Cognito refused the login: " + msg, false
	case "UserNotFoundException":
		return fmt.Sprintf("%s does not exist in pool %s: check the username (and that the pool id is the right one)", user, p.UserPoolID), false
	case "CodeMismatchException":
		return "the code is wrong: type the newest code (for an authenticator app, check the phone's clock is right)", true
	case "ExpiredCodeException":
		return "the code has expired: start the login again to get a new one", false
	case "EnableSoftwareTokenMFAException":
		return "the authenticator app's code did not match the new secret: check the app holds the secret just shown and the phone's clock is right, then type the newest code", true
	case "SoftwareTokenMFANotFoundException":
		return "no authenticator app is set up for this user: an administrator must reset its MFA, or set up TOTP again", false
	case "PasswordResetRequiredException":
		return fmt.Sprintf("%s must reset the password before logging in: use 'Forgot password' in the app or hosted UI, or aws cognito-idp forgot-password", user), false
	case "UserNotConfirmedException":
		return fmt.Sprintf("%s has not confirmed the sign-up: confirm it with the emailed code (aws cognito-idp confirm-sign-up), or an administrator runs admin-confirm-sign-up", user), false
	case "TooManyRequestsException", "ThrottlingException":
		return "Cognito is throttling requests (TooManyRequests): wait a moment and try again", false
	case "LimitExceededException", "TooManyFailedAttemptsException":
		return "too many attempts: wait a few minutes before trying again", false
	case "ResourceNotFoundException":
		switch {
		case has("client"):
			return fmt.Sprintf("app client %s does not exist in region %s: check client_id, user_pool_id and region", p.ClientID, p.region()), false
		case has("IdentityPool") || has("identity pool"):
			return fmt.Sprintf("identity pool %s does not exist in region %s: check identity_pool_id", p.IdentityPoolID, p.region()), false
		case has("Identity"):
			return "the cached identity id is unknown to the identity pool: log in again", false
		}
		return fmt.Sprintf("Cognito cannot find a resource (user pool %s, client %s, region %s): %s", p.UserPoolID, p.ClientID, p.region(), msg), false
	case "InvalidPasswordException":
		if op == "InitiateAuth" {
			// cognito-local answers a wrong password this way.
			return fmt.Sprintf("wrong password for %s (this server answers InvalidPasswordException where Cognito says NotAuthorizedException)", user), false
		}
		return "the new password does not meet the pool's password policy: " + msg, true
	case "InvalidUserPoolConfigurationException":
		return "the user pool is not configured for this: " + msg, false
	case "UserLambdaValidationException", "UnexpectedLambdaException", "InvalidLambdaResponseException":
		return "a Lambda trigger of the user pool failed: " + msg + " (check the trigger's logs in CloudWatch)", false
	case "MFAMethodNotFoundException":
		return "the chosen MFA method is not set up for this user: pick another", true
	case "ForbiddenException":
		return "a web ACL (AWS WAF) in front of the user pool blocked the request: " + msg, false
	case "InternalErrorException", "InternalServerException":
		return "Cognito had an internal error: try again; if it persists, check the AWS Health Dashboard", false
	case "UnsupportedOperationException", "Unsupported", "CognitoLocal#Unsupported":
		// cognito-local answers CognitoLocal#Unsupported, which the SDK
		// reports without its namespace.
		if op == "InitiateAuth" && p.flow() == FlowSRP {
			return "this server does not support USER_SRP_AUTH (cognito-local has no SRP): use --flow password", false
		}
		return "this server does not support " + op + ": " + msg, false
	}
	if strings.HasSuffix(code, "#Unsupported") {
		return x.plain(op, "CognitoLocal#Unsupported", msg)
	}
	return fmt.Sprintf("Cognito answered %s: %s", code, msg), false
}

// isLoopback says whether a base URL points at this machine (an emulator).
func isLoopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
