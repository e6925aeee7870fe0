package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/testkit"
	"gopkg.in/yaml.v3"
)

func TestEmulatorConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	text := "region: us-east-1\napi:\n  id: abc123\n  stages: [prod]\n  routes:\n    - {method: GET, path: /x, authorizer: IAM, response: {kind: echo}}\n"
	if err := os.WriteFile(bad, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad config", []string{"emulator", "--config", bad, "--addr", "127.0.0.1:0"}, ExitError, bad + `:6: unknown authorizer "IAM"`},
		{"missing config", []string{"emulator", "--config", filepath.Join(dir, "none.yaml"), "--addr", "127.0.0.1:0"}, ExitError, "none.yaml"},
		{"not loopback", []string{"emulator", "--addr", "0.0.0.0:7466"}, ExitError, "loopback only"},
		{"ca-file without tls", []string{"emulator", "--addr", "127.0.0.1:0", "--ca-file", filepath.Join(dir, "ca.pem")}, ExitUsage, "--ca-file needs --tls"},
		{"unknown flag", []string{"emulator", "--port", "1"}, ExitUsage, "unknown flag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(c.args, strings.NewReader(""), &out, &errb)
			if code != c.code || !strings.Contains(errb.String(), c.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, c.code, errb.String(), c.want)
			}
		})
	}
}

func TestEmulatorPrintConfig(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"emulator", "--print-config"}, strings.NewReader(""), &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc map[string]any
	if err := yaml.Unmarshal(out.Bytes(), &doc); err != nil || doc["region"] != "us-east-1" || doc["api"] == nil {
		t.Fatalf("printed config does not parse as the demo: %v", err)
	}
}

var emulatorURLRE = regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)

// TestEmulatorRunsUntilCancelled: the command describes the endpoint, the
// API, the pools and demo users, serves, and stops cleanly.
func TestEmulatorRunsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, logw testkit.Buffer
	done := make(chan error, 1)
	go func() { done <- runEmulator(ctx, &emulatorFlags{addr: "127.0.0.1:0"}, &out, &logw) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl-C") {
		if time.Now().After(deadline) {
			t.Fatalf("no banner: %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	text := out.String()
	m := emulatorURLRE.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no URL in %q", text)
	}
	for _, want := range []string{
		m[1] + "/prod", "us-east-1", "us-east-1_Demo1", "3n4b5urk1ft4fl3mg5e62d9ado",
		"us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab", "AKIDSIGSCOPEDEMO", "demo (password Passw0rd!)",
		"newbie", "totp-user", "sms-user", `curl --aws-sigv4 "aws:amz:us-east-1:execute-api"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q", want)
		}
	}
	resp, err := http.Get(m[1] + "/prod/public")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("public route: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("runEmulator: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("emulator did not stop")
	}
	if !strings.Contains(out.String(), "emulator stopped") {
		t.Errorf("no stop message")
	}
}

// TestEmulatorOwnConfigMasksSecrets: with a config of one's own, secrets
// and passwords are not printed.
func TestEmulatorOwnConfigMasksSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "own.yaml")
	cfg := `region: eu-west-1
credentials:
  - {access_key_id: AKIAOWNKEY0000000001, secret_access_key: ownSecretValue123456}
user_pools:
  - id: eu-west-1_Own
    name: own
    clients: [{id: ownclient0000000000000000a, name: app, secret: ownClientSecret000000}]
    users: [{username: alice, password: "AlicePassw0rd!"}]
api:
  id: own1
  stages: [dev]
  routes: [{method: GET, path: /x, authorizer: AWS_IAM, response: {kind: echo}}]
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	text := emulatorBanner(t, &emulatorFlags{addr: "127.0.0.1:0", configPath: path})
	for _, secret := range []string{"ownSecretValue123456", "ownClientSecret000000", "AlicePassw0rd!"} {
		if strings.Contains(text, secret) {
			t.Errorf("banner shows a secret of a user config (%d chars)", len(secret))
		}
	}
	for _, want := range []string{"AKIAOWNKEY0000000001", "alice", "/dev", "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q", want)
		}
	}
}

// emulatorBanner runs the emulator command until it has described itself,
// stops it and returns what it printed.
func emulatorBanner(t *testing.T, f *emulatorFlags) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out testkit.Buffer
	done := make(chan error, 1)
	go func() { done <- runEmulator(ctx, f, &out, io.Discard) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl-C") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestEmulatorSignalExit runs the built sigscope binary (built once by
// TestMain in sign_test.go) and stops it with SIGINT and SIGTERM: it must
// exit 0 after saying it stopped.
func TestEmulatorSignalExit(t *testing.T) {
	if binary == "" {
		t.Fatal("TestMain did not build the sigscope binary")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(binary, "emulator", "--addr", "127.0.0.1:0")
			stdout, _ := cmd.StdoutPipe()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(stdout)
			var lines []string
			ready := false
			for sc.Scan() {
				lines = append(lines, sc.Text())
				if strings.Contains(sc.Text(), "Press Ctrl-C") {
					ready = true
					break
				}
			}
			if !ready {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("child gave no banner: %q %s", lines, stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(stdout)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit after %v: %v; stderr %s", sig, err, stderr.String())
			}
			if !strings.Contains(string(rest), "emulator stopped") {
				t.Errorf("no stop message: %q", rest)
			}
		})
	}
}

// TestEmulatorTLSDefaultCAFile: with --tls and no --ca-file, the CA
// certificate goes to the user's cache directory (as --help says), not
// the shared temp directory.
func TestEmulatorTLSDefaultCAFile(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(base, "sigscope", "emulator", "ca.pem")

	var help, errb bytes.Buffer
	if code := Main([]string{"emulator", "--help"}, strings.NewReader(""), &help, &errb); code != ExitOK {
		t.Fatalf("--help: exit %d: %s", code, errb.String())
	}
	for _, s := range []string{want, "127.0.0.0/8", "DNS rebinding"} {
		if !strings.Contains(help.String(), s) {
			t.Errorf("--help does not mention %q", s)
		}
	}

	banner := emulatorBanner(t, &emulatorFlags{addr: "127.0.0.1:0", tls: true})
	if !strings.Contains(banner, "CA certificate  "+want) || !strings.Contains(banner, "--cacert "+want) {
		t.Errorf("banner does not point at %s:\n%s", want, banner)
	}
	if st, err := os.Stat(want); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("CA file %s: %v", want, err)
	}
}
