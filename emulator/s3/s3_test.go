package s3

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testKey    = "AKIDS3TEST"
	testSecret = "s3-test-secret"
)

var testNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	return newTestServerAt(t, testNow)
}

// newTestServerAt serves S3 whose clock says now.
func newTestServerAt(t *testing.T, now time.Time) *httptest.Server {
	t.Helper()
	svc, err := New(Options{Region: "us-east-1", Now: func() time.Time { return now },
		Credentials: func(akid string) (Credential, bool) {
			return Credential{SecretAccessKey: testSecret}, akid == testKey
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return srv
}

// s3Request signs as an S3 client does (aws-sdk-go-v2 in S3 mode): the
// path as sent, not escaped again, x-amz-content-sha256 sent and signed.
// The target's path is sent exactly as written.
func s3Request(t *testing.T, method, base, target, body, secret string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, base, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	path, query, _ := strings.Cut(target, "?")
	req.URL.Opaque = "//" + req.URL.Host + path // keep the escapes as written
	req.URL.RawQuery = query
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKey, SecretAccessKey: secret}, req, hash, "s3", "us-east-1", testNow,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		t.Fatal(err)
	}
	return req
}

type s3Answer struct {
	status int
	body   string
	err    struct {
		Code, Message, Key, CanonicalRequest, CanonicalRequestBytes, StringToSign, StringToSignBytes string
		ClientComputedContentSHA256, S3ComputedContentSHA256                                         string
	}
}

func do(t *testing.T, req *http.Request) s3Answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := s3Answer{status: resp.StatusCode, body: string(b)}
	if resp.StatusCode >= 300 && len(b) > 0 {
		if err := xml.Unmarshal(b, &a.err); err != nil {
			t.Fatalf("%d answer is not S3's XML error: %v\n%s", resp.StatusCode, err, b)
		}
	}
	return a
}

// TestObjectRoundTrip: PUT stores, GET returns, HEAD finds, DELETE
// removes, and a key never stored is 404 NoSuchKey.
func TestObjectRoundTrip(t *testing.T) {
	srv := newTestServer(t)
	if a := do(t, s3Request(t, "GET", srv.URL, "/bucket/pets/photo.jpg", "", testSecret)); a.status != 404 || a.err.Code != "NoSuchKey" || a.err.Key != "pets/photo.jpg" {
		t.Fatalf("missing key: %d %+v", a.status, a.err)
	}
	if a := do(t, s3Request(t, "PUT", srv.URL, "/bucket/pets/photo.jpg", "hello", testSecret)); a.status != 200 {
		t.Fatalf("PUT: %d %s", a.status, a.body)
	}
	if a := do(t, s3Request(t, "GET", srv.URL, "/bucket/pets/photo.jpg", "", testSecret)); a.status != 200 || a.body != "hello" {
		t.Fatalf("GET: %d %q", a.status, a.body)
	}
	if a := do(t, s3Request(t, "GET", srv.URL, "/bucket?prefix=pets/", "", testSecret)); a.status != 200 || !strings.Contains(a.body, "<Key>pets/photo.jpg</Key>") {
		t.Fatalf("list: %d %s", a.status, a.body)
	}
	if a := do(t, s3Request(t, "DELETE", srv.URL, "/bucket/pets/photo.jpg", "", testSecret)); a.status != 204 {
		t.Fatalf("DELETE: %d %s", a.status, a.body)
	}
	if a := do(t, s3Request(t, "HEAD", srv.URL, "/bucket/pets/photo.jpg", "", testSecret)); a.status != 404 {
		t.Fatalf("HEAD after DELETE: %d", a.status)
	}
}

// TestKeyIsDecodedPath: %7e and ~ are the same key, signed the same.
func TestKeyIsDecodedPath(t *testing.T) {
	srv := newTestServer(t)
	// Signed as S3 signs it (~), sent as %7e.
	put := s3Request(t, "PUT", srv.URL, "/bucket/~user", "tilde", testSecret)
	put.URL.Opaque = strings.Replace(put.URL.Opaque, "~", "%7e", 1)
	if a := do(t, put); a.status != 200 {
		t.Fatalf("PUT %%7euser: %d %s", a.status, a.body)
	}
	if a := do(t, s3Request(t, "GET", srv.URL, "/bucket/~user", "", testSecret)); a.status != 200 || a.body != "tilde" {
		t.Fatalf("GET ~: %d %q", a.status, a.body)
	}
}

// TestCanonicalPathInSignature: the canonical URI S3 answers with is the
// path decoded and encoded once, never normalized.
func TestCanonicalPathInSignature(t *testing.T) {
	srv := newTestServer(t)
	for sent, want := range map[string]string{
		"/bucket/%c3%b1and%c3%ba": "/bucket/%C3%B1and%C3%BA",
		"/bucket/a+b":             "/bucket/a%2Bb",
		"/bucket/x/../y":          "/bucket/x/../y",
		"/bucket//double":         "/bucket//double",
		"/bucket/a;b=c(1)!*'":     "/bucket/a%3Bb%3Dc%281%29%21%2A%27",
	} {
		a := do(t, s3Request(t, "GET", srv.URL, sent, "", "another-secret"))
		if lines := strings.Split(a.err.CanonicalRequest, "\n"); a.err.Code != "SignatureDoesNotMatch" || len(lines) < 2 || lines[1] != want {
			t.Errorf("%s: %s, canonical URI %q, want %q", sent, a.err.Code, a.err.CanonicalRequest, want)
		}
	}
}

