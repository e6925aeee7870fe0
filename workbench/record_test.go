package workbench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/testkit"
)

// memHistory keeps entries in memory, as the store would be handed them.
type memHistory struct {
	mu      sync.Mutex
	entries []*history.Entry
}

func (h *memHistory) Add(_ context.Context, e *history.Entry) (int64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, e)
	e.ID = int64(len(h.entries))
	return e.ID, nil
}

// teeHistory records into several recorders.
type teeHistory []Recorder

func (t teeHistory) Add(ctx context.Context, e *history.Entry) (int64, error) {
	var id int64
	for _, r := range t {
		n, err := r.Add(ctx, e)
		if err != nil {
			return 0, err
		}
		id = n
	}
	return id, nil
}

// assertNoSecretInFiles scans files' raw bytes for each secret and its
// usual encodings (a missing file has nothing to hide).
func assertNoSecretInFiles(t *testing.T, secrets []string, files ...string) {
	t.Helper()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range secrets {
			if len(s) < 8 {
				continue
			}
			for _, form := range []string{s, url.QueryEscape(s), base64.StdEncoding.EncodeToString([]byte(s))} {
				if bytes.Contains(data, []byte(form)) {
					t.Errorf("%s holds the secret %s in clear", filepath.Base(f), maskHeaderValue("x-secret", s))
				}
			}
		}
	}
}

// secretsSeen gathers, from outcomes sent with secrets shown, every
// secret the exchanges involved: tokens, session tokens, API keys and
// cookie values.
func secretsSeen(outs ...*Outcome) []string {
	var all []string
	for _, o := range outs {
		if o.Preview == nil {
			continue
		}
		all = append(all, o.Preview.Prepared.Secrets...)
		for _, c := range o.Preview.Prepared.CookiesSent {
			all = append(all, c.Cookie.Value)
		}
		if o.Result != nil {
			for _, c := range o.Result.Cookies {
				all = append(all, c.Cookie.Value)
			}
		}
	}
	return all
}

