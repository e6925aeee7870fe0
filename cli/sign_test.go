package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
)

var binary string // the sigscope binary built by TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sigscope-cli-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "sigscope")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("build sigscope: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const suiteDir = "../sign/testdata/sigv4-suite/v4"

// TestSignBinaryOnSuite runs the built binary on a sample of the AWS test
// suite, in header and query mode, and checks the JSON against the suite.
func TestSignBinaryOnSuite(t *testing.T) {
	sample := []string{
		"get-vanilla", "get-vanilla-query-order-key-case", "get-utf8", "get-space-normalized",
		"get-slashes-unnormalized", "get-header-value-multiline", "get-vanilla-with-session-token",
		"post-sts-header-after", "post-x-www-form-urlencoded", "get-vanilla-utf8-query",
	}
	for _, name := range sample {
		dir := filepath.Join(suiteDir, name)
		var ctx struct {
			Credentials struct {
				AccessKeyID     string `json:"access_key_id"`
				SecretAccessKey string `json:"secret_access_key"`
				Token           string `json:"token"`
			} `json:"credentials"`
			Expiration       int64  `json:"expiration_in_seconds"`
			Normalize        bool   `json:"normalize"`
			Region           string `json:"region"`
			Service          string `json:"service"`
			SignBody         bool   `json:"sign_body"`
			Timestamp        string `json:"timestamp"`
			OmitSessionToken bool   `json:"omit_session_token"`
		}
		mustJSON(t, readFile(t, filepath.Join(dir, "context.json")), &ctx)
		for _, mode := range []string{"header", "query"} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				args := []string{"sign", "--request-file", filepath.Join(dir, "request.txt"), "-o", "json",
					"--region", ctx.Region, "--service", ctx.Service, "--time", ctx.Timestamp,
					"--access-key", ctx.Credentials.AccessKeyID,
					"--normalize-path=" + strconv.FormatBool(ctx.Normalize), "--show-secrets"}
				env := append(os.Environ(), "HOME="+t.TempDir())
				args = append(args, "--secret-key", ctx.Credentials.SecretAccessKey)
				if ctx.Credentials.Token != "" {
					args = append(args, "--session-token", ctx.Credentials.Token)
				}
				if ctx.OmitSessionToken {
					args = append(args, "--omit-session-token")
				}
				if ctx.SignBody {
					args = append(args, "--sign-body")
				}
				if mode == "query" {
					args = append(args, "--presign", "--expires", strconv.FormatInt(ctx.Expiration, 10))
				}
				stdout, stderr, code := run(t, env, nil, args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				var out map[string]any
				mustJSON(t, stdout, &out)
				for field, file := range map[string]string{
					"canonical_request": "canonical-request.txt",
					"string_to_sign":    "string-to-sign.txt",
					"signature":         "signature.txt",
				} {
					if want := readFile(t, filepath.Join(dir, mode+"-"+file)); out[field] != want {
						t.Errorf("%s = %q, want %q", field, out[field], want)
					}
				}
				for _, field := range []string{"canonical_request_sha256", "credential_scope", "signed_headers", "signing_key", "signed_request"} {
					if s, _ := out[field].(string); s == "" {
						t.Errorf("JSON lacks %s", field)
					}
				}
				key := map[string]string{"header": "authorization", "query": "presigned_url"}[mode]
				if s, _ := out[key].(string); !strings.Contains(s, readFile(t, filepath.Join(dir, mode+"-signature.txt"))) {
					t.Errorf("%s = %q does not carry the signature", key, s)
				}
			})
		}
	}
}

