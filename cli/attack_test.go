package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/internal/testkit"
)

// TestAttackCorpusThroughTheCommands runs the attack corpus through send
// (without and with --yes) and login: each collection is refused with its
// reason or waits for confirmation, and no planted secret reaches the
// attacker's server.
func TestAttackCorpusThroughTheCommands(t *testing.T) {
	attacker := testkit.NewRecorder(t, nil)
	good := testkit.RedirectingRecorder(t, func() string { return "http://" + attacker.Addr })
	env := append(os.Environ(), "HOME="+t.TempDir(), "XDG_CACHE_HOME="+t.TempDir(), "AWS_PROFILE=", "AWS_ACCESS_KEY_ID=", "AWS_SESSION_TOKEN=")
	for k, v := range testkit.Planted {
		env = append(env, k+"="+v)
	}
	for _, a := range testkit.Attacks(t, "http://"+good.Addr, "http://"+attacker.Addr) {
		t.Run(a.Name, func(t *testing.T) {
			before := len(attacker.Raw())
			_, stderr, code := run(t, env, nil, "send", a.Path, "r")
			if code == 0 {
				t.Fatalf("sent without confirmation:\n%s", stderr)
			}
			if !strings.Contains(stderr, "not trusted") && !(a.Expect == "refused" && strings.Contains(stderr, a.Want)) {
				t.Errorf("send without --yes: %d\n%s", code, stderr)
			}
			if a.Expect == "confirm" && !strings.Contains(stderr, a.Want) {
				t.Errorf("the confirmation does not say %q:\n%s", a.Want, stderr)
			}
			if n := len(attacker.Raw()) - before; n > 0 {
				t.Fatalf("the attacker's server got %d requests before any confirmation", n)
			}
			_, stderr, code = run(t, env, nil, "send", a.Path, "r", "--yes", "-L")
			if a.Expect == "refused" && strings.Contains(a.Path, "cognito") {
				_, stderr, code = run(t, env, []byte("\n"), "login", a.Path, "--yes")
			}
			switch a.Expect {
			case "refused":
				if code == 0 || !strings.Contains(stderr, a.Want) {
					t.Errorf("want a refusal naming %q: %d\n%s", a.Want, code, stderr)
				}
			case "confirm", "good":
				if code != 0 {
					t.Errorf("after --yes: %d\n%s", code, stderr)
				}
			}
			raw := attacker.Raw()[before:]
			if leaks := testkit.Leaks(raw); len(leaks) > 0 && a.Expect != "confirm" {
				t.Errorf("%v reached the attacker's server", leaks)
			}
			for _, v := range testkit.Planted {
				if strings.Contains(stderr, v) {
					t.Errorf("a planted secret is in the output:\n%s", stderr)
				}
			}
		})
	}
}

// TestAttackCorpusThroughExportAndImport runs the attack corpus through
// export (curl, without and with --yes) and through a Postman round trip
// (export --as postman, then import): what a refused collection is refused
// with, what an accepted one writes holds no planted secret, and the
// imported collection still asks before it sends anything.
func TestAttackCorpusThroughExportAndImport(t *testing.T) {
	attacker := testkit.NewRecorder(t, nil)
	good := testkit.RedirectingRecorder(t, func() string { return "http://" + attacker.Addr })
	env := append(os.Environ(), "HOME="+t.TempDir(), "XDG_CACHE_HOME="+t.TempDir(), "AWS_PROFILE=", "AWS_ACCESS_KEY_ID=", "AWS_SESSION_TOKEN=")
	for k, v := range testkit.Planted {
		env = append(env, k+"="+v)
	}
	noPlanted := func(t *testing.T, what, text string) {
		t.Helper()
		for _, v := range testkit.Planted {
			if strings.Contains(text, v) {
				t.Errorf("a planted secret is in %s:\n%s", what, text)
			}
		}
	}
	for _, a := range testkit.Attacks(t, "http://"+good.Addr, "http://"+attacker.Addr) {
		t.Run(a.Name, func(t *testing.T) {
			before := len(attacker.Raw())
			stdout, stderr, code := run(t, env, nil, "export", a.Path, "r", "--as", "curl")
			if code == 0 {
				t.Fatalf("exported without confirmation:\n%s", stdout)
			}
			noPlanted(t, "the export", stdout+stderr)
			stdout, stderr, code = run(t, env, nil, "export", a.Path, "r", "--as", "curl", "--yes")
			// A refusal that concerns the login only (a plain-http Cognito
			// endpoint) leaves a command that reads its token when it runs:
			// the reason must be said all the same.
			switch {
			case a.Expect == "refused" && !strings.Contains(stderr, a.Want):
				t.Errorf("export --yes: want a refusal naming %q: %d\n%s", a.Want, code, stderr)
			case a.Expect != "refused" && code != 0:
				t.Errorf("export --yes: %d\n%s", code, stderr)
			}
			noPlanted(t, "the export", stdout+stderr)
			if a.Expect == "good" && code == 0 {
				pasteEverywhere(t, env, stdout)
			}

			stdout, stderr, code = run(t, env, nil, "export", a.Path, "--as", "postman")
			if code != 0 {
				if a.Expect != "refused" || !strings.Contains(stderr, a.Want) {
					t.Errorf("export --as postman: %d\n%s", code, stderr)
				}
				return
			}
			noPlanted(t, "the Postman export", stdout)
			dir := t.TempDir()
			pm, out := dir+"/c.postman_collection.json", dir+"/imported.yaml"
			if err := os.WriteFile(pm, []byte(stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, stderr, code = run(t, env, nil, "import", pm, "-o", out); code != 0 {
				t.Logf("import refused it: %s", stderr)
				return
			}
			noPlanted(t, "the imported collection", readFile(t, out))
			if _, stderr, code = run(t, env, nil, "send", out, "r"); code == 0 {
				t.Errorf("the imported collection was sent without confirmation:\n%s", stderr)
			}
			if n := len(attacker.Raw()) - before; n > 0 {
				t.Errorf("the attacker's server got %d requests", n)
			}
		})
	}
}

// pasteEverywhere runs an exported command as a user pasting it would, in
// dash, bash and zsh, in an empty folder, with the planted values in the
// environment: it must run nothing but the request (no file appears).
func pasteEverywhere(t *testing.T, env []string, command string) {
	t.Helper()
	for _, sh := range []string{"dash", "bash", "zsh"} {
		path := peer.Command(t, sh)
		dir := t.TempDir()
		cmd := exec.Command(path, "-c", command)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Logf("%s: %v\n%s", sh, err, out) // the server's answer may fail; side effects matter
		}
		if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) > 0 {
			t.Errorf("pasting the export into %s left %q", sh, files)
		}
	}
}
