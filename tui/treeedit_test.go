package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenamedFolderKeepsTheSelection: after renaming a folder the cursor
// is on it, so the next x asks to delete that folder, not the request
// above it; the request shown, inside it, follows the new name with its
// answer.
func TestRenamedFolderKeepsTheSelection(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile("testdata/golden.yaml")
	path := filepath.Join(dir, "api.yaml")
	os.WriteFile(path, src, 0o600)
	hs := newHarness(t, Config{Paths: []string{path}, Env: goldenEnv(t)}, 160, 48)
	hs.find("admin/Delete pet")
	fakeAnswer(t, hs, "204 No Content", "", nil, false)
	hs.press("up") // the folder admin
	if n, _ := hs.m.tree.selected(); n.Kind != nodeFolder || n.Key != "admin" {
		t.Fatalf("not on the folder: %+v", n)
	}
	hs.press("r", "ctrl+u")
	hs.typeText("staff")
	hs.press("enter")
	if n, _ := hs.m.tree.selected(); n.Kind != nodeFolder || n.Key != "staff" {
		t.Fatalf("after the rename the cursor is on %+v, not the folder staff", n)
	}
	if hs.m.path != "staff/Delete pet" {
		t.Errorf("the request shown is %q, not staff/Delete pet", hs.m.path)
	}
	if scr := hs.screen(); !strings.Contains(scr, "Response · staff/Delete pet · 204 No Content") {
		t.Fatalf("the answer did not follow the rename:\n%s", scr)
	}
	hs.press("x")
	if scr := hs.screen(); !strings.Contains(scr, "Delete the folder staff and everything in it?") {
		t.Fatalf("x after the rename:\n%s", scr)
	}
	hs.press("esc")
	hs.press("up", "r", "ctrl+u") // the request Create pet, renamed: the cursor follows it too
	hs.typeText("Add pet")
	hs.press("enter")
	if n, _ := hs.m.tree.selected(); n.Kind != nodeRequest || n.Key != "Add pet" {
		t.Fatalf("after renaming a request the cursor is on %+v", n)
	}
}
