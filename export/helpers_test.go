package export

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
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/workbench"
)

// bench is an emulator on loopback and a collection opened on it, with an
// environment of its own (the demo keys, and whatever a test adds).
type bench struct {
	srv *emulator.Server
	wb  *workbench.Workbench
	env map[string]string
	dir string
}

func newBench(t *testing.T, collection string, extraEnv map[string]string) *bench {
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
		"SIGSCOPE_DEMO_ACCESS_KEY_ID":     cred.AccessKeyID,
		"SIGSCOPE_DEMO_SECRET_ACCESS_KEY": cred.SecretAccessKey,
		"SIGSCOPE_DEMO_PASSWORD":          srv.Config.Cognito.UserPools[0].Users[0].Password,
	}
	for k, v := range extraEnv {
		env[k] = v
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "coll.yaml")
	if err := os.WriteFile(path, []byte(collection), 0o600); err != nil {
		t.Fatal(err)
	}
	return &bench{srv: srv, env: env, dir: dir, wb: openBench(t, path, srv.URL, env)}
}

func openBench(t *testing.T, path, emu string, env map[string]string) *workbench.Workbench {
	t.Helper()
	return openBenchVars(t, path, map[string]string{"emulator": emu}, env)
}

// openBenchVars opens a collection with the given runtime variables.
func openBenchVars(t *testing.T, path string, vars, env map[string]string) *workbench.Workbench {
	t.Helper()
	wb, err := workbench.Open(path, workbench.Options{
		Vars:    vars,
		Trusted: true, // trust is the face's question (cli/export_test.go asks it)
		Env: workbench.Env{
			LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			CacheDir:  t.TempDir(), UserAgent: "sigscope/test",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

func (b *bench) preview(t *testing.T, request string) *workbench.Preview {
	t.Helper()
	pv, err := b.wb.Preview(context.Background(), request, workbench.Run{})
	if err != nil {
		t.Fatalf("preview %q: %v", request, err)
	}
	return pv
}

// send sends the request as sigscope does, for the answer to compare.
func (b *bench) send(t *testing.T, request string) (int, echo) {
	t.Helper()
	oc := b.wb.Send(context.Background(), request, workbench.Run{Timeout: 10 * time.Second})
	defer oc.Close()
	if oc.Err != nil {
		t.Fatalf("send %q: %v", request, oc.Err)
	}
	if oc.Result.Err != nil || oc.Result.Response == nil {
		t.Fatalf("send %q: no answer: %v", request, oc.Result.Err)
	}
	return oc.Result.Response.Status, parseEcho(t, oc.Result.Response.Body)
}

// envNames maps the bench's secret values to their variables, as the
// command line does.
func (b *bench) envNames(pv *workbench.Preview) map[string]string {
	out := map[string]string{}
	for k, v := range b.env {
		for _, s := range pv.Prepared.Secrets {
			if s == v && v != "" {
				out[v] = k
			}
		}
	}
	return out
}

// echo is what the emulator's echo routes answer: the request as the
// gateway saw it.
type echo struct {
	Method string              `json:"httpMethod"`
	Path   string              `json:"path"`
	Body   *string             `json:"body"`
	Query  map[string][]string `json:"multiValueQueryStringParameters"`
}

func parseEcho(t *testing.T, body []byte) echo {
	t.Helper()
	var e echo
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("echo answer: %v\n%.500s", err, body)
	}
	return e
}

// runShell runs an exported command with bash and the given environment
// (nothing else of the test's), curl told by its own config file to print
// the status after the body. It returns the status and the body.
func runShell(t *testing.T, command string, env map[string]string) (int, []byte) {
	t.Helper()
	bash := peer.Command(t, "bash")
	curl := peer.Command(t, "curl")
	home := t.TempDir()
	rc := "silent\nshow-error\nmax-time = 20\nwrite-out = \"\\n%{http_code}\"\n"
	if err := os.WriteFile(filepath.Join(home, ".curlrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-c", command)
	cmd.Env = []string{"PATH=" + filepath.Dir(curl) + ":/usr/bin:/bin", "HOME=" + home, "CURL_HOME=" + home}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run %v: %s\ncommand:\n%s", err, stderr.String(), command)
	}
	out := stdout.Bytes()
	i := bytes.LastIndexByte(out, '\n')
	if i < 0 {
		t.Fatalf("no status in curl's output %q", out)
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(out[i+1:])))
	if err != nil {
		t.Fatalf("status %q: %v", out[i+1:], err)
	}
	return code, out[:i]
}

// guestCredentials are temporary credentials (with a session token) from
// the emulator's identity pool, which lets guests in.
func guestCredentials(t *testing.T, srv *emulator.Server) (id, secret, token string) {
	t.Helper()
	pool := srv.Config.Cognito.IdentityPools[0]
	c, _, err := auth.GuestCredentials(context.Background(), auth.CognitoProfile{IdentityPoolID: pool.ID, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if c.SessionToken == "" {
		t.Fatal("guest credentials without a session token")
	}
	return c.AccessKeyID, c.SecretAccessKey, c.SessionToken
}

// login logs the demo user in (SRP against the emulator), so that the
// workbench holds a real id token and identity-pool credentials.
func login(t *testing.T, wb *workbench.Workbench) {
	t.Helper()
	ctx := context.Background()
	target, err := wb.LoginTarget("")
	if err != nil {
		t.Fatal(err)
	}
	l, err := target.Start(target.Username)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := l.Answer(ctx, auth.Answer{Password: target.Password}); err != nil || st.Kind != auth.StepDone {
		t.Fatalf("login: %v %v", st.Kind, err)
	}
	if _, err := target.Finish(ctx, l); err != nil {
		t.Fatal(err)
	}
}
