package sign

import (
	"strings"
	"testing"
)

// TestVerifyNamesBytesDroppedAfterSigning: botocore signs a path's last
// segment with its ;params and urllib3 sends it without them. No variant
// of the bytes received reproduces that signature; the User-Agent names
// the client that does this, and verify says so instead of the generic
// "wrong key, or changed"; without such a client it keeps the generic.
func TestVerifyNamesBytesDroppedAfterSigning(t *testing.T) {
	for _, tc := range []struct {
		ua, cause string
	}{
		{"Botocore/1.29.27 Python/3.11.2 Linux/6.1", VariantParamsDropped},
		{"python-urllib3/1.26.12", VariantParamsDropped},
		{"aws-cli/2.15.0 Python/3.11.6", VariantParamsDropped},
		{"curl/7.88.1", ""},
		{"", ""},
	} {
		req := &Request{Method: "GET", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets/a;b=c"}
		sent := signedWith(t, req, nil)
		sent.Path = "/prod/pets/a"
		if tc.ua != "" { // botocore leaves User-Agent out of the signature
			sent.Headers = append(sent.Headers, Header{Name: "User-Agent", Value: tc.ua})
		}
		v, err := Verify(VerifyInput{Request: sent, SecretAccessKey: testSecret, Now: testTime})
		if err != nil {
			t.Fatal(err)
		}
		if v.Valid() {
			t.Fatalf("%q: the dropped ;params verified", tc.ua)
		}
		if v.Cause != tc.cause {
			t.Errorf("%q: cause %q, want %q (%+v)", tc.ua, v.Cause, tc.cause, v.Problems)
		}
		if tc.cause == "" {
			continue
		}
		p := v.Problems[0]
		if p.Part != PartURI || !strings.Contains(p.Detail, "sends it without them") || !strings.Contains(p.Detail, tc.ua) || !strings.Contains(p.Hint, "%3B") {
			t.Errorf("%q: problem %+v", tc.ua, p)
		}
	}
}
