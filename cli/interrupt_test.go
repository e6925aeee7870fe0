package cli

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

// TestCtrlCAtLoginPrompts types part of a password, then Ctrl-C, in a real
// terminal (tmux): login must end at once with 130 and the terminal must
// echo again. The same at the MFA code prompt, which reads a plain line.
func TestCtrlCAtLoginPrompts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	peer.Command(t, "tmux") // before the build: a missing tmux skips at once
	bin := filepath.Join(t.TempDir(), "sigscope")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/sigscope/sigscope").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	coll, err := filepath.Abs("../examples/collections/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	run := tmuxServer(t)
	waitFor := func(want string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			scr := run("capture-pane", "-p")
			if strings.Contains(scr, want) {
				return scr
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %q:\n%s", want, scr)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	home := t.TempDir()
	// Nothing listens on port 9: the login never gets past the prompt. The
	// shell traps Ctrl-C (a handler, not an ignore, which the child would
	// inherit) so that it lives on to report.
	script := fmt.Sprintf("trap true INT; env HOME=%s XDG_CACHE_HOME=%s %s login %s --var emulator=http://127.0.0.1:9 --yes; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -- '-\\?echo' | sed 's/^/STTY=/'; sleep 60",
		home, home, bin, coll)
	run("new-session", "-d", "-x", "120", "-y", "30", "sh -c '"+strings.ReplaceAll(script, "'", "'\\''")+"'")
	waitFor("Password for demo")
	run("send-keys", "-l", "hunter")
	run("send-keys", "C-c")
	scr := waitFor("STTY=")
	if !strings.Contains(scr, "EXIT=130") {
		t.Fatalf("Ctrl-C at the password prompt did not exit 130:\n%s", scr)
	}
	if !strings.Contains(scr, "STTY=echo") {
		t.Fatalf("the terminal does not echo after Ctrl-C:\n%s", scr)
	}
	if strings.Contains(scr, "hunter") {
		t.Fatalf("the password typed reached the screen:\n%s", scr)
	}
}
