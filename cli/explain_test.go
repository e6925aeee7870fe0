package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/sign"
)

// explainRun runs explain in process.
func explainRun(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(append([]string{"explain"}, args...), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// testdataBody reads the body of one of explain's real answers.
func testdataBody(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "explain", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(data), "\n---\n")
	return body
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExplainText(t *testing.T) {
	stdout, stderr, code := explainRun(t, testdataBody(t, "spapi-empty-token.json"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"AWS said: The request signature we calculated does not match the signature you provided.",
		`format:   JSON {"errors": [{"message": …}]}`,
		"kind:     signature mismatch",
		"read:     raw line breaks inside the JSON string read as \\n",
		"The canonical request AWS computed:\n  GET\n  /sellers/v1/marketplaceParticipations\n",
		"The string to sign AWS computed:\n  AWS4-HMAC-SHA256\n",
		"Likely causes, most likely first:\n  1. the session token is missing, stale, empty or sent twice\n     why: an empty X-Amz-Security-Token was signed",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "IwEBIHmz-REDACTED") {
		t.Errorf("the access token is printed in clear")
	}
	stdout, _, _ = explainRun(t, testdataBody(t, "spapi-empty-token.json"), "--show-secrets")
	if !strings.Contains(stdout, "x-amz-access-token:Atza|IwEBIHmz-REDACTED") {
		t.Errorf("--show-secrets masks the token")
	}
	// A file, and a short refusal.
	f := writeTemp(t, "answer.json", testdataBody(t, "opensearch-wrong-region.json"))
	stdout, _, code = explainRun(t, "", f)
	if code != ExitOK || !strings.Contains(stdout, "kind:     wrong region in the credential scope") ||
		!strings.Contains(stdout, "1. the region or service in the credential scope is wrong  [shown by the answer]\n     why: signed for region eu-west-1") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

func TestExplainJSON(t *testing.T) {
	stdout, _, code := explainRun(t, testdataBody(t, "missing-token-chalice.http"), "-o", "json")
	var out struct {
		Recognized  bool
		Explanation struct {
			Format, Kind, Code, Message, Hint string
			Causes                            []struct {
				ID      string
				Certain bool
			}
		}
		Warnings []string
	}
	mustJSON(t, stdout, &out)
	if code != ExitOK || !out.Recognized || out.Explanation.Kind != "missing-authentication-token" || out.Explanation.Code != "MissingAuthenticationTokenException" ||
		len(out.Explanation.Causes) == 0 || out.Explanation.Causes[0].ID != "route-or-unsigned" || !out.Explanation.Causes[0].Certain || out.Warnings == nil {
		t.Errorf("exit %d: %+v\n%s", code, out, stdout)
	}
}

func TestExplainUnrecognizedAndUsage(t *testing.T) {
	stdout, stderr, code := explainRun(t, "<html><body>502 Bad Gateway</body></html>")
	if code != ExitError || stdout != "" || !strings.Contains(stderr, "is not an AWS authentication or signature error: expected AWS's answer") {
		t.Errorf("unrecognized: exit %d\n%s%s", code, stdout, stderr)
	}
	stdout, _, code = explainRun(t, "oops", "-o", "json")
	var out struct {
		Recognized bool
		Expected   string
	}
	mustJSON(t, stdout, &out)
	if code != ExitError || out.Recognized || !strings.Contains(out.Expected, "Missing Authentication Token") {
		t.Errorf("unrecognized json: exit %d %+v", code, out)
	}
	for _, args := range [][]string{{"-o", "yaml"}, {"a", "b"}, {"--request-file", "-"}, {"--scheme", "ftp"}, {"--nope"}} {
		if _, stderr, code := explainRun(t, "{}", args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitUsage, stderr)
		}
	}
	if _, _, code := explainRun(t, "", filepath.Join(t.TempDir(), "missing.json")); code != ExitError {
		t.Errorf("a missing file: exit %d", code)
	}
}

// TestExplainEscapes prints no byte of the answer raw: an ESC in the
// message or the canonical request shows as \x1b.
func TestExplainEscapes(t *testing.T) {
	cr := "GET\n/p\x1b]0;pwned\x07\n\nhost:h\x1b[2J\n\nhost\nUNSIGNED-PAYLOAD"
	body := `{"message":` + jsonQuote("The request signature we calculated does not match the signature you provided.\x1b[31m\n\nThe Canonical String for this request should have been\n'"+cr+"'\n") + `}`
	for _, args := range [][]string{nil, {"-o", "json"}} {
		stdout, _, code := explainRun(t, body, args...)
		if code != ExitOK || strings.ContainsAny(stdout, "\x1b\x07") {
			t.Errorf("%v: exit %d, raw control bytes in\n%q", args, code, stdout)
		}
		if args == nil && (!strings.Contains(stdout, `/p\x1b]0;pwned\x07`) || !strings.Contains(stdout, `provided.\x1b[31m`)) {
			t.Errorf("escapes not shown:\n%s", stdout)
		}
	}
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// rawRequest writes a signed request as it goes on the wire.
func rawRequest(r *sign.Request) string {
	var b strings.Builder
	b.WriteString(r.Method + " " + r.Target() + " HTTP/1.1\r\nHost: " + r.Host + "\r\n")
	for _, h := range r.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(r.Body)
	return b.String()
}

// TestExplainWithRequest rebuilds the canonical request of the request
// sent, diffs it with AWS's and marks the first differing character.
func TestExplainWithRequest(t *testing.T) {
	tr, err := sign.Sign(&sign.Request{Method: "POST", Scheme: "https", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets", Body: []byte(`{"name":"Rex"}`),
		Headers: []sign.Header{{Name: "Content-Type", Value: "application/json"}}},
		sign.Options{Credentials: sign.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "FwoGZXIvYXdzEXAMPLETOKEN"},
			Region: "us-east-1", Service: "execute-api", Time: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	reqFile := writeTemp(t, "request.txt", rawRequest(tr.Signed))
	// A proxy appended a charset: the gateway computed this.
	server := strings.Replace(tr.CanonicalRequest, "content-type:application/json\n", "content-type:application/json; charset=utf-8\n", 1)
	sum := sha256.Sum256([]byte(server))
	sts := strings.Join([]string{sign.Algorithm, tr.RequestDate, tr.CredentialScope, hex.EncodeToString(sum[:])}, "\n")
	body := `{"message":` + jsonQuote("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'"+server+"'\n\nThe String-to-Sign should have been\n'"+sts+"'\n") + `}`

	stdout, stderr, code := explainRun(t, body, "--request-file", reqFile)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Rebuilt from the bytes of the request, the left side is what the
	// request implies, not a record of what its client signed.
	want := "First difference: canonical request line 4 (canonical headers)\n" +
		"  request: content-type:application/json\n" +
		"  AWS:     content-type:application/json; charset=utf-8\n" +
		"                                        ^ first differing character (column 30)\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("output lacks\n%s\n%s", want, stdout)
	}
	if !strings.Contains(stdout, "Causes, the one the answer shows first:\n  1. a signed header was changed, added or dropped after signing  [shown by the answer]") ||
		!strings.Contains(stdout, "charset was appended") {
		t.Errorf("cause:\n%s", stdout)
	}
	if strings.Contains(stdout, "FwoGZXIvYXdzEXAMPLETOKEN") {
		t.Errorf("session token in clear:\n%s", stdout)
	}

	stdout, _, code = explainRun(t, body, "--request-file", reqFile, "-o", "json")
	var out struct {
		Explanation struct {
			Step, Part, Signed, Server string
			Line, Column               int
		}
		Signed struct {
			CanonicalRequest string `json:"canonical_request"`
			AccessKeyID      string `json:"access_key_id"`
		}
	}
	mustJSON(t, stdout, &out)
	e := out.Explanation
	if code != ExitOK || e.Step != "canonical request" || e.Line != 4 || e.Column != 30 || e.Server != "content-type:application/json; charset=utf-8" ||
		out.Signed.AccessKeyID != "ASIAEXAMPLE" || !strings.Contains(out.Signed.CanonicalRequest, "content-type:application/json\n") {
		t.Errorf("json: exit %d %+v", code, out)
	}
	if strings.Contains(stdout, "FwoGZXIvYXdzEXAMPLETOKEN") {
		t.Errorf("session token in clear in json")
	}

	// The same request unsigned: only the request to read.
	unsigned := writeTemp(t, "unsigned.txt", "GET /prod/pets HTTP/1.1\r\nHost: abc123.execute-api.us-east-1.amazonaws.com\r\n\r\n")
	stdout, _, code = explainRun(t, `{"message":"Missing Authentication Token"}`, "--request-file", unsigned)
	if code != ExitOK || !strings.Contains(stdout, "carries no SigV4 signature") {
		t.Errorf("unsigned request: exit %d\n%s", code, stdout)
	}
}
