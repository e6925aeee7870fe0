package cli

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// tmuxServer is a tmux server of the test's own (its socket in a
// temporary folder, killed at cleanup): tm runs one tmux command on it
// and returns its output, failing the test when tmux fails. Skips, as
// peers do, where tmux is missing.
func tmuxServer(t *testing.T) (tm func(args ...string) string) {
	t.Helper()
	tmux := peer.Command(t, "tmux")
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	t.Cleanup(func() { exec.Command(tmux, "-S", sock, "kill-server").Run() })
	return func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
}