// TestInvalidURI: a '%' that escapes nothing names no key. Go's server
// answers such a request line 400 itself; behind another, S3's answer.
func TestInvalidURI(t *testing.T) {
	svc, _ := New(Options{Region: "us-east-1", Now: func() time.Time { return testNow },
		Credentials: func(string) (Credential, bool) { return Credential{SecretAccessKey: testSecret}, true }})
	req := s3Request(t, "GET", "http://127.0.0.1", "/bucket/key", "", testSecret)
	req.RequestURI = "/bucket/100%"
	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "<Code>InvalidURI</Code>") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

// TestMissingContentSHA256: S3 refuses a header signature without it,
// whatever the signature, in its XML form.
func TestMissingContentSHA256(t *testing.T) {
	srv := newTestServer(t)
	req := s3Request(t, "GET", srv.URL, "/bucket/key", "", testSecret)
	req.Header.Del("X-Amz-Content-Sha256")
	a := do(t, req)
	if a.status != 400 || a.err.Code != "InvalidRequest" || a.err.Message != "Missing required header for this request: x-amz-content-sha256" {
		t.Fatalf("%d %+v", a.status, a.err)
	}
}

// TestPayloadHashMismatch: a body that is not the one hashed (and signed)
// is XAmzContentSHA256Mismatch with both hashes.
func TestPayloadHashMismatch(t *testing.T) {
	srv := newTestServer(t)
	req := s3Request(t, "PUT", srv.URL, "/bucket/key", "hello", testSecret)
	req.Body = io.NopCloser(strings.NewReader("HELLO"))
	a := do(t, req)
	sum := sha256.Sum256([]byte("HELLO"))
	if a.status != 400 || a.err.Code != "XAmzContentSHA256Mismatch" || a.err.S3ComputedContentSHA256 != hex.EncodeToString(sum[:]) ||
		a.err.ClientComputedContentSHA256 != req.Header.Get("X-Amz-Content-Sha256") {
		t.Fatalf("%d %+v", a.status, a.err)
	}
}

// TestSignatureDoesNotMatch shows S3's canonical request and string to
// sign, as text and as hex bytes, with the path S3 signs (%7e as ~).
func TestSignatureDoesNotMatch(t *testing.T) {
	srv := newTestServer(t)
	a := do(t, s3Request(t, "GET", srv.URL, "/bucket/%7euser", "", "another-secret"))
	if a.status != 403 || a.err.Code != "SignatureDoesNotMatch" {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if lines := strings.Split(a.err.CanonicalRequest, "\n"); len(lines) < 2 || lines[1] != "/bucket/~user" {
		t.Errorf("canonical request %q, want the path /bucket/~user", a.err.CanonicalRequest)
	}
	if a.err.CanonicalRequestBytes != hexBytes(a.err.CanonicalRequest) || !strings.HasPrefix(a.err.CanonicalRequestBytes, "47 45 54 0a") {
		t.Errorf("CanonicalRequestBytes %q", a.err.CanonicalRequestBytes)
	}
	if !strings.HasPrefix(a.err.StringToSign, "AWS4-HMAC-SHA256\n20261207T120000Z\n20261207/us-east-1/s3/aws4_request\n") || a.err.StringToSignBytes != hexBytes(a.err.StringToSign) {
		t.Errorf("StringToSign %q / %q", a.err.StringToSign, a.err.StringToSignBytes)
	}
}

// TestClockAndKey: S3's own refusals for skew and an unknown key.
func TestClockAndKey(t *testing.T) {
	srv := newTestServer(t)
	req := s3Request(t, "GET", srv.URL, "/bucket/key", "", testSecret)
	req.Header.Set("Authorization", strings.Replace(req.Header.Get("Authorization"), testKey, "AKIDUNKNOWN", 1))
	if a := do(t, req); a.status != 403 || a.err.Code != "InvalidAccessKeyId" {
		t.Errorf("unknown key: %d %+v", a.status, a.err)
	}
	ahead := newTestServerAt(t, testNow.Add(-20*time.Minute)) // the request is 20 minutes ahead of it
	if a := do(t, s3Request(t, "GET", ahead.URL, "/bucket/key", "", testSecret)); a.status != 403 || a.err.Code != "RequestTimeTooSkewed" {
		t.Errorf("skew: %d %+v", a.status, a.err)
	}
}

// TestPresignedURL: a URL presigned by aws-sdk-go-v2 (S3 mode) reads the
// object within its X-Amz-Expires, and is refused as S3 does after.
func TestPresignedURL(t *testing.T) {
	srv := newTestServer(t)
	if a := do(t, s3Request(t, "PUT", srv.URL, "/bucket/report.txt", "q3", testSecret)); a.status != 200 {
		t.Fatalf("PUT: %d %s", a.status, a.body)
	}
	presign := func(base string) *http.Request {
		req, _ := http.NewRequest("GET", base+"/bucket/report.txt?X-Amz-Expires=60", nil)
		signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret}, req,
			unsignedPayload, "s3", "us-east-1", testNow, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		if err != nil {
			t.Fatal(err)
		}
		out, _ := http.NewRequest("GET", signed, nil)
		return out
	}
	if a := do(t, presign(srv.URL)); a.status != 200 || a.body != "q3" {
		t.Fatalf("presigned GET: %d %s", a.status, a.body)
	}
	later := newTestServerAt(t, testNow.Add(2*time.Minute))
	if a := do(t, presign(later.URL)); a.status != 403 || a.err.Code != "AccessDenied" || a.err.Message != "Request has expired" {
		t.Errorf("expired: %d %+v", a.status, a.err)
	}
}
