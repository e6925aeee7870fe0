package sign

import (
	"strings"
	"testing"
)

// signedThenSent signs path as a signer would have, then replaces the
// path with what its HTTP stack sent, and verifies that.
func signedThenSent(t *testing.T, signedPath, sentPath, service string) *Verification {
	t.Helper()
	tr, err := Sign(&Request{Method: "GET", Host: "example.amazonaws.com", Path: signedPath},
		Options{Credentials: s3Creds, Region: "us-east-1", Service: service, Time: s3Time})
	if err != nil {
		t.Fatal(err)
	}
	sent := *tr.Signed
	sent.Path = sentPath
	v, err := Verify(VerifyInput{Request: &sent, SecretAccessKey: s3Creds.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestVerifyNamesStackRewrites: botocore signs escapes as written and
// urllib3 sends them upper-cased; smithy signs a path's UTF-8 and node's
// http sends latin-1 bytes. verify names each with the signer's release.
func TestVerifyNamesStackRewrites(t *testing.T) {
	for _, c := range []struct {
		name, signed, sent, service, cause, says string
	}{
		// botocore's canonical URI for /p/%7euser is AWS's (quote encodes '%').
		{"urllib3 upper-cases a path escape", "/p/%7euser", "/p/%7Euser", "execute-api", VariantEscapesUppercased, "botocore 1.29.27"},
		// smithy's canonical URI for the UTF-8 path is AWS's.
		{"smithy's path sent as latin-1", "/p/café", "/p/caf\xe9", "execute-api", VariantPathLatin1, "@smithy/signature-v4 5.7.5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := signedThenSent(t, c.signed, c.sent, c.service)
			if v.Valid() || v.Cause != c.cause {
				t.Fatalf("valid %v, cause %q, want %q: %+v", v.Valid(), v.Cause, c.cause, v.Problems)
			}
			if !strings.Contains(v.Problems[len(v.Problems)-2].Detail, c.says) {
				t.Errorf("the cause does not name %s: %+v", c.says, v.Problems)
			}
		})
	}
}

// TestVerifyS3NeedsPayloadHeader: S3 refuses a header-signed request
// without x-amz-content-sha256, whatever its signature (curl 7.88 sends
// none); verify says so.
func TestVerifyS3NeedsPayloadHeader(t *testing.T) {
	tr, err := Sign(&Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", Path: "/k"},
		Options{Credentials: s3Creds, Region: "us-east-1", Service: "s3", Time: s3Time})
	if err != nil {
		t.Fatal(err)
	}
	sent := *tr.Signed
	sent.Headers = append([]Header(nil), sent.Headers...)
	sent.Del("X-Amz-Content-Sha256")
	v, err := Verify(VerifyInput{Request: &sent, SecretAccessKey: s3Creds.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range v.Problems {
		found = found || p.Step == StepPayloadHash && strings.Contains(p.Detail, "S3 requires x-amz-content-sha256")
	}
	if v.Valid() || !found {
		t.Errorf("valid %v; no S3 payload-header problem: %+v", v.Valid(), v.Problems)
	}
}

// TestS3PathIsTheDecodedKey: S3 signs the object key, decoded and encoded
// once, so the same key written two ways signs alike (the differential
// test's reference does the same).
func TestS3PathIsTheDecodedKey(t *testing.T) {
	for in, want := range map[string]string{
		"/b/%7euser": "/b/~user", "/b/~user": "/b/~user", "/b/%c3%a9": "/b/%C3%A9", "/b/a+b": "/b/a%2Bb",
		"/b/a;b=c": "/b/a%3Bb%3Dc", "/b/x/../y": "/b/x/../y", "/b//d": "/b//d", "/b/%41": "/b/A", "": "/",
	} {
		tr, err := Sign(&Request{Method: "GET", Host: "s3.amazonaws.com", Path: in},
			Options{Credentials: s3Creds, Region: "us-east-1", Service: "s3", Time: s3Time})
		if err != nil {
			t.Fatal(err)
		}
		if tr.URI.Output != want {
			t.Errorf("%q: canonical URI %q, want %q", in, tr.URI.Output, want)
		}
	}
}

// TestCompareSeesStackRewrites: compare's verdict is for the bytes the
// signer's own HTTP stack sends: botocore signs /p/%7euser as AWS does,
// but urllib3 sends %7E; smithy signs café as AWS does, but node sends
// latin-1.
func TestCompareSeesStackRewrites(t *testing.T) {
	for _, c := range []struct{ path, signer, target string }{
		{"/p/%7euser", dialectBotocore, "/p/%7Euser"},
		{"/p/a;b", dialectBotocore, "/p/a"},
		{"/p/café", dialectSmithy, "/p/caf\xe9"},
	} {
		d := result(t, compareOrFail(t, dialectRequest(c.path, ""), Options{}), c.signer)
		if !d.Same || d.Verdict != VerdictRejected || d.OwnRequest == nil || d.OwnRequest.Target != c.target ||
			len(d.Lines) == 0 || d.Lines[0].Rules[0].ID != "sent-after-signing" {
			t.Errorf("%s, %s: %+v", c.path, c.signer, d)
		}
	}
	if d := result(t, compareOrFail(t, dialectRequest("/p/%7Euser", ""), Options{}), dialectBotocore); d.Verdict != VerdictAccepted {
		t.Errorf("botocore on bytes urllib3 leaves alone: %+v", d)
	}
}
