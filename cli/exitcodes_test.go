package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodesFollowTheHelp: flags that cannot be used are usage errors
// (2), whatever the flag; an unknown shell for completion is one too;
// --version prints what `version` prints.
func TestExitCodesFollowTheHelp(t *testing.T) {
	req := filepath.Join(t.TempDir(), "r.txt")
	os.WriteFile(req, []byte("GET / HTTP/1.1\nHost: h\n\n"), 0o600)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"sign", "--request-file", req, "--region", "us-east-1", "--time", "garbage"}, ExitUsage, `--time "garbage"`},
		{[]string{"sign", "--request-file", req, "--region", "us-east-1", "--presign", "--expires", "700000"}, ExitUsage, "--expires 700000"},
		{[]string{"completion", "tcsh"}, ExitUsage, "tcsh"},
		{[]string{"--version"}, ExitOK, ""},
	}
	for _, c := range cases {
		var out, errb lockedBuf
		code := Main(c.args, strings.NewReader(""), &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.msg) {
			t.Errorf("%v: exit %d (want %d), stderr %q", c.args, code, c.code, errb.String())
		}
		if c.args[0] == "--version" && !strings.HasPrefix(out.String(), "sigscope ") {
			t.Errorf("--version printed %q", out.String())
		}
	}
}

// TestNoRequestIsNotBlamedOnTheEmulator: a request name that does not
// exist gets the close names, not "start the emulator".
func TestNoRequestIsNotBlamedOnTheEmulator(t *testing.T) {
	var out, errb lockedBuf
	code := Main([]string{"send", demoCollection, "List pet"}, strings.NewReader(""), &out, &errb)
	if code != ExitError || strings.Contains(errb.String(), "emulator") || !strings.Contains(errb.String(), "List pets") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}