func TestSignMasksSessionToken(t *testing.T) {
	token := "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQ"
	req := "GET /prod/pets HTTP/1.1\nHost: abc123.execute-api.us-east-1.amazonaws.com\n\n"
	for _, args := range [][]string{{"sign"}, {"sign", "-o", "json"}, {"sign", "--presign"}} {
		args = append(args, "--access-key", "ASIAEXAMPLE", "--secret-key", "secret", "--session-token", token, "--region", "us-east-1")
		stdout, stderr, code := run(t, nil, []byte(req), args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		readable := stdout
		if args[1] == "-o" {
			// JSON keeps what is meant to be used usable (issue 10): the
			// signed request and a presigned URL carry the token; every
			// field meant for reading masks it.
			var v map[string]any
			if err := json.Unmarshal([]byte(stdout), &v); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(v["signed_request"].(string), token) {
				t.Errorf("%v: the signed request is not usable: token masked", args)
			}
			delete(v, "signed_request")
			delete(v, "presigned_url")
			b, _ := json.Marshal(v)
			readable = string(b)
		}
		if strings.Contains(readable, token[8:]) || strings.Contains(readable, sign.URIEncode(token)[8:]) {
			t.Errorf("%v printed the session token in clear", args)
		}
		if !strings.Contains(stdout, "IQoJ…") {
			t.Errorf("%v: no masked token in the output", args)
		}
	}
	stdout, _, _ := run(t, nil, []byte(req), "sign", "--access-key", "ASIAEXAMPLE", "--secret-key", "secret", "--session-token", token, "--region", "us-east-1", "--show-secrets")
	if !strings.Contains(stdout, token) {
		t.Error("--show-secrets did not print the token")
	}
}

func TestSignBadInput(t *testing.T) {
	keys := []string{"--access-key", "AKID", "--secret-key", "SECRET", "--region", "us-east-1"}
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"no host", "GET /x HTTP/1.1\n\n", nil, 1, "no Host header"},
		{"no protocol", "GET /x\nHost: h\n\n", nil, 1, "line 1, col 7"},
		{"bad header", "GET /x HTTP/1.1\nHost: h\nBad Header: x\n\n", nil, 1, "line 3"},
		{"bad escape", "GET /x?a=%zz HTTP/1.1\nHost: h\n\n", nil, 1, "invalid percent-encoding"},
		{"bad time", "GET / HTTP/1.1\nHost: h\n\n", []string{"--time", "yesterday"}, 2, "--time"},
		{"unknown flag", "GET / HTTP/1.1\nHost: h\n\n", []string{"--bogus"}, 2, "unknown flag"},
		{"bad expires", "GET / HTTP/1.1\nHost: h\n\n", []string{"--presign", "--expires", "0"}, ExitUsage, "1 second to 7 days"},
		{"bad output", "GET / HTTP/1.1\nHost: h\n\n", []string{"-o", "yaml"}, 2, "text or json"},
		{"missing file", "", []string{"--request-file", "/nonexistent/req.txt"}, 1, "no such file"},
		{"upper-case region", "GET / HTTP/1.1\nHost: h\n\n", []string{"--region", "US-EAST-1"}, 1, "lower case"},
		{"half credentials", "GET / HTTP/1.1\nHost: h\n\n", []string{"--access-key", "AKID", "--secret-key", ""}, 2, "go together"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"sign"}, keys...)
			args = append(args, tc.args...)
			_, stderr, code := run(t, nil, []byte(tc.stdin), args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

func TestSignCredentialsFromEnvironment(t *testing.T) {
	env := []string{"HOME=" + t.TempDir(), "AWS_ACCESS_KEY_ID=AKIDFROMENV", "AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=eu-west-1", "PATH=" + os.Getenv("PATH")}
	stdout, stderr, code := run(t, env, []byte("GET / HTTP/1.1\nHost: h\n\n"), "sign", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "AKIDFROMENV/") || !strings.Contains(stdout, "/eu-west-1/execute-api/aws4_request") {
		t.Errorf("environment credentials or region not used:\n%s", stdout)
	}
	env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	_, stderr, code = run(t, env, []byte("GET / HTTP/1.1\nHost: h\n\n"), "sign", "--region", "us-east-1")
	if code != 1 || !strings.Contains(stderr, "no AWS credentials found") {
		t.Errorf("without credentials: exit %d, %q", code, stderr)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	stdout, _, code := run(t, nil, nil, "version")
	if code != 0 || !strings.HasPrefix(stdout, "sigscope ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
	stdout, _, code = run(t, nil, nil, "completion", "bash")
	if code != 0 || !strings.Contains(stdout, "sigscope") {
		t.Errorf("completion bash: exit %d", code)
	}
}

func run(t *testing.T, env []string, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	if env == nil {
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	}
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return stdout.String(), stderr.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), 0
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mustJSON(t *testing.T, data string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(data), v); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, data)
	}
}

