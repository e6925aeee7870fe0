package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The start screen fits its pane at every size (no line cut with "…")
// and mentions sigscope import.
func TestGoldenStartScreen(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := newHarness(t, Config{Paths: []string{t.TempDir()}, Env: goldenEnv(t)}, sz.w, sz.h)
			scr := hs.screen()
			if !strings.Contains(scr, "sigscope import") {
				t.Fatalf("no sigscope import on the start screen:\n%s", scr)
			}
			for _, l := range strings.Split(scr, "\n")[1 : sz.h-1] {
				if strings.Contains(l, "…") {
					t.Fatalf("a line is cut:\n%s", scr)
				}
			}
			hs.golden("start-" + sizeName(sz.w, sz.h))
		})
	}
}

// A folder whose only collection has a YAML error shows the error, and
// does not then claim there is no collection.
func TestStartScreenAfterYAMLError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("name: x\nrequests: [\n  - {name: a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	hs := newHarness(t, Config{Paths: []string{dir}, Env: goldenEnv(t)}, 160, 48)
	scr := hs.screen()
	if len(hs.m.errs) == 0 {
		t.Skipf("the broken file loaded:\n%s", scr)
	}
	if strings.Contains(scr, "No collection here.") || !strings.Contains(scr, "Collection not loaded") {
		t.Fatalf("error then \"No collection here.\":\n%s", scr)
	}
}
