package tui

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/workbench"
)

// keptExchanges fills a store with a success and a later mismatch of
// "List pets" and one "Create pet", at fixed times.
func keptExchanges(t *testing.T) *history.Store {
	t.Helper()
	s, err := history.Open(filepath.Join(t.TempDir(), "history.db"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	canonical := func(accept string) string {
		return "GET\n/prod/pets\nlimit=10&type=cat&type=dog\naccept:" + accept + "\nhost:abc123.execute-api.us-east-1.amazonaws.com\nx-amz-date:20261201T123600Z\n\naccept;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	}
	entry := func(at time.Time, req string, status int, accept string) *history.Entry {
		e := &history.Entry{
			Time: at, Collection: "Golden pets", CollectionPath: "testdata/golden.yaml", Request: req, Environment: "prod", Mode: "iam", Profile: "keys", Source: "tui",
			Method: "GET", URL: "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets?limit=10&type=dog&type=cat",
			RequestWireHead: "GET /prod/pets?limit=10&type=dog&type=cat HTTP/1.1\r\nHost: abc123.execute-api.us-east-1.amazonaws.com\r\nAccept: " + accept,
			Signing: &history.Signing{Algorithm: "AWS4-HMAC-SHA256", AccessKeyID: "AKIDEXAMPLE", RequestDate: "20261201T123600Z", Scope: "20261201/us-east-1/execute-api/aws4_request",
				SignedHeaders: "accept;host;x-amz-date", CanonicalRequest: canonical(accept), StringToSign: "AWS4-HMAC-SHA256\n20261201T123600Z\n20261201/us-east-1/execute-api/aws4_request\n" + strings.Repeat("ab", 32), Signature: "sha256:0123456789ab"},
			Status: status, StatusText: http.StatusText(status),
			ResponseHeaders: []history.Header{{Name: "Content-Type", Value: "application/json"}},
			ResponseBody:    history.Body{Data: []byte(`{"message":"ok"}`), Size: 16},
			Timings:         history.Timings{Total: 42 * time.Millisecond},
		}
		e.StatusText = strings.TrimSpace(strings.Join([]string{itoa3(status), e.StatusText}, " "))
		if status == 403 {
			e.Mismatch, e.Diagnosis = true, "the signature does not match: a header changed after signing"
			e.ResponseBody = history.Body{Data: []byte(`{"message":"The request signature we calculated does not match the signature you provided."}`), Size: 91}
		}
		return e
	}
	base := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, e := range []*history.Entry{
		entry(base, "List pets", 200, "application/json"),
		entry(base.Add(time.Minute), "Create pet", 201, "application/json"),
		entry(base.Add(2*time.Minute), "List pets", 403, "application/json; charset=utf-8"),
	} {
		if _, err := s.Add(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func itoa3(n int) string {
	return string(rune('0'+n/100)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

// TestHistoryPane: H lists the selected request's exchanges, tab all of
// them, typing filters; enter opens one as it was, d diffs it with the
// last success, esc goes back.
func TestHistoryPane(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			store := keptExchanges(t)
			hs := newHarness(t, Config{Paths: []string{"testdata/golden.yaml"}, Env: goldenEnv(t), Dark: true, History: store}, sz.w, sz.h)
			hs.press("H")
			scr := hs.screen()
			if !strings.Contains(scr, "History · this request") || !strings.Contains(scr, "403!") || strings.Contains(scr, "201  ") {
				t.Fatalf("history of List pets:\n%s", scr)
			}
			hs.golden("history-" + sizeName(sz.w, sz.h))
			hs.press("tab")
			if scr := hs.screen(); !strings.Contains(scr, "History · all requests") || !strings.Contains(scr, "Create pet") {
				t.Fatalf("all requests:\n%s", scr)
			}
			hs.typeText("charset")
			if scr := hs.screen(); !strings.Contains(scr, "403!") || strings.Contains(scr, "Create pet  Golden") {
				t.Fatalf("filtered on charset:\n%s", scr)
			}
			hs.press("enter")
			scr = hs.screen()
			if !strings.Contains(scr, "History #3") || !strings.Contains(scr, "Canonical request:") {
				t.Fatalf("entry:\n%s", scr)
			}
			hs.press("d")
			scr = hs.screen()
			if !strings.Contains(scr, "against the last success") || !strings.Contains(scr, "- accept:application/json") || !strings.Contains(scr, "+ accept:application/json; charset=utf-8") {
				t.Fatalf("diff:\n%s", scr)
			}
			if sz.w == 160 {
				hs.golden("history-diff-" + sizeName(sz.w, sz.h))
			}
			hs.press("esc", "esc")
			if scr := hs.screen(); strings.Contains(scr, "History") {
				t.Fatalf("esc esc leaves the dialog open:\n%s", scr)
			}
		})
	}
}

// TestHistoryReplayFromThePane: a kept exchange is replayed from the
// dialog, signed afresh, and its answer fills the panes; the replay is
// kept too.
func TestHistoryReplayFromThePane(t *testing.T) {
	srv := testkit.NewRecorder(t, nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte("name: local\nrequests:\n  - name: ping\n    method: GET\n    url: http://"+srv.Addr+"/ping\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := history.Open(filepath.Join(dir, "history.db"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	env := workbench.Env{CacheDir: t.TempDir(), LookupEnv: func(string) (string, bool) { return "", false }, History: store}
	hs := newHarness(t, Config{Paths: []string{path}, Env: env, History: store}, 120, 30)
	hs.press("enter")
	if n, _ := store.Count(context.Background(), history.Filter{}); n != 1 {
		t.Fatalf("the send was kept %d times", n)
	}
	hs.press("H", "ctrl+r")
	if got := len(srv.Requests()); got != 2 {
		t.Fatalf("the server got %d requests, want the send and its replay", got)
	}
	scr := hs.screen()
	if strings.Contains(scr, "History ·") || !strings.Contains(scr, "200 OK") {
		t.Fatalf("after the replay:\n%s", scr)
	}
	list, err := store.List(context.Background(), history.Filter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("kept %d (%v)", len(list), err)
	}
	if e, _ := store.Get(context.Background(), list[0].ID); e.Source != "replay" {
		t.Errorf("the replay is kept as from %q", e.Source)
	}
}
