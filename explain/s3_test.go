package explain

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
)

func s3Error(code, message, rest string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>" + code + "</Code><Message>" + message + "</Message>" + rest + "<RequestId>R</RequestId><HostId>H</HostId></Error>")
}

const sha256Mismatch = "The provided 'x-amz-content-sha256' header does not match what was computed."

// TestS3PayloadHash: XAmzContentSHA256Mismatch is the body sent not being
// the body hashed; the empty body's hash is named as such, on either side.
func TestS3PayloadHash(t *testing.T) {
	body := []byte("hello")
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	hashes := func(client, server string) []byte {
		return s3Error("XAmzContentSHA256Mismatch", sha256Mismatch,
			"<ClientComputedContentSHA256>"+client+"</ClientComputedContentSHA256><S3ComputedContentSHA256>"+server+"</S3ComputedContentSHA256>")
	}
	cases := []struct {
		name     string
		in       Input
		evidence []string
	}{
		{"empty body hashed", Input{Body: hashes(emptyHash, bodyHash)},
			[]string{"declared x-amz-content-sha256 e3b0c442…, the SHA-256 of an empty body, but S3 received a body (hashing to " + bodyHash[:8] + "…)"}},
		{"empty body received", Input{Body: hashes(bodyHash, emptyHash)},
			[]string{"S3 received an empty body (e3b0c442… is the SHA-256 of nothing) while the request declared " + bodyHash[:8] + "…", "a redirect or a retry"}},
		{"the body given is what S3 received", Input{Body: hashes(emptyHash, bodyHash), Request: &sign.Request{Method: "PUT", Host: "b.s3.amazonaws.com", Path: "/k", Body: body}},
			[]string{"the body given is the one S3 received, so the declared hash was computed on another"}},
		{"the body given is what was hashed", Input{Body: hashes(bodyHash, "29652d3a3dfbe81d0f73f5b95f10cfd292c3cc983137ce78aee861a2c53414c5"), Request: &sign.Request{Method: "PUT", Host: "b.s3.amazonaws.com", Path: "/k", Body: body}},
			[]string{"the body sent is not the body hashed", "the body given is the one that was hashed, so S3 received another"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := Explain(tc.in)
			if !ok || d.Kind != KindPayloadHashMismatch || d.Format != FormatS3XML {
				t.Fatalf("ok %v kind %q", ok, d.Kind)
			}
			c := d.Causes[0]
			if c.ID != CausePayload || !c.Certain {
				t.Fatalf("%+v", c)
			}
			for _, w := range tc.evidence {
				if !strings.Contains(c.Evidence, w) {
					t.Errorf("evidence lacks %q: %s", w, c.Evidence)
				}
			}
			if len(c.Quotes) != 2 || !strings.HasPrefix(c.Quotes[0].Text, "<ClientComputedContentSHA256>") || !strings.HasPrefix(c.Quotes[1].Text, "<S3ComputedContentSHA256>") {
				t.Errorf("quotes %+v", c.Quotes)
			}
			if d.ClientContentSHA256 == "" || d.ServerContentSHA256 == "" {
				t.Errorf("hashes not read: %+v", d.Answer)
			}
		})
	}
	if h := Hint(400, hashes(emptyHash, bodyHash)); !strings.Contains(h, "the body sent is not the body hashed") {
		t.Errorf("hint %q", h)
	}
}

// TestS3TemporaryKeyWithoutToken: S3's echo of the access key id and its
// canonical request without an x-amz-security-token line point to the
// missing session token.
func TestS3TemporaryKeyWithoutToken(t *testing.T) {
	cr := "GET\n/photo.jpg\n\nhost:b.s3.eu-west-1.amazonaws.com\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20260102T030405Z\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"
	body := s3Error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		"<AWSAccessKeyId>ASIAEXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20260102T030405Z\n20260102/eu-west-1/s3/aws4_request\n"+strings.Repeat("ab", 32)+"</StringToSign><CanonicalRequest>"+cr+"</CanonicalRequest>")
	d, _ := Explain(Input{Body: body})
	c := d.Causes[0]
	if c.ID != CauseSessionToken || !strings.Contains(c.Evidence, "ASIAEXAMPLE is a temporary access key, but AWS's canonical request has no x-amz-security-token line") ||
		c.Quotes[0].Text != "<AWSAccessKeyId>ASIAEXAMPLE</AWSAccessKeyId>" {
		t.Errorf("%+v", c)
	}
}

// TestS3Clock: RequestTimeTooSkewed says which way and S3's allowance.
func TestS3Clock(t *testing.T) {
	body := s3Error("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.",
		"<RequestTime>20260102T030405Z</RequestTime><ServerTime>2026-01-02T03:25:05Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>")
	d, _ := Explain(Input{Body: body})
	c := d.Causes[0]
	if d.Kind != KindTimeTooSkewed || c.ID != CauseClock || !strings.Contains(c.Evidence, "signed at 20260102T030405Z, 21m0s before the server's clock (20260102T032505Z)") ||
		!strings.Contains(c.Evidence, "S3 allows 15m0s either way") || c.Quotes[0].Text != "<RequestTime>20260102T030405Z</RequestTime>" {
		t.Errorf("%+v", c)
	}
	if !strings.Contains(d.Hint, "15 minutes") {
		t.Errorf("hint %q", d.Hint)
	}
}

// TestAmzTime reads the forms S3 writes its times in.
func TestAmzTime(t *testing.T) {
	for in, want := range map[string]string{
		"20150604T232559Z":              "20150604T232559Z",
		"2015-06-04T22:26:16Z":          "20150604T222616Z",
		"2019-03-30T13:18:53.000Z":      "20190330T131853Z",
		"1473415775000":                 "20160909T100935Z",
		"Thu, 04 Jun 2015 23:25:59 GMT": "20150604T232559Z",
	} {
		if got, ok := amzTime(in); !ok || got != want {
			t.Errorf("amzTime(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := amzTime("soon"); ok {
		t.Error("read a time from nothing")
	}
}

// TestS3AccessDenied: S3's plain Access Denied is a policy's refusal, with
// S3's own hint.
func TestS3AccessDenied(t *testing.T) {
	d, ok := Explain(Input{Body: s3Error("AccessDenied", "Access Denied", "")})
	if !ok || d.Kind != KindAccessDenied || d.Causes[0].ID != CausePermission || !strings.Contains(d.Hint, "bucket policy") || strings.Contains(d.Hint, "execute-api") {
		t.Errorf("%v %q %+v", ok, d.Hint, d.Causes)
	}
}
