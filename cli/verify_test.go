package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	suiteKey    = "AKIDEXAMPLE"
	suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	suiteToken  = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
	suiteNow    = "2015-08-30T12:37:00Z" // a minute after the suite's signing time
)

func suiteFile(name, mode string) string {
	return filepath.Join(suiteDir, name, mode+"-signed-request.txt")
}

// verifyArgs are the suite's credentials and a time within the signature's window.
func verifyArgs(extra ...string) []string {
	return append([]string{"verify", "--access-key", suiteKey, "--secret-key", suiteSecret, "--now", suiteNow}, extra...)
}

type verifyReport struct {
	Valid  bool   `json:"valid"`
	Format string `json:"format"`
	Cause  string `json:"cause"`
	Checks []struct {
		Step string
		OK   bool
	}
	Problems []struct {
		Step, Detail, Part, Name, Hint string
		Line, Column                   int
	}
	ComputedSignature string `json:"computed_signature"`
}

func TestVerifyValid(t *testing.T) {
	for _, mode := range []string{"header", "query"} {
		stdout, stderr, code := run(t, nil, nil, verifyArgs(suiteFile("post-x-www-form-urlencoded", mode))...)
		if code != 0 || !strings.Contains(stdout, "VALID: the signature verifies") || !strings.Contains(stdout, "✓ signature") {
			t.Fatalf("%s: exit %d\n%s\n%s", mode, code, stdout, stderr)
		}
		if strings.Contains(stdout, suiteSecret) {
			t.Errorf("%s: the secret key was printed", mode)
		}
		stdout, _, code = run(t, nil, nil, verifyArgs(suiteFile("post-x-www-form-urlencoded", mode), "-o", "json")...)
		var r verifyReport
		mustJSON(t, stdout, &r)
		if code != 0 || !r.Valid || len(r.Problems) != 0 || len(r.Checks) < 7 || r.Format != "raw HTTP/1.1" {
			t.Errorf("%s json: exit %d %+v", mode, code, r)
		}
		for _, c := range r.Checks {
			if !c.OK {
				t.Errorf("%s: check %s failed", mode, c.Step)
			}
		}
	}
}

