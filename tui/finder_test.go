package tui

import (
	"strings"
	"testing"
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
