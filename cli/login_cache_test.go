package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoginChecksTheCacheFirst: with a token cache that cannot be
// written, login says so before it sends anything: for sms-user, whose
// password makes Cognito text a code, no code is "sent" (the emulator logs
// each one), so neither the password nor an SMS is spent.
func TestLoginChecksTheCacheFirst(t *testing.T) {
	e := newLoginEnv(t)
	cache := os.Getenv("XDG_CACHE_HOME")
	// A file where the sigscope folder should be: nobody, root included,
	// can create the cache under it.
	if err := os.WriteFile(filepath.Join(cache, "sigscope"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin", "--username", "sms-user")
	if code != ExitError || !strings.Contains(stderr, "token cache") {
		t.Fatalf("read-only cache: exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(e.log.String(), "your code is") {
		t.Fatalf("the password was sent before the cache was checked:\n%s", e.log.String())
	}
}

// TestLoginSaysWhereThePasswordGoes: the endpoint and pool are named
// before the password is asked for or sent.
func TestLoginSaysWhereThePasswordGoes(t *testing.T) {
	e := newLoginEnv(t)
	_, _, stderr := e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin")
	i := strings.Index(stderr, "Logging in to user pool us-east-1_Demo1 at "+e.srv.URL)
	if i < 0 {
		t.Fatalf("stderr: %s", stderr)
	}
}