// TestSignV4aBinaryOnSuite runs `sign --algorithm sigv4a` on a sample of
// the suite's v4a cases: canonical request and string-to-sign as the suite
// has them, the signature verified with the case's public key.
func TestSignV4aBinaryOnSuite(t *testing.T) {
	const v4aDir = "../sign/testdata/sigv4-suite/v4a"
	sample := []string{"get-vanilla", "get-vanilla-with-session-token", "get-utf8", "post-vanilla-query", "get-vanilla-query-order-key-case"}
	for _, name := range sample {
		dir := filepath.Join(v4aDir, name)
		var ctx struct {
			Credentials struct {
				AccessKeyID     string `json:"access_key_id"`
				SecretAccessKey string `json:"secret_access_key"`
				Token           string `json:"token"`
			} `json:"credentials"`
			Expiration int64  `json:"expiration_in_seconds"`
			Region     string `json:"region"`
			Service    string `json:"service"`
			Timestamp  string `json:"timestamp"`
		}
		mustJSON(t, readFile(t, filepath.Join(dir, "context.json")), &ctx)
		var key sign.PublicKey
		mustJSON(t, readFile(t, filepath.Join(dir, "public-key.json")), &key)
		pub, err := key.ECDSA()
		if err != nil {
			t.Fatal(err)
		}
		for _, mode := range []string{"header", "query"} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				args := []string{"sign", "--request-file", filepath.Join(dir, "request.txt"), "-o", "json", "--algorithm", "sigv4a",
					"--region", ctx.Region, "--service", ctx.Service, "--time", ctx.Timestamp,
					"--access-key", ctx.Credentials.AccessKeyID, "--secret-key", ctx.Credentials.SecretAccessKey}
				if ctx.Credentials.Token != "" {
					args = append(args, "--session-token", ctx.Credentials.Token, "--show-secrets")
				}
				if mode == "query" {
					args = append(args, "--presign", "--expires", strconv.FormatInt(ctx.Expiration, 10))
				}
				stdout, stderr, code := run(t, nil, nil, args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				var out struct {
					Algorithm        string `json:"algorithm"`
					CanonicalRequest string `json:"canonical_request"`
					StringToSign     string `json:"string_to_sign"`
					Signature        string `json:"signature"`
				}
				mustJSON(t, stdout, &out)
				if out.Algorithm != sign.AlgorithmV4a {
					t.Errorf("algorithm = %q", out.Algorithm)
				}
				if want := readFile(t, filepath.Join(dir, mode+"-canonical-request.txt")); out.CanonicalRequest != want {
					t.Errorf("canonical request:\n%s\nwant:\n%s", out.CanonicalRequest, want)
				}
				if want := readFile(t, filepath.Join(dir, mode+"-string-to-sign.txt")); out.StringToSign != want {
					t.Errorf("string to sign:\n%s\nwant:\n%s", out.StringToSign, want)
				}
				if !sign.VerifyECDSA(pub, out.StringToSign, out.Signature) {
					t.Errorf("signature %s does not verify with the case's public key", out.Signature)
				}
			})
		}
	}
}

// TestSignV4aText: the text shows the region set and the public key; the
// private key only with --show-secrets, in text and JSON.
func TestSignV4aText(t *testing.T) {
	req := []byte("GET /prod/pets HTTP/1.1\nHost: abc123.execute-api.us-east-1.amazonaws.com\n\n")
	keys := []string{"sign", "--access-key", "AKIDEXAMPLE", "--secret-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "--region", "us-east-1",
		"--algorithm", "sigv4a", "--region-set", "us-east-1,eu-west-1"}
	shown, stderr, code := run(t, nil, req, append(keys, "--show-secrets")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	pub, err := sign.DerivePublicKey("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"region set   us-east-1,eu-west-1", "x=" + pub.X, "y=" + pub.Y, pub.Fingerprint, "x-amz-region-set:us-east-1,eu-west-1", "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/"} {
		if !strings.Contains(shown, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	i := strings.Index(shown, "private key  ")
	if i < 0 {
		t.Fatalf("no private key line:\n%s", shown)
	}
	priv := strings.Fields(shown[i+len("private key  "):])[0]
	if len(priv) != 64 {
		t.Fatalf("--show-secrets private key %q: want 64 hex digits", priv)
	}
	for _, args := range [][]string{keys, append(keys, "-o", "json"), append(keys, "--presign", "-o", "json")} {
		out, stderr, code := run(t, nil, req, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if strings.Contains(out, priv[8:]) {
			t.Errorf("%v printed the private key in clear", args)
		}
		if !strings.Contains(out, priv[:4]+"…") {
			t.Errorf("%v: no masked private key", args)
		}
	}
}

func TestSignV4aBadFlags(t *testing.T) {
	req := []byte("GET / HTTP/1.1\nHost: h\n\n")
	keys := []string{"sign", "--access-key", "AKID", "--secret-key", "SECRET", "--region", "us-east-1"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--algorithm", "sigv5"}, "--algorithm"},
		{[]string{"--region-set", "us-east-1,eu-west-1"}, "--region-set is for SigV4a"},
		{[]string{"--algorithm", "sigv4a", "--region-set", "us-east-1,,x"}, "empty entry"},
	} {
		_, stderr, code := run(t, nil, req, append(keys, tc.args...)...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, stderr, ExitUsage, tc.want)
		}
	}
}
