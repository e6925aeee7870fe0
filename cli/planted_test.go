package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigscope/sigscope/history"
)

// planted are secrets that reach a request through the environment: a
// header, a query parameter and the body through a declared variable, a
// URL path through another (a space and an '@', which the path keeps),
// the session token and API key of the auth profile.
var planted = map[string]string{
	"PLANTED_VALUE":         "pl4nted/Value+0123456789=abcdef",
	"PLANTED_PATH":          "pl4nted path@Tenant+0123456789",
	"PLANTED_SESSION_TOKEN": "IQoJplantedSessionToken/0123456789+abcdefghij==",
	"PLANTED_SECRET_KEY":    "plantedSecretKey/0123456789+ABCDEFGHIJKLMNOPQR",
}

// literal are credentials written in the collection's bodies, under
// credential names: no variable says they are secrets, their names do.
var literal = []string{"lit-refresh-0123456789abcdef", "lit-hash-0123456789", "hunt3r2", "lit-client-secret-0123456789", "lit-assertion-0123456789"}

const plantedCollection = `name: planted
variables: [PLANTED_VALUE, PLANTED_PATH]
auth:
  keys:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: PLANTED_SECRET_KEY
    session_token_env: PLANTED_SESSION_TOKEN
defaults:
  auth: {mode: iam, profile: keys, region: us-east-1}
requests:
  - name: text
    method: POST
    url: "{{base}}/text"
    query: {t: "{{env.PLANTED_VALUE}}"}
    headers: {X-Trace: "{{env.PLANTED_VALUE}}", Content-Type: application/json}
    body: {json: {v: "{{env.PLANTED_VALUE}}"}}
  - name: binary
    method: POST
    url: "{{base}}/binary"
    headers: {X-Trace: "{{env.PLANTED_VALUE}}"}
  - name: big
    method: POST
    url: "{{base}}/big"
    headers: {X-Trace: "{{env.PLANTED_VALUE}}"}
  - name: path
    method: GET
    url: "{{base}}/p/{{env.PLANTED_PATH}}/x"
  - name: creds-json
    method: POST
    url: "{{base}}/creds/json"
    auth: {mode: none}
    headers: {Content-Type: application/x-amz-json-1.1}
    body: {text: '{"AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"lit-refresh-0123456789abcdef","SECRET_HASH":"lit-hash-0123456789"},"password":"hunt3r2"}'}
  - name: creds-xml
    method: POST
    url: "{{base}}/creds/xml"
    auth: {mode: none}
    headers: {Content-Type: application/x-www-form-urlencoded}
    body: {text: "Action=AssumeRoleWithSAML&SAMLAssertion=lit-assertion-0123456789&password=hunt3r2"}
  - name: creds-form
    method: POST
    url: "{{base}}/creds/form"
    auth: {mode: none}
    headers: {Content-Type: application/x-www-form-urlencoded}
    body: {text: "grant_type=refresh_token&client_id=app&client_secret=lit-client-secret-0123456789&refresh_token=lit-refresh-0123456789abcdef"}
`

// fresh are credentials the server makes up for each answer, never sent
// to it: what a token endpoint or STS hands out.
type fresh struct {
	mu  sync.Mutex
	all []string
}

// make is a new credential: "frsh" and 32 hex digits, or with short a
// password of 7 characters (too short to look for outside its field).
func (f *fresh) make(short bool) string {
	b := make([]byte, 16)
	rand.Read(b)
	v := "frsh" + hex.EncodeToString(b)
	if short {
		v = "pw-" + hex.EncodeToString(b[:2])
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.all = append(f.all, v)
	return v
}

func (f *fresh) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.all...)
}

func (f *fresh) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.all[len(f.all)-1]
}

