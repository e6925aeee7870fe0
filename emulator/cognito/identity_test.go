package cognito

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"

	"github.com/sigscope/sigscope/auth/srp"
)

var (
	identityIDPattern = regexp.MustCompile(`^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	accessKeyPattern  = regexp.MustCompile(`^ASIA[A-Z0-9]{16}$`)
)

const providerName = "cognito-idp.us-east-1.amazonaws.com/" + poolID

func (e *env) idToken(t *testing.T, client, username string) string {
	t.Helper()
	out, err := e.passwordAuth(t, client, username, demoPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("%s: want tokens, got challenge %s", username, out.ChallengeName)
	}
	return aws.ToString(out.AuthenticationResult.IdToken)
}

func TestIdentityPoolAuthenticated(t *testing.T) {
	e := newEnv(t, testConfig())
	token := e.idToken(t, webClient, "demo")
	logins := map[string]string{providerName: token}

	got, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest), Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(got.IdentityId)
	if !identityIDPattern.MatchString(id) {
		t.Fatalf("identity id %q", id)
	}
	// Stable per (pool, sub): a new login of the same user gets the same id,
	// and so does a token from another client of the pool.
	viaSecret, err := e.passwordAuth(t, secretClient, "demo", demoPassword, map[string]string{"SECRET_HASH": srp.SecretHash(secretClient, clientSecret, "demo")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{e.idToken(t, webClient, "demo"), aws.ToString(viaSecret.AuthenticationResult.IdToken)} {
		again, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest), Logins: map[string]string{providerName: tok}})
		if err != nil || aws.ToString(again.IdentityId) != id {
			t.Fatalf("second GetId: %v, same id %v", err, err == nil && aws.ToString(again.IdentityId) == id)
		}
	}
	// Another user gets another identity.
	if other, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest), Logins: map[string]string{providerName: e.idToken(t, webClient, "alice")}}); err != nil {
		t.Fatal(err)
	} else if aws.ToString(other.IdentityId) == id {
		t.Fatal("two users share an identity id")
	}
	other, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolNoGuest), Logins: logins})
	if err != nil || aws.ToString(other.IdentityId) == id {
		t.Fatalf("another identity pool must give another identity: %v", err)
	}

	creds, err := e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(id), Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	c := creds.Credentials
	if aws.ToString(creds.IdentityId) != id || !accessKeyPattern.MatchString(aws.ToString(c.AccessKeyId)) {
		t.Fatalf("IdentityId %q AccessKeyId %q", aws.ToString(creds.IdentityId), aws.ToString(c.AccessKeyId))
	}
	if len(aws.ToString(c.SecretKey)) != 40 || len(aws.ToString(c.SessionToken)) < 100 {
		t.Errorf("SecretKey length %d, SessionToken length %d", len(aws.ToString(c.SecretKey)), len(aws.ToString(c.SessionToken)))
	}
	if want := e.clock.Now().Add(time.Hour); c.Expiration == nil || !c.Expiration.Equal(want) {
		t.Errorf("Expiration %v, want %v", c.Expiration, want)
	}

	issued, ok := e.svc.LookupCredentials(aws.ToString(c.AccessKeyId))
	if !ok {
		t.Fatal("LookupCredentials does not know the issued key")
	}
	if issued.SecretAccessKey != aws.ToString(c.SecretKey) || issued.SessionToken != aws.ToString(c.SessionToken) ||
		issued.IdentityID != id || issued.IdentityPoolID != idPoolGuest || !issued.Authenticated ||
		len(issued.Logins) != 1 || issued.Logins[0] != providerName || !issued.Expiration.Equal(*c.Expiration) {
		t.Errorf("LookupCredentials = id %s pool %s auth %v logins %v exp %v", issued.IdentityID, issued.IdentityPoolID, issued.Authenticated, issued.Logins, issued.Expiration)
	}
	if !e.svc.SessionTokenValid(aws.ToString(c.SessionToken)) || e.svc.SessionTokenValid(aws.ToString(c.SessionToken)+"x") || e.svc.SessionTokenValid("") {
		t.Error("SessionTokenValid does not tell issued tokens from others")
	}
	if _, ok := e.svc.LookupCredentials("ASIAAAAAAAAAAAAAAAAA"); ok {
		t.Error("LookupCredentials knows a key it never issued")
	}

	// Authenticated identities need their logins.
	_, err = e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(id)})
	wantAPIError(t, err, "NotAuthorizedException", "Logins don't match")
	_, err = e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(aws.ToString(other.IdentityId)), Logins: logins})
	if err != nil {
		t.Fatalf("credentials for the second pool's identity: %v", err)
	}

	// Expired credentials stay known, for API Gateway to say "expired".
	e.clock.Advance(2 * time.Hour)
	if old, ok := e.svc.LookupCredentials(aws.ToString(c.AccessKeyId)); !ok || !old.Expiration.Before(e.clock.Now()) {
		t.Error("expired credentials must still be returned")
	}
	// The id token (1 h) has expired too.
	_, err = e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(id), Logins: logins})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid login token. Token expired")
	_, err = e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest), Logins: logins})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid login token. Token expired")
}

func TestIdentityPoolGuest(t *testing.T) {
	e := newEnv(t, testConfig())
	got, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(got.IdentityId)
	if !identityIDPattern.MatchString(id) {
		t.Fatalf("guest identity id %q", id)
	}
	creds, err := e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	issued, ok := e.svc.LookupCredentials(aws.ToString(creds.Credentials.AccessKeyId))
	if !ok || issued.Authenticated || len(issued.Logins) != 0 || issued.IdentityID != id {
		t.Errorf("guest credentials: ok %v authenticated %v logins %v", ok, issued.Authenticated, issued.Logins)
	}
	// A guest identity does not take logins.
	_, err = e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String(id), Logins: map[string]string{providerName: e.idToken(t, webClient, "demo")}})
	wantAPIError(t, err, "NotAuthorizedException", "Logins don't match")

	_, err = e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolNoGuest)})
	wantAPIError(t, err, "NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.")
	_, err = e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String("us-east-1:00000000-0000-4000-8000-000000000000")})
	wantAPIError(t, err, "ResourceNotFoundException", "not found")
	_, err = e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: aws.String("us-east-1:00000000-0000-4000-8000-000000000000")})
	wantAPIError(t, err, "ResourceNotFoundException", "not found")
}

func TestIdentityPoolBadLogins(t *testing.T) {
	e := newEnv(t, testConfig())
	token := e.idToken(t, webClient, "demo")
	otherToken := e.idToken(t, otherClient, "demo")
	getID := func(logins map[string]string) error {
		_, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest), Logins: logins})
		return err
	}
	otherProvider := "cognito-idp.us-east-1.amazonaws.com/" + otherPoolID
	wantAPIError(t, getID(map[string]string{otherProvider: otherToken}), "NotAuthorizedException", "not from a supported provider")
	wantAPIError(t, getID(map[string]string{"cognito-idp.eu-west-1.amazonaws.com/" + poolID: token}), "NotAuthorizedException", "not from a supported provider")
	wantAPIError(t, getID(map[string]string{providerName: otherToken}), "NotAuthorizedException", "Issuer doesn't match providerName")
	// An access token is not an id token.
	out, _ := e.passwordAuth(t, webClient, "demo", demoPassword, nil)
	wantAPIError(t, getID(map[string]string{providerName: aws.ToString(out.AuthenticationResult.AccessToken)}), "NotAuthorizedException", "Not a valid OpenId Connect identity token")
	// A token whose signature was tampered with.
	parts := strings.Split(token, ".")
	sig := []byte(parts[2])
	if sig[5] == 'A' {
		sig[5] = 'B'
	} else {
		sig[5] = 'A'
	}
	forged := parts[0] + "." + parts[1] + "." + string(sig)
	wantAPIError(t, getID(map[string]string{providerName: forged}), "NotAuthorizedException", "Invalid login token")

	// A token from another emulator instance (another key, same issuer).
	e2 := newEnv(t, testConfig())
	wantAPIError(t, getID(map[string]string{providerName: e2.idToken(t, webClient, "demo")}), "NotAuthorizedException", "Invalid login token")
}

func TestIdentityIDsSurviveRestart(t *testing.T) {
	e1 := newEnv(t, testConfig())
	e2 := newEnv(t, testConfig())
	id1, err := e1.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest), Logins: map[string]string{providerName: e1.idToken(t, webClient, "demo")}})
	if err != nil {
		t.Fatal(err)
	}
	// The second instance never saw GetId for this user, yet it recognises
	// the identity id from the logins.
	logins2 := map[string]string{providerName: e2.idToken(t, webClient, "demo")}
	if _, err := e2.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id1.IdentityId, Logins: logins2}); err != nil {
		t.Fatalf("identity id from another run: %v", err)
	}
}
