package tui

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/workbench"
)

// TestPlantedSecretsNeverOnScreen: a value from the environment sent in a
// header, the query and the body, and echoed back by the server in every
// encoding (headers, a cookie, the body; text and binary), is on no
// screen of the UI: wire view, SigV4 steps, teaching, every response tab,
// cookies.
func TestPlantedSecretsNeverOnScreen(t *testing.T) {
	const value = "pl4nted/Value+0123456789=abcdef"
	echo := testkit.NewRecorder(t, func(r *http.Request) string {
		v := r.Header.Get("X-Trace")
		js, _ := json.Marshal(v)
		body := v + " " + url.QueryEscape(v) + " " + string(js) + " " + base64.StdEncoding.EncodeToString([]byte(v)) + " " + r.URL.RawQuery
		ct := "text/plain"
		if strings.HasSuffix(r.URL.Path, "/bin") {
			body, ct = "\x00\xff"+body, "application/octet-stream"
		}
		return "HTTP/1.1 200 OK\r\nContent-Type: " + ct + "\r\nX-Echo: " + v + "\r\nSet-Cookie: sid=" + url.QueryEscape(v) + "; Path=/\r\nContent-Length: " + itoaT(len(body)) + "\r\nConnection: close\r\n\r\n" + body
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	src := "name: planted\nvariables: [PLANTED_VALUE]\nrequests:\n" +
		"  - name: text\n    method: POST\n    url: http://" + echo.Addr + "/t\n    query: {t: \"{{env.PLANTED_VALUE}}\"}\n    headers: {X-Trace: \"{{env.PLANTED_VALUE}}\"}\n    body: {text: \"{{env.PLANTED_VALUE}}\"}\n" +
		"  - name: binary\n    method: GET\n    url: http://" + echo.Addr + "/bin\n    headers: {X-Trace: \"{{env.PLANTED_VALUE}}\"}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	env := workbench.Env{CacheDir: t.TempDir(), LookupEnv: func(k string) (string, bool) {
		if k == "PLANTED_VALUE" {
			return value, true
		}
		return "", false
	}}
	js, _ := json.Marshal(value)
	forms := []string{value, url.QueryEscape(value), strings.Trim(string(js), `"`), base64.StdEncoding.EncodeToString([]byte(value))}
	screens := 0
	look := func(hs *harness, what string) {
		t.Helper()
		screens++
		scr := hs.screen()
		for _, f := range forms {
			if strings.Contains(scr, f) {
				t.Fatalf("%s shows the planted value (%q form):\n%s", what, f[:6], scr)
			}
		}
	}
	for _, req := range []string{"text", "binary"} {
		hs := newHarness(t, Config{Paths: []string{path}, Env: env}, 160, 48)
		if req == "binary" {
			hs.press("down")
		}
		look(hs, req+" before sending")
		hs.press("enter")
		if len(echo.Requests()) == 0 {
			t.Fatal("nothing was sent")
		}
		look(hs, req+" body")
		for tab := 1; tab < numTabs; tab++ {
			hs.press("]")
			look(hs, req+" response tab "+tabNames[tab])
		}
		hs.press("t")
		look(hs, req+" teaching")
		hs.press("t", "S")
		if !strings.Contains(hs.screen(), value[:10]) {
			t.Errorf("S (show secrets) does not show the value")
		}
	}
	if screens < 10 {
		t.Fatalf("only %d screens looked at", screens)
	}
}

func itoaT(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
