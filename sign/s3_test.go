package sign

import (
	"strings"
	"testing"
	"time"
)

// The examples of Amazon S3's SigV4 documentation (header and presigned
// GET of examplebucket/test.txt), which the AWS suite does not cover.
var s3Time = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

var s3Creds = Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

func TestS3DocumentationGetObject(t *testing.T) {
	req := &Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", Path: "/test.txt", Headers: []Header{{Name: "Range", Value: "bytes=0-9"}}}
	tr, err := Sign(req, Options{Credentials: s3Creds, Region: "us-east-1", Service: "s3", Time: s3Time, S3: true})
	if err != nil {
		t.Fatal(err)
	}
	wantCanonical := "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n" +
		"x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\n" +
		"host;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if tr.CanonicalRequest != wantCanonical {
		t.Errorf("canonical request:\n%s\nwant:\n%s", tr.CanonicalRequest, wantCanonical)
	}
	if want := "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"; tr.Signature != want {
		t.Errorf("signature %s, want %s", tr.Signature, want)
	}
	if v, _ := tr.Signed.Get("X-Amz-Content-Sha256"); v != emptySHA256 {
		t.Errorf("S3 mode did not send x-amz-content-sha256: %q", v)
	}
}

func TestS3DocumentationPresignedURL(t *testing.T) {
	req := &Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", Path: "/test.txt"}
	tr, err := Sign(req, Options{Credentials: s3Creds, Region: "us-east-1", Service: "s3", Time: s3Time, S3: true,
		Presign: true, Expires: 86400 * time.Second, UnsignedPayload: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"; tr.Signature != want {
		t.Errorf("signature %s, want %s\n%s", tr.Signature, want, tr.CanonicalRequest)
	}
	if !strings.HasSuffix(tr.CanonicalRequest, "\nhost\nUNSIGNED-PAYLOAD") {
		t.Errorf("presigned S3 URL must sign only host and UNSIGNED-PAYLOAD:\n%s", tr.CanonicalRequest)
	}
	if !strings.HasPrefix(tr.PresignedURL, "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&") {
		t.Errorf("presigned URL %s", tr.PresignedURL)
	}
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func TestPathEncodingModes(t *testing.T) {
	tests := []struct {
		name, path string
		opts       Options
		want       string
	}{
		{"s3 decodes the key and encodes it once", "/my bucket/a+b%2fc%7e%41", Options{S3: true}, "/my%20bucket/a%2Bb/c~A"},
		{"s3 keeps dot segments", "/a/../b//c", Options{S3: true}, "/a/../b//c"},
		{"others encode twice", "/a%2Fb/c d", Options{}, "/a%252Fb/c%20d"},
		{"others normalize", "/a/./b/../c//d", Options{}, "/a/c/d"},
		{"normalization can be turned off", "/a/./b", Options{NormalizePath: NormalizeOff}, "/a/./b"},
		{"s3 with normalization on", "/a/./b", Options{S3: true, NormalizePath: NormalizeOn}, "/a/b"},
		{"reserved characters", "/!'()*:@", Options{}, "/%21%27%28%29%2A%3A%40"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			o.Credentials, o.Region, o.Service, o.Time = s3Creds, "us-east-1", "execute-api", s3Time
			if o.S3 {
				o.Service = "s3"
			}
			tr, err := Sign(&Request{Method: "GET", Host: "h", Path: tc.path}, o)
			if err != nil {
				t.Fatal(err)
			}
			if tr.URI.Output != tc.want {
				t.Errorf("canonical URI %q, want %q (rules %v)", tr.URI.Output, tc.want, tr.URI.Rules)
			}
		})
	}
	if _, err := Sign(&Request{Method: "GET", Host: "h", Path: "/bad%zz"}, Options{Credentials: s3Creds, Region: "us-east-1", Service: "s3", S3: true}); err == nil || !strings.Contains(err.Error(), "invalid percent-encoding") {
		t.Errorf("bad escape in S3 mode: %v", err)
	}
}

func TestPayloadModes(t *testing.T) {
	base := func() *Request {
		return &Request{Method: "PUT", Host: "h", Path: "/k", Body: []byte("hello")}
	}
	opts := Options{Credentials: s3Creds, Region: "us-east-1", Service: "s3", Time: s3Time}
	tr, _ := Sign(base(), opts)
	if tr.Payload.Hash != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" || tr.Payload.Source != "body" {
		t.Errorf("body hash: %+v", tr.Payload)
	}
	o := opts
	o.UnsignedPayload = true
	tr, _ = Sign(base(), o)
	if tr.Payload.Hash != UnsignedPayload {
		t.Errorf("unsigned payload: %+v", tr.Payload)
	}
	r := base()
	r.Headers = []Header{{Name: "x-amz-content-sha256", Value: "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}}
	tr, _ = Sign(r, opts)
	if tr.Payload.Hash != "STREAMING-UNSIGNED-PAYLOAD-TRAILER" || !strings.Contains(tr.SignedHeaders, "x-amz-content-sha256") {
		t.Errorf("payload hash from the header: %+v signed %s", tr.Payload, tr.SignedHeaders)
	}
	o = opts
	o.SignBody = true
	tr, _ = Sign(base(), o)
	if v, _ := tr.Signed.Get("X-Amz-Content-Sha256"); v != tr.Payload.Hash || !strings.Contains(tr.SignedHeaders, "x-amz-content-sha256") {
		t.Errorf("--sign-body did not add a signed x-amz-content-sha256")
	}
}

func TestPresignHoistingAndToken(t *testing.T) {
	req := &Request{Method: "GET", Host: "h", Path: "/", Headers: []Header{{Name: "X-Amz-Meta-Owner", Value: "me"}, {Name: "X-Amz-Foo", Value: "bar"}}}
	opts := Options{Credentials: Credentials{AccessKeyID: "AKID", SecretAccessKey: "s", SessionToken: "tok"}, Region: "us-east-1", Service: "s3", Time: s3Time, Presign: true}
	tr, err := Sign(req, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tr.Query.Output, "X-Amz-Foo=bar") || strings.Contains(tr.SignedHeaders, "x-amz-foo") {
		t.Errorf("X-Amz-Foo not hoisted: %s / %s", tr.Query.Output, tr.SignedHeaders)
	}
	if !strings.Contains(tr.SignedHeaders, "x-amz-meta-owner") {
		t.Errorf("X-Amz-Meta-* must stay a signed header: %s", tr.SignedHeaders)
	}
	if !strings.Contains(tr.Query.Output, "X-Amz-Security-Token=tok") {
		t.Errorf("session token not in the signed query: %s", tr.Query.Output)
	}
	opts.DisableHeaderHoisting, opts.OmitSessionToken = true, true
	tr, err = Sign(req, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tr.SignedHeaders, "x-amz-foo") || strings.Contains(tr.Query.Output, "X-Amz-Security-Token") {
		t.Errorf("no hoisting / omitted token: %s / %s", tr.SignedHeaders, tr.Query.Output)
	}
	if !strings.Contains(tr.PresignedURL, "X-Amz-Security-Token=tok") {
		t.Errorf("omitted token must still be on the URL: %s", tr.PresignedURL)
	}
}

func TestResigningReplacesThePreviousSignature(t *testing.T) {
	opts := gatewayOptions(false)
	first, err := Sign(gatewayRequest(), opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Time = opts.Time.Add(time.Hour)
	second, err := Sign(first.Signed, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(second.Signed.Display(), "Authorization:"); n != 1 {
		t.Errorf("%d Authorization headers after re-signing", n)
	}
	if strings.Contains(second.CanonicalRequest, "authorization") || strings.Count(second.CanonicalRequest, "x-amz-date:") != 1 {
		t.Errorf("re-signing signed the old signature:\n%s", second.CanonicalRequest)
	}
}

// TestNormalizePathCases: a path that ends in a dot segment gets no
// trailing slash, as aws-c-auth (the suite's source), botocore and aws4
// normalize it, though RFC 3986 would keep one.
func TestNormalizePathCases(t *testing.T) {
	for in, want := range map[string]string{
		"/": "/", "//": "/", "/a//b": "/a/b", "/a/./b": "/a/b", "/a/../b": "/b", "/a/b/..": "/a", "/a/b/.": "/a/b",
		"/..": "/", "/a/..b/c": "/a/..b/c", "/a.b/c": "/a.b/c", "/a/b/": "/a/b/", "/%2E%2E/x": "/%2E%2E/x",
	} {
		if got, _ := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestServiceSelectsTheRule: the server's rule follows the service of the
// scope (awsrule.FamilyOf), not a flag the caller may forget: signing or
// verifying for s3 encodes the path once and keeps its dot segments.
func TestServiceSelectsTheRule(t *testing.T) {
	req := &Request{Method: "GET", Host: "examplebucket.s3.amazonaws.com", Path: "/a%2Fb/../c"}
	tr, err := Sign(req, Options{Credentials: s3Creds, Region: "us-east-1", Service: "s3", Time: s3Time})
	if err != nil {
		t.Fatal(err)
	}
	if tr.URI.Output != "/a/b/../c" {
		t.Errorf("service s3 signed the canonical URI %q, want S3's /a/b/../c (the key decoded, dots kept)", tr.URI.Output)
	}
	if _, ok := tr.Signed.Get("X-Amz-Content-Sha256"); !ok {
		t.Error("service s3 did not send x-amz-content-sha256")
	}
	v, err := Verify(VerifyInput{Request: tr.Signed, SecretAccessKey: s3Creds.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Valid() || v.Trace.URI.Output != "/a/b/../c" {
		t.Errorf("verify without S3 set: valid %v, URI %q: %+v", v.Valid(), v.Trace.URI.Output, v.Problems)
	}
}
