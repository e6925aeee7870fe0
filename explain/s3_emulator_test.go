package explain

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
)

// TestS3MissingContentSHA256: S3's InvalidRequest for a header signature
// without x-amz-content-sha256 (as real S3 and the emulator answer it) is
// that header, certain, quoting the request that lacks it.
func TestS3MissingContentSHA256(t *testing.T) {
	sent := &sign.Request{Method: "GET", Scheme: "http", Host: "127.0.0.1:4566", Path: "/prod/pets/photo.jpg",
		Headers: []sign.Header{{Name: "Authorization", Value: "AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"}, {Name: "X-Amz-Date", Value: "20261207T120000Z"}}}
	d, ok := Explain(Input{Body: s3Error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", ""), Request: sent})
	if !ok || d.Kind != KindMissingContentSHA256 || d.Format != FormatS3XML || d.Hint == "" {
		t.Fatalf("ok %v kind %q format %q", ok, d.Kind, d.Format)
	}
	c := d.Causes[0]
	if c.ID != CausePayload || !c.Certain || !strings.Contains(c.Evidence, "the request has none") || len(c.Quotes) != 2 || c.Quotes[1].Text != "GET /prod/pets/photo.jpg HTTP/1.1" {
		t.Errorf("%+v", c)
	}
}

// TestS3MismatchFromTheEmulator: S3's SignatureDoesNotMatch shows the
// path it signs (the key decoded and encoded once: %7e is ~); a client
// that signed the escape as written (aws-sdk-go-v2's S3 mode does) is
// told the path, not the key.
func TestS3MismatchFromTheEmulator(t *testing.T) {
	req := &sign.Request{Method: "GET", Scheme: "http", Host: "127.0.0.1:4566", Path: "/prod/pets/%7euser"}
	server := signed(t, req, sign.Options{Region: "us-east-1", Service: "s3", S3: true})
	if !strings.Contains(server.CanonicalRequest, "\n/prod/pets/~user\n") {
		t.Fatalf("S3's canonical request: %q", server.CanonicalRequest)
	}
	// What the client signed: the same, with the path as written.
	client := *server
	client.CanonicalRequest = strings.Replace(server.CanonicalRequest, "/prod/pets/~user", "/prod/pets/%7euser", 1)
	sum := sha256.Sum256([]byte(client.CanonicalRequest))
	sts := strings.Split(server.StringToSign, "\n")
	sts[3] = hex.EncodeToString(sum[:])
	client.StringToSign = strings.Join(sts, "\n")
	body := s3Error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		"<AWSAccessKeyId>AKID</AWSAccessKeyId><StringToSign>"+server.StringToSign+"</StringToSign><SignatureProvided>00</SignatureProvided><CanonicalRequest>"+server.CanonicalRequest+"</CanonicalRequest>")
	d, ok := Explain(Input{Body: body, Request: server.Signed, Trace: &client})
	if !ok || d.Kind != KindMismatch || d.ServerCanonicalRequest != server.CanonicalRequest {
		t.Fatalf("ok %v kind %q canonical %q", ok, d.Kind, d.ServerCanonicalRequest)
	}
	if c := d.Causes[0]; c.ID != CausePath || !c.Certain {
		t.Errorf("first cause %s %q; all %v", c.ID, c.Evidence, causeIDs(d.Causes))
	}
}
