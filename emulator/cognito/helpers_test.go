package cognito

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/golang-jwt/jwt/v5"

	"github.com/sigscope/sigscope/auth/srp"
	"github.com/sigscope/sigscope/emulator/awsauth"
	"github.com/sigscope/sigscope/internal/testkit"
)

const (
	poolID        = "us-east-1_Demo1"
	webClient     = "3n4b5urk1ft4fl3mg5e62d9ado"
	secretClient  = "5ecretc1ient0000000000000a"
	clientSecret  = "k1tl3n5ecr3t0000000000000000000000000000000000000000"
	srpOnlyClient = "srp0n1yc1ient000000000000a"
	otherPoolID   = "us-east-1_Other2"
	otherClient   = "0therc1ient000000000000000a"
	idPoolGuest   = "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab"
	idPoolNoGuest = "us-east-1:9f8e7d6c-0000-4000-8000-0000000000cd"
	demoPassword  = "Passw0rd!"
	totpSecret    = "JBSWY3DPEHPK3PXP"
	smsPhone      = "+15555550100"
	tokenLifetime = time.Hour
	// The IAM key the Admin* calls are signed with in these tests.
	adminKeyID  = "AKIDCOGNITOADMINTEST"
	adminSecret = "cognitoAdminTestSecret/NotASecret+0001"
)

// adminKeys is the credential lookup New gets: one long-term key.
func adminKeys(akid string) (awsauth.Credential, bool) {
	if akid != adminKeyID {
		return awsauth.Credential{}, false
	}
	return awsauth.Credential{SecretAccessKey: adminSecret}, true
}

func testConfig() Config {
	return Config{
		UserPools: []UserPoolConfig{{
			ID:   poolID,
			Name: "demo",
			Clients: []ClientConfig{
				{ID: webClient, Name: "web"},
				{ID: secretClient, Name: "server", Secret: clientSecret},
				{ID: srpOnlyClient, Name: "srp-only", AuthFlows: []string{"ALLOW_USER_SRP_AUTH"}},
			},
			Users: []UserConfig{
				{Username: "demo", Password: demoPassword, Attributes: map[string]string{"email": "demo@example.com", "email_verified": "true", "custom:team": "blue"}},
				{Username: "newbie", Password: "Temp0rary!", Status: "FORCE_CHANGE_PASSWORD", Attributes: map[string]string{"email": "newbie@example.com", "email_verified": "false"}},
				{Username: "totp", Password: demoPassword, MFA: &MFAConfig{Type: "totp", Secret: totpSecret}},
				{Username: "sms", Password: demoPassword, MFA: &MFAConfig{Type: "sms", Phone: smsPhone}},
				{Username: "alice", Password: demoPassword, Attributes: map[string]string{"email": "alice@example.com"}},
				{Username: "newtotp", Password: "Temp0rary!", Status: "FORCE_CHANGE_PASSWORD", MFA: &MFAConfig{Type: "totp", Secret: totpSecret}},
			},
		}, {
			ID:      otherPoolID,
			Clients: []ClientConfig{{ID: otherClient}},
			Users:   []UserConfig{{Username: "demo", Password: demoPassword}},
		}},
		IdentityPools: []IdentityPoolConfig{
			{ID: idPoolGuest, AllowUnauthenticated: true, UserPools: []string{poolID}},
			{ID: idPoolNoGuest, UserPools: []string{poolID}},
		},
	}
}

type env struct {
	svc   *Service
	srv   *httptest.Server
	idp   *cip.Client
	admin *cip.Client // signed with adminKeyID, for the Admin* calls
	ident *cognitoidentity.Client
	clock *testkit.Clock
	log   *testkit.Buffer
}

func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	e := &env{clock: testkit.NewClock(time.Date(2025, 3, 5, 9, 4, 5, 0, time.UTC)), log: &testkit.Buffer{}}
	svc, err := New(cfg, Options{Region: "us-east-1", Now: e.clock.Now, Log: e.log, Credentials: adminKeys})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	e.srv = httptest.NewServer(svc)
	t.Cleanup(e.srv.Close)
	e.idp = cip.New(cip.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(e.srv.URL),
		Credentials:      aws.AnonymousCredentials{},
		HTTPClient:       e.srv.Client(),
		RetryMaxAttempts: 1,
	})
	e.admin = e.signedClient(adminKeyID, adminSecret)
	e.ident = cognitoidentity.New(cognitoidentity.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(e.srv.URL),
		Credentials:      aws.AnonymousCredentials{},
		HTTPClient:       e.srv.Client(),
		RetryMaxAttempts: 1,
	})
	return e
}