// TestHistoryEntriesHoldNoSecret: a whole session (SRP login, IAM and
// id_token sends, cookies, a deliberate mismatch) recorded, and nothing
// any of its secrets in clear in what reached the history.
func TestHistoryEntriesHoldNoSecret(t *testing.T) {
	wb, srv := demoBench(t)
	mem := &memHistory{}
	db := filepath.Join(t.TempDir(), "history.db")
	store, err := history.Open(db, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	wb.Env.History = teeHistory{mem, store}
	login(t, wb)
	ctx := context.Background()
	var outs []*Outcome
	for _, r := range []string{"List pets", "Create pet", "Who am I", "Get cookies", "Private report", "teaching/Through a proxy (deliberate mismatch)", "teaching/Wrong region (deliberate mismatch)"} {
		o := wb.Send(ctx, r, Run{Timeout: 10 * time.Second, ShowSecrets: true, Source: "test"})
		defer o.Close()
		if o.Err != nil {
			t.Fatalf("%s: %v", r, o.Err)
		}
		outs = append(outs, o)
	}
	if len(mem.entries) != len(outs) {
		t.Fatalf("%d entries for %d sends", len(mem.entries), len(outs))
	}
	secrets := append(secretsSeen(outs...),
		srv.Config.Credentials[0].SecretAccessKey,
		srv.Config.Cognito.UserPools[0].Users[0].Password)
	for _, o := range outs {
		if tr := o.Preview.Prepared.Trace; tr != nil {
			secrets = append(secrets, tr.Signature)
		}
	}
	assertNoSecret(t, mem.entries, secrets)
	// The file itself, its write-ahead log while open, and after closing.
	assertNoSecretInFiles(t, secrets, db, db+"-wal", db+"-shm")
	if n, err := store.Count(ctx, history.Filter{}); err != nil || n != len(outs) {
		t.Fatalf("store holds %d entries (%v), want %d", n, err, len(outs))
	}
	store.Close()
	assertNoSecretInFiles(t, secrets, db, db+"-wal")

	byName := map[string]*history.Entry{}
	for _, e := range mem.entries {
		byName[e.Request] = e
	}
	if e := byName["Who am I"]; e.Status != 200 || e.Mode != "id_token" || e.User != "demo" || len(e.Secrets) == 0 || e.Secrets[0].Claims["token_use"] != "id" {
		t.Errorf("id_token entry: status %d mode %q user %q secrets %+v", e.Status, e.Mode, e.User, e.Secrets)
	}
	if e := byName["List pets"]; e.Signing == nil || !strings.HasPrefix(e.Signing.Signature, "sha256:") || !strings.Contains(e.Signing.CanonicalRequest, "GET\n/prod/pets\n") {
		t.Errorf("iam entry signing: %+v", e.Signing)
	}
	if e := byName["Get cookies"]; len(e.CookiesReceived) == 0 || e.CookiesReceived[0].Name == "" {
		t.Errorf("cookies received: %+v", e.CookiesReceived)
	}
	if e := byName["teaching/Through a proxy (deliberate mismatch)"]; !e.Mismatch || e.Status != 403 || e.Diagnosis == "" {
		t.Errorf("mismatch entry: mismatch %v status %d diagnosis %q", e.Mismatch, e.Status, e.Diagnosis)
	}
}

// TestHistoryMasksEchoedAndLiteralSecrets: a value from the environment,
// a literal token in a credential-named header and query parameter, and
// a server that echoes them back (plain, percent-encoded, base64, in a
// binary body): the entry keeps none of them.
func TestHistoryMasksEchoedAndLiteralSecrets(t *testing.T) {
	const fromEnv = "env-value/with+plus==0123456789"
	const literal = "literal-token-abcdefghij"
	echo := testkit.NewRecorder(t, func(r *http.Request) string {
		v := r.Header.Get("X-Trace")
		body := v + " " + url.QueryEscape(v) + " " + base64.StdEncoding.EncodeToString([]byte(v)) + " " + r.Header.Get("X-Auth-Token") + " \x00\xff"
		return "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-Echo: " + v + "\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n" + body
	})
	mem := &memHistory{}
	wb := openYAML(t, "name: c\nvariables: [X_TRACE_VALUE]\nrequests:\n  - name: r\n    method: POST\n    url: http://"+echo.Addr+"/x?access_token="+literal+"&t={{env.X_TRACE_VALUE}}\n    headers: {X-Trace: \"{{env.X_TRACE_VALUE}}\", X-Auth-Token: "+literal+"}\n    body: {text: \"{{env.X_TRACE_VALUE}}\"}\n",
		map[string]string{"X_TRACE_VALUE": fromEnv})
	wb.Env.History = mem
	o := wb.Send(context.Background(), "r", Run{Timeout: 5 * time.Second})
	defer o.Close()
	if o.Err != nil || o.Result.Err != nil {
		t.Fatalf("send: %v %v", o.Err, o.Result.Err)
	}
	if len(mem.entries) != 1 || o.HistoryID != 1 {
		t.Fatalf("entries %d, id %d", len(mem.entries), o.HistoryID)
	}
	assertNoSecret(t, mem.entries, []string{fromEnv, literal})
	if e := mem.entries[0]; !e.ResponseBody.Binary || e.ResponseBody.Size == 0 {
		t.Errorf("binary body kept as %+v", e.ResponseBody)
	}
}

// assertNoSecret looks for each secret, and its usual encodings, in the
// entries as the store would write them (JSON) and in their raw bodies.
func assertNoSecret(t *testing.T, entries []*history.Entry, secrets []string) {
	t.Helper()
	raw, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	text.Write(raw)
	for _, e := range entries {
		text.Write(e.RequestBody.Data)
		text.Write(e.ResponseBody.Data)
	}
	hay := text.String()
	for _, s := range secrets {
		if len(s) < 8 {
			continue
		}
		forms := []string{s, url.QueryEscape(s), base64.StdEncoding.EncodeToString([]byte(s))}
		if b, err := json.Marshal(s); err == nil {
			forms = append(forms, strings.Trim(string(b), `"`))
		}
		for _, f := range forms {
			if strings.Contains(hay, f) {
				t.Errorf("secret %s in clear in the history", maskHeaderValue("x-secret", s))
			}
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
