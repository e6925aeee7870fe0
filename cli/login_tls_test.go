package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator"
)

// TestLoginAndSendTrustAPrivateCA: against `emulator --tls`, login and send
// trust the emulator's CA given with --ca-file or in AWS_CA_BUNDLE (as the
// AWS CLI reads it), and refuse the certificate otherwise.
func TestLoginAndSendTrustAPrivateCA(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv("SIGSCOPE_DEMO_PASSWORD", "")
	t.Setenv("AWS_CA_BUNDLE", "")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := emulator.Start(ctx, emulator.Options{TLS: true, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	login := func(args ...string) (int, string) {
		var out, errb lockedBuf
		code := Main(append([]string{"login", demoCollection, "--var", "emulator=" + srv.URL, "--password-stdin", "--yes"}, args...), strings.NewReader(demoUserPassword+"\n"), &out, &errb)
		return code, errb.String()
	}
	if code, stderr := login(); code == ExitOK || !strings.Contains(stderr, "certificate") {
		t.Fatalf("without the CA: exit %d, %s", code, stderr)
	}
	if code, stderr := login("--ca-file", ca); code != ExitOK {
		t.Fatalf("--ca-file: exit %d, %s", code, stderr)
	}
	t.Setenv("AWS_CA_BUNDLE", ca)
	if code, stderr := login(); code != ExitOK {
		t.Fatalf("AWS_CA_BUNDLE: exit %d, %s", code, stderr)
	}
	// send, with the login's identity-pool credentials (a Cognito refresh
	// may run over TLS too), trusting the same bundle.
	var out, errb lockedBuf
	code := Main([]string{"send", demoCollection, "List pets", "--var", "emulator=" + srv.URL, "--yes"}, strings.NewReader(""), &out, &errb)
	if code != ExitOK {
		t.Fatalf("send with AWS_CA_BUNDLE: exit %d, %s", code, errb.String())
	}
}
