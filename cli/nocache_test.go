package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator"
)

// TestSendWithoutACacheDirectory: with HOME and XDG_CACHE_HOME unset there
// is no cache: a request that needs no login still goes, without a cookie
// jar, with one warning (as a read-only cache gives), and --yes trusts the
// collection for this run only, with another.
func TestSendWithoutACacheDirectory(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	var out, errb lockedBuf
	code := Main([]string{"send", demoCollection, "Public", "--var", "emulator=" + srv.URL, "--yes"}, strings.NewReader(""), &out, &errb)
	if code != ExitOK || !strings.Contains(out.String(), "Hello from the sigscope emulator") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
	if n := strings.Count(errb.String(), "warning:"); n != 2 || !strings.Contains(errb.String(), "cookies are neither sent nor kept") || !strings.Contains(errb.String(), "trusted for this run only") {
		t.Fatalf("want one warning about the jar and one about the trust, got:\n%s", errb.String())
	}
}
