package apigw

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// zeros is a body of n zero bytes that counts what was read of it.
type zeros struct{ n, read int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.read >= z.n {
		return 0, io.EOF
	}
	if rest := z.n - z.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	clear(p)
	z.read += int64(len(p))
	return len(p), nil
}

// TestRefusedBeforeBodyIsRead: whatever the headers of an AWS_IAM request
// alone can refuse (no signature, bad syntax, scope, date, unknown key)
// is refused without reading a byte of the body.
func TestRefusedBeforeBodyIsRead(t *testing.T) {
	g, err := New(testConfig(), Deps{Region: testRegion, Now: func() time.Time { return testNow }, Credentials: fakeCreds{testNow}, Tokens: fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	const url = "http://127.0.0.1/prod/pets"
	big := int64(MaxBody)
	for _, c := range []struct {
		name, errType string
		req           func() *http.Request
	}{
		{"unsigned", ErrMissingToken, func() *http.Request { r, _ := http.NewRequest("POST", url, nil); return r }},
		{"not SigV4", ErrIncompleteSignature, func() *http.Request {
			r, _ := http.NewRequest("POST", url, nil)
			r.Header.Set("Authorization", "Bearer abc")
			return r
		}},
		{"wrong region", ErrInvalidSignature, func() *http.Request {
			return signed(t, "POST", url, "", staticCreds(), "eu-west-1", "execute-api", testNow, nil)
		}},
		{"expired", ErrInvalidSignature, func() *http.Request {
			return signed(t, "POST", url, "", staticCreds(), testRegion, "execute-api", testNow.Add(-time.Hour), nil)
		}},
		{"unknown key", ErrUnrecognizedClient, func() *http.Request {
			return signed(t, "POST", url, "", aws.Credentials{AccessKeyID: "AKIANOPE", SecretAccessKey: "x"}, testRegion, "execute-api", testNow, nil)
		}},
	} {
		body := &zeros{n: big}
		r := c.req()
		r.Body, r.ContentLength = io.NopCloser(body), big
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden || w.Header().Get("x-amzn-ErrorType") != c.errType {
			t.Errorf("%s: %d %s %s, want 403 %s", c.name, w.Code, w.Header().Get("x-amzn-ErrorType"), w.Body, c.errType)
		}
		if body.read != 0 {
			t.Errorf("%s: %d bytes of the body read before refusing", c.name, body.read)
		}
	}

	// A declared length past the limit is refused unread too.
	body := &zeros{n: big + 1}
	r := signed(t, "POST", url, "", staticCreds(), testRegion, "execute-api", testNow, nil)
	r.Body, r.ContentLength = io.NopCloser(body), big+1
	w := httptest.NewRecorder()
	g.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge || body.read != 0 {
		t.Errorf("%d-byte body: %d after reading %d bytes, want 413 unread", big+1, w.Code, body.read)
	}
}

// TestSignedBodyHashMustMatchBody: a signed X-Amz-Content-Sha256 vouches
// for a body only if it is that body's hash.
func TestSignedBodyHashMustMatchBody(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	body := `{"n":1}`
	hdr := map[string]string{"X-Amz-Content-Sha256": hashHex([]byte(body))}
	if res := do(t, nil, signed(t, "POST", srv.URL+"/prod/pets", body, staticCreds(), testRegion, "execute-api", testNow, hdr)); res.status != 200 {
		t.Fatalf("signed body with its hash: %d %s", res.status, res.body)
	}
	req := signed(t, "POST", srv.URL+"/prod/pets", body, staticCreds(), testRegion, "execute-api", testNow, hdr)
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(`{"n":2}`)), 7
	res := do(t, nil, req)
	if res.status != 403 || res.header.Get("x-amzn-ErrorType") != ErrInvalidSignature || res.message != msgBodyNotSigned {
		t.Errorf("body changed after signing: %d %s", res.status, res.body)
	}
}

// TestKeptBodiesBudget: bodies kept for echo answers share one budget,
// taken whole, and a request that gives up waiting takes nothing.
func TestKeptBodiesBudget(t *testing.T) {
	b := newBudget(10)
	if err := b.acquire(context.Background(), 7); err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.acquire(gone, 4); err == nil {
		t.Fatal("took 4 of the 3 bytes left")
	}
	if err := b.acquire(gone, 3); err != nil {
		t.Fatalf("3 bytes of 3 left: %v", err)
	}
	done := make(chan error)
	go func() { done <- b.acquire(context.Background(), 10) }()
	b.release(7)
	b.release(3)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
