package apigw

import (
	"strings"
	"testing"
)

// dotPaths are paths AWS normalizes before it encodes them (every service
// but S3, RFC 3986 "Remove Dot Segments", duplicate slashes merged), with
// what it reads.
var dotPaths = []struct{ sent, normalized string }{
	{"/prod/pets/x/../y", "/prod/pets/y"},
	{"/prod/pets/./z", "/prod/pets/z"},
	{"/prod/pets//double", "/prod/pets/double"},
	{"/prod/./pets/a/b/..", "/prod/pets/a"},
}

// TestDotSegmentsReadAsAWSReadsThem: a client that signs the normalized
// path and sends it as written (botocore, aws4, sigscope) is accepted and
// routed by the path AWS reads; one that signs the path as written (curl
// --path-as-is) is refused, and the mismatch shows the normalized path.
func TestDotSegmentsReadAsAWSReadsThem(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	for _, p := range dotPaths {
		t.Run(p.sent, func(t *testing.T) {
			req := signed(t, "GET", srv.URL+p.normalized, "", staticCreds(), testRegion, "execute-api", testNow, nil)
			req.URL.Path, req.URL.RawPath = p.sent, ""
			res := do(t, nil, req)
			if res.status != 200 {
				t.Fatalf("signed as AWS reads it, sent as written: status %d: %s", res.status, res.message)
			}
			if got := jsonPath(res.json, "requestContext", "path"); got != p.normalized {
				t.Errorf("requestContext.path %v, want %s", got, p.normalized)
			}
			if got := jsonPath(res.json, "rawPath"); got != p.sent {
				t.Errorf("rawPath %v, want the path as received %s", got, p.sent)
			}

			req = signed(t, "GET", srv.URL+p.sent, "", staticCreds(), testRegion, "execute-api", testNow, nil)
			res = do(t, nil, req)
			if res.status != 403 || res.header.Get("x-amzn-ErrorType") != ErrInvalidSignature {
				t.Fatalf("signed as written: status %d, want 403: %s", res.status, res.message)
			}
			if want := "'GET\n" + p.normalized + "\n"; !strings.Contains(res.message, want) {
				t.Errorf("the mismatch does not show the normalized path %q:\n%s", p.normalized, res.message)
			}
		})
	}
}

// TestSemicolonInQueryIsAByte: AWS reads ';' in a query as an ordinary
// byte (%3B), where Go's form decoder would drop the pair.
func TestSemicolonInQueryIsAByte(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	req := signed(t, "GET", srv.URL+"/prod/pets?a=1%3Bb&c=3", "", staticCreds(), testRegion, "execute-api", testNow, nil)
	req.URL.RawQuery = "a=1;b&c=3"
	if res := do(t, nil, req); res.status != 200 {
		t.Fatalf("';' signed as %%3B, sent raw: status %d: %s", res.status, res.message)
	}
	req = signed(t, "GET", srv.URL+"/prod/pets?c=3", "", staticCreds(), testRegion, "execute-api", testNow, nil)
	req.URL.RawQuery = "a=1;b&c=3"
	if res := do(t, nil, req); res.status != 403 {
		t.Fatalf("the pair with ';' left out of the signature: status %d, want 403", res.status)
	}
}