// credsAnswer is the answer of the /creds/ and /p/ routes: credentials in
// credential-named fields of JSON (Cognito's InitiateAuth and
// GetCredentialsForIdentity, with the request echoed inside a JSON
// string), XML (STS) and a form (an OAuth token endpoint), or an error
// that quotes the request's path and holds a challenge session. The
// refresh token comes last in each, so that fresh.last is it.
func credsAnswer(f *fresh, r *http.Request, body []byte) (status int, contentType, answer string) {
	switch r.URL.Path {
	case "/creds/json":
		echo, _ := json.Marshal(string(body))
		return 200, "application/x-amz-json-1.1", fmt.Sprintf(`{"Credentials":{"AccessKeyId":"ASIAPLANTEDEXAMPLE","SecretKey":%q,"SessionToken":%q},"NextToken":"page-2","password":%q,"echo":%s,"AuthenticationResult":{"AccessToken":%q,"ExpiresIn":3600,"IdToken":%q,"TokenType":"Bearer","RefreshToken":%q}}`,
			f.make(false), f.make(false), f.make(true), echo, f.make(false), f.make(false), f.make(false))
	case "/creds/xml":
		return 200, "text/xml", fmt.Sprintf("<AssumeRoleWithSAMLResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleWithSAMLResult>\n    <Credentials>\n      <AccessKeyId>ASIAPLANTEDEXAMPLE</AccessKeyId>\n      <SecretAccessKey>%s</SecretAccessKey>\n      <SessionToken>%s</SessionToken>\n    </Credentials>\n    <Echo>%s</Echo>\n  </AssumeRoleWithSAMLResult>\n</AssumeRoleWithSAMLResponse>\n",
			f.make(false), f.make(false), html.EscapeString(string(body)))
	case "/creds/form":
		return 200, "application/x-www-form-urlencoded", fmt.Sprintf("access_token=%s&id_token=%s&token_type=bearer&expires_in=3600&refresh_token=%s", f.make(false), f.make(false), f.make(false))
	}
	return 400, "application/x-amz-json-1.0", fmt.Sprintf(`{"__type":"NotAuthorizedException","message":"tenant %s (%s) is unknown","Session":%q}`, r.URL.EscapedPath(), r.URL.Path, f.make(false))
}

