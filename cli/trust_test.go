package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/internal/testkit"
)

func trustedCollection(addr string) string {
	return "name: repo collection\nvariables: [TRACE_ID]\nrequests:\n  - name: r\n    method: GET\n    url: http://" + addr + "/x\n" +
		"    headers: {X-Trace: \"{{env.TRACE_ID}}\"}\n"
}

// A collection is confirmed once: without --yes and without a terminal,
// send refuses and lists what the collection reads and where it goes;
// --yes confirms and is remembered; another host asks again.
func TestSendAsksToTrustTheCollection(t *testing.T) {
	srv := testkit.NewRecorder(t, nil)
	cache := t.TempDir()
	env := []string{"HOME=" + t.TempDir(), "XDG_CACHE_HOME=" + cache, "TRACE_ID=t-42", "PATH=" + os.Getenv("PATH")}
	coll := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(coll, []byte(trustedCollection(srv.Addr)), 0o600)

	_, stderr, code := run(t, env, nil, "send", coll, "r")
	if code != ExitError || len(srv.Requests()) != 0 {
		t.Fatalf("untrusted: exit %d, %d requests reached the host: %s", code, len(srv.Requests()), stderr)
	}
	for _, want := range []string{"not trusted yet", "  TRACE_ID\n", "  " + srv.Addr, "Pass --yes"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, stderr)
		}
	}

	if _, stderr, code := run(t, env, nil, "send", coll, "r", "--yes"); code != ExitOK || len(srv.Requests()) != 1 {
		t.Fatalf("--yes: exit %d, %d requests: %s", code, len(srv.Requests()), stderr)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "sigscope", "trust", "*.json"))
	if len(files) != 1 {
		t.Fatalf("trust files: %q", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("trust file: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Dir(files[0])); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("trust folder: %v %v", fi.Mode(), err)
	}
	if _, stderr, code := run(t, env, nil, "send", coll, "r"); code != ExitOK || len(srv.Requests()) != 2 {
		t.Fatalf("remembered: exit %d: %s", code, stderr)
	}

	// The URL now goes elsewhere: asked again, nothing sent anywhere.
	other := testkit.NewRecorder(t, nil)
	os.WriteFile(coll, []byte(trustedCollection(other.Addr)), 0o600)
	_, stderr, code = run(t, env, nil, "send", coll, "r")
	if code != ExitError || !strings.Contains(stderr, "  "+other.Addr) || len(other.Requests()) != 0 || len(srv.Requests()) != 2 {
		t.Fatalf("new host: exit %d, %d+%d requests: %s", code, len(srv.Requests()), len(other.Requests()), stderr)
	}
	// A "y" piped in is no confirmation: only a terminal asks.
	if _, _, code := run(t, env, []byte("y\n"), "send", coll, "r"); code != ExitError || len(other.Requests()) != 0 {
		t.Fatalf("a piped answer confirmed: exit %d", code)
	}
}

// A collection that reads a credential through a template, or does not
// declare what it reads, stops at load with the position and the fix:
// nothing is asked, nothing is sent.
func TestSendRefusesUndeclaredAndCredentialVariables(t *testing.T) {
	srv := testkit.NewRecorder(t, nil)
	env := []string{"HOME=" + t.TempDir(), "XDG_CACHE_HOME=" + t.TempDir(), "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "PATH=" + os.Getenv("PATH")}
	coll := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(coll, []byte("name: c\nrequests:\n  - name: r\n    url: http://"+srv.Addr+"/x\n    headers: {X-Trace: \"{{env.AWS_SECRET_ACCESS_KEY}}\", X-Home: \"{{env.HOME}}\"}\n"), 0o600)
	_, stderr, code := run(t, env, nil, "send", coll, "r", "--yes")
	if code != ExitError || len(srv.Requests()) != 0 {
		t.Fatalf("exit %d, %d requests", code, len(srv.Requests()))
	}
	for _, want := range []string{"c.yaml:5:25: {{env.AWS_SECRET_ACCESS_KEY}} is refused", "c.yaml:5:66: environment variable HOME is not declared", "add HOME to variables:"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "wJalrXUtnFEMI") {
		t.Error("the secret's value reached the message")
	}
}

// login, without --yes and without a terminal, refuses before any password
// is read or sent, naming the password variable and the endpoint.
func TestLoginAsksToTrustTheCollection(t *testing.T) {
	e := newLoginEnv(t)
	var out, errb lockedBuf
	code := Main([]string{"login", demoCollection, "--var", "emulator=" + e.srv.URL, "--password-stdin"}, strings.NewReader(demoUserPassword+"\n"), &out, &errb)
	if code != ExitError || !strings.Contains(errb.String(), "  SIGSCOPE_DEMO_PASSWORD") || !strings.Contains(errb.String(), "  {{emulator}}") || !strings.Contains(errb.String(), "--yes") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	store, err := auth.DefaultStore()
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := store.Entries(""); strings.Contains(errb.String(), "Logging in") || len(entries) != 0 {
		t.Fatalf("the login went on (%d cached):\n%s", len(entries), errb.String())
	}
	if code, _, stderr := e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin"); code != ExitOK {
		t.Fatalf("with --yes: exit %d: %s", code, stderr)
	}
	if entries, _ := store.Entries(""); len(entries) != 1 {
		t.Fatalf("%d logins cached after the login with --yes", len(entries))
	}
}
