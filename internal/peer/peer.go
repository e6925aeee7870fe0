// Package peer lets tests that need an outside program (node, curl, tmux)
// skip on a bare machine and fail in CI, where SIGSCOPE_REQUIRE_PEERS=1 says
// every peer has been installed.
package peer

import (
	"os"
	"os/exec"
	"testing"
)

// Required reports whether missing peers must fail tests rather than skip them.
func Required() bool { return os.Getenv("SIGSCOPE_REQUIRE_PEERS") == "1" }

// Missing stops the test because a peer is unavailable: a skip on a bare
// machine, a failure when peers are required.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf("SIGSCOPE_REQUIRE_PEERS=1 but "+format, args...)
	}
	t.Skipf("skipping: "+format, args...)
}

// Command returns the path of an executable on PATH, or stops the test
// through Missing when it is absent.
func Command(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s not found on PATH (bash .ci/run installs it)", name)
	}
	return path
}

// Python returns a Python 3 that imports module: Debian's own first (where
// .ci/run installs python3-* packages), then the one on PATH; or stops the
// test through Missing, naming the Debian package.
func Python(t testing.TB, module, debianPackage string) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import "+module).Run() == nil {
			return path
		}
	}
	Missing(t, "no python3 imports %s (apt install %s; bash .ci/run installs it)", module, debianPackage)
	return ""
}
