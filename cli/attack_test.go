package cli

import (
	"os"
	"strings"
	"testing"

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
