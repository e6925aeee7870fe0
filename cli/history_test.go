package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHistoryCommands: sends are kept; list filters them, show prints one
// as it was, search finds words of a canonical request, diff compares
// two, replay sends again (afresh and --exact), explain --last reads the
// newest refusal, export writes HAR, clear empties it.
func TestHistoryCommands(t *testing.T) {
	e := newSendEnv(t)
	db := filepath.Join(t.TempDir(), "data", "history.db")
	e.env = append(e.env, "SIGSCOPE_HISTORY="+db)
	emu := "--var=emulator=" + e.srv.URL
	hist := func(args ...string) (string, string, int) {
		t.Helper()
		return run(t, e.env, nil, append([]string{"history"}, args...)...)
	}
	for _, r := range []string{"teaching/Awkward path", "teaching/Wrong region (deliberate mismatch)", "teaching/Through a proxy (deliberate mismatch)"} {
		if _, stderr, code := e.send(t, demoCollection, r, emu); code != 0 && code != ExitHTTPError {
			t.Fatalf("send %s: %d %s", r, code, stderr)
		}
	}
	var list []struct {
		ID       int64  `json:"id"`
		Request  string `json:"request"`
		Status   int    `json:"status"`
		Mismatch bool   `json:"mismatch"`
	}
	out, stderr, code := hist("-o", "json")
	if code != 0 {
		t.Fatalf("history: %d %s", code, stderr)
	}
	// Sends spool their entries (history.Spool); the first reader made
	// the database, private.
	if st, err := os.Stat(db); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("history file: %v %v", st, err)
	}
	mustJSON(t, out, &list)
	if len(list) != 3 || list[0].Request != "teaching/Through a proxy (deliberate mismatch)" || !list[0].Mismatch || list[2].Status != 200 {
		t.Fatalf("list: %+v", list)
	}
	ok, proxy, region := list[2].ID, list[0].ID, list[1].ID
	if out, _, _ := hist("list", "--status", "4xx"); strings.Count(out, "403") != 2 || strings.Contains(out, " 200 ") {
		t.Errorf("--status 4xx:\n%s", out)
	}
	if out, _, code := hist("show", strconv.FormatInt(ok, 10)); code != 0 || !strings.Contains(out, "Canonical request:") || !strings.Contains(out, "AKIDSIGSCOPEDEMO0001") || !strings.Contains(out, "Signature: sha256:") {
		t.Errorf("show: %d\n%s", code, out)
	}
	if out, _, _ := hist("search", "charset"); !strings.Contains(out, "Through a proxy") || strings.Contains(out, "Awkward path") {
		t.Errorf("search charset:\n%s", out)
	}
	out, stderr, code = hist("diff", strconv.FormatInt(region, 10), strconv.FormatInt(ok, 10))
	if code != 0 || !strings.Contains(out, "== String to sign") || !strings.Contains(out, "- ") || !strings.Contains(out, "+ ") {
		t.Errorf("diff: %d %s\n%s", code, stderr, out)
	}
	if _, stderr, code := hist("diff", strconv.FormatInt(proxy, 10)); code != ExitError || !strings.Contains(stderr, "no earlier success") {
		t.Errorf("diff without a success: %d %s", code, stderr)
	}
	if out, stderr, code := hist("replay", strconv.FormatInt(ok, 10), emu, "--yes"); code != 0 || !strings.Contains(stderr, "replayed #") || !strings.Contains(out, "rawPath") {
		t.Errorf("replay: %d %s\n%s", code, stderr, out)
	}
	if _, stderr, code := hist("replay", strconv.FormatInt(ok, 10), emu, "--yes", "--exact"); code != 0 {
		t.Errorf("replay --exact: %d %s", code, stderr)
	}
	out, stderr, code = run(t, e.env, nil, "explain", "--last")
	if code != 0 || !strings.Contains(stderr, "explaining history #"+strconv.FormatInt(proxy, 10)) || !strings.Contains(out, "charset") {
		t.Errorf("explain --last: %d %s\n%s", code, stderr, out)
	}
	har := filepath.Join(t.TempDir(), "out.har")
	if _, stderr, code := hist("export", "--har", har); code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	var doc struct {
		Log struct {
			Version string            `json:"version"`
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	mustJSON(t, readFile(t, har), &doc)
	if doc.Log.Version != "1.2" || len(doc.Log.Entries) != 5 {
		t.Errorf("HAR: version %q, %d entries", doc.Log.Version, len(doc.Log.Entries))
	}
	if _, stderr, code := hist("clear"); code != ExitError || !strings.Contains(stderr, "--yes") {
		t.Errorf("clear without --yes: %d %s", code, stderr)
	}
	if out, stderr, code := hist("clear", "--yes", "--before", "2000-01-01", "-o", "json"); code != 0 || strings.TrimSpace(out) != `{"deleted":0}` && !strings.Contains(out, `"deleted": 0`) {
		t.Errorf("clear --before 2000: %d %s %s", code, out, stderr)
	}
	if _, stderr, code := hist("clear", "--yes"); code != 0 || !strings.Contains(stderr, "deleted 5 entries") {
		t.Errorf("clear: %d %s", code, stderr)
	}
	if out, _, _ := hist("-o", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("after clear: %s", out)
	}
	for _, bad := range [][]string{{"show", "x"}, {"--status", "6xx"}, {"--since", "yesterday"}, {"--limit", "0"}} {
		if _, stderr, code := hist(bad...); code != ExitUsage {
			t.Errorf("%v: %d %s", bad, code, stderr)
		}
	}
	if _, stderr, code := hist("show", "999"); code != ExitError || !strings.Contains(stderr, "999") {
		t.Errorf("show 999: %d %s", code, stderr)
	}
}

// TestHistoryOffAndBroken: SIGSCOPE_HISTORY=off keeps nothing and says so
// when asked; a file that is no database is a warning for send (which
// goes on) and left untouched.
func TestHistoryOffAndBroken(t *testing.T) {
	e := newSendEnv(t)
	emu := "--var=emulator=" + e.srv.URL
	if _, stderr, code := run(t, e.env, nil, "history"); code != ExitError || !strings.Contains(stderr, "SIGSCOPE_HISTORY=off") {
		t.Errorf("history off: %d %s", code, stderr)
	}
	broken := filepath.Join(t.TempDir(), "history.db")
	garbage := []byte(strings.Repeat("not a database\n", 400))
	if err := os.WriteFile(broken, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	e.env = append(e.env, "SIGSCOPE_HISTORY="+broken)
	_, stderr, code := e.send(t, demoCollection, "teaching/Awkward path", emu)
	if code != 0 || !strings.Contains(stderr, "warning") || !strings.Contains(stderr, broken) {
		t.Errorf("send with a broken history: %d %s", code, stderr)
	}
	if got := readFile(t, broken); got != string(garbage) {
		t.Errorf("the broken history file was changed")
	}
}

// TestHistoryReplayAsksWhenFileOrHostDiffers: an exchange recorded from
// one collection file is not replayed from another file of the same
// name: (or to another host) without being asked; --yes confirms.
func TestHistoryReplayAsksWhenFileOrHostDiffers(t *testing.T) {
	e := newSendEnv(t)
	e.env = append(e.env, "SIGSCOPE_HISTORY="+filepath.Join(t.TempDir(), "history.db"))
	emu := "--var=emulator=" + e.srv.URL
	if _, stderr, code := e.send(t, demoCollection, "teaching/Awkward path", emu); code != 0 {
		t.Fatalf("send: %d %s", code, stderr)
	}
	other := filepath.Join(t.TempDir(), "pets.yaml")
	data, err := os.ReadFile(demoCollection)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := e.send(t, other, "teaching/Awkward path", emu); code != 0 { // trusted from now on
		t.Fatalf("send from the copy: %d %s", code, stderr)
	}
	out, _, _ := run(t, e.env, nil, "history", "-o", "json")
	var list []struct {
		ID             int64  `json:"id"`
		CollectionPath string `json:"collection_path"`
	}
	mustJSON(t, out, &list)
	first := list[len(list)-1].ID
	_, stderr, code := run(t, e.env, nil, "history", "replay", strconv.FormatInt(first, 10), "--collection", other, emu)
	if code != ExitError || !strings.Contains(stderr, "would not be replayed where it was recorded") || !strings.Contains(stderr, "Nothing was sent") {
		t.Fatalf("replay from another file: %d\n%s", code, stderr)
	}
	if _, stderr, code := run(t, e.env, nil, "history", "replay", strconv.FormatInt(first, 10), "--collection", other, emu, "--yes"); code != 0 {
		t.Fatalf("replay --yes: %d %s", code, stderr)
	}
}
