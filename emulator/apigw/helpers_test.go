package apigw

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/golang-jwt/jwt/v5"
)

// Fake credentials; the AKIDEXAMPLE pair is the one from AWS's docs and
// signing test suite.
const (
	testRegion  = "us-east-1"
	staticAKID  = "AKIDEXAMPLE"
	staticKey   = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	tempAKID    = "ASIATEMPEXAMPLE00001"
	tempKey     = "tempSecretKeyForTests0000000000000000000"
	tempToken   = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN/abc+def=="
	staleAKID   = "ASIASTALEEXAMPLE0001"
	staleToken  = "FwoGZXIvYXdzSTALESESSIONTOKEN"
	goodIDToken = "header.payload.signature-good"
	// expiredIDToken is a token the fake verifier calls well signed and expired.
	expiredIDToken = "header.payload.signature-expired"
	emptySHA256    = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// testNow is the brief's example clock: 2015-08-30 12:46:00 UTC.
var testNow = time.Date(2015, 8, 30, 12, 46, 0, 0, time.UTC)

type fakeCreds struct{ now time.Time }

func (f fakeCreds) LookupCredentials(id string) (Credential, bool) {
	switch id {
	case staticAKID:
		return Credential{SecretAccessKey: staticKey, Caller: map[string]any{
			"caller": "AIDAEXAMPLEUSER", "user": "AIDAEXAMPLEUSER", "userArn": "arn:aws:iam::123456789012:user/demo", "accountId": "123456789012",
		}}, true
	case tempAKID:
		return Credential{SecretAccessKey: tempKey, SessionToken: tempToken, Expiration: f.now.Add(time.Hour), Caller: map[string]any{
			"cognitoIdentityId":         "us-east-1:11111111-2222-3333-4444-555555555555",
			"cognitoIdentityPoolId":     "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab",
			"cognitoAuthenticationType": "authenticated",
		}}, true
	case staleAKID:
		return Credential{SecretAccessKey: tempKey, SessionToken: staleToken, Expiration: f.now.Add(-time.Minute)}, true
	}
	return Credential{}, false
}

type fakeTokens struct{}

func (fakeTokens) VerifyUserPoolToken(tok string, _ time.Time) (map[string]any, string, error) {
	if tok == goodIDToken {
		return map[string]any{"sub": "0000-sub", "cognito:username": "demo", "email": "demo@example.com", "token_use": "id"}, "us-east-1_Demo1", nil
	}
	if tok == expiredIDToken { // signed by the pool, past its exp
		return map[string]any{"sub": "0000-sub", "token_use": "id", "exp": float64(testNow.Add(-time.Minute).Unix())}, "us-east-1_Demo1", fmt.Errorf("verify: %w", jwt.ErrTokenExpired)
	}
	return nil, "", errors.New("invalid token")
}

func testConfig() Config {
	return Config{
		ID:     "abc123",
		Stages: []string{"prod"},
		Routes: []Route{
			{Method: "GET", Path: "/pets", Authorizer: AuthIAM, Response: Response{Kind: KindEcho}},
			{Method: "POST", Path: "/pets", Authorizer: AuthIAM, Response: Response{Kind: KindEcho}},
			{Method: "ANY", Path: "/pets/{proxy+}", Authorizer: AuthIAM, Response: Response{Kind: KindEcho}},
			{Method: "GET", Path: "/me", Authorizer: AuthCognito, Response: Response{Kind: KindEcho}},
			{Method: "GET", Path: "/public", Authorizer: AuthNone, Response: Response{Kind: KindStatic, Status: 200, Body: map[string]any{"message": "hello"}}},
			{Method: "POST", Path: "/login-cookies", Authorizer: AuthIAM, Response: Response{Kind: KindSetCookies, Resource: "/prod/private/*"}},
			{Method: "GET", Path: "/private/{proxy+}", Authorizer: AuthNone, Response: Response{Kind: KindCookieProtected}},
		},
	}
}

// newTestServer serves the test API on loopback with a clock fixed at now.
func newTestServer(t testing.TB, now time.Time) (*Gateway, *httptest.Server) {
	t.Helper()
	g, err := New(testConfig(), Deps{Region: testRegion, Now: func() time.Time { return now }, Credentials: fakeCreds{now}, Tokens: fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv
}

func staticCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: staticAKID, SecretAccessKey: staticKey}
}

func tempCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: tempAKID, SecretAccessKey: tempKey, SessionToken: tempToken}
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// signed builds a request signed with aws-sdk-go-v2's SignHTTP.
func signed(t testing.TB, method, rawURL, body string, creds aws.Credentials, region, service string, at time.Time, hdr map[string]string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hashHex([]byte(body)), service, region, at); err != nil {
		t.Fatal(err)
	}
	return req
}

// presigned builds a URL presigned with aws-sdk-go-v2's PresignHTTP.
func presigned(t testing.TB, method, rawURL string, creds aws.Credentials, at time.Time, expires time.Duration) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	if expires > 0 {
		q := u.Query()
		q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
		u.RawQuery = q.Encode()
	}
	req, _ := http.NewRequest(method, u.String(), nil)
	signedURL, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, emptySHA256, "execute-api", testRegion, at)
	if err != nil {
		t.Fatal(err)
	}
	return signedURL
}

type result struct {
	status  int
	header  http.Header
	body    []byte
	message string
	json    map[string]any
}

func do(t testing.TB, c *http.Client, req *http.Request) result {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, header: resp.Header, body: b}
	if err := json.Unmarshal(b, &res.json); err == nil {
		res.message, _ = res.json["message"].(string)
	}
	return res
}

func get(t testing.TB, rawURL string, hdr map[string]string) result {
	t.Helper()
	req, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return do(t, nil, req)
}

// b64sha256 is how API Gateway shows a malformed Authorization header.
func b64sha256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func jsonPath(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}
