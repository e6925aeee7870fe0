package cookies

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator/apigw"
)

// cfEncode is CloudFront's URL-safe base64 written out from AWS's
// documentation, independently of the code under test.
func cfEncode(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	s = strings.ReplaceAll(s, "+", "-")
	s = strings.ReplaceAll(s, "=", "_")
	return strings.ReplaceAll(s, "/", "~")
}

func TestDecodeCloudFrontAlphabet(t *testing.T) {
	// These bytes make standard base64 use '+', '/' and '=' padding.
	raw := []byte{0xfb, 0xff, 0xbf, 0x3e, 0x00}
	enc := cfEncode(raw)
	if !strings.ContainsAny(enc, "-~_") {
		t.Fatalf("test input %q does not exercise the alphabet", enc)
	}
	got, err := DecodeCloudFront(enc)
	if err != nil || string(got) != string(raw) {
		t.Errorf("DecodeCloudFront(%q) = %x, %v", enc, got, err)
	}
	// The emulator encodes with its own implementation; both must agree.
	if got, err := DecodeCloudFront(apigw.CloudFrontEncode(raw)); err != nil || string(got) != string(raw) {
		t.Errorf("emulator encoding: %x, %v", got, err)
	}
	if _, err := DecodeCloudFront("not*base64"); err == nil {
		t.Errorf("undecodable value accepted")
	}
}

func TestFindCloudFrontCustomPolicy(t *testing.T) {
	policy := `{"Statement":[{"Resource":"https://d111.cloudfront.net/private/*","Condition":{"DateLessThan":{"AWS:EpochTime":1893456000},"DateGreaterThan":{"AWS:EpochTime":1767225600},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}`
	cs := []Cookie{
		{Name: "session", Value: "x"},
		{Name: CloudFrontPolicy, Value: cfEncode([]byte(policy))},
		{Name: CloudFrontSignature, Value: "c2lnbmF0dXJl"},
		{Name: CloudFrontKeyPairID, Value: "K2JCJMDEHXQW5F"},
	}
	cf, ok := FindCloudFront(cs)
	if !ok {
		t.Fatal("not recognized")
	}
	if cf.Resource != "https://d111.cloudfront.net/private/*" || cf.KeyPairID != "K2JCJMDEHXQW5F" || !cf.HasSignature || cf.Canned {
		t.Errorf("got %+v", cf)
	}
	if want := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC); !cf.Expires.Equal(want) {
		t.Errorf("Expires = %v, want %v", cf.Expires, want)
	}
	if want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !cf.NotBefore.Equal(want) {
		t.Errorf("NotBefore = %v, want %v", cf.NotBefore, want)
	}
	if cf.SourceIP != "192.0.2.0/24" || cf.Policy != policy || len(cf.Problems) != 0 {
		t.Errorf("SourceIP %q, policy %q, problems %q", cf.SourceIP, cf.Policy, cf.Problems)
	}
}

func TestFindCloudFrontCannedAndBroken(t *testing.T) {
	cf, ok := FindCloudFront([]Cookie{{Name: CloudFrontExpires, Value: "1893456000"}, {Name: CloudFrontSignature, Value: "s"}, {Name: CloudFrontKeyPairID, Value: "K1"}})
	if !ok || !cf.Canned || cf.Expires.Year() != 2030 || len(cf.Problems) != 0 {
		t.Errorf("canned: %+v", cf)
	}
	cf, ok = FindCloudFront([]Cookie{{Name: CloudFrontPolicy, Value: cfEncode([]byte(`{"Statement":[]}`))}})
	if !ok || len(cf.Problems) != 3 {
		t.Errorf("broken set: %+v (want missing key pair id, missing signature, empty policy)", cf.Problems)
	}
	if _, ok := FindCloudFront([]Cookie{{Name: "sid", Value: "1"}}); ok {
		t.Errorf("plain cookies recognized as CloudFront's")
	}
}
