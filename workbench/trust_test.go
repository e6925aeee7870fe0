package workbench

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/collections"
	examples "github.com/sigscope/sigscope/examples/collections"
	"github.com/sigscope/sigscope/internal/testkit"
)

func trustCollection(addr string) string {
	return "name: c\nvariables: [TRACE_ID]\n" +
		"auth:\n  keys: {type: static, access_key_id_env: C_KEY_ID, secret_access_key_env: C_SECRET_KEY}\n" +
		"requests:\n  - name: r\n    method: GET\n    url: http://" + addr + "/x\n" +
		"    headers: {X-Trace: \"{{env.TRACE_ID}}\"}\n"
}

func openFile(t *testing.T, path, cache string) *Workbench {
	t.Helper()
	env := map[string]string{"TRACE_ID": "t-123"}
	wb, err := Open(path, Options{Env: Env{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, CacheDir: cache}})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// An unconfirmed collection is neither previewed nor sent nor logged in
// with: the error lists what it reads and where it goes. Trust remembers
// the confirmation in a private file; a second workbench on the same file
// needs none; a change of host asks again.
func TestTrustGatesTheCollection(t *testing.T) {
	rec := testkit.NewRecorder(t, nil)
	dir, cache := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte(trustCollection(rec.Addr)), 0o600); err != nil {
		t.Fatal(err)
	}
	wb := openFile(t, path, cache)
	ok, vars, hosts := wb.TrustStatus()
	wantVars, wantHosts := []string{"C_KEY_ID", "C_SECRET_KEY", "TRACE_ID"}, []string{rec.Addr}
	if ok || !reflect.DeepEqual(vars, wantVars) || !reflect.DeepEqual(hosts, wantHosts) {
		t.Fatalf("TrustStatus() = %v %q %q", ok, vars, hosts)
	}
	_, err := wb.Preview(context.Background(), "r", Run{})
	ue, isU := IsUntrusted(err)
	if !isU || !reflect.DeepEqual(ue.Vars, wantVars) || !reflect.DeepEqual(ue.Hosts, wantHosts) {
		t.Fatalf("preview of an untrusted collection: %v", err)
	}
	for _, s := range []string{"not trusted yet", "TRACE_ID", rec.Addr, "--yes"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the error does not say %q: %v", s, err)
		}
	}
	oc := wb.Send(context.Background(), "r", Run{Timeout: 5 * time.Second})
	if _, isU := IsUntrusted(oc.Err); !isU || oc.Result != nil {
		t.Fatalf("send of an untrusted collection: %v", oc.Err)
	}
	if n := len(rec.Requests()); n != 0 {
		t.Fatalf("an untrusted collection reached its host %d times", n)
	}

	if err := wb.Trust(); err != nil {
		t.Fatal(err)
	}
	oc = wb.Send(context.Background(), "r", Run{Timeout: 5 * time.Second})
	oc.Close()
	if oc.Err != nil || oc.Result.Err != nil || len(rec.Requests()) != 1 {
		t.Fatalf("send after Trust: %v", oc.Err)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "trust", "*.json"))
	if len(files) != 1 {
		t.Fatalf("trust files: %q", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("trust file mode: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Dir(files[0])); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("trust folder mode: %v %v", fi.Mode(), err)
	}

	// Remembered: another workbench, through a symlink too.
	link := filepath.Join(t.TempDir(), "link.yaml")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, link} {
		if ok, _, _ := openFile(t, p, cache).TrustStatus(); !ok {
			t.Errorf("the confirmation was not remembered for %s", p)
		}
	}

	// A change that moves neither variables nor hosts keeps it.
	other := strings.Replace(trustCollection(rec.Addr), "method: GET", "method: POST", 1)
	os.WriteFile(path, []byte(other), 0o600)
	if ok, _, _ := openFile(t, path, cache).TrustStatus(); !ok {
		t.Error("changing the method asked again")
	}
	// Another host asks again; so does another variable.
	os.WriteFile(path, []byte(trustCollection("evil.test:81")), 0o600)
	if ok, _, hosts := openFile(t, path, cache).TrustStatus(); ok || !reflect.DeepEqual(hosts, []string{"evil.test:81"}) {
		t.Errorf("a new host: trusted %v, hosts %q", ok, hosts)
	}
	os.WriteFile(path, []byte(strings.Replace(trustCollection(rec.Addr), "[TRACE_ID]", "[TRACE_ID, HOME]", 1)), 0o600)
	if ok, _, _ := openFile(t, path, cache).TrustStatus(); ok {
		t.Error("a new variable did not ask again")
	}
}

// An edit in memory (the UI's editor) that changes a host takes the trust
// away until confirmed again.
func TestTrustFollowsEdits(t *testing.T) {
	wb := openYAML(t, trustCollection("a.test"), nil)
	if !wb.KnownTrusted() {
		t.Fatal("not trusted after Trust")
	}
	if err := wb.Edit(func(c *collections.Collection) error { return c.SetURL("r", "http://b.test/x") }); err != nil {
		t.Fatal(err)
	}
	if wb.KnownTrusted() {
		t.Fatal("still trusted after the host changed")
	}
	if _, err := wb.Preview(context.Background(), "r", Run{}); err == nil {
		t.Fatal("previewed after the host changed")
	} else if ue, ok := IsUntrusted(err); !ok || !reflect.DeepEqual(ue.Hosts, []string{"b.test"}) {
		t.Fatalf("got %v", err)
	}
	if _, err := wb.LoginTarget(""); err == nil {
		t.Fatal("LoginTarget of an untrusted collection")
	} else if _, ok := IsUntrusted(err); !ok {
		t.Fatalf("LoginTarget: %v", err)
	}
}

// Options.Trusted (the bundled demo) needs no confirmation and writes
// nothing.
func TestTrustedByConstruction(t *testing.T) {
	cache := t.TempDir()
	wb, err := OpenBytes(examples.DemoPath, examples.Demo, Options{Trusted: true, Env: Env{CacheDir: cache}})
	if err != nil {
		t.Fatal(err)
	}
	ok, vars, hosts := wb.TrustStatus()
	if !ok || !wb.KnownTrusted() || len(vars) == 0 || !reflect.DeepEqual(hosts, []string{"{{emulator}}"}) {
		t.Errorf("TrustStatus() = %v %q %q", ok, vars, hosts)
	}
	if err := wb.Trust(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cache, "trust")); !os.IsNotExist(err) {
		t.Errorf("a trusted-by-construction collection wrote a trust file: %v", err)
	}
}