func TestVerifyInvalid(t *testing.T) {
	vanilla := suiteFile("get-vanilla", "header")
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string
	}{
		{"wrong secret", []string{"verify", vanilla, "--access-key", suiteKey, "--secret-key", "not-the-secret", "--now", suiteNow},
			"", []string{"✗ signature", "the secret key is wrong, or the request changed after signing"}},
		{"wrong key id", []string{"verify", vanilla, "--access-key", "AKIDOTHER", "--secret-key", suiteSecret, "--now", suiteNow},
			"", []string{"✗ access key", "signed with access key id AKIDEXAMPLE", "not checked: the secret key given belongs to another access key"}},
		{"expired presigned URL", verifyArgs(suiteFile("get-vanilla", "query"), "--now", "2015-08-30T14:00:00Z"),
			"", []string{"✗ date", "the presigned URL expired at 20150830T133600Z", "✓ signature"}},
		{"presigned URL not yet valid", verifyArgs(suiteFile("get-vanilla", "query"), "--now", "2015-08-30T12:00:00Z"),
			"", []string{"not yet valid", "✓ signature"}},
		{"skewed clock", verifyArgs(vanilla, "--now", "2015-08-30T12:50:00Z"),
			"", []string{"Signature expired: X-Amz-Date 20150830T123600Z is 14m0s before now", "✓ signature"}},
		{"signer's clock ahead", verifyArgs(vanilla, "--now", "2015-08-30T12:20:00Z"),
			"", []string{"Signature not yet current", "16m0s after now"}},
		{"region of the endpoint", verifyArgs(vanilla, "--region", "eu-west-1"),
			"", []string{"✗ credential scope", "Credential should be scoped to a valid region, not 'us-east-1'"}},
		{"charset added in flight", verifyArgs("-"),
			strings.Replace(readFile(t, suiteFile("post-x-www-form-urlencoded", "query")), "urlencoded", "urlencoded; charset=UTF-8", 1),
			[]string{"✗ canonical request", "the charset was added after signing", "request  content-type:application/x-www-form-urlencoded; charset=UTF-8", "signed   content-type:application/x-www-form-urlencoded\n", "^"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := run(t, nil, []byte(tc.stdin), tc.args...)
			if code != 1 || !strings.Contains(stdout, "INVALID: ") || !strings.Contains(stderr, "the signature does not verify") {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestVerifyJSONLocatesTheCause(t *testing.T) {
	req := strings.Replace(readFile(t, suiteFile("post-x-www-form-urlencoded", "query")), "urlencoded", "urlencoded; charset=UTF-8", 1)
	stdout, _, code := run(t, nil, []byte(req), verifyArgs("-o", "json")...)
	var r verifyReport
	mustJSON(t, stdout, &r)
	if code != 1 || r.Valid || r.Cause != "charset-added-after-signing" || len(r.Problems) != 2 {
		t.Fatalf("exit %d %+v", code, r)
	}
	p := r.Problems[0]
	if p.Step != "canonical request" || p.Part != "canonical headers" || p.Name != "content-type" || p.Line != 5 || p.Column != 47 || p.Hint == "" {
		t.Errorf("located %+v", p)
	}
	if r.Problems[1].Step != "signature" {
		t.Errorf("last problem %+v", r.Problems[1])
	}
}

func TestVerifyGivenCanonicalRequest(t *testing.T) {
	dir := filepath.Join(suiteDir, "get-vanilla-query-order-key-case")
	req := strings.Replace(readFile(t, filepath.Join(dir, "header-signed-request.txt")), "Param1=value1", "Param1=value2", 1)
	stdout, _, code := run(t, nil, []byte(req), verifyArgs("--canonical-request", filepath.Join(dir, "header-canonical-request.txt"))...)
	for _, w := range []string{"line 3 (canonical query string, Param1) differs at column 13", "request  Param1=value2&Param2=value2", "given    Param1=value1&Param2=value2", "the signature differs because the canonical request differs"} {
		if code != 1 || !strings.Contains(stdout, w) {
			t.Errorf("exit %d, output lacks %q:\n%s", code, w, stdout)
		}
	}
}

func TestVerifyMasksTheSessionToken(t *testing.T) {
	for _, mode := range []string{"header", "query"} {
		for _, out := range []string{"text", "json"} {
			args := verifyArgs(suiteFile("get-vanilla-with-session-token", mode), "--session-token", suiteToken, "-o", out)
			stdout, stderr, code := run(t, nil, nil, args...)
			if code != 0 {
				t.Fatalf("%s %s: exit %d %s", mode, out, code, stderr)
			}
			if strings.Contains(stdout, suiteToken[8:]) || strings.Contains(stdout, suiteSecret) {
				t.Errorf("%s %s printed a secret:\n%s", mode, out, stdout)
			}
			if !strings.Contains(stdout, "<session token 6e86…(64 chars)>") {
				t.Errorf("%s %s: no masked token:\n%s", mode, out, stdout)
			}
		}
	}
}

func TestVerifyOtherFormats(t *testing.T) {
	// A presigned URL alone, from standard input.
	signed := readFile(t, suiteFile("get-vanilla", "query"))
	line, _, _ := strings.Cut(signed, "\n")
	url := "https://example.amazonaws.com" + strings.TrimSuffix(strings.TrimPrefix(line, "GET "), " HTTP/1.1")
	stdout, stderr, code := run(t, nil, []byte(url+"\n"), verifyArgs()...)
	if code != 0 || !strings.Contains(stdout, "presigned URL") {
		t.Errorf("presigned URL: exit %d\n%s%s", code, stdout, stderr)
	}
	// A HAR file: the first signed entry, or the one asked for.
	head, _, _ := strings.Cut(readFile(t, suiteFile("get-vanilla", "header")), "\n\n")
	var headers []map[string]string
	for _, l := range strings.Split(head, "\n")[1:] {
		k, v, _ := strings.Cut(l, ":")
		headers = append(headers, map[string]string{"name": k, "value": v})
	}
	har, _ := json.Marshal(map[string]any{"log": map[string]any{"entries": []any{
		map[string]any{"request": map[string]any{"method": "GET", "url": "https://example.com/app.js", "headers": []any{}}},
		map[string]any{"request": map[string]any{"method": "GET", "url": "https://example.amazonaws.com/", "headers": headers}},
	}}})
	file := filepath.Join(t.TempDir(), "session.har")
	if err := os.WriteFile(file, har, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = run(t, nil, nil, verifyArgs(file)...)
	if code != 0 || !strings.Contains(stdout, "HAR, entry 1") {
		t.Errorf("HAR: exit %d\n%s%s", code, stdout, stderr)
	}
	_, stderr, code = run(t, nil, nil, verifyArgs(file, "--entry", "0")...)
	if code != 1 || !strings.Contains(stderr, "carries no signature") {
		t.Errorf("HAR --entry 0: exit %d %s", code, stderr)
	}
}

func TestVerifyBadInput(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"unsigned", "GET / HTTP/1.1\nHost: h\n\n", nil, 1, "carries no signature"},
		{"unreadable", "GET / HTTP/1.1\nHost: h\nBad Header: x\n", nil, 1, "line 3"},
		{"escape sequences", `{"log":{"entries":[{"request":{"method":"GET","url":"https://h/` + "\\u001b[31mred" + `","headers":[{"name":"Authorization","value":"AWS4-HMAC-SHA256 x"}]}}]}}`, nil, 1, "control character 0x1B"},
		{"bad output", "", []string{"-o", "yaml"}, 2, "text or json"},
		{"bad entry", "", []string{"--entry", "-3"}, 2, "--entry -3"},
		{"bad now", "", []string{"--now", "soon"}, 2, "--now"},
		{"two files", "", []string{"a", "b"}, 2, "accepts at most 1 arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, nil, []byte(tc.stdin), verifyArgs(tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) || strings.ContainsRune(stderr, 0x1b) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

func TestSignRefusesASignedRequest(t *testing.T) {
	dir := filepath.Join(suiteDir, "get-vanilla")
	args := []string{"sign", "--request-file", filepath.Join(dir, "header-signed-request.txt"), "--access-key", suiteKey, "--secret-key", suiteSecret,
		"--region", "us-east-1", "--service", "service", "--time", "20150830T123600Z", "-o", "json"}
	_, stderr, code := run(t, nil, nil, args...)
	if code != 1 || !strings.Contains(stderr, "already carries a SigV4 signature") || !strings.Contains(stderr, "sigscope verify") || !strings.Contains(stderr, "--resign") {
		t.Errorf("exit %d, %q", code, stderr)
	}
	for _, mode := range []string{"header", "query"} {
		args[2] = filepath.Join(dir, mode+"-signed-request.txt")
		stdout, stderr, code := run(t, nil, nil, append(args, "--resign")...)
		var out map[string]any
		if code != 0 {
			t.Fatalf("%s --resign: exit %d %s", mode, code, stderr)
		}
		mustJSON(t, stdout, &out)
		// Signed anew in header mode at the same time: the suite's header signature.
		if want := readFile(t, filepath.Join(dir, "header-signature.txt")); out["signature"] != want {
			t.Errorf("%s --resign: signature %v, want %s", mode, out["signature"], want)
		}
	}
}

// TestVerifyV4aSuite: the suite's own SigV4a signed requests verify, in
// text and JSON, and the public key reported is the case's.
func TestVerifyV4aSuite(t *testing.T) {
	dir := "../sign/testdata/sigv4-suite/v4a/get-vanilla"
	var key struct{ X, Y string }
	mustJSON(t, readFile(t, filepath.Join(dir, "public-key.json")), &key)
	for _, mode := range []string{"header", "query"} {
		file := filepath.Join(dir, mode+"-signed-request.txt")
		stdout, stderr, code := run(t, nil, nil, verifyArgs(file)...)
		if code != 0 || !strings.Contains(stdout, "VALID: the signature verifies") || !strings.Contains(stdout, "✓ region set") ||
			!strings.Contains(stdout, "x="+key.X) || !strings.Contains(stdout, "AWS4-ECDSA-P256-SHA256 (SigV4a)") {
			t.Fatalf("%s: exit %d\n%s\n%s", mode, code, stdout, stderr)
		}
		stdout, _, code = run(t, nil, nil, verifyArgs(file, "-o", "json")...)
		var r struct {
			Valid     bool
			Signature struct {
				RegionSet []string `json:"region_set"`
			}
			PublicKey struct{ X, Y string } `json:"public_key"`
		}
		mustJSON(t, stdout, &r)
		if code != 0 || !r.Valid || strings.Join(r.Signature.RegionSet, ",") != "us-east-1" || r.PublicKey != key {
			t.Errorf("%s json: exit %d %+v", mode, code, r)
		}
	}
}

// TestVerifyV4aSignedThenChanged: a request signed by `sign --algorithm
// sigv4a` verifies; the same request with a header changed in flight, or
// verified with another secret, fails at the step that differs.
func TestVerifyV4aSignedThenChanged(t *testing.T) {
	req := []byte("POST /prod/pets HTTP/1.1\nHost: abc123.execute-api.us-east-1.amazonaws.com\nContent-Type: application/json\n\n{}")
	stdout, stderr, code := run(t, nil, req, "sign", "--access-key", suiteKey, "--secret-key", suiteSecret, "--region", "us-east-1",
		"--algorithm", "sigv4a", "--region-set", "us-*", "--time", suiteNow, "-o", "json")
	if code != 0 {
		t.Fatalf("sign: exit %d %s", code, stderr)
	}
	var signed struct {
		SignedRequest string `json:"signed_request"`
	}
	mustJSON(t, stdout, &signed)
	write := func(text string) string {
		p := filepath.Join(t.TempDir(), "req.txt")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if stdout, _, code := run(t, nil, nil, verifyArgs(write(signed.SignedRequest))...); code != 0 {
		t.Fatalf("own v4a signature: exit %d\n%s", code, stdout)
	}
	changed := strings.Replace(signed.SignedRequest, "Content-Type: application/json", "Content-Type: application/json; charset=utf-8", 1)
	stdout, _, code = run(t, nil, nil, verifyArgs(write(changed), "-o", "json")...)
	var r verifyReport
	mustJSON(t, stdout, &r)
	if code != ExitError || r.Valid || r.Cause != "charset-added-after-signing" {
		t.Errorf("charset added: exit %d %+v", code, r)
	}
	stdout, _, code = run(t, nil, nil, "verify", "--secret-key", "another-secret", "--now", suiteNow, write(signed.SignedRequest))
	if code != ExitError || !strings.Contains(stdout, "✗ signature") || !strings.Contains(stdout, "does not verify with it") {
		t.Errorf("wrong secret: exit %d\n%s", code, stdout)
	}
}

// TestVerifyNamesCurlDialects: the six forms curl 7.88.1 signs as written
// (captured from it byte for byte, sign/testdata) are named with curl's
// release and what it did, in text and JSON; before, verify could only say
// the secret was wrong or the request changed.
func TestVerifyNamesCurlDialects(t *testing.T) {
	dir := filepath.Join("..", "sign", "testdata", "curl-7.88.1")
	for file, says := range map[string]string{
		"valueless":                   "curl 7.75.0–8.2.1 (7.x) signs the query as written: the valueless key `e` kept without `=` (AWS signs `e=`)",
		"valueless-after-empty-value": "curl 7.75.0–8.2.1 (7.x) signs the query as written: the valueless key `f` kept without `=` (AWS signs `f=`)",
		"empty-pairs":                 "curl 7.75.0–8.2.1 (7.x) signs the query as written: the empty pairs of `&&a=1` kept (AWS drops them)",
		"lower-hex-path":              "curl 7.75.0–8.2.1 (7.x) signs the path as written: the escapes `%c3` `%b1` `%ba` not encoded again (AWS: `%25c3`)",
		"plus-path":                   "curl 7.75.0–8.2.1 (7.x) signs the path as written: `+` left unescaped (AWS: `%2B`)",
		"sub-delims-path":             "curl 7.75.0–8.2.1 (7.x) signs the path as written: `;` `=` `(` `)` `!` `*` `'` left unescaped (AWS: `%3B` `%3D` `%28` `%29` `%21` `%2A` `%27`)",
	} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(dir, file+".txt")
			stdout, stderr, code := run(t, nil, nil, "verify", "--secret-key", suiteSecret, path)
			if code != ExitError || !strings.Contains(stdout, says) || strings.Contains(stdout, "the secret key is wrong") {
				t.Fatalf("exit %d, want the dialect named (%s)\n%s%s", code, says, stdout, stderr)
			}
			if !strings.Contains(stdout, "hint: use a curl release whose verdict 'sigscope compare' shows as accepted") {
				t.Errorf("no hint for curl:\n%s", stdout)
			}
			stdout, _, _ = run(t, nil, nil, "verify", "--secret-key", suiteSecret, path, "-o", "json")
			var r struct {
				Cause   string   `json:"cause"`
				Signers []string `json:"signers"`
			}
			mustJSON(t, stdout, &r)
			if r.Cause != "signer-dialect" || len(r.Signers) == 0 || r.Signers[0] != "curl 7.75.0–8.2.1" {
				t.Errorf("json cause %q signers %v", r.Cause, r.Signers)
			}
		})
	}
}
