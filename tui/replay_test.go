package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/workbench"
)

// TestReplayAsksWhenTheFileOrHostDiffers: an entry recorded from
// examples/collections/demo.yaml against one host, replayed from a
// session on pets.yaml that shares its name: field, is not sent at once:
// the UI names the file and the host it came from and where it would go,
// and sends only on y.
func TestReplayAsksWhenTheFileOrHostDiffers(t *testing.T) {
	srv := testkit.NewRecorder(t, nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "pets.yaml")
	if err := os.WriteFile(path, []byte("name: Pets API (demo)\nenvironments:\n  local: {base_url: \"http://"+srv.Addr+"/prod\"}\nrequests:\n  - name: List pets\n    method: GET\n    url: \"{{base_url}}/pets\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := history.Open(filepath.Join(dir, "history.db"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	recorded := &history.Entry{Time: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), Collection: "Pets API (demo)", CollectionPath: "examples/collections/demo.yaml",
		Request: "List pets", Environment: "local", Mode: "none", Source: "demo", Method: "GET", URL: "http://127.0.0.1:7466/prod/pets", Status: 200, StatusText: "200 OK"}
	if _, err := store.Add(context.Background(), recorded); err != nil {
		t.Fatal(err)
	}
	env := workbench.Env{CacheDir: t.TempDir(), LookupEnv: func(string) (string, bool) { return "", false }, History: store}
	hs := newHarness(t, Config{Paths: []string{path}, Env: env, History: store}, 120, 30)
	hs.press("H", "ctrl+r")
	scr := hs.screen()
	for _, want := range []string{"Replay somewhere else?", "examples/collections/demo.yaml", "127.0.0.1:7466", srv.Addr, "y replay it from here"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("the replay did not ask, or does not say %q:\n%s", want, scr)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("sent %d requests before the answer", n)
	}
	hs.press("esc")
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("esc sent %d requests", n)
	}
	hs.press("H", "ctrl+r", "y")
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("y sent %d requests, want 1:\n%s", n, hs.screen())
	}
	if scr := hs.screen(); !strings.Contains(scr, "Response · List pets · 200 OK") {
		t.Fatalf("after the replay:\n%s", scr)
	}
}
