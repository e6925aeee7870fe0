package tui

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator"
)

// TestRunFolderFromTheUI: R on the QA smoke folder runs it against the
// emulator (logging in by itself), the dialog ends with the summary, the
// tree marks each request, and a request's answer from the run is its
// last one.
func TestRunFolderFromTheUI(t *testing.T) {
	hs := demoHarness(t, "demo", 160, 48, func(c *Config, srv *emulator.Server) {
		demo := map[string]string{
			"SIGSCOPE_DEMO_PASSWORD":          srv.Config.Cognito.UserPools[0].Users[0].Password,
			"SIGSCOPE_DEMO_ACCESS_KEY_ID":     srv.Config.Credentials[0].AccessKeyID,
			"SIGSCOPE_DEMO_SECRET_ACCESS_KEY": srv.Config.Credentials[0].SecretAccessKey,
		}
		c.Env.LookupEnv = func(name string) (string, bool) { v, ok := demo[name]; return v, ok }
	})
	if !hs.m.tree.selectFolder(0, "QA smoke") {
		t.Fatal("no QA smoke folder in the tree")
	}
	hs.press("R")
	scr := hs.screen()
	if !strings.Contains(scr, "Run · QA smoke") || !strings.Contains(scr, "6 requests: 6 passed, 0 failed, 0 no answer") {
		t.Fatalf("the run did not end with its summary:\n%s", scr)
	}
	for _, want := range []string{"✓ 201 QA smoke/Create pet", "✓ 404 QA smoke/Pet is gone", "✓ 200 QA smoke/Pets as a guest"} {
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
}
