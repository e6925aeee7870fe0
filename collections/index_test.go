package collections

import (
	"testing"
)

// The index answers as the folder-by-folder walk it replaces: every
// request by its escaped path (a '/' or '\' inside a name), a request and
// a folder of one name told apart, and nothing for a path the walk does
// not reach.
func TestIndexAnswersAsTheWalk(t *testing.T) {
	c := mustLoad(t, doc(
		`name: Index`,
		`requests:`,
		`  - {name: top, method: GET, url: "https://a.test/"}`,
		`  - {name: "GET /prod/pets", method: GET, url: "https://a.test/pets"}`,
		`  - {name: 'back\slash', method: GET, url: "https://a.test/b"}`,
		`  - {name: pets, method: GET, url: "https://a.test/p"}`,
		`  - folder: pets`,
		`    requests:`,
		`      - {name: list, method: GET, url: "https://a.test/pets"}`,
		`      - folder: "a/b"`,
		`        requests:`,
		`          - {name: deep, method: GET, url: "https://a.test/deep"}`,
	))
	refs := c.Requests()
	if len(refs) != 6 {
		t.Fatalf("got %d requests, want 6", len(refs))
	}
	for _, ref := range refs {
		parts := splitPath(ref.Path)
		wr, wchain := c.findEscaped(parts)
		gr, gchain := c.lookup(parts)
		if wr == nil || gr != wr || len(gchain) != len(wchain) {
			t.Errorf("%q: the index found %v (%d folders), the walk %v (%d folders)", ref.Path, gr, len(gchain), wr, len(wchain))
			continue
		}
		for i := range wchain {
			if gchain[i] != wchain[i] {
				t.Errorf("%q: folder %d differs", ref.Path, i)
			}
		}
	}
	for _, miss := range []string{"pets/nothing", "a/b/deep", "nothing", "pets/a\\/b"} {
		if r, _ := c.lookup(splitPath(miss)); r != nil {
			t.Errorf("%q: the index found %q, the walk finds nothing", miss, r.name)
		}
	}
	if _, err := c.Resolve(`pets/a\/b/deep`, "", nil, nil); err != nil {
		t.Errorf("resolve through the index: %v", err)
	}
}

// The version changes with each edit and reload, so that what callers
// keep of a text (a trust hash, the tree) is made again; an edit's new
// request is found through the new index.
func TestVersionFollowsTheText(t *testing.T) {
	c := mustLoad(t, doc(
		`name: Version`,
		`requests:`,
		`  - {name: one, method: GET, url: "https://a.test/1"}`,
	))
	other := mustLoad(t, doc(`name: Other`))
	v := c.Version()
	if v == 0 || v == other.Version() {
		t.Fatalf("versions %d and %d: want distinct, non-zero", v, other.Version())
	}
	if err := c.AddRequest("", Request{Name: "two", Method: "GET", URL: "https://a.test/2"}); err != nil {
		t.Fatal(err)
	}
	if c.Version() == v {
		t.Error("an edit kept the version")
	}
	if _, err := c.Resolve("two", "", nil, nil); err != nil {
		t.Errorf("the new request: %v", err)
	}
}
