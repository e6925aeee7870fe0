package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

func TestStartScreenWithoutCollections(t *testing.T) {
	hs := newHarness(t, Config{Paths: []string{t.TempDir()}, Env: goldenEnv(t)}, 100, 30)
	scr := hs.screen()
	for _, want := range []string{"No collection here.", "sigscope demo", "sigscope path/to/api.yaml"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("start screen lacks %q:\n%s", want, scr)
		}
	}
}

func TestFolderOpensEveryCollectionAndShowsBrokenOnes(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile("testdata/golden.yaml")
	os.WriteFile(filepath.Join(dir, "a.yaml"), good, 0o600)
	os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(strings.Replace(string(good), "Golden pets", "Second", 1)), 0o600)
	os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("name: Broken\nrequests:\n  - name: x\n    method: GET\n    url: [oops\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "other.yaml"), []byte("not: a collection\n"), 0o600)
	hs := newHarness(t, Config{Paths: []string{dir}, Env: goldenEnv(t)}, 160, 48)
	if len(hs.m.benches) != 2 {
		t.Fatalf("opened %d collections, want 2", len(hs.m.benches))
	}
	scr := hs.screen()
	for _, want := range []string{"▾ Golden pets", "▾ Second", ".yaml:5: YAML syntax", "Collection not loaded"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("screen lacks %q:\n%s", want, scr)
		}
	}
}

func TestAuthSwitchIsLiveAndLeavesTheFile(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	before := string(hs.m.benches[0].Coll.Bytes())
	if !strings.Contains(hs.screen(), "auth iam ▸ keys") {
		t.Fatal("not iam at first")
	}
	// The golden collection has no Cognito profile: iam → none → iam.
	hs.press("a")
	scr := hs.screen()
	if !strings.Contains(scr, "auth none") || !strings.Contains(scr, "No signature: auth mode none") {
		t.Fatalf("after a:\n%s", scr)
	}
	hs.press("a")
	if !strings.Contains(hs.screen(), "auth iam") {
		t.Fatal("a did not cycle back to iam")
	}
	if string(hs.m.benches[0].Coll.Bytes()) != before || hs.m.dirty() {
		t.Fatal("the auth switch edited the document")
	}
}

func TestEnvironmentPickerSignsForTheOtherRegion(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	hs.press("e")
	if !strings.Contains(hs.screen(), "Environments and variables") {
		t.Fatal("no picker")
	}
	// The environments are a row of tabs (the arrows up and down move over
	// the variables); enter uses the one shown, esc closes.
	hs.press("right", "enter", "esc")
	scr := hs.screen()
	if !strings.Contains(scr, "env staging") || !strings.Contains(scr, "eu-west-1/execute-api") || !strings.Contains(scr, "def456") {
		t.Fatalf("after choosing staging:\n%s", scr)
	}
}

func TestFinderSelectsAndLettersTypeIntoIt(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	hs.press("ctrl+p")
	hs.typeText("delete") // d, e, l, t would act outside a field
	if hs.m.showDiff || hs.m.teaching || len(hs.m.overlays) != 1 {
		t.Fatal("letters typed in the finder acted as keys")
	}
	hs.press("enter")
	if hs.m.path != `admin/Delete pet` {
		t.Fatalf("selected %q", hs.m.path)
	}
	if !strings.Contains(hs.screen(), "DELETE /prod/pets/1") {
		t.Fatal("the wire view did not follow the selection")
	}
}

func TestSearchAndJQOnTheBody(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	fakeAnswer(t, hs, "200 OK", `{"items":[{"id":1,"name":"rex"},{"id":2,"name":"tom"}]}`, nil, false)
	hs.press("/")
	hs.typeText("tom")
	hs.press("enter")
	if cur, total := hs.m.body.MatchInfo(); cur != 1 || total != 1 {
		t.Fatalf("search: %d/%d", cur, total)
	}
	hs.press("|")
	hs.typeText(".items[] | .name")
	hs.press("enter")
	scr := hs.screen()
	if !strings.Contains(scr, "jq .items[] | .name") || !strings.Contains(scr, `"rex"`) || strings.Contains(scr, `"id": 1`) {
		t.Fatalf("jq filter:\n%s", scr)
	}
	hs.press("|")
	hs.typeText(" | bad(")
	hs.press("enter")
	if p, ok := hs.m.overlays[len(hs.m.overlays)-1].(*prompt); !ok || p.err == "" {
		t.Fatal("a bad jq expression gave no error in the prompt")
	}
	hs.press("esc", "esc")
	if hs.m.body.Filtering() != "" {
		t.Fatal("esc did not clear the filter")
	}
}

