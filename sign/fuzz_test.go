package sign

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzAgreement signs arbitrary paths, queries and headers in every mode
// and fails on any disagreement between the trace and aws-sdk-go-v2 (Sign's
// own cross-check, with the path as sigscope normalized and encoded it),
// and on any disagreement of the canonical URI with the SDK handed the raw
// path and with internal/sigv4ref (checkOracles).
func FuzzAgreement(f *testing.F) {
	f.Add("/example space/", "Param1=value1&Param1=value2", "My-Header1", " a   b\tc ", []byte("body"), byte(0))
	f.Add("//a/./b/../c//", "a+b=c%2Bd&&=x&k", "X-Amz-Meta-Foo", "v", []byte{}, byte(1))
	f.Add("/%E1%88%B4/%2F/!'()*", "%E1%88%B4=bar&~-._=%7E", "Content-Length", "4", []byte("abcd"), byte(2))
	f.Add("/bucket/key with spaces", "X-Amz-Foo=1", "X-Amz-Foo", "2", []byte(nil), byte(4|1))
	f.Add("/", "", "X-Amz-Expected-Bucket-Owner", "123", []byte(nil), byte(8|1))
	// Lower-case escapes, dot segments and double slashes in S3 mode (kept,
	// escapes upper-cased) and outside it (normalized, encoded again).
	f.Add("/%e1%88%b4/./a%2fb/../%7euser//k", "", "X-Test", "x", []byte(nil), byte(2))
	f.Add("/a/b/../%e1%88%b4/.", "", "X-Test", "x", []byte(nil), byte(0))
	f.Add("/a/./b//../c/%7e", "", "X-Test", "x", []byte(nil), byte(64))
	matches, _ := filepath.Glob(filepath.Join(suiteDir, "*", "request.txt"))
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		r, err := ParseRaw(data, "https")
		if err != nil {
			continue
		}
		name, value := "X-Test", "x"
		if len(r.Headers) > 0 {
			name, value = r.Headers[0].Name, r.Headers[0].Value
		}
		f.Add(r.Path, r.RawQuery, name, value, r.Body, byte(0))
	}
	f.Fuzz(func(t *testing.T, path, query, name, value string, body []byte, flags byte) {
		if strings.ContainsAny(path, "?#") || strings.Contains(query, "#") || strings.ContainsAny(value, "\r\n") {
			return // not representable on a request line or header line
		}
		req := &Request{Method: "POST", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: path, RawQuery: query,
			Headers: []Header{{Name: name, Value: value}, {Name: "Content-Type", Value: "application/json"}}, Body: body}
		opts := Options{
			Credentials:           Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "tok/en+=="},
			Region:                "us-east-1",
			Service:               "execute-api",
			Time:                  time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC),
			Presign:               flags&1 != 0,
			S3:                    flags&2 != 0,
			UnsignedPayload:       flags&4 != 0,
			DisableHeaderHoisting: flags&8 != 0,
			SignBody:              flags&16 != 0,
			OmitSessionToken:      flags&32 != 0,
		}
		if flags&64 != 0 {
			opts.NormalizePath = NormalizeOff
		}
		tr, err := Sign(req, opts)
		var dis *DisagreementError
		if errors.As(err, &dis) {
			t.Fatalf("trace and SDK disagree for path=%q query=%q header %q=%q flags=%08b: %v", path, query, name, value, flags, err)
		}
		if err != nil {
			return // rejected input: invalid header name, bad escape, ...
		}
		if !strings.HasPrefix(tr.CanonicalRequest, "POST\n"+tr.URI.Output+"\n"+tr.Query.Output+"\n") {
			t.Fatalf("canonical request does not start with method, URI and query:\n%s", tr.CanonicalRequest)
		}
		if tr.Signed == nil || len(tr.Signature) != 64 {
			t.Fatalf("no signed request or a malformed signature %q", tr.Signature)
		}
		if err := checkOracles(req, opts, tr); err != nil {
			t.Fatalf("path=%q flags=%08b: %v", path, flags, err)
		}
	})
}
