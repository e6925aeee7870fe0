package awsauth

import (
	"net/http"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// A remembered recomputation is the SDK's answer for the same request,
// and a request that differs in anything the signer reads (a header
// value, the query, the path, the secret, the time, the payload hash,
// presigning) is signed anew: each answer equals a fresh signing.
func TestRecomputeMemoIsTheSigners(t *testing.T) {
	when := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	base := func() (*http.Request, Signing) {
		r, err := http.NewRequest("GET", "http://127.0.0.1/prod/pets?limit=10", nil)
		if err != nil {
			t.Fatal(err)
		}
		r.RequestURI = "/prod/pets?limit=10"
		r.Header.Set("X-Amz-Date", when.Format(amzDateLayout))
		r.Header.Set("X-Note", "a")
		return r, Signing{AccessKeyID: "AKID", Secret: "secret", Service: "execute-api", Region: "us-east-1", Time: when,
			SignedHeaders: []string{"host", "x-amz-date", "x-note"}, PayloadHash: "UNSIGNED-PAYLOAD"}
	}
	variants := map[string]func(*http.Request, *Signing){
		"same":      func(*http.Request, *Signing) {},
		"base":      func(*http.Request, *Signing) {},
		"header":    func(r *http.Request, _ *Signing) { r.Header.Set("X-Note", "b") },
		"two":       func(r *http.Request, _ *Signing) { r.Header.Add("X-Note", "b") },
		"unsigned":  func(r *http.Request, s *Signing) { s.SignedHeaders = s.SignedHeaders[:2] },
		"query":     func(r *http.Request, _ *Signing) { r.URL.RawQuery = "limit=11" },
		"path":      func(r *http.Request, _ *Signing) { r.RequestURI = "/prod/pet?limit=10" },
		"host":      func(r *http.Request, _ *Signing) { r.Host = "localhost" },
		"method":    func(r *http.Request, _ *Signing) { r.Method = "HEAD" },
		"secret":    func(_ *http.Request, s *Signing) { s.Secret = "other" },
		"akid":      func(_ *http.Request, s *Signing) { s.AccessKeyID = "AKID2" },
		"time":      func(_ *http.Request, s *Signing) { s.Time = s.Time.Add(time.Second) },
		"payload":   func(_ *http.Request, s *Signing) { s.PayloadHash = emptyPayloadSHA },
		"region":    func(_ *http.Request, s *Signing) { s.Region = "eu-west-1" },
		"service":   func(_ *http.Request, s *Signing) { s.Service = "sts" },
		"presigned": func(_ *http.Request, s *Signing) { s.Presigned = true },
		"s3 path":   func(_ *http.Request, s *Signing) { s.S3Path = "/prod/pets/" },
	}
	forget := func() {
		recomputed.mu.Lock()
		defer recomputed.mu.Unlock()
		clear(recomputed.entries)
	}
	recompute := func(name string) Recomputed {
		r, s := base()
		variants[name](r, &s)
		out, err := Recompute(v4.NewSigner(), r, s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out
	}
	// The access key id is not in the signature (only in the header's
	// Credential), but it is in the table's key all the same.
	isBase := func(name string) bool { return name == "same" || name == "base" || name == "akid" }
	fresh := map[string]Recomputed{}
	bySignature := map[string]string{}
	for name := range variants {
		forget()
		fresh[name] = recompute(name)
		if other, ok := bySignature[fresh[name].Signature]; ok && !(isBase(name) && isBase(other)) {
			t.Errorf("%s and %s are signed alike", name, other)
		}
		bySignature[fresh[name].Signature] = name
	}
	forget()
	for name := range variants {
		recompute(name) // remembered
	}
	if n := len(recomputed.entries); n != len(variants)-1 { // "same" is "base"
		t.Errorf("%d remembered for %d different requests", n, len(variants)-1)
	}
	for name := range variants {
		if got := recompute(name); got != fresh[name] {
			t.Errorf("%s: remembered %+v, the signer said %+v", name, got, fresh[name])
		}
	}
}

const emptyPayloadSHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
