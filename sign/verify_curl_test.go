package sign

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

const suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

// curlForms are requests curl --aws-sigv4 sends with its path or query as
// written, and what verify must say about them: the cause it finds and, in
// its detail, the signer and the very departure.
var curlForms = []struct {
	name, target string
	cause        string
	says         []string
}{
	{"valueless", "/prod/pets?e", VariantSignerDialect, []string{"(7.x) signs the query as written: the valueless key `e` kept without `=` (AWS signs `e=`)"}},
	{"valueless-after-empty-value", "/prod/pets?e=&f", VariantSignerDialect, []string{"the valueless key `f` kept without `=`"}},
	{"empty-pairs", "/prod/pets?&&a=1", VariantSignerDialect, []string{"signs the query as written: the empty pairs of `&&a=1` kept (AWS drops them)"}},
	{"lower-hex-path", "/prod/pets/%c3%b1and%c3%ba", VariantSignerDialect, []string{"signs the path as written: the escapes `%c3` `%b1` `%ba` not encoded again (AWS: `%25c3`)"}},
	{"plus-path", "/prod/pets/a+b", VariantSignerDialect, []string{"signs the path as written: `+` left unescaped (AWS: `%2B`)"}},
	{"sub-delims-path", "/prod/pets/a;b=c(1)!*'", VariantSignerDialect, []string{"signs the path as written: `;` `=` `(` `)` `!` `*` `'` left unescaped"}},
	{"unsorted", "/prod/pets?b=2&a=1", VariantQueryUnsorted, []string{"kept the query parameters in the order sent", "(as curl 7.75.0–8.2.1 signs it)"}},
	{"plus-query", "/prod/pets?q=a+b", VariantPlusUnencoded, []string{"left '+' unencoded", "botocore 1.29.27, curl 7.75.0–8.2.1 sign it"}},
	{"utf8-query", "/prod/pets?q=café", VariantQueryAsWritten, []string{"as written", "botocore 1.29.27, curl 7.75.0–8.2.1 sign it"}},
	{"escaped-tilde", "/prod/pets?q=%7e", VariantQueryAsWritten, []string{"as written", "botocore 1.29.27, curl 7.75.0–8.2.1 sign it"}},
	{"double-slash", "/prod/pets//double", VariantPathRules, []string{"not normalized", "curl (every release)"}},
}

// TestVerifyNamesCurlDialects: requests curl 7.88.1 signed (testdata,
// captured byte for byte) fail as AWS fails them, and verify names curl's
// release and what it did; the request it signs as AWS does verifies.
func TestVerifyNamesCurlDialects(t *testing.T) {
	dir := filepath.Join("testdata", "curl-7.88.1")
	for _, f := range curlForms {
		t.Run(f.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, f.name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			checkCurlForm(t, data, f.cause, f.says)
		})
	}
	data, err := os.ReadFile(filepath.Join(dir, "plain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if v := verifyRaw(t, data); !v.Valid() {
		t.Errorf("curl's plain request does not verify: %+v", v.Problems)
	}
}

func verifyRaw(t *testing.T, data []byte) *Verification {
	t.Helper()
	r, err := ParseRaw(data, "http")
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(VerifyInput{Request: r, SecretAccessKey: suiteSecret})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func checkCurlForm(t *testing.T, data []byte, cause string, says []string) {
	t.Helper()
	v := verifyRaw(t, data)
	if v.Valid() {
		t.Fatal("verifies; AWS's rule refuses it")
	}
	if v.Cause != cause {
		t.Fatalf("cause %q, want %q: %+v", v.Cause, cause, v.Problems)
	}
	var detail string
	for _, p := range v.Problems {
		detail += p.Detail + "\n"
	}
	for _, s := range says {
		if !strings.Contains(detail, s) {
			t.Errorf("verify does not say %q:\n%s", s, detail)
		}
	}
	if !strings.Contains(strings.Join(v.Signers, ","), "curl 7.75.0–8.2.1") {
		t.Errorf("signers %v, want curl 7.75.0–8.2.1 among them", v.Signers)
	}
}

// TestVerifyNamesTheLocalCurl runs the curl on this machine: each form it
// signs is refused, and verify names the curl model that covers its
// release (read from curl --version) with the same words as for 7.88.1
// where that model is the 7.x one.
func TestVerifyNamesTheLocalCurl(t *testing.T) {
	curl := peer.Command(t, "curl")
	release := localCurlRelease(t, curl)
	d, ok := DialectFor(dialectCurl, release)
	if !ok {
		t.Fatalf("no curl model covers curl %s", release)
	}
	var (
		mu  sync.Mutex
		got []byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		b.WriteString(r.Method + " " + r.RequestURI + " HTTP/1.1\r\nHost: " + r.Host + "\r\n")
		for k, vs := range r.Header {
			for _, v := range vs {
				b.WriteString(k + ": " + v + "\r\n")
			}
		}
		b.WriteString("\r\n")
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		got = b.Bytes()
		mu.Unlock()
	}))
	last := func() []byte {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
	t.Cleanup(srv.Close)
	for _, f := range curlForms {
		t.Run(f.name, func(t *testing.T) {
			out, err := exec.Command(curl, "-sS", "-o", "/dev/null", "--aws-sigv4", "aws:amz:us-east-1:execute-api",
				"--user", "AKIDEXAMPLE:"+suiteSecret, srv.URL+f.target).CombinedOutput()
			if err != nil {
				t.Fatalf("curl: %v: %s", err, out)
			}
			v := verifyRaw(t, last())
			if !strings.Contains(strings.Join(v.Signers, ","), d.Label()) {
				t.Errorf("curl %s: signers %v, want %s among them (problems %+v)", release, v.Signers, d.Label(), v.Problems)
			}
			if d.ID == curlDialects[0].ID {
				checkCurlForm(t, last(), f.cause, f.says)
			}
		})
	}
}

// localCurlRelease is the release curl --version reports.
func localCurlRelease(t *testing.T, curl string) string {
	t.Helper()
	out, err := exec.Command(curl, "--version").Output()
	if err != nil {
		t.Fatalf("curl --version: %v", err)
	}
	m := regexp.MustCompile(`^curl (\d+\.\d+\.\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("curl --version printed %q", out)
	}
	return string(m[1])
}
