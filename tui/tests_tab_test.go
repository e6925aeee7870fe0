package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTestsTab: a request with assertions and captures gets a Tests tab
// after its answer: each assertion with expected and actual, the values
// captured (a token masked until S), and the tree marks it failed. A
// request without tests has no such tab.
func TestTestsTab(t *testing.T) {
	src, _ := os.ReadFile("testdata/golden.yaml")
	text := strings.Replace(string(src), `    query: {limit: "10", type: [dog, cat]}`, `    query: {limit: "10", type: [dog, cat]}
    capture:
      first: {json: '.items[0].name'}
      id_token: {json: .token}
    assert:
      status: 200
      json: ['.items | length == 3']`, 1)
	path := filepath.Join(t.TempDir(), "api.yaml")
	os.WriteFile(path, []byte(text), 0o600)
	hs := newHarness(t, Config{Paths: []string{path}, Env: goldenEnv(t)}, 160, 48)
	fakeAnswer(t, hs, "200 OK", `{"items":[{"id":1,"name":"rex"},{"id":2,"name":"tom"}],"token":"eyJraWQiOi.eyJzdWIiOiIxIn0.c2ln"}`, nil, false)
	if !strings.Contains(hs.screen(), "Tests 1/2") {
		t.Fatalf("no Tests tab:\n%s", hs.screen())
	}
	hs.press("3", "[")
	scr := hs.screen()
	for _, want := range []string{"Assertions: 1 of 2 held", "✓ status", "✗ json .items | length == 3: expected true, got false (.items |", "length is 2)",
		"first = rex", "Captured (2)"} {
		if !strings.Contains(scr, want) {
			t.Errorf("Tests tab lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "eyJraWQiOi.eyJzdWIiOiIxIn0.c2ln") {
		t.Error("a captured token shows in clear")
	}
	if !strings.Contains(lineWith(scr, "List pets"), "✗200") {
		t.Errorf("the tree does not mark the failed tests: %q", lineWith(scr, "List pets"))
	}
	hs.press("S")
	if !strings.Contains(hs.screen(), "id_token = eyJraWQiOi.eyJzdWIiOiIxIn0.c2ln") {
		t.Error("S does not show the captured token")
	}
	hs.press("S", "0", "down") // Create pet: no tests
	if strings.Contains(hs.screen(), "Tests ") {
		t.Errorf("a request without tests has a Tests tab:\n%s", hs.screen())
	}
}
