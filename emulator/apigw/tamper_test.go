package apigw

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// mutate changes byte i of s to a different byte of the same class, so the
// request stays well-formed HTTP but says something else.
func mutate(s string, i int) string {
	c := s[i]
	switch {
	case c >= '0' && c <= '9':
		c = '0' + (c-'0'+1)%10
	case c >= 'a' && c <= 'z':
		c = 'a' + (c-'a'+1)%26
	case c >= 'A' && c <= 'Z':
		c = 'A' + (c-'A'+1)%26
	default:
		c = 'q'
	}
	return s[:i] + string(c) + s[i+1:]
}

// wireReq is a request whose every part can be changed after signing.
type wireReq struct {
	method, path, query, body string
	header                    map[string]string
}

func (w wireReq) build(t *testing.T, base string) *http.Request {
	t.Helper()
	u := base + w.path
	if w.query != "" {
		u += "?" + w.query
	}
	req, err := http.NewRequest(w.method, u, strings.NewReader(w.body))
	if err != nil {
		t.Fatalf("build %q: %v", u, err)
	}
	for k, v := range w.header {
		req.Header.Set(k, v)
	}
	return req
}

func (w wireReq) clone() wireReq {
	c := w
	c.header = map[string]string{}
	for k, v := range w.header {
		c.header[k] = v
	}
	return c
}

// TestTamperHeaderSigned: every single-byte change to a signed part of a
// header-signed request is rejected.
func TestTamperHeaderSigned(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	req, _ := http.NewRequest("POST", srv.URL+"/prod/pets/item42?color=red&size=9", strings.NewReader("hello-body"))
	req.Header.Set("X-Custom", "value7")
	if err := v4.NewSigner().SignHTTP(context.Background(), tempCreds(), req, hashHex([]byte("hello-body")), "execute-api", testRegion, testNow); err != nil {
		t.Fatal(err)
	}
	orig := wireReq{method: "POST", path: "/prod/pets/item42", query: "color=red&size=9", body: "hello-body", header: map[string]string{
		"Authorization":        req.Header.Get("Authorization"),
		"X-Amz-Date":           req.Header.Get("X-Amz-Date"),
		"X-Amz-Security-Token": req.Header.Get("X-Amz-Security-Token"),
		"X-Custom":             "value7",
	}}
	if res := do(t, nil, orig.build(t, srv.URL)); res.status != 200 {
		t.Fatalf("untampered request rejected: %d %s", res.status, res.message)
	}

	auth := orig.header["Authorization"]
	credStart := strings.Index(auth, "Credential=") + len("Credential=")
	credEnd := strings.Index(auth, ",")
	sigStart := strings.Index(auth, "Signature=") + len("Signature=")
	type variant struct {
		part string
		i    int
		w    wireReq
	}
	var vs []variant
	add := func(part string, n int, f func(w *wireReq, i int)) {
		for i := 0; i < n; i++ {
			w := orig.clone()
			f(&w, i)
			vs = append(vs, variant{part, i, w})
		}
	}
	add("method", len(orig.method), func(w *wireReq, i int) { w.method = mutate(w.method, i) })
	// Byte 0 is the leading '/', which every request line has.
	add("path", len(orig.path)-1, func(w *wireReq, i int) { w.path = mutate(w.path, i+1) })
	add("query", len(orig.query), func(w *wireReq, i int) { w.query = mutate(w.query, i) })
	add("x-custom", len("value7"), func(w *wireReq, i int) { w.header["X-Custom"] = mutate("value7", i) })
	add("body", len(orig.body), func(w *wireReq, i int) { w.body = mutate(w.body, i) })
	add("x-amz-date", len(orig.header["X-Amz-Date"]), func(w *wireReq, i int) { w.header["X-Amz-Date"] = mutate(orig.header["X-Amz-Date"], i) })
	add("credential scope", credEnd-credStart, func(w *wireReq, i int) { w.header["Authorization"] = mutate(auth, credStart+i) })
	add("session token", len(tempToken), func(w *wireReq, i int) { w.header["X-Amz-Security-Token"] = mutate(tempToken, i) })
	add("signature", len(auth)-sigStart, func(w *wireReq, i int) { w.header["Authorization"] = mutate(auth, sigStart+i) })

	var rejected int
	for _, v := range vs {
		res := do(t, nil, v.w.build(t, srv.URL))
		if res.status < 400 {
			t.Errorf("%s byte %d changed (%s %s?%s) was accepted", v.part, v.i, v.w.method, v.w.path, v.w.query)
			continue
		}
		if res.header.Get("x-amzn-ErrorType") == "" {
			t.Errorf("%s byte %d: rejection without x-amzn-ErrorType", v.part, v.i)
		}
		rejected++
	}
	t.Logf("%d single-byte tamperings, %d rejected", len(vs), rejected)

	// Adding an unsigned header is not tampering.
	w := orig.clone()
	w.header["X-Not-Signed"] = "anything"
	if res := do(t, nil, w.build(t, srv.URL)); res.status != 200 {
		t.Errorf("unsigned header added: %d %s", res.status, res.message)
	}
}

// TestTamperPresigned: every single-byte change to the query of a presigned
// URL (its own X-Amz-* parameters included) is rejected.
func TestTamperPresigned(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	signedURL := presigned(t, "GET", srv.URL+"/prod/pets/item42?color=red", tempCreds(), testNow, 0)
	u, _ := url.Parse(signedURL)
	if res := get(t, signedURL, nil); res.status != 200 {
		t.Fatalf("untampered presigned URL rejected: %d %s", res.status, res.message)
	}
	q := u.RawQuery
	n := 0
	for i := 0; i < len(q); i++ {
		res := get(t, srv.URL+u.Path+"?"+mutate(q, i), nil)
		if res.status < 400 {
			t.Errorf("query byte %d (%q) changed was accepted", i, q[i])
		}
		n++
	}
	t.Logf("%d single-byte tamperings of the presigned query rejected", n)
}
