package tui

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator"
	examples "github.com/sigscope/sigscope/examples/collections"
)

// TestRunFolderFromTheUI: R on the QA smoke folder runs it against the
// emulator (logging in by itself), the dialog ends with the summary, the
// tree marks each request, and a request's answer from the run is its
// last one.
func TestRunFolderFromTheUI(t *testing.T) {
	hs := runHarness(t, 160, 48)
	if !hs.m.tree.selectFolder(0, "QA smoke") {
		t.Fatal("no QA smoke folder in the tree")
	}
	hs.press("R")
	scr := hs.screen()
	if !strings.Contains(scr, "Run · QA smoke") || !strings.Contains(scr, "6 requests: 6 passed, 0 failed, 0 no answer") {
		t.Fatalf("the run did not end with its summary:\n%s", scr)
	}
	for _, want := range []string{"✓ 201 QA smoke/Create pet", "✓ 404 QA smoke/Pet is gone", "✓ 200 QA smoke/Pets as a guest",
		"kept in the session (e): pet_id, pet_url"} {
		if !strings.Contains(scr, want) {
			t.Errorf("dialog lacks %q", want)
		}
	}
	hs.press("esc")
	if !strings.Contains(lineWith(hs.screen(), "Pet is gone"), "✓404") {
		t.Errorf("the tree does not mark the run: %q", lineWith(hs.screen(), "Pet is gone"))
	}
	if !hs.m.tree.selectRequest(0, "QA smoke/Get pet") {
		t.Fatal("no Get pet")
	}
	hs.run(hs.m.selectionChanged())
	scr = hs.screen()
	if !strings.Contains(scr, "Response · QA smoke/Get pet · 200 OK") && !strings.Contains(scr, "200 OK") {
		t.Errorf("the run's answer is not the request's last:\n%s", scr)
	}

	// The captures stay in the session: listed as captured in e, where x
	// forgets one.
	wb := hs.m.selectedBench()
	if id := wb.Vars()["pet_id"]; id == "" {
		t.Fatalf("pet_id not in the session after the run: %v", wb.Vars())
	}
	hs.press("e")
	scr = hs.screen()
	if !strings.Contains(lineWith(scr, "pet_id"), "captured (") {
		t.Fatalf("e does not list pet_id as captured:\n%s", scr)
	}
	for i := 0; i < 10 && !strings.Contains(lineWith(hs.screen(), "›"), "pet_id"); i++ {
		hs.press("down")
	}
	hs.press("x")
	if _, still := wb.Vars()["pet_id"]; still || !strings.Contains(hs.screen(), "captured pet_id forgotten") {
		t.Errorf("x on a captured variable: %v\n%s", wb.Vars(), hs.screen())
	}
}

// TestRunStopsOnEsc: esc while the run goes stops it between steps; the
// dialog says so, and the steps before stay marked.
func TestRunStopsOnEsc(t *testing.T) {
	hs := runHarness(t, 80, 24)
	if !hs.m.tree.selectFolder(0, "QA smoke") {
		t.Fatal("no QA smoke folder in the tree")
	}
	first := hs.m.runSuite()()
	_, next := hs.m.Update(first) // the first step in; the run goes on
	hs.press("esc")
	hs.run(next)
	d, ok := hs.m.overlays[len(hs.m.overlays)-1].(*suiteDialog)
	if !ok || d.res == nil {
		t.Fatalf("no finished run dialog: %+v", hs.m.overlays)
	}
	if d.res.Stopped != "stopped" || len(d.res.Steps) >= 6 || len(d.res.Steps) < 1 {
		t.Errorf("esc did not stop the run: %d steps, stopped %q", len(d.res.Steps), d.res.Stopped)
	}
	if scr := hs.screen(); !strings.Contains(scr, "· stopped") {
		t.Errorf("the summary does not say the run stopped:\n%s", scr)
	}
	hs.press("esc", "0") // 80x24: the tree is its own tab
	if !strings.Contains(hs.screen(), "✓201") {
		t.Errorf("the step before esc is not marked:\n%s", hs.screen())
	}
}

// runHarness is the demo against its emulator, with the demo's public
// password and keys, so that a run logs in by itself.
func runHarness(t *testing.T, w, h int, tweak ...func(*Config, *emulator.Server)) *harness {
	return demoHarness(t, "demo", w, h, append([]func(*Config, *emulator.Server){func(c *Config, srv *emulator.Server) {
		demo := map[string]string{
			"SIGSCOPE_DEMO_PASSWORD":          srv.Config.Cognito.UserPools[0].Users[0].Password,
			"SIGSCOPE_DEMO_ACCESS_KEY_ID":     srv.Config.Credentials[0].AccessKeyID,
			"SIGSCOPE_DEMO_SECRET_ACCESS_KEY": srv.Config.Credentials[0].SecretAccessKey,
		}
		c.Env.LookupEnv = func(name string) (string, bool) { v, ok := demo[name]; return v, ok }
	}}, tweak...)...)
}

// TestRunMarksFailures: R on a folder with an assertion that does not
// hold shows it failed in the dialog, expected against actual with its
// line, and the tree marks that request ✗ and the others ✓.
func TestRunMarksFailures(t *testing.T) {
	// The demo, with Get pet expecting a cat where the store has a dog.
	hs := runHarness(t, 160, 48, func(c *Config, _ *emulator.Server) {
		c.Data = []byte(strings.Replace(string(examples.Demo), `'.type == "dog"'`, `'.type == "cat"'`, 1))
	})
	if !hs.m.tree.selectFolder(0, "QA smoke") {
		t.Fatal("no QA smoke folder in the tree")
	}
	hs.press("R")
	scr := hs.screen()
	for _, want := range []string{"6 requests: 5 passed, 1 failed, 0 no answer", "✗ 200 QA smoke/Get pet",
		`json .type == "cat": expected true, got false (.type is "dog")`} {
		if !strings.Contains(scr, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, scr)
		}
	}
	hs.press("esc")
	scr = hs.screen()
	if l := lineWith(scr, "Get pet"); !strings.Contains(l, "✗200") {
		t.Errorf("the tree does not mark Get pet failed: %q", l)
	}
	if l := lineWith(scr, "Pet is gone"); !strings.Contains(l, "✓404") {
		t.Errorf("the tree does not mark Pet is gone passed: %q", l)
	}
}

// TestRunAsksForTheLoginKey: a run that cannot log in by itself (the
// profile names no password) says to press the login key, not to run the
// command line's `sigscope login FILE`.
func TestRunAsksForTheLoginKey(t *testing.T) {
	hs := runHarness(t, 160, 48, func(c *Config, _ *emulator.Server) {
		c.Data = []byte(strings.Replace(string(examples.Demo), "    password_env: SIGSCOPE_DEMO_PASSWORD\n", "", 1))
	})
	if !hs.m.tree.selectFolder(0, "QA smoke") {
		t.Fatal("no QA smoke folder in the tree")
	}
	hs.press("R")
	flat := flatten(hs.screen())
	// The dialog cuts its lines at its width: the start says it.
	if !strings.Contains(flat, `auth profile "app" needs a login and the run cannot ask for one: press L to log in`) ||
		strings.Contains(flat, "sigscope login") {
		t.Errorf("the run dialog does not say to press L:\n%s", hs.screen())
	}
}
