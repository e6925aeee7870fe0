package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/internal/testkit"
)

const demoCollection = "../examples/collections/demo.yaml"

// sendEnv is an in-process emulator and the environment the binary runs in:
// a fresh HOME and cache (so the cookie jar starts empty) and the demo keys
// the demo collection's static profile reads.
type sendEnv struct {
	srv   *emulator.Server
	env   []string
	cache string
}

func newSendEnv(t *testing.T) *sendEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); cancel() })
	cache := t.TempDir()
	cred := srv.Config.Credentials[0]
	env := append(os.Environ(), "HOME="+t.TempDir(), "XDG_CACHE_HOME="+cache,
		"SIGSCOPE_DEMO_ACCESS_KEY_ID="+cred.AccessKeyID, "SIGSCOPE_DEMO_SECRET_ACCESS_KEY="+cred.SecretAccessKey,
		"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_PROFILE=")
	return &sendEnv{srv: srv, env: env, cache: cache}
}

func (e *sendEnv) send(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return run(t, e.env, nil, append(append([]string{"send"}, args...), "--yes")...)
}

func TestSendDemoExitCodes(t *testing.T) {
	e := newSendEnv(t)
	emu := "--var=emulator=" + e.srv.URL
	closed := "http://" + testkit.ClosedPort(t)

	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // a part of standard output
		stderr string // a part of standard error
	}{
		{"signed request accepted", []string{demoCollection, "teaching/Awkward path", emu}, 0,
			`"rawPath":"/prod/pets/Mr%20Whiskers/%C3%B1and%C3%BA/a+b=c;d(1)!*'"`, ""},
		{"no auth needed", []string{demoCollection, "Public", emu}, 0, "No signature needed here.", ""},
		{"wrong region", []string{demoCollection, "teaching/Wrong region (deliberate mismatch)", emu}, ExitHTTPError,
			"Credential should be scoped to a valid region", "hint: the signature names another region"},
		{"--auth none on an IAM route", []string{demoCollection, "teaching/Awkward path", emu, "--auth", "none"}, ExitHTTPError,
			"Missing Authentication Token", "answered 403 Forbidden"},
		{"cookies missing", []string{demoCollection, "Private report", emu}, ExitHTTPError, "Missing or invalid CloudFront signed cookies", ""},
		{"connection refused", []string{demoCollection, "Public", "--var", "emulator=" + closed}, ExitTransport, "", "connection refused"},
		{"cognito profile without login", []string{demoCollection, "List pets", emu}, ExitError, "", "run `sigscope login ../examples/collections/demo.yaml` first"},
		{"unknown request", []string{demoCollection, "Nope", emu}, ExitError, "", `no request "Nope"`},
		{"emulator variable missing", []string{demoCollection, "Public"}, ExitError, "", "--var emulator=http://127.0.0.1:PORT; send does not start one"},
		{"missing collection", []string{"no-such.yaml", "Public", emu}, ExitError, "", "no-such.yaml"},
		{"bad --var", []string{demoCollection, "Public", "--var", "emulator"}, ExitUsage, "", "want name=value"},
		{"bad --output", []string{demoCollection, "Public", emu, "-o", "yaml"}, ExitUsage, "", "use text or json"},
		{"bad --auth", []string{demoCollection, "Public", emu, "--auth", "sigv4"}, ExitUsage, "", "--auth \"sigv4\""},
		{"one argument", []string{demoCollection}, ExitUsage, "", "accepts 2 arg(s)"},
		{"unknown flag", []string{demoCollection, "Public", "--nope"}, ExitUsage, "", "unknown flag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := e.send(t, c.args...)
			if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) {
				t.Errorf("exit %d (want %d)\nstdout %.400q (want %q)\nstderr %.400q (want %q)", code, c.code, stdout, c.stdout, stderr, c.stderr)
			}
		})
	}
}

func TestSendHelpDocumentsExitCodesAndEmulator(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"send", "--help"}, strings.NewReader(""), &out, &errb); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"3 answer 4xx or 5xx", "4 no answer", "1 bad input", "2 usage error", "--var emulator=http://127.0.0.1:PORT", "send does not start an emulator"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

