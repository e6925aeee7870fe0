package awsauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestVerify: each check in AWS's order, with AWS's words, on requests
// signed by aws-sdk-go-v2 and then altered.
func TestVerify(t *testing.T) {
	now := time.Date(2025, 3, 5, 9, 4, 5, 0, time.UTC)
	keys := map[string]Credential{
		"AKIDUSER":  {SecretAccessKey: "userSecret"},
		"ASIATEMP":  {SecretAccessKey: "tempSecret", SessionToken: "tok", Expiration: now.Add(time.Hour)},
		"ASIAOLDER": {SecretAccessKey: "oldSecret", SessionToken: "old", Expiration: now.Add(-time.Second)},
	}
	v := New("sts", "us-east-1", func() time.Time { return now }, func(k string) (Credential, bool) { c, ok := keys[k]; return c, ok })
	const body = "Action=GetCallerIdentity&Version=2011-06-15"
	signed := func(akid, secret, token, service, region string, at time.Time) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:7466/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// As a server receives it: the length among the headers.
		r.RequestURI = "/"
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, sha256Hex(body), service, region, at); err != nil {
			t.Fatal(err)
		}
		return r
	}
	ok := func() *http.Request { return signed("AKIDUSER", "userSecret", "", "sts", "us-east-1", now) }
	for _, c := range []struct {
		name    string
		req     func() *http.Request
		body    string
		problem Problem
		msg     string
	}{
		{"unsigned", func() *http.Request { r := ok(); r.Header.Del("Authorization"); return r }, body, Missing, "Missing Authentication Token"},
		{"no SignedHeaders", func() *http.Request {
			r := ok()
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDUSER/20250305/us-east-1/sts/aws4_request, Signature=00")
			return r
		}, body, Incomplete, "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256"},
		{"another algorithm", func() *http.Request { r := ok(); r.Header.Set("Authorization", "Bearer abc"); return r }, body, Incomplete, "Unsupported AWS 'algorithm': 'Bearer'."},
		{"region and service", func() *http.Request { return signed("AKIDUSER", "userSecret", "", "iam", "eu-west-1", now) }, body, BadScope,
			"Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'sts'."},
		{"clock 6 minutes fast", func() *http.Request {
			return signed("AKIDUSER", "userSecret", "", "sts", "us-east-1", now.Add(6*time.Minute))
		}, body, BadScope,
			"Signature not yet current: 20250305T091005Z is still later than 20250305T090905Z (20250305T090405Z + 5 min.)"},
		{"unknown key", func() *http.Request { return signed("AKIDNOBODY", "x", "", "sts", "us-east-1", now) }, body, UnknownKey, MsgInvalidToken},
		{"wrong secret", func() *http.Request { return signed("AKIDUSER", "nope", "", "sts", "us-east-1", now) }, body, Mismatch, MsgMismatch},
		{"body changed after signing", ok, body + "&x=1", Mismatch, MsgMismatch},
		{"session token not sent", func() *http.Request { return signed("ASIATEMP", "tempSecret", "", "sts", "us-east-1", now) }, body, UnknownKey, MsgInvalidToken},
		{"expired credentials", func() *http.Request { return signed("ASIAOLDER", "oldSecret", "old", "sts", "us-east-1", now) }, body, Expired, MsgExpiredToken},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, f := v.Verify(c.req(), []byte(c.body))
			if f == nil || f.Problem != c.problem || f.Message != c.msg {
				t.Fatalf("want problem %d %q, got %+v", c.problem, c.msg, f)
			}
			if c.problem == Mismatch && (!strings.Contains(f.MismatchDetail(), "The Canonical String for this request should have been\n'POST\n/\n") ||
				!strings.Contains(f.StringToSign, "20250305/us-east-1/sts/aws4_request")) {
				t.Errorf("the mismatch does not show what was signed:\n%s", f.MismatchDetail())
			}
		})
	}
	for _, r := range []*http.Request{ok(), signed("ASIATEMP", "tempSecret", "tok", "sts", "us-east-1", now)} {
		if akid, f := v.Verify(r, []byte(body)); f != nil || akid == "" {
			t.Errorf("a good signature was refused: %v", f)
		}
	}
}

func TestScopeService(t *testing.T) {
	r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250305/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00")
	q, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/?X-Amz-Credential=AKID%2F20250305%2Fus-east-1%2Fcognito-idp%2Faws4_request", nil)
	none, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	for _, c := range []struct {
		r    *http.Request
		want string
	}{{r, "sts"}, {q, "cognito-idp"}, {none, ""}} {
		if got := ScopeService(c.r); got != c.want {
			t.Errorf("ScopeService = %q, want %q", got, c.want)
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ScopeService reads the header in place; it names what AuthParams'
// Credential says, the last one of several, and the query's otherwise.
func TestScopeServiceAsAuthParams(t *testing.T) {
	for _, tc := range []struct{ auth, query, want string }{
		{"AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab", "", "s3"},
		{"AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/sts/aws4_request,Credential=AK/d/r/s3/aws4_request", "", "s3"},
		{"AWS4-HMAC-SHA256  Credential = AK/d/r/execute-api/aws4_request ,", "", "execute-api"},
		{"AWS4-HMAC-SHA256 Credential=AK/d/r", "X-Amz-Credential=AK%2Fd%2Fr%2Fs3%2Faws4_request", ""},
		{"AWS4-HMAC-SHA256 Credential=AK/d/r/", "", ""},
		{"AWS4-HMAC-SHA256 SignedHeaders=host", "", ""},
		{"", "X-Amz-Credential=AK%2Fd%2Fr%2Fsts%2Faws4_request&X-Amz-Credential=AK%2Fd%2Fr%2Fs3%2Fx", "sts"},
		{"", "a=b", ""},
	} {
		r, err := http.NewRequest("GET", "http://127.0.0.1/?"+tc.query, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
			if got := authParam(tc.auth, "Credential"); got != AuthParams(tc.auth)["Credential"] {
				t.Errorf("authParam(%q) = %q, AuthParams says %q", tc.auth, got, AuthParams(tc.auth)["Credential"])
			}
		}
		if got := ScopeService(r); got != tc.want {
			t.Errorf("ScopeService(%q, %q) = %q, want %q", tc.auth, tc.query, got, tc.want)
		}
	}
}
