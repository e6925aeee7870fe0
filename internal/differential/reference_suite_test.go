package differential

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// suiteDir is the AWS SigV4 test suite kept in the repository (the same
// files as shared/sigv4-suite/v4).
const suiteDir = "../../sign/testdata/sigv4-suite/v4"

// TestReferenceOnSuite proves the reference on every header-* case of the
// AWS suite: from the signed request's bytes it must compute the suite's
// canonical request, string to sign and signature, and accept it; with
// the secret changed, or one byte of the path or query changed, refuse it.
func TestReferenceOnSuite(t *testing.T) {
	dirs, err := os.ReadDir(suiteDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(suiteDir, d.Name())
		t.Run(d.Name(), func(t *testing.T) {
			var ctx struct {
				Credentials struct {
					SecretAccessKey string `json:"secret_access_key"`
				} `json:"credentials"`
				Normalize bool   `json:"normalize"`
				Region    string `json:"region"`
				Service   string `json:"service"`
			}
			if err := json.Unmarshal(read(t, dir, "context.json"), &ctx); err != nil {
				t.Fatal(err)
			}
			r, err := parseWire(read(t, dir, "header-signed-request.txt"))
			if err != nil {
				t.Fatal(err)
			}
			o := referenceOptions{NoNormalize: !ctx.Normalize, Secret: ctx.Credentials.SecretAccessKey, Region: ctx.Region, Service: ctx.Service}
			got := judge(r, o)
			if want := string(read(t, dir, "header-canonical-request.txt")); got.CanonicalRequest != want {
				t.Fatalf("canonical request\n got %q\nwant %q (%s)", got.CanonicalRequest, want, got.Reason)
			}
			if want := string(read(t, dir, "header-string-to-sign.txt")); got.StringToSign != want {
				t.Fatalf("string to sign\n got %q\nwant %q", got.StringToSign, want)
			}
			if want := strings.TrimSpace(string(read(t, dir, "header-signature.txt"))); got.Signature != want {
				t.Fatalf("signature %s, want %s", got.Signature, want)
			}
			if !got.Accept {
				t.Fatalf("the suite's signed request refused: %s", got.Reason)
			}
			o.Secret += "x"
			if judge(r, o).Accept {
				t.Fatal("accepted with another secret")
			}
			o.Secret = ctx.Credentials.SecretAccessKey
			changed := *r
			path, query, hasQuery := strings.Cut(r.Target, "?")
			changed.Target = path + "x"
			if hasQuery {
				changed.Target += "?" + query
			}
			if judge(&changed, o).Accept {
				t.Fatalf("accepted with the path changed to %q", changed.Target)
			}
			changed.Target = r.Target + map[bool]string{true: "&z=1", false: "?z=1"}[strings.Contains(r.Target, "?")]
			if judge(&changed, o).Accept {
				t.Fatalf("accepted with the query changed to %q", changed.Target)
			}
		})
		n++
	}
	if n != 38 {
		t.Errorf("%d suite cases, want the suite's 38", n)
	}
}

// TestReferenceRules pins the rule on the inputs the corpus probes, where
// the suite has no case (S3, '+', lower-case hex, empty pairs).
func TestReferenceRules(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{"e", "e="},
		{"e=&f", "e=&f="},
		{"&&a=1", "a=1"},
		{"q=a+b", "q=a%2Bb"},
		{"q=a%2bb", "q=a%2Bb"},
		{"q=a%20b", "q=a%20b"},
		{"b=2&a=1", "a=1&b=2"},
		{"a=2&a=10&a=1", "a=1&a=10&a=2"},
		{"t=%7e&u=~", "t=~&u=~"},
		{"k=%c3%a9", "k=%C3%A9"},
		{"x=a;b,c!$'()*", "x=a%3Bb%2Cc%21%24%27%28%29%2A"},
		{"=v&a", "=v&a="},
		{"a=b=c", "a=b%3Dc"},
	} {
		if got := canonicalQuery(c.raw); got != c.want {
			t.Errorf("query %q: %q, want %q", c.raw, got, c.want)
		}
	}
	std, s3 := referenceOptions{}, referenceOptions{Family: familyS3}
	for _, c := range []struct {
		path string
		o    referenceOptions
		want string
	}{
		{"/prod/pets/%c3%b1and%c3%ba", std, "/prod/pets/%25c3%25b1and%25c3%25ba"},
		{"/prod/pets/%c3%b1and%c3%ba", s3, "/prod/pets/%C3%B1and%C3%BA"},
		{"/prod/pets/a+b", std, "/prod/pets/a%2Bb"},
		{"/prod/pets/a+b", s3, "/prod/pets/a%2Bb"},
		{"/prod/pets/a;b=c(1)!*'", std, "/prod/pets/a%3Bb%3Dc%281%29%21%2A%27"},
		{"/prod/pets/%7euser", std, "/prod/pets/%257euser"},
		{"/prod/pets/%7euser", s3, "/prod/pets/~user"},
		{"/prod/pets/x/../y", std, "/prod/pets/y"},
		{"/prod/pets/x/../y", s3, "/prod/pets/x/../y"},
		{"/prod/./pets//double", std, "/prod/pets/double"},
		{"/prod/pets//double", s3, "/prod/pets//double"},
		{"/a/b/../../..", std, "/"},
		{"", std, "/"},
	} {
		if got := canonicalPath(c.path, c.o); got != c.want {
			t.Errorf("path %q (family %d): %q, want %q", c.path, c.o.Family, got, c.want)
		}
	}
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