// cookieCollection signs with the demo keys, which the demo's cookie
// requests (signed with a Cognito login) cannot do without a login.
const cookieCollection = `
name: cookie test
variables: [TEST_API_KEY]
environments:
  local: {base_url: "{{emulator}}/prod", region: us-east-1}
auth:
  keys:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
    session_token_env: TEST_SESSION_TOKEN
defaults:
  auth: {mode: iam, profile: keys}
requests:
  - name: login
    method: POST
    url: "{{base_url}}/login-cookies"
  - name: report
    method: GET
    url: "{{base_url}}/private/report.txt"
    auth: {mode: none}
  - name: echo
    method: GET
    url: "{{base_url}}/pets"
  - name: create
    method: POST
    url: "{{base_url}}/pets"
    headers: {Content-Type: application/json}
    body: {json: {name: Rex}}
  - name: keyed
    method: GET
    url: "{{base_url}}/public"
    auth: {mode: api_key, api_key: "{{env.TEST_API_KEY}}"}
`

func writeCollection(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cookies.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSendCookieJarAcrossRuns(t *testing.T) {
	e := newSendEnv(t)
	coll := writeCollection(t, cookieCollection)
	emu := "--var=emulator=" + e.srv.URL

	stdout, stderr, code := e.send(t, coll, "login", emu, "-o", "json")
	if code != 0 {
		t.Fatalf("login: exit %d: %s", code, stderr)
	}
	var out struct {
		Response struct {
			Status  int `json:"status"`
			Headers []struct{ Name, Value string }
		} `json:"response"`
		Cookies struct {
			Received []struct {
				Name   string `json:"name"`
				Value  string `json:"value"`
				Stored bool   `json:"stored"`
			} `json:"received"`
			Jar        string `json:"jar"`
			CloudFront struct {
				Resource string `json:"resource"`
				Expires  string `json:"expires"`
			} `json:"cloudfront"`
		} `json:"cookies"`
	}
	mustJSON(t, stdout, &out)
	if len(out.Cookies.Received) != 4 || out.Cookies.CloudFront.Resource != e.srv.URL+"/prod/private/*" || out.Cookies.CloudFront.Expires == "" {
		t.Fatalf("cookies: %+v", out.Cookies)
	}
	jarPath := out.Cookies.Jar
	if !strings.HasPrefix(jarPath, filepath.Join(e.cache, "sigscope", "cookies")+string(filepath.Separator)) {
		t.Errorf("jar %s is not under the user cache directory %s", jarPath, e.cache)
	}
	fi, err := os.Stat(jarPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("jar file: %v, mode %v", err, fi.Mode().Perm())
	}
	// The jar holds the values; nothing printed does.
	var jar struct {
		Cookies []struct {
			Cookie struct{ Name, Value string } `json:"cookie"`
		} `json:"cookies"`
	}
	mustJSON(t, readFile(t, jarPath), &jar)
	if len(jar.Cookies) != 4 {
		t.Fatalf("jar holds %d cookies", len(jar.Cookies))
	}
	secrets := map[string]string{}
	for _, c := range jar.Cookies {
		secrets[c.Cookie.Name] = c.Cookie.Value
	}
	for _, c := range out.Cookies.Received {
		if !c.Stored || c.Value == secrets[c.Name] || !strings.Contains(c.Value, "…") {
			t.Errorf("cookie %s: stored %v, value not masked", c.Name, c.Stored)
		}
	}
	assertNoSecrets(t, secrets, stdout, stderr)

	// A later run sends them: the private route opens.
	stdout, stderr, code = e.send(t, coll, "report", emu, "--include")
	if code != 0 || !strings.Contains(stdout, "HTTP/1.1 200 OK") {
		t.Fatalf("report with the jar: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "sent cookies from the jar: ") || !strings.Contains(stderr, "CloudFront-Policy") {
		t.Errorf("stderr does not say which cookies were sent: %s", stderr)
	}
	assertNoSecrets(t, secrets, stdout, stderr)

	// The echo route repeats the Cookie header it received (only the session
	// cookie: the CloudFront ones are for /prod/private); the value is masked
	// there too, and in the signing steps (the Cookie header is signed).
	stdout, stderr, code = e.send(t, coll, "echo", emu, "--show-signing", "--include")
	if code != 0 || !strings.Contains(stdout, "\ncookie:session=") || !strings.Contains(stdout, "\ncookie;host;x-amz-date\n") {
		t.Errorf("echo with cookies: exit %d\n%s", code, stdout)
	}
	assertNoSecrets(t, secrets, stdout, stderr)
	if stdout, _, _ := e.send(t, coll, "echo", emu, "--show-secrets"); !strings.Contains(stdout, secrets["session"]) {
		t.Errorf("--show-secrets does not show the cookie values")
	}

	// --no-cookies keeps the jar out of it.
	if _, _, code = e.send(t, coll, "report", emu, "--no-cookies"); code != ExitHTTPError {
		t.Errorf("report --no-cookies: exit %d, want %d", code, ExitHTTPError)
	}
}

func assertNoSecrets(t *testing.T, secrets map[string]string, outputs ...string) {
	t.Helper()
	for name, v := range secrets {
		for _, o := range outputs {
			if len(v) >= 4 && strings.Contains(o, v) {
				t.Errorf("the value of %s is printed in clear", name)
			}
		}
	}
}

func TestSendMasksTokensAndKeys(t *testing.T) {
	e := newSendEnv(t)
	coll := writeCollection(t, cookieCollection)
	emu := "--var=emulator=" + e.srv.URL
	const token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN/with+chars="
	const apiKey = "apikey-0123456789abcdef"
	e.env = append(e.env, "TEST_SESSION_TOKEN="+token, "TEST_API_KEY="+apiKey)

	// The emulator does not know this token: the answer is 403, but what is
	// printed about the request must not show it.
	for _, args := range [][]string{{"-o", "json"}, {"--show-signing", "--include"}} {
		stdout, stderr, code := e.send(t, append([]string{coll, "echo", emu}, args...)...)
		if code != ExitHTTPError {
			t.Errorf("%v: exit %d", args, code)
		}
		if strings.Contains(stdout+stderr, token) || strings.Contains(stdout+stderr, "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN%2F") {
			t.Errorf("%v: the session token is printed", args)
		}
		if !strings.Contains(stdout, "IQoJ…") {
			t.Errorf("%v: no masked token in the output", args)
		}
	}
	stdout, _, _ := e.send(t, coll, "echo", emu, "-o", "json", "--show-secrets")
	if !strings.Contains(stdout, token) {
		t.Errorf("--show-secrets hides the session token")
	}

	stdout, stderr, code := e.send(t, coll, "keyed", emu, "-o", "json")
	if code != 0 || strings.Contains(stdout+stderr, apiKey) || !strings.Contains(stdout, "x-api-key: apik…") {
		t.Errorf("api key: exit %d, masked? %v", code, !strings.Contains(stdout, apiKey))
	}
}

func TestSendReportsMismatchLine(t *testing.T) {
	e := newSendEnv(t)
	coll := writeCollection(t, cookieCollection)
	proxy := "http://" + testkit.TamperingProxy(t, strings.TrimPrefix(e.srv.URL, "http://"), "Content-Type: application/json", "Content-Type: application/json; charset=utf-8")
	emu := "--var=emulator=" + proxy

	stdout, stderr, code := e.send(t, coll, "create", emu, "--no-cookies")
	if code != ExitHTTPError || !strings.Contains(stdout, "signature we calculated does not match") {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	for _, want := range []string{
		"signature mismatch: The request signature we calculated does not match",
		"first difference: canonical request, line ",
		"(canonical headers)",
		"signed:   content-type:application/json\n",
		"received: content-type:application/json; charset=utf-8\n",
		`hint: the signed header "content-type" reached the server with another value`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	stdout, _, code = e.send(t, coll, "create", emu, "--no-cookies", "-o", "json")
	var out struct {
		Mismatch struct {
			Step, Part, Signed, Server, Hint string
			Line                             int
		} `json:"mismatch"`
		Signing struct {
			CanonicalRequest string `json:"canonical_request"`
		} `json:"signing"`
		Request struct {
			Wire string `json:"wire"`
		} `json:"request"`
	}
	mustJSON(t, stdout, &out)
	m := out.Mismatch
	if code != ExitHTTPError || m.Part != "canonical headers" || m.Server != "content-type:application/json; charset=utf-8" {
		t.Fatalf("json mismatch: exit %d %+v", code, m)
	}
	// The line number points at the content-type line of what was signed.
	lines := strings.Split(out.Signing.CanonicalRequest, "\n")
	if m.Line < 1 || m.Line > len(lines) || lines[m.Line-1] != "content-type:application/json" {
		t.Errorf("line %d of the canonical request is not the content-type line", m.Line)
	}
	if !strings.Contains(out.Request.Wire, "\r\nContent-Type: application/json\r\n") {
		t.Errorf("the wire shows what sigscope sent: %q", out.Request.Wire)
	}

	// Straight to the emulator the same request passes.
	if _, stderr, code := e.send(t, coll, "create", "--var=emulator="+e.srv.URL, "--no-cookies"); code != 0 {
		t.Errorf("without the proxy: exit %d: %s", code, stderr)
	}
}

// TestSendDemoAfterLogin logs in as the demo user (package auth, as
// `sigscope login` does) into the cache the binary reads, then sends the
// demo's Cognito requests: the id token to the user-pool route and
// identity-pool credentials to the IAM route.
func TestSendDemoAfterLogin(t *testing.T) {
	e := newSendEnv(t)
	emu := "--var=emulator=" + e.srv.URL
	if _, stderr, code := e.send(t, demoCollection, "Who am I", emu); code != ExitError || !strings.Contains(stderr, "sigscope login") {
		t.Fatalf("before login: exit %d: %s", code, stderr)
	}

	coll, err := collections.Load(demoCollection)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := coll.Resolve("Who am I", "", map[string]string{"emulator": e.srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := auth.CognitoProfileFrom(rr.Auth.Profile, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	store := &auth.Store{Dir: filepath.Join(e.cache, "sigscope", "tokens")}
	login, err := auth.NewLogin(cp, "demo", auth.WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	if step, err := login.Answer(context.Background(), auth.Answer{Password: "Passw0rd!"}); err != nil || step.Kind != auth.StepDone {
		t.Fatalf("login: %v %v", step.Kind, err)
	}
	abs, _ := filepath.Abs(demoCollection)
	if _, err := login.Session(auth.CacheKey{Collection: abs, Environment: rr.Environment, UserPoolID: cp.UserPoolID}); err != nil {
		t.Fatal(err)
	}
	tokens, _ := login.Tokens()

	stdout, stderr, code := e.send(t, demoCollection, "Who am I", emu, "--include")
	if code != 0 || !strings.Contains(stdout, `"email":"demo@example.com"`) {
		t.Fatalf("Who am I: exit %d\n%s\n%s", code, stdout, stderr)
	}
	stdout, stderr, code = e.send(t, demoCollection, "List pets", emu, "-o", "json")
	if code != 0 || !strings.Contains(stdout, `\"cognitoAuthenticationType\":\"authenticated\"`) {
		t.Fatalf("List pets: exit %d\n%.600s\n%s", code, stdout, stderr)
	}
	for _, secret := range []string{tokens.IDToken, tokens.AccessToken, tokens.RefreshToken} {
		if secret != "" && strings.Contains(stdout+stderr, secret) {
			t.Errorf("a token is printed in clear")
		}
	}
	var out struct {
		Request struct {
			Wire string `json:"wire"`
		} `json:"request"`
	}
	mustJSON(t, stdout, &out)
	if !strings.Contains(out.Request.Wire, "\r\nX-Amz-Security-Token: ") || !strings.Contains(out.Request.Wire, "…(") {
		t.Errorf("the session token is not sent, or not masked: %.300q", out.Request.Wire)
	}
}