// signedClient is a user-pool client that signs every call with the key
// (at the fake clock's time), as the AWS SDKs do for the Admin* calls.
func (e *env) signedClient(akid, secret string) *cip.Client {
	return e.signedClientAt(akid, secret, e.clock.Now)
}

// signedClientAt signs at the time now gives.
func (e *env) signedClientAt(akid, secret string, now func() time.Time) *cip.Client {
	return cip.New(cip.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(e.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(akid, secret, ""),
		HTTPClient:       e.srv.Client(),
		RetryMaxAttempts: 1,
		HTTPSignerV4:     clockSigner{v4.NewSigner(), now},
	})
}

// clockSigner signs at the fake clock's time, which the emulator checks
// the signature's date against.
type clockSigner struct {
	*v4.Signer
	now func() time.Time
}

func (c clockSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) error {
	return c.Signer.SignHTTP(ctx, creds, r, payloadHash, service, region, c.now(), optFns...)
}

var ctx = context.Background()

// wantAPIError checks that err is the Cognito error typ whose message
// contains msg. It never prints the request, so no secret can leak.
func wantAPIError(t *testing.T, err error, typ, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", typ, err)
	}
	if ae.ErrorCode() != typ || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s %q", typ, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

// mask shortens a secret for messages.
func mask(s string) string {
	if len(s) <= 4 {
		return "…"
	}
	return s[:4] + "…"
}

func (e *env) passwordAuth(t *testing.T, client, username, password string, extra map[string]string) (*cip.InitiateAuthOutput, error) {
	t.Helper()
	params := map[string]string{"USERNAME": username, "PASSWORD": password}
	for k, v := range extra {
		params[k] = v
	}
	return e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(client), AuthParameters: params})
}

// srpLogin runs USER_SRP_AUTH with auth/srp as the client and returns the
// answer to the PASSWORD_VERIFIER challenge.
func (e *env) srpLogin(t *testing.T, client, username, password string, secretHash string, now time.Time) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	c, err := srp.NewClient(poolID, nil)
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{"USERNAME": username, "SRP_A": c.SRPA()}
	if secretHash != "" {
		params["SECRET_HASH"] = secretHash
	}
	init, err := e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserSrpAuth, ClientId: aws.String(client), AuthParameters: params})
	if err != nil {
		return nil, err
	}
	if init.ChallengeName != ciptypes.ChallengeNameTypePasswordVerifier || init.Session == nil {
		t.Fatalf("want PASSWORD_VERIFIER with a session, got %q", init.ChallengeName)
	}
	p := init.ChallengeParameters
	sig, ts, err := c.PasswordClaim(p["USER_ID_FOR_SRP"], password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], now)
	if err != nil {
		t.Fatal(err)
	}
	resp := map[string]string{
		"USERNAME":                    p["USER_ID_FOR_SRP"],
		"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE":    sig,
		"TIMESTAMP":                   ts,
	}
	if secretHash != "" {
		resp["SECRET_HASH"] = secretHash
	}
	return e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ChallengeName: ciptypes.ChallengeNameTypePasswordVerifier, ClientId: aws.String(client),
		ChallengeResponses: resp, Session: init.Session,
	})
}

// fetchJWKS downloads the pool's JWKS over HTTP and builds its RSA keys,
// independently of the service's own verification code.
func (e *env) fetchJWKS(t *testing.T, pool string) map[string]*rsa.PublicKey {
	t.Helper()
	res, err := e.srv.Client().Get(e.srv.URL + "/" + pool + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("JWKS status %d", res.StatusCode)
	}
	var doc struct {
		Keys []struct{ Kty, Alg, Use, Kid, N, E string }
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range doc.Keys {
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" {
			t.Fatalf("unexpected JWK kty=%s alg=%s use=%s", k.Kty, k.Alg, k.Use)
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		eb, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			t.Fatalf("JWK n/e are not base64url: %v %v", err1, err2)
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(eb).Int64())}
	}
	if len(keys) == 0 {
		t.Fatal("JWKS has no keys")
	}
	return keys
}

// verifyWithJWKS checks a token's RS256 signature against the JWKS and
// returns its claims; time is the fake clock's.
func (e *env) verifyWithJWKS(t *testing.T, keys map[string]*rsa.PublicKey, token string) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		k, ok := keys[kid]
		if !ok {
			return nil, errors.New("kid not in JWKS")
		}
		return k, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.clock.Now), jwt.WithExpirationRequired())
	if err != nil {
		t.Fatalf("token %s does not verify against the JWKS: %v", mask(token), err)
	}
	return claims
}

func numClaim(t *testing.T, c jwt.MapClaims, name string) int64 {
	t.Helper()
	f, ok := c[name].(float64)
	if !ok {
		t.Fatalf("claim %s is %T, want a number", name, c[name])
	}
	return int64(f)
}
