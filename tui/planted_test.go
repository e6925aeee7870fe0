package tui

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/workbench"
)

// TestPlantedSecretsNeverOnScreen: a value from the environment sent in a
// header, the query and the body, and echoed back by the server in every
// encoding (headers, a cookie, the body; text and binary), another in a
// URL path, answered with an error that quotes it, and credentials the
// server hands out in JSON, XML and form fields are on no screen of the
// UI: wire view, SigV4 steps, teaching, every response tab, cookies; S
// shows them.
func TestPlantedSecretsNeverOnScreen(t *testing.T) {
	const value = "pl4nted/Value+0123456789=abcdef"
	const pathValue = "pl4nted path@Tenant+0123456789"
	var mu sync.Mutex
	var made []string
	mint := func() string {
		b := make([]byte, 16)
		rand.Read(b)
		mu.Lock()
		defer mu.Unlock()
		made = append(made, "frsh"+hex.EncodeToString(b))
		return made[len(made)-1]
	}
	echo := testkit.NewRecorder(t, func(r *http.Request) string {
		v := r.Header.Get("X-Trace")
		js, _ := json.Marshal(v)
		body := v + " " + url.QueryEscape(v) + " " + string(js) + " " + base64.StdEncoding.EncodeToString([]byte(v)) + " " + r.URL.RawQuery
		status, ct := "200 OK", "text/plain"
		switch {
		case strings.HasSuffix(r.URL.Path, "/bin"):
			body, ct = "\x00\xff"+body, "application/octet-stream"
		case strings.HasPrefix(r.URL.Path, "/p/"):
			status, ct = "400 Bad Request", "application/x-amz-json-1.0"
			body = fmt.Sprintf(`{"__type":"NotAuthorizedException","message":"tenant %s (%s) is unknown","Session":%q}`, r.URL.EscapedPath(), r.URL.Path, mint())
		case r.URL.Path == "/creds/json":
			ct = "application/x-amz-json-1.1"
			body = fmt.Sprintf("{\n  \"AuthenticationResult\": {\n    \"AccessToken\": %q,\n    \"ExpiresIn\": 3600,\n    \"IdToken\": %q,\n    \"RefreshToken\": %q,\n    \"TokenType\": \"Bearer\"\n  }\n}\n", mint(), mint(), mint())
		case r.URL.Path == "/creds/xml":
			ct = "text/xml"
			body = fmt.Sprintf("<AssumeRoleResponse>\n  <AssumeRoleResult>\n    <Credentials>\n      <AccessKeyId>ASIAPLANTEDEXAMPLE</AccessKeyId>\n      <SecretAccessKey>%s</SecretAccessKey>\n      <SessionToken>%s</SessionToken>\n    </Credentials>\n  </AssumeRoleResult>\n</AssumeRoleResponse>\n", mint(), mint())
		case r.URL.Path == "/creds/form":
			ct = "application/x-www-form-urlencoded"
			body = fmt.Sprintf("access_token=%s&token_type=bearer&expires_in=3600&refresh_token=%s", mint(), mint())
		}
		return "HTTP/1.1 " + status + "\r\nContent-Type: " + ct + "\r\nX-Echo: " + v + "\r\nSet-Cookie: sid=" + url.QueryEscape(v) + "; Path=/\r\nContent-Length: " + itoaT(len(body)) + "\r\nConnection: close\r\n\r\n" + body
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	base := "http://" + echo.Addr
	src := "name: planted\nvariables: [PLANTED_VALUE, PLANTED_PATH]\n" +
		"auth:\n  keys: {type: static, access_key_id_env: PLANTED_KEY_ID, secret_access_key_env: PLANTED_SECRET_KEY}\nrequests:\n" +
		"  - name: text\n    method: POST\n    url: " + base + "/t\n    query: {t: \"{{env.PLANTED_VALUE}}\"}\n    headers: {X-Trace: \"{{env.PLANTED_VALUE}}\"}\n    body: {text: \"{{env.PLANTED_VALUE}}\"}\n" +
		"  - name: binary\n    method: GET\n    url: " + base + "/bin\n    headers: {X-Trace: \"{{env.PLANTED_VALUE}}\"}\n" +
		"  - name: path\n    method: GET\n    url: \"" + base + "/p/{{env.PLANTED_PATH}}/x\"\n    auth: {mode: iam, profile: keys, region: us-east-1}\n" +
		"  - name: creds-json\n    method: POST\n    url: " + base + "/creds/json\n" +
		"  - name: creds-xml\n    method: POST\n    url: " + base + "/creds/xml\n" +
		"  - name: creds-form\n    method: POST\n    url: " + base + "/creds/form\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"PLANTED_VALUE": value, "PLANTED_PATH": pathValue, "PLANTED_KEY_ID": "AKIDEXAMPLE", "PLANTED_SECRET_KEY": "plantedSecretKey/0123456789+ABCDEFGH"}
	env := workbench.Env{CacheDir: t.TempDir(), LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }}
	screens := 0
	look := func(hs *harness, what string) {
		t.Helper()
		screens++
		scr := hs.screen()
		mu.Lock()
		secrets := append([]string{value, pathValue, vars["PLANTED_SECRET_KEY"]}, made...)
		mu.Unlock()
		for _, s := range secrets {
			for _, f := range screenForms(s) {
				if strings.Contains(scr, f) {
					t.Fatalf("%s shows a secret (%q form):\n%s", what, f[:6], scr)
				}
			}
		}
	}
	shown := map[string]func() string{
		"text": func() string { return value[:10] }, "binary": func() string { return value[:10] },
		"path": func() string { return url.PathEscape(pathValue)[:10] },
	}
	for i, req := range []string{"text", "binary", "path", "creds-json", "creds-xml", "creds-form"} {
		hs := newHarness(t, Config{Paths: []string{path}, Env: env}, 160, 48)
		for range i {
			hs.press("down")
		}
		look(hs, req+" before sending")
		sent := len(echo.Requests())
		hs.press("enter")
		if len(echo.Requests()) == sent {
			t.Fatalf("%s: nothing was sent", req)
		}
		look(hs, req+" body")
		for tab := 1; tab < numTabs; tab++ {
			hs.press("]")
			look(hs, req+" response tab "+tabNames[tab])
		}
		hs.press("t")
		look(hs, req+" teaching")
		hs.press("t", "S")
		want := func() string { // the form's first token: its line runs past the pane
			mu.Lock()
			defer mu.Unlock()
			return made[len(made)-1-map[bool]int{true: 1}[req == "creds-form"]][:10]
		}
		if f, ok := shown[req]; ok {
			want = f
		} else {
			hs.press("enter") // an answer is masked as it came: a new one is not
		}
		if w := want(); !strings.Contains(hs.screen(), w) {
			t.Errorf("%s: S (show secrets) does not show %s:\n%s", req, w, hs.screen())
		}
	}
	if screens < 30 {
		t.Fatalf("only %d screens looked at", screens)
	}
}

// screenForms are a secret as a screen could show it: plain,
// percent-encoded (query, URL path, SigV4's canonical path), JSON-escaped,
// base64.
func screenForms(v string) []string {
	js, _ := json.Marshal(v)
	p := url.PathEscape(v)
	var canonical strings.Builder
	for i := 0; i < len(p); i++ {
		if c := p[i]; c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			canonical.WriteByte(c)
		} else {
			fmt.Fprintf(&canonical, "%%%02X", c)
		}
	}
	return []string{v, url.QueryEscape(v), p, canonical.String(), strings.Trim(string(js), `"`), base64.StdEncoding.EncodeToString([]byte(v))}
}

func itoaT(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
