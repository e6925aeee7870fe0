package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Imported names carry "/" ("GET /prod/pets"): the finder shows them as
// the file writes them, finds them typed so or escaped as send takes the
// path, and selects the request.
func TestFinderNamesWithSlashes(t *testing.T) {
	const coll = `name: imported
requests:
  - name: GET /prod/pets
    url: http://127.0.0.1:9/prod/pets
    auth: {mode: none}
  - folder: getsubscriberinfo
    requests:
      - name: POST /getsubscriberinfo
        method: POST
        url: http://127.0.0.1:9/getsubscriberinfo
        auth: {mode: none}
  - name: List pets
    url: http://127.0.0.1:9/pets
    auth: {mode: none}
`
	for _, tc := range []struct{ typed, want string }{
		{"GET /prod/pets", `GET \/prod\/pets`},
		{`GET \/prod\/pets`, `GET \/prod\/pets`},
		{"getsubscriberinfo/POST /getsubscriberinfo", `getsubscriberinfo/POST \/getsubscriberinfo`},
	} {
		hs := newHarness(t, Config{Data: []byte(coll), DataName: "imported.yaml", Env: goldenEnv(t), Dark: true}, 120, 30)
		hs.press("ctrl+p")
		if scr := hs.screen(); !strings.Contains(scr, "GET GET /prod/pets") || strings.Contains(scr, `\/`) {
			t.Fatalf("the finder does not show the names as written:\n%s", scr)
		}
		hs.typeText(tc.typed)
		if f, ok := hs.m.overlays[0].(*finder); !ok || len(f.matches) == 0 || f.ix.items[f.matches[0]].path != tc.want {
			t.Fatalf("typed %q: the first match is not %q:\n%s", tc.typed, tc.want, hs.screen())
		}
		hs.press("enter")
		if hs.m.path != tc.want {
			t.Errorf("typed %q: selected %q, want %q", tc.typed, hs.m.path, tc.want)
		}
	}
}

// Under load the match for the last keystroke may still be on its way
// when enter comes: enter opens what was typed, never the stale first
// match of the list before it.
func TestFinderEnterBeforeMatchesArrive(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	hs.press("ctrl+p")
	f, ok := hs.m.overlays[0].(*finder)
	if !ok {
		t.Fatal("no finder on screen")
	}
	first := f.ix.items[f.matches[0]].path
	var target string
	for _, it := range f.ix.items {
		if it.path != first && !strings.Contains(it.path, "/") {
			target = it.path
		}
	}
	if target == "" {
		t.Fatal("the golden collection has one request only")
	}
	for _, r := range target {
		// Update only: the match commands it returns are never run, as
		// if their answers had not come back yet.
		hs.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	hs.press("enter")
	if hs.m.path != target {
		t.Errorf("enter before the matches came back selected %q, want %q", hs.m.path, target)
	}
}
