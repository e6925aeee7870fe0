package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/internal/peer"
)

// exportEnv runs the export command in this process (it is not yet
// registered in the root command): an emulator on loopback, a fresh HOME
// and cache (trust is asked again), the demo keys and a planted session
// token in the environment.
type exportEnv struct {
	srv *emulator.Server
	env map[string]string
}

const plantedToken = "PLANTED-SESSION-TOKEN-cli-0123456789"

func newExportEnv(t *testing.T) *exportEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); cancel() })
	cred := srv.Config.Credentials[0]
	env := map[string]string{
		"HOME": t.TempDir(), "XDG_CACHE_HOME": t.TempDir(),
		"SIGSCOPE_DEMO_ACCESS_KEY_ID": cred.AccessKeyID, "SIGSCOPE_DEMO_SECRET_ACCESS_KEY": cred.SecretAccessKey,
		"TEST_SESSION_TOKEN": plantedToken,
		"AWS_ACCESS_KEY_ID":  "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	return &exportEnv{srv: srv, env: env}
}

// export runs `sigscope export ARGS` as Main does and returns its output
// and exit code.
func (e *exportEnv) export(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(append([]string{"export"}, args...), strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// curlStatus runs an exported command with bash and curl, in the given
// environment only, and returns the status curl got.
func curlStatus(t *testing.T, command string, env map[string]string) (int, string) {
	t.Helper()
	bash := peer.Command(t, "bash")
	curl := peer.Command(t, "curl")
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".curlrc"), []byte("silent\nshow-error\nmax-time = 20\nwrite-out = \"\\n%{http_code}\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := exec.Command(bash, "-c", command)
	c.Env = []string{"PATH=" + filepath.Dir(curl) + ":/usr/bin:/bin", "HOME=" + home, "CURL_HOME=" + home}
	for k, v := range env {
		c.Env = append(c.Env, k+"="+v)
	}
	out, err := c.Output()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, command)
	}
	i := bytes.LastIndexByte(out, '\n')
	code, err := strconv.Atoi(string(out[i+1:]))
	if err != nil {
		t.Fatalf("curl output %q", out)
	}
	return code, string(out[:i])
}

const exportCollection = `
name: export cli
environments:
  local: {base_url: "{{emulator}}/prod", region: us-east-1}
auth:
  keys:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
  planted:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
    session_token_env: TEST_SESSION_TOKEN
defaults:
  auth: {mode: iam, profile: keys}
requests:
  - name: create
    method: POST
    url: "{{base_url}}/pets"
    headers: {Content-Type: application/json}
    body: {json: {name: Rex}}
  - name: planted
    url: "{{base_url}}/pets"
    auth: {profile: planted}
`

// TestExportCurlRunsLikeSend: the exported command, run by curl, gets the
// 200 that send gets; the frozen one too, within its 15 minutes.
func TestExportCurlRunsLikeSend(t *testing.T) {
	e := newExportEnv(t)
	coll := writeCollection(t, exportCollection)
	emu := "--var=emulator=" + e.srv.URL
	_, stderr, code := run(t, os.Environ(), nil, "send", coll, "create", emu, "--yes")
	if code != 0 {
		t.Fatalf("send: exit %d %s", code, stderr)
	}
	for _, extra := range [][]string{nil, {"--frozen"}} {
		out, stderr, code := e.export(t, append([]string{coll, "create", emu, "--yes"}, extra...)...)
		if code != 0 {
			t.Fatalf("export %v: exit %d %s", extra, code, stderr)
		}
		status, body := curlStatus(t, out, e.env)
		if status != 200 || !strings.Contains(body, `"body":"{\"name\":\"Rex\"}"`) {
			t.Errorf("export %v: curl got %d %s\n%s", extra, status, body, out)
		}
	}
}

