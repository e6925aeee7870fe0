package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// untrustedSetup writes a collection that reads TRACE_ID and talks to
// pets.test:8443, and an environment whose cache starts empty.
func untrustedSetup(t *testing.T) Config {
	path := filepath.Join(t.TempDir(), "repo.yaml")
	src := "name: Repo API\nvariables: [TRACE_ID]\nrequests:\n  - name: List pets\n    method: GET\n    url: https://pets.test:8443/pets\n" +
		"    headers: {X-Trace: \"{{env.TRACE_ID}}\"}\n  - name: Get pet\n    url: https://pets.test:8443/pets/1\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	env := goldenEnv(t)
	env.LookupEnv = func(k string) (string, bool) { return "trace-value-123", k == "TRACE_ID" }
	return Config{Paths: []string{path}, Env: env, Dark: true}
}

// A collection opened for the first time asks, before anything is
// previewed, with its variables and hosts; esc leaves it unconfirmed (the
// Request pane says so, enter asks again, nothing is sent); 'y' remembers
// the answer and previews.
func TestTrustDialog(t *testing.T) {
	cfg := untrustedSetup(t)
	hs := newUntrustedHarness(t, cfg, 160, 48)
	scr := hs.screen()
	for _, want := range []string{"Trust this collection?", "It reads these environment variables:", "  TRACE_ID", "It sends requests and logins to these hosts:", "  pets.test:8443", "y trust it and preview"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("the dialog lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "GET /pets") {
		t.Fatalf("previewed before the collection was trusted:\n%s", scr)
	}

	hs.press("esc")
	scr = hs.screen()
	if strings.Contains(scr, "Trust this collection?") || !strings.Contains(scr, untrustedNote) || strings.Contains(scr, "GET /pets") {
		t.Fatalf("after esc:\n%s", scr)
	}
	hs.press("down") // another request of the collection does not nag
	if scr := hs.screen(); strings.Contains(scr, "Trust this collection?") || hs.m.path != "Get pet" || !strings.Contains(scr, untrustedNote) {
		t.Fatalf("on another request after esc (%q):\n%s", hs.m.path, scr)
	}
	hs.press("enter")
	if r := hs.m.selected(); !strings.Contains(hs.screen(), "Trust this collection?") || r == nil || r.oc.Result != nil {
		t.Fatalf("enter on an untrusted collection (result %+v):\n%s", r, hs.screen())
	}

	hs.press("y")
	scr = hs.screen()
	if strings.Contains(scr, "Trust this collection?") || strings.Contains(scr, untrustedNote) || !strings.Contains(scr, "GET /pets") || strings.Contains(scr, "trace-value-123") {
		t.Fatalf("after y, the request is not previewed (or the variable shows in clear):\n%s", scr)
	}
	if hs.m.selected() != nil {
		t.Error("the refused send still shows in the Response pane")
	}
	if files, _ := filepath.Glob(filepath.Join(cfg.Env.CacheDir, "trust", "*.json")); len(files) != 1 {
		t.Fatalf("the confirmation was not remembered: %q", files)
	}

	// Remembered: the next start does not ask.
	again := newUntrustedHarness(t, cfg, 160, 48)
	if scr := again.screen(); strings.Contains(scr, "Trust this collection?") || !strings.Contains(scr, "GET /pets") {
		t.Fatalf("asked again on the next start:\n%s", scr)
	}
}

// An edit that sends the request elsewhere takes the trust away: the
// dialog waits for the editor to close (it would take the keys typed),
// then asks with the new host.
func TestTrustAskedAgainAfterEditingTheHost(t *testing.T) {
	cfg := untrustedSetup(t)
	hs := newHarness(t, cfg, 160, 48)
	hs.m.editDelay = 0
	if scr := hs.screen(); strings.Contains(scr, "Trust this collection?") || !strings.Contains(scr, "GET /pets") {
		t.Fatalf("a trusted collection asked:\n%s", scr)
	}
	hs.press("i", "ctrl+u")
	hs.typeText("https://elsewhere.test/pets")
	if scr := hs.screen(); strings.Contains(scr, "Trust this collection?") || hs.m.editing == nil {
		t.Fatalf("asked while editing:\n%s", scr)
	}
	hs.press("esc")
	scr := hs.screen()
	if !strings.Contains(scr, "Trust this collection?") || !strings.Contains(scr, "  elsewhere.test") {
		t.Fatalf("not asked again after the host changed:\n%s", scr)
	}
	hs.press("y")
	if scr := hs.screen(); strings.Contains(scr, "Trust this collection?") || !strings.Contains(scr, "host: elsewhere.test") {
		t.Fatalf("after y:\n%s", scr)
	}
}

// The login of an untrusted collection asks first too.
func TestTrustDialogBeforeLogin(t *testing.T) {
	cfg := untrustedSetup(t)
	hs := newUntrustedHarness(t, cfg, 120, 30)
	hs.press("esc", "L")
	if scr := hs.screen(); !strings.Contains(scr, "Trust this collection?") {
		t.Fatalf("L on an untrusted collection:\n%s", scr)
	}
}

// The bundled demo is sigscope's own: no question.
func TestDemoIsTrusted(t *testing.T) {
	hs := demoHarness(t, "demo", 160, 48)
	if scr := hs.screen(); strings.Contains(scr, "Trust this collection?") || strings.Contains(scr, untrustedNote) {
		t.Fatalf("the demo asked to be trusted:\n%s", scr)
	}
	if _, err := os.Stat(filepath.Join(hs.m.cfg.Env.CacheDir, "trust")); !os.IsNotExist(err) {
		t.Errorf("the demo wrote a trust file: %v", err)
	}
}

// A confirmation taller than the screen (many hosts and ways to sign, at
// 80x24) keeps its keys in sight and scrolls to its last line.
func TestTrustDialogScrollsAtNarrowSizes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many.yaml")
	src := "name: Many\nauth:\n  keys: {type: static, access_key_id_env: K_ID, secret_access_key_env: K_SECRET}\n" +
		"defaults:\n  auth: {mode: iam, profile: keys, region: us-east-1}\nrequests:\n"
	for _, h := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		src += "  - name: " + h + "\n    method: GET\n    url: https://" + h + ".example.test/x\n"
	}
	src += "  - name: last\n    method: GET\n    url: https://z.example.test/x\n    headers: {Host: signed-elsewhere.test}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	hs := newUntrustedHarness(t, Config{Paths: []string{path}, Env: goldenEnv(t), Dark: true}, 80, 24)
	scr := hs.screen()
	if !strings.Contains(scr, "y trust it and preview") || !strings.Contains(scr, "↑↓ lines 1–") {
		t.Fatalf("the keys or the scroll mark are not in sight:\n%s", scr)
	}
	for range 40 {
		hs.press("down")
	}
	scr = hs.screen()
	if !strings.Contains(scr, "signed-elsewhere.test (its Host header)") || !strings.Contains(scr, "y trust it and preview") {
		t.Fatalf("scrolled to the end:\n%s", scr)
	}
}
