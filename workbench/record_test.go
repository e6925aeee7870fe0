package workbench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigscope/sigscope/collections"
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

// TestHistoryMasksCredentialFieldsAndPaths: a Cognito InitiateAuth sent
// as a collection request to the emulator (password written in the body)
// and a request with a declared variable in its URL path, signed: the
// tokens of the answer, the password and the variable (as the wire, the
// canonical request and a server's echo write it) are nowhere in the
// history, entries or file; the tokens keep a fingerprint and public
// claims; the screen's redactor masks them too, and shows them when asked.
func TestHistoryMasksCredentialFieldsAndPaths(t *testing.T) {
	ctx := context.Background()
	_, srv := demoBench(t)
	const tenant = "tenant key@Example+0123456789"
	echo := testkit.NewRecorder(t, func(r *http.Request) string {
		body := `{"message":"no tenant ` + r.URL.EscapedPath() + `"}`
		return "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n" + body
	})
	wb := openYAML(t, `name: c
variables: [TENANT_KEY]
auth:
  keys: {type: static, access_key_id_env: AK, secret_access_key_env: SK}
requests:
  - name: login
    method: POST
    url: `+srv.URL+`/
    headers: {X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth, Content-Type: application/x-amz-json-1.1}
    body: {text: '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"3n4b5urk1ft4fl3mg5e62d9ado","AuthParameters":{"USERNAME":"demo","PASSWORD":"Passw0rd!"}}'}
  - name: tenant
    method: GET
    url: "http://`+echo.Addr+`/p/{{env.TENANT_KEY}}/x"
    auth: {mode: iam, profile: keys, region: us-east-1}
`, map[string]string{"TENANT_KEY": tenant, "AK": "AKIDEXAMPLE", "SK": "secret/Key+0123456789abcdefghij"})
	mem := &memHistory{}
	db := filepath.Join(t.TempDir(), "history.db")
	store, err := history.Open(db, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	wb.Env.History = teeHistory{mem, store}

	login := wb.Send(ctx, "login", Run{Timeout: 10 * time.Second})
	defer login.Close()
	if login.Err != nil || login.Result.Response == nil || login.Result.Response.Status != 200 {
		t.Fatalf("InitiateAuth: %v %+v", login.Err, login.Result)
	}
	var answer struct {
		AuthenticationResult struct{ AccessToken, IdToken, RefreshToken string }
	}
	if err := json.Unmarshal(login.Result.Response.Body, &answer); err != nil || answer.AuthenticationResult.RefreshToken == "" {
		t.Fatalf("answer %s: %v", login.Result.Response.Body, err)
	}
	ar := answer.AuthenticationResult
	tokens := []string{ar.AccessToken, ar.IdToken, ar.RefreshToken}
	if shown := login.Redact().Known(string(login.Result.Response.Body)); strings.Contains(shown, ar.RefreshToken) || strings.Contains(shown, ar.IdToken) {
		t.Errorf("the screen shows the tokens: %s", shown)
	}
	if wire := login.Redact().Text(string(login.Result.Wire)); strings.Contains(wire, "Passw0rd!") {
		t.Errorf("the screen shows the password: %s", wire)
	}
	shown := wb.Send(ctx, "login", Run{Timeout: 10 * time.Second, ShowSecrets: true})
	defer shown.Close()
	if body := shown.Redact().Known(string(shown.Result.Response.Body)); !strings.Contains(body, `"RefreshToken":"`) || strings.Contains(body, "…(") {
		t.Errorf("--show-secrets masks the answer: %s", body)
	}
	if err := json.Unmarshal(shown.Result.Response.Body, &answer); err != nil {
		t.Fatal(err)
	}
	ar = answer.AuthenticationResult
	tokens = append(tokens, ar.AccessToken, ar.IdToken, ar.RefreshToken)

	o := wb.Send(ctx, "tenant", Run{Timeout: 10 * time.Second})
	defer o.Close()
	if o.Err != nil || o.Result.Response == nil || o.Result.Response.Status != 404 || o.Preview.Prepared.Trace == nil {
		t.Fatalf("tenant: %v %+v", o.Err, o.Result)
	}
	if got := o.Redact().Text(o.Preview.Prepared.Trace.CanonicalRequest + string(o.Result.Wire) + string(o.Result.Response.Body)); strings.Contains(got, "0123456789") {
		t.Errorf("the screen shows the path's variable: %s", got)
	}

	secrets := append(tokens, "Passw0rd!")
	forms := append(append([]string{}, secrets...), urlPathForms(tenant)...)
	assertNoSecret(t, mem.entries, forms)
	assertNoSecretInFiles(t, forms, db, db+"-wal")
	store.Close()
	assertNoSecretInFiles(t, forms, db, db+"-wal")

	e := mem.entries[0]
	kept := map[string]history.Secret{}
	for _, s := range e.Secrets {
		kept[s.Kind+" "+s.Name] = s
	}
	if s := kept["response_body IdToken"]; s.Fingerprint != Fingerprint(tokens[1]) || s.Claims["token_use"] != "id" || s.Claims["cognito:username"] != "demo" {
		t.Errorf("id token kept as %+v (all: %+v)", s, e.Secrets)
	}
	if s := kept["response_body RefreshToken"]; s.Fingerprint != Fingerprint(tokens[2]) {
		t.Errorf("refresh token kept as %+v", s)
	}
	if s := kept["request_body PASSWORD"]; s.Fingerprint != Fingerprint("Passw0rd!") {
		t.Errorf("password kept as %+v", s)
	}
	if !strings.Contains(string(e.ResponseBody.Data), `"TokenType":"Bearer"`) || !strings.Contains(string(e.ResponseBody.Data), `"RefreshToken":"`) {
		t.Errorf("the kept answer lost its shape: %s", e.ResponseBody.Data)
	}
}

// urlPathForms are a value as a URL path carries it on the wire (space
// and the like percent-encoded, '@' and '+' kept) and as SigV4's
// canonical path writes it (encoded again: '%', '@' and '+' too).
func urlPathForms(v string) []string {
	wire := url.PathEscape(v)
	var canonical strings.Builder
	for i := 0; i < len(wire); i++ {
		c := wire[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			canonical.WriteByte(c)
		} else {
			fmt.Fprintf(&canonical, "%%%02X", c)
		}
	}
	return []string{wire, canonical.String()}
}

// TestErrorsBeforePrepareHoldNoEnvironmentValue: a declared variable that
// makes the URL unusable is quoted by the error; neither the history nor
// MaskError (for the faces that print it) keeps it in clear, and the
// error still says what it is.
func TestErrorsBeforePrepareHoldNoEnvironmentValue(t *testing.T) {
	const value = "ftp://user-0123456789@example.com"
	wb := openYAML(t, "name: c\nvariables: [API_URL]\nrequests:\n  - name: r\n    method: GET\n    url: \"{{env.API_URL}}/x\"\n", map[string]string{"API_URL": value})
	mem := &memHistory{}
	wb.Env.History = mem
	o := wb.Send(context.Background(), "r", Run{Timeout: time.Second})
	if o.Err == nil || len(mem.entries) != 1 {
		t.Fatalf("send: %v, %d entries", o.Err, len(mem.entries))
	}
	assertNoSecret(t, mem.entries, []string{value})
	masked := wb.MaskError(o.Err)
	if strings.Contains(masked.Error(), "0123456789") || !strings.Contains(masked.Error(), "http://") {
		t.Errorf("masked error: %v", masked)
	}
	var errs collections.Errors
	if !errors.As(masked, &errs) || len(errs) == 0 || wb.MaskError(nil) != nil {
		t.Error("the masked error does not wrap the error")
	}
}

// TestScrubEntryMasksOlderEntries: an entry an older sigscope kept with a
// token endpoint's answer, a Cognito answer and an XML credential in
// clear is printed masked; one recorded today is left as it is.
func TestScrubEntryMasksOlderEntries(t *testing.T) {
	old := &history.Entry{
		URL:             "https://auth.example/oauth2/token?client_secret=cs-0123456789",
		RequestWireHead: "POST /oauth2/token?client_secret=cs-0123456789 HTTP/1.1\r\nHost: auth.example",
		RequestBody:     history.Body{Data: []byte("grant_type=refresh_token&refresh_token=rt-0123456789")},
		ResponseBody:    history.Body{Data: []byte(`{"AuthenticationResult":{"IdToken":"id-0123456789","TokenType":"Bearer"},"x":"<SessionToken>st-0123456789</SessionToken>"}`)},
		Signing:         &history.Signing{CanonicalRequest: "POST\n/oauth2/token\nclient_secret=cs-0123456789\n"},
		Error:           "refused: password=pw-0123456789",
	}
	ScrubEntry(old)
	raw, _ := json.Marshal(old)
	for _, s := range []string{"cs-0123456789", "rt-0123456789", "id-0123456789", "st-0123456789", "pw-0123456789"} {
		if strings.Contains(string(raw)+string(old.RequestBody.Data)+string(old.ResponseBody.Data), s) {
			t.Errorf("%s in clear: %s %s %s", s, raw, old.RequestBody.Data, old.ResponseBody.Data)
		}
	}
	if !strings.Contains(string(old.ResponseBody.Data), `"TokenType":"Bearer"`) {
		t.Errorf("the answer lost its shape: %s", old.ResponseBody.Data)
	}

	wb, _ := demoBench(t)
	mem := &memHistory{}
	wb.Env.History = mem
	login(t, wb)
	for _, r := range []string{"List pets", "Who am I", "Get cookies", "Private report"} {
		o := wb.Send(context.Background(), r, Run{Timeout: 10 * time.Second})
		o.Close()
	}
	for _, e := range mem.entries {
		before, _ := json.Marshal(e)
		data := string(e.RequestBody.Data) + string(e.ResponseBody.Data)
		ScrubEntry(e)
		if after, _ := json.Marshal(e); string(after) != string(before) || string(e.RequestBody.Data)+string(e.ResponseBody.Data) != data {
			t.Errorf("%s: an entry of today changed:\n%s\n%s", e.Request, before, after)
		}
	}
}