func TestExportTrustAndUsage(t *testing.T) {
	e := newExportEnv(t)
	coll := writeCollection(t, exportCollection)
	emu := "--var=emulator=" + e.srv.URL
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"untrusted without --yes", []string{coll, "create", emu}, ExitError, "Pass --yes to trust it"},
		{"unknown format", []string{coll, "create", emu, "--as", "wget"}, ExitUsage, `--as "wget": use curl, httpie, postman or raw`},
		{"postman takes no request", []string{coll, "create", "--as", "postman"}, ExitUsage, "exports the whole collection"},
		{"curl needs a request", []string{coll, "--as", "curl"}, ExitUsage, "needs COLLECTION and REQUEST"},
		{"unknown request", []string{coll, "nope", emu, "--yes"}, ExitError, `no request "nope"`},
		{"emulator variable missing", []string{coll, "create", "--yes", "--frozen"}, ExitError, "--var emulator=http://127.0.0.1:PORT"},
		{"bad --auth", []string{coll, "create", emu, "--auth", "sigv4"}, ExitUsage, `--auth "sigv4"`},
		{"plugin without httpie", []string{coll, "create", emu, "--yes", "--httpie-plugin"}, ExitUsage, "--httpie-plugin is for --as httpie"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := e.export(t, c.args...)
			if code != c.code || !strings.Contains(stderr, c.stderr) || (code != 0 && stdout != "") {
				t.Errorf("exit %d (want %d)\nstdout %q\nstderr %q (want %q)", code, c.code, stdout, stderr, c.stderr)
			}
		})
	}
}

// TestExportSecrets: the planted session token is never printed in clear
// by any format unless --show-secrets; with it, the frozen forms hold it.
func TestExportSecrets(t *testing.T) {
	e := newExportEnv(t)
	coll := writeCollection(t, exportCollection)
	emu := "--var=emulator=" + e.srv.URL
	secretKey := e.env["SIGSCOPE_DEMO_SECRET_ACCESS_KEY"]
	for _, as := range []string{"curl", "httpie", "raw"} {
		for _, frozen := range []bool{false, true} {
			args := []string{coll, "planted", emu, "--yes", "--as", as}
			if frozen {
				args = append(args, "--frozen")
			}
			out, stderr, code := e.export(t, args...)
			if code != 0 {
				t.Fatalf("%v: exit %d %s", args, code, stderr)
			}
			if strings.Contains(out+stderr, plantedToken) || strings.Contains(out+stderr, secretKey) {
				t.Errorf("%v: a secret in clear:\n%s%s", args, out, stderr)
			}
			if as != "raw" && !strings.Contains(out, "$TEST_SESSION_TOKEN") {
				t.Errorf("%v: the token is not read from its variable:\n%s", args, out)
			}
			shown, _, code := e.export(t, append(args, "--show-secrets")...)
			// Stock HTTPie cannot sign: its IAM export is the signed request.
			signed := frozen || as == "raw" || as == "httpie"
			if code != 0 || signed != strings.Contains(shown, plantedToken) {
				t.Errorf("%v --show-secrets: exit %d\n%s", args, code, shown)
			}
		}
	}
	out, _, code := e.export(t, coll, "--as", "postman")
	if code != 0 || strings.Contains(out, plantedToken) || strings.Contains(out, secretKey) {
		t.Errorf("postman: exit %d\n%s", code, out)
	}
	var pm struct {
		Info struct{ Schema string } `json:"info"`
		Item []struct{ Name string } `json:"item"`
	}
	if err := json.Unmarshal([]byte(out), &pm); err != nil || !strings.Contains(pm.Info.Schema, "v2.1.0") || len(pm.Item) != 2 {
		t.Errorf("postman: %v %+v", err, pm)
	}
}

// TestExportWithoutLogin: a request authorized by a Cognito id token is
// exported before any login, reading the token from a variable.
func TestExportWithoutLogin(t *testing.T) {
	e := newExportEnv(t)
	out, stderr, code := e.export(t, demoCollection, "Who am I", "--var=emulator="+e.srv.URL, "--yes")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	// The login recipe names the --var the export was given: without it
	// the collection has no emulator address.
	if !strings.Contains(out, `-H "Authorization: $SIGSCOPE_ID_TOKEN"`) || !strings.Contains(out, "sigscope login ../examples/collections/demo.yaml --profile app --var emulator="+e.srv.URL+" -o json") {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(stderr, "sigscope login") || !strings.Contains(stderr, "reads its credentials or token from the environment when it runs") {
		t.Errorf("stderr: %s", stderr)
	}
	// Frozen needs the token now.
	if _, stderr, code := e.export(t, demoCollection, "Who am I", "--var=emulator="+e.srv.URL, "--yes", "--frozen"); code != ExitError || !strings.Contains(stderr, "sigscope login") {
		t.Errorf("frozen without login: exit %d %s", code, stderr)
	}
}
