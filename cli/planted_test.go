package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// planted are secrets that reach a request through the environment: a
// header, a query parameter and the body through a declared variable, the
// session token and API key of the auth profile.
var planted = map[string]string{
	"PLANTED_VALUE":         "pl4nted/Value+0123456789=abcdef",
	"PLANTED_SESSION_TOKEN": "IQoJplantedSessionToken/0123456789+abcdefghij==",
	"PLANTED_SECRET_KEY":    "plantedSecretKey/0123456789+ABCDEFGHIJKLMNOPQR",
}

const plantedCollection = `name: planted
variables: [PLANTED_VALUE]
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
`

// echoAll answers with everything it got, in the shapes servers echo
// secrets in: plain, percent-encoded, JSON-escaped and base64, in a header
// and a body; /binary in a binary body, /big in one over 8 MiB (spooled).
func echoAll(t *testing.T) string {
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
		switch r.URL.Path {
		case "/binary":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte("\x00\x01\xff"))
			w.Write([]byte(all.String()))
		case "/big":
			w.Header().Set("Content-Type", "text/plain")
			pad := bytes.Repeat([]byte("0123456789abcdef"), (9<<20)/16)
			w.Write(pad)
			w.Write([]byte(all.String()))
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
// --show-signing, -o json; text, binary and spooled bodies), sign,
// history show/-o json/export and explain over requests that carry
// planted secrets to a server that echoes them in every encoding, and
// finds none of them in clear; --show-secrets shows them.
func TestPlantedSecretsNeverPrinted(t *testing.T) {
	e := newSendEnv(t)
	base := echoAll(t)
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
		for name, v := range planted {
			js, _ := json.Marshal(v)
			for _, form := range []string{v, url.QueryEscape(v), strings.Trim(string(js), `"`), base64.StdEncoding.EncodeToString([]byte(v))} {
				if strings.Contains(out, form) {
					t.Errorf("%s prints %s (%q form)", what, name, form[:6])
				}
			}
		}
	}
	vars := "--var=base=" + base
	for _, req := range []string{"text", "binary", "big"} {
		for _, args := range [][]string{nil, {"-i"}, {"--show-signing"}, {"-o", "json"}} {
			stdout, stderr, code := e.send(t, append([]string{coll, req, vars}, args...)...)
			if code != 0 {
				t.Fatalf("send %s %v: %d %s", req, args, code, stderr)
			}
			check(fmt.Sprintf("send %s %v", req, args), stdout+stderr)
		}
	}
	stdout, _, _ := e.send(t, coll, "text", vars, "-i", "--show-secrets")
	if !strings.Contains(stdout, planted["PLANTED_VALUE"]) {
		t.Error("--show-secrets does not show the planted value")
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
	if len(ids) < 12 {
		t.Fatalf("history kept %d exchanges", len(ids))
	}
	for _, id := range ids[:3] {
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
	if len(outputs) < 20 {
		t.Fatalf("only %d outputs checked", len(outputs))
	}
	if m := regexp.MustCompile(`pl4n|IQoJpl|plantedSec`).FindAllString(strings.Join(outputs, ""), -1); len(m) == 0 {
		t.Error("no masked secret anywhere: the checks saw nothing of the requests")
	}
}
