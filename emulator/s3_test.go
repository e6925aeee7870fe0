package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestS3BesideTheGateway: one listener, one path; the credential scope
// decides. Signed for s3, /prod/pets/photo.jpg is an object of bucket
// prod; signed for execute-api, /prod/pets the gateway's route.
func TestS3BesideTheGateway(t *testing.T) {
	srv := startDefault(t, Options{})
	cfg := DefaultConfig()
	creds := aws.Credentials{AccessKeyID: cfg.Credentials[0].AccessKeyID, SecretAccessKey: cfg.Credentials[0].SecretAccessKey}
	hc := &http.Client{}
	s3req := func(method, path, body string) *http.Request {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		sum := sha256.Sum256([]byte(body))
		hash := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, "s3", cfg.Region, time.Now(),
			func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
			t.Fatal(err)
		}
		return req
	}
	if a := send(t, hc, s3req("GET", "/prod/pets/photo.jpg", "")); a.status != 404 || !strings.Contains(a.raw, "<Code>NoSuchKey</Code>") {
		t.Fatalf("S3 GET of a missing key: %d %s", a.status, a.raw)
	}
	if a := send(t, hc, s3req("PUT", "/prod/pets/photo.jpg", "jpeg bytes")); a.status != 200 || a.header.Get("ETag") == "" {
		t.Fatalf("S3 PUT: %d %s", a.status, a.raw)
	}
	if a := send(t, hc, s3req("GET", "/prod/pets/photo.jpg", "")); a.status != 200 || a.raw != "jpeg bytes" {
		t.Fatalf("S3 GET: %d %s", a.status, a.raw)
	}
	if a := send(t, hc, signedReq(t, "GET", srv.APIURL()+"/pets", creds)); a.status != 200 || a.json == nil {
		t.Fatalf("the gateway beside S3: %d %s", a.status, a.raw)
	}
}