// echoAll answers with everything it got, in the shapes servers echo
// secrets in: plain, percent-encoded, JSON-escaped and base64, in a header
// and a body; /binary in a binary body, /big in one over 8 MiB (spooled,
// a fresh token first and echoed last); /creds/ and /p/ as credsAnswer.
func echoAll(t *testing.T, f *fresh) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var all strings.Builder
		r.Header.Write(&all)
		fmt.Fprintf(&all, "%s\n%s\n", r.URL.String(), body)
		for _, v := range []string{r.Header.Get("X-Trace"), r.Header.Get("X-Amz-Security-Token")} {
			js, _ := json.Marshal(v)
			fmt.Fprintf(&all, "%s %s %s %s\n", v, url.QueryEscape(v), js, base64.StdEncoding.EncodeToString([]byte(v)))
		}
		w.Header().Set("X-Echo", r.Header.Get("X-Trace"))
		w.Header().Set("Set-Cookie", "sid="+r.Header.Get("X-Trace")+"; Path=/")
		switch {
		case strings.HasPrefix(r.URL.Path, "/creds/") || strings.HasPrefix(r.URL.Path, "/p/"):
			status, ct, answer := credsAnswer(f, r, body)
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(status)
			w.Write([]byte(answer))
		case r.URL.Path == "/binary":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte("\x00\x01\xff"))
			w.Write([]byte(all.String()))
		case r.URL.Path == "/big":
			w.Header().Set("Content-Type", "text/plain")
			token := f.make(false)
			fmt.Fprintf(w, `{"RefreshToken":%q}`, token)
			pad := bytes.Repeat([]byte("0123456789abcdef"), (9<<20)/16)
			w.Write(pad)
			w.Write([]byte(all.String() + token))
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte(all.String()))
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestPlantedSecretsNeverPrinted runs every output of send (text, -i,
// --show-signing, -o json; text, binary and spooled bodies; an error
// answer), export, sign, history show/-o json/export and the history
// file over requests that carry planted secrets (in headers, the query,
// bodies and a URL path) to a server that echoes them in every encoding
// and answers with credentials of its own in JSON, XML and form fields,
// and finds none of them in clear; --show-secrets shows them.
func TestPlantedSecretsNeverPrinted(t *testing.T) {
	e := newSendEnv(t)
	made := &fresh{}
	base := echoAll(t, made)
	coll := writeCollection(t, plantedCollection)
	db := filepath.Join(t.TempDir(), "history.db")
	e.env = append(e.env, "SIGSCOPE_HISTORY="+db)
	for k, v := range planted {
		e.env = append(e.env, k+"="+v)
	}
	var outputs []string
	check := func(what, out string) {
		t.Helper()
		outputs = append(outputs, out)
		secrets := map[string]string{}
		for name, v := range planted {
			secrets[v] = name
		}
		for _, v := range append(literal, made.list()...) {
			secrets[v] = "the credential " + v[:4] + "…"
		}
		for v, name := range secrets {
			for _, form := range secretForms(v) {
				if strings.Contains(out, form) {
					t.Errorf("%s prints %s (%q form)", what, name, form[:6])
				}
			}
		}
	}
	vars := "--var=base=" + base
	for _, req := range []string{"text", "binary", "big", "path", "creds-json", "creds-xml", "creds-form"} {
		for _, args := range [][]string{nil, {"-i"}, {"--show-signing"}, {"-o", "json"}} {
			stdout, stderr, code := e.send(t, append([]string{coll, req, vars}, args...)...)
			if want := map[bool]int{true: ExitHTTPError, false: 0}[req == "path"]; code != want {
				t.Fatalf("send %s %v: %d %s", req, args, code, stderr)
			}
			check(fmt.Sprintf("send %s %v", req, args), stdout+stderr)
		}
	}
	for req, shown := range map[string]func() string{
		"text":       func() string { return planted["PLANTED_VALUE"] },
		"path":       func() string { return url.PathEscape(planted["PLANTED_PATH"]) },
		"creds-json": made.last, "creds-xml": func() string { return "hunt3r2" }, "creds-form": made.last,
	} {
		stdout, stderr, _ := e.send(t, coll, req, vars, "-i", "--show-secrets")
		if !strings.Contains(stdout+stderr, shown()) {
			t.Errorf("send %s --show-secrets does not show %s:\n%s%s", req, shown()[:4], stdout, stderr)
		}
	}
	for _, args := range [][]string{{"--as", "curl"}, {"--as", "raw"}, {"--as", "httpie", "--frozen"}} {
		out, stderr, code := run(t, e.env, nil, append([]string{"export", coll, "path", vars, "--yes"}, args...)...)
		if code != 0 {
			t.Fatalf("export %v: %d %s", args, code, stderr)
		}
		check(fmt.Sprintf("export %v", args), out+stderr)
	}

	raw := "GET /x?a=1 HTTP/1.1\r\nHost: example.amazonaws.com\r\nX-Trace: " + planted["PLANTED_VALUE"] + "\r\n\r\n"
	for _, args := range [][]string{nil, {"-o", "json"}} {
		out, stderr, code := run(t, e.env, []byte(raw), append([]string{"sign", "--access-key", "AKIDEXAMPLE", "--secret-key", planted["PLANTED_SECRET_KEY"], "--session-token", planted["PLANTED_SESSION_TOKEN"], "--region", "us-east-1", "--service", "execute-api"}, args...)...)
		if code != 0 {
			t.Fatalf("sign %v: %d %s", args, code, stderr)
		}
		if len(args) > 0 {
			// Values meant to be used stay usable (issue 10): the signed
			// request carries the session token, and its note says so.
			var v map[string]any
			mustJSON(t, out, &v)
			if !strings.Contains(fmt.Sprint(v["signed_request"]), planted["PLANTED_SESSION_TOKEN"]) {
				t.Error("sign -o json: signed_request is not usable as it is")
			}
			delete(v, "signed_request")
			b, _ := json.Marshal(v)
			out = string(b)
		}
		check(fmt.Sprintf("sign %v", args), strings.ReplaceAll(out+stderr, planted["PLANTED_VALUE"], "")) // the request's own header is the input, shown as given
		if strings.Contains(out, planted["PLANTED_SESSION_TOKEN"]) || strings.Contains(out, planted["PLANTED_SECRET_KEY"]) {
			t.Errorf("sign %v prints the session token or the secret key", args)
		}
	}

	list, _, code := run(t, e.env, nil, "history", "-o", "json")
	if code != 0 {
		t.Fatal("history list")
	}
	check("history -o json", list)
	var ids []struct {
		ID int64 `json:"id"`
	}
	mustJSON(t, list, &ids)
	if len(ids) < 30 {
		t.Fatalf("history kept %d exchanges", len(ids))
	}
	for _, id := range ids {
		for _, args := range [][]string{{"show", fmt.Sprint(id.ID)}, {"show", fmt.Sprint(id.ID), "-o", "json"}} {
			out, stderr, code := run(t, e.env, nil, append([]string{"history"}, args...)...)
			if code != 0 {
				t.Fatalf("history %v: %d %s", args, code, stderr)
			}
			check(fmt.Sprintf("history %v", args), out)
		}
	}
	har, _, _ := run(t, e.env, nil, "history", "export", "--har", "-")
	check("history export --har", har)
	for _, f := range []string{db, db + "-wal"} {
		if data, err := os.ReadFile(f); err == nil {
			check("the history file "+filepath.Base(f), string(data))
		}
	}
	// An entry an older sigscope kept with a refresh token in clear is
	// printed masked all the same.
	legacy := filepath.Join(t.TempDir(), "legacy.db")
	st, err := history.Open(legacy, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	kept := []byte(`{"AuthenticationResult":{"RefreshToken":"` + made.make(false) + `","TokenType":"Bearer"}}`)
	if _, err := st.Add(context.Background(), &history.Entry{Time: time.Now(), Collection: "old", Request: "login", Method: "POST", URL: base + "/", Status: 200, StatusText: "200 OK",
		ResponseBody: history.Body{Data: kept, Size: int64(len(kept)), MimeType: "application/x-amz-json-1.1"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	legacyEnv := append(append([]string{}, e.env...), "SIGSCOPE_HISTORY="+legacy)
	for _, args := range [][]string{{"show", "1"}, {"show", "1", "-o", "json"}, {"export", "--har", "-"}} {
		out, stderr, code := run(t, legacyEnv, nil, append([]string{"history"}, args...)...)
		if code != 0 || !strings.Contains(out, "Bearer") {
			t.Fatalf("history %v of an older entry: %d %s%s", args, code, out, stderr)
		}
		check(fmt.Sprintf("history %v of an older entry", args), out)
	}

	if len(outputs) < 60 {
		t.Fatalf("only %d outputs checked", len(outputs))
	}
	all := strings.Join(outputs, "")
	for _, mask := range []string{`pl4n…(`, `"frsh…(36 chars)"`, `<SecretAccessKey>frsh…(36 chars)</SecretAccessKey>`, `&refresh_token=frsh…(36 chars)`, `\"password\":\"…(7 chars)\"`, `"RefreshToken":"frsh…(36 chars)"`} {
		if !strings.Contains(all, mask) {
			t.Errorf("%s masked nowhere: the checks saw nothing of it", mask)
		}
	}
}

// secretForms are a secret as outputs could carry it: plain,
// percent-encoded (query, form, URL path, SigV4's canonical path),
// JSON-escaped, base64; a short one plain only.
func secretForms(v string) []string {
	if len(v) < 8 {
		return []string{v}
	}
	js, _ := json.Marshal(v)
	path := url.PathEscape(v)
	var canonical strings.Builder
	for i := 0; i < len(path); i++ {
		if c := path[i]; c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			canonical.WriteByte(c)
		} else {
			fmt.Fprintf(&canonical, "%%%02X", c)
		}
	}
	return []string{v, url.QueryEscape(v), strings.ReplaceAll(url.QueryEscape(v), "+", "%20"), path, canonical.String(), strings.Trim(string(js), `"`), base64.StdEncoding.EncodeToString([]byte(v))}
}
