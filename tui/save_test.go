package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	examples "github.com/sigscope/sigscope/examples/collections"
)

// TestBundledDemoIsNeverWritten: the demo's collection is held in
// memory; its name is the repository's examples/collections/demo.yaml,
// and from the checkout that file is there. An edit, then q: the dialog
// offers no save, and neither s nor ctrl+s writes the file (run from a
// folder holding it, as from the checkout).
func TestBundledDemoIsNeverWritten(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, filepath.FromSlash(examples.DemoPath))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, examples.Demo, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	cfg := Config{Data: examples.Demo, DataName: examples.DemoPath, Vars: map[string]string{"emulator": "http://127.0.0.1:9"}, Env: goldenEnv(t), Dark: true}
	hs := newHarness(t, cfg, 120, 30)
	hs.m.editDelay = 0
	hs.press("i")
	hs.typeText("/edited")
	hs.press("esc")
	if !hs.m.dirty() {
		t.Fatal("the edit did not take")
	}
	unchanged := func(after string) {
		t.Helper()
		if got, err := os.ReadFile(file); err != nil || string(got) != string(examples.Demo) {
			t.Fatalf("after %s, %s was written (%v):\n%s", after, examples.DemoPath, err, got)
		}
	}
	hs.press("ctrl+s")
	unchanged("ctrl+s")
	saying := hs.m.status
	hs.press("q")
	scr := hs.screen()
	hs.press("s")
	unchanged("s in the quit dialog")
	if !strings.Contains(scr, "Unsaved changes") || !strings.Contains(scr, "read-only") || strings.Contains(scr, "save and quit") {
		t.Fatalf("the quit dialog offers to save the bundled demo:\n%s", scr)
	}
	if hs.m.quitting {
		t.Fatal("s quit")
	}
	if !strings.Contains(saying, "read-only") {
		t.Errorf("ctrl+s says %q", saying)
	}
	hs.press("q")
	unchanged("q in the quit dialog")
	if !hs.m.quitting {
		t.Fatal("q in the dialog did not quit")
	}
}