func TestEditingSignsAgainAndSaveKeepsComments(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile("testdata/golden.yaml")
	path := filepath.Join(dir, "api.yaml")
	os.WriteFile(path, src, 0o600)
	hs := newHarness(t, Config{Paths: []string{path}, Env: goldenEnv(t)}, 160, 48)
	hs.m.editDelay = 0
	sigBefore := hs.m.preview.Prepared.Trace.Signature
	hs.press("i")
	// The URL field has focus: add a path segment.
	hs.typeText("/dogs")
	scr := hs.screen()
	if !strings.Contains(scr, "uri     │/prod/pets/dogs") {
		t.Fatalf("the canonical uri did not follow the edit:\n%s", scr)
	}
	if hs.m.preview.Prepared.Trace.Signature == sigBefore {
		t.Fatal("the signature did not change")
	}
	// Letters typed into a field never act as keys.
	hs.press("tab", "tab") // headers
	hs.typeText("\nX-Trace: qa")
	if hs.m.teaching || hs.m.showDiff {
		t.Fatal("a letter acted as a key while editing")
	}
	if !strings.Contains(hs.screen(), "x-trace:qa") {
		t.Fatalf("header not signed:\n%s", hs.screen())
	}
	if !hs.m.dirty() {
		t.Fatal("edits did not mark the collection unsaved")
	}
	// q asks first when edits are unsaved.
	hs.press("esc", "q")
	if hs.m.quitting || len(hs.m.overlays) != 1 {
		t.Fatal("q quit with unsaved edits")
	}
	hs.press("esc", "ctrl+s")
	got, _ := os.ReadFile(path)
	if !strings.Contains(string(got), "url: \"{{base_url}}/pets/dogs\"") || !strings.Contains(string(got), `X-Trace: "qa"`) {
		t.Fatalf("saved file:\n%s", got)
	}
	if !strings.Contains(string(got), "# A collection for the UI's golden screens") {
		t.Fatal("comments lost on save")
	}
	if hs.m.dirty() {
		t.Fatal("still dirty after save")
	}
	// A change on disk meanwhile: saving refuses and offers to reload.
	hs.press("i")
	hs.typeText("x")
	hs.press("esc")
	os.WriteFile(path, append(got, []byte("# changed elsewhere\n")...), 0o600)
	hs.press("ctrl+s")
	scr = hs.screen()
	if !strings.Contains(scr, "The file changed on disk") {
		t.Fatalf("no conflict dialog:\n%s", scr)
	}
	hs.press("r")
	now, _ := os.ReadFile(path)
	if !strings.Contains(string(now), "# changed elsewhere") || hs.m.dirty() {
		t.Fatal("reload did not take the file from disk")
	}
	_ = collections.ModeIAM
}

func TestTreeEditsNewDuplicateRenameDelete(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile("testdata/golden.yaml")
	path := filepath.Join(dir, "api.yaml")
	os.WriteFile(path, src, 0o600)
	hs := newHarness(t, Config{Paths: []string{path}, Env: goldenEnv(t)}, 160, 48)
	requests := func() string {
		var names []string
		for _, r := range hs.m.benches[0].Requests() {
			names = append(names, r.Path)
		}
		return strings.Join(names, ",")
	}
	hs.press("D")
	if got := requests(); !strings.Contains(got, "List pets copy") || hs.m.path != "List pets copy" {
		t.Fatalf("duplicate: %s, selected %q", got, hs.m.path)
	}
	hs.press("r")
	hs.press("ctrl+u")
	hs.typeText("Find pets")
	hs.press("enter")
	if got := requests(); !strings.Contains(got, "Find pets") || strings.Contains(got, "List pets copy") || hs.m.path != "Find pets" {
		t.Fatalf("rename: %s, selected %q", got, hs.m.path)
	}
	hs.press("x", "y")
	if got := requests(); strings.Contains(got, "Find pets") {
		t.Fatalf("delete: %s", got)
	}
	hs.press("F")
	hs.typeText("/pets")
	hs.press("enter")
	if got := requests(); !strings.Contains(got, "new folder/pets/New request") && !strings.Contains(got, `new folder\/pets/New request`) {
		t.Fatalf("new folder: %s (status %q)", got, hs.m.status)
	}
	hs.press("ctrl+s")
	saved, _ := os.ReadFile(path)
	if !strings.Contains(string(saved), "folder: new folder/pets") || !strings.Contains(string(saved), "# A collection for the UI's golden screens") {
		t.Fatalf("saved:\n%s", saved)
	}
}

// TestFinderBoxKeepsItsHeight: the finder's box does not jump as the
// matches shrink while typing: its top border stays on the same row.
func TestFinderBoxKeepsItsHeight(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	hs.press("ctrl+p")
	row := func() int {
		for i, l := range strings.Split(hs.screen(), "\n") {
			if strings.Contains(l, "Find a request") {
				return i
			}
		}
		t.Fatal("no finder on screen")
		return -1
	}
	all := row()
	hs.typeText("delete")
	if got := row(); got != all {
		t.Errorf("the box moved from row %d to %d as the matches shrank", all, got)
	}
	hs.typeText("zzz")
	if got := row(); got != all || !strings.Contains(hs.screen(), "no request matches") {
		t.Errorf("with no match the box moved from row %d to %d", all, got)
	}
}
