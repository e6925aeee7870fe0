package export

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// TestHTTPieReadsNoFiles runs HTTPie exports whose header values and path
// hold HTTPie's file separators (Name:@FILE, Name:=@FILE and the rest)
// naming planted files: the recording server gets the literal values and
// nothing of the files. Unescaped, HTTPie sent the files' contents.
func TestHTTPieReadsNoFiles(t *testing.T) {
	peer.Command(t, "http")
	planted := t.TempDir()
	token := filepath.Join(planted, "vault-token")
	docker := filepath.Join(planted, "config.json")
	files := map[string]string{token: "PLANTED-VAULT-TOKEN-0123456789", docker: `{"auths":{"PLANTED-DOCKER-AUTH":{}}}`}
	for path, content := range files {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Each group in requests of its own: unescaped, the first sends the
	// files, the second makes HTTPie fail.
	groups := []map[string]string{{
		"X-Request-Id": "@" + token,
		"X-Trace":      "=@" + docker,
		"X-Colon":      ":@" + token,
		"X-Json":       ":=@" + docker,
		"X-Semi":       ";",
		"X-Inside":     "a@" + token + " b=@" + docker + " c:=@" + docker,
		"X-Backslash":  `C:\dir\\@` + token, // an even run of backslashes: HTTPie reads them in pairs
	}, {
		"X-Raw-Json":   "=" + `{"a":1}`,
		"X-Query":      "=" + token,
		"X-Query-File": "==@" + token,
	}}
	var reqs strings.Builder
	for i, values := range groups {
		var headers []string
		for k, v := range values {
			headers = append(headers, k+": "+yamlString(t, v))
		}
		for _, auth := range []string{"{mode: iam, profile: keys}", "{mode: none}"} {
			fmt.Fprintf(&reqs, "  - name: %d %s\n    url: \"{{base_url}}/items/a@b=c;d:e==f\"\n    auth: %s\n    headers: {%s}\n",
				i, map[bool]string{true: "open", false: "signed"}[auth == "{mode: none}"], auth, strings.Join(headers, ", "))
		}
	}
	b := newRecBench(t, `
name: files
environments:
  local: {base_url: "{{emulator}}", region: us-east-1}
auth:
  keys:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
requests:
`+reqs.String())
	for _, c := range []struct {
		req    string
		frozen bool
		values map[string]string
	}{{"0 open", false, groups[0]}, {"0 open", true, groups[0]}, {"0 signed", true, groups[0]}, {"1 open", false, groups[1]}, {"1 signed", true, groups[1]}} {
		pv := b.preview(t, c.req)
		cmd, err := HTTPie(pv.Prepared, Options{Frozen: c.frozen})
		if err != nil {
			t.Fatal(err)
		}
		n := len(b.rec.Requests())
		runPasted(t, shells[0], t.TempDir(), cmd, b.env)
		got, raw := newRequests(b.rec, n)
		if len(got) != 1 {
			t.Fatalf("%s frozen=%v: %d requests arrived, want 1:\n%q\n%s", c.req, c.frozen, len(got), raw, cmd)
		}
		for _, content := range files {
			if strings.Contains(raw[0], content) || strings.Contains(raw[0], "PLANTED") {
				t.Errorf("%s frozen=%v: HTTPie sent a planted file:\n%s\ncommand:\n%s", c.req, c.frozen, raw[0], cmd)
			}
		}
		for k, v := range c.values {
			if got := got[0].Header.Values(k); len(got) != 1 || got[0] != v {
				t.Errorf("%s frozen=%v: header %s arrived as %q, want %q\n%s", c.req, c.frozen, k, got, v, cmd)
			}
		}
		if want := pv.Prepared.Request.Path; !strings.HasPrefix(got[0].RequestURI, want) {
			t.Errorf("%s: path %q, want %q", c.req, got[0].RequestURI, want)
		}
		if got[0].ContentLength > 0 {
			t.Errorf("%s frozen=%v: a body arrived (a header read as a data item):\n%s", c.req, c.frozen, raw[0])
		}
	}
}

// TestHTTPieRefuses: what HTTPie cannot be told is refused with a reason
// rather than written to mean something else: a method that is not
// capital letters (HTTPie would take it for the URL, and the URL for a
// header), and a backslash before a separator character.
func TestHTTPieRefuses(t *testing.T) {
	b := newRecBench(t, `
name: refused
environments:
  local: {base_url: "{{emulator}}"}
defaults:
  auth: {mode: none}
requests:
  - {name: dash method, method: M-SEARCH, url: "{{base_url}}/items"}
  - {name: backslash, url: "{{base_url}}/items", headers: {X-Path: 'C:\dir\@x'}}
`)
	for req, want := range map[string]string{"dash method": "capital letters only", "backslash": "backslash before '@'"} {
		pv := b.preview(t, req)
		if _, err := HTTPie(pv.Prepared, Options{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", req, err, want)
		}
		if _, err := Curl(pv.Prepared, Options{}); err != nil {
			t.Errorf("%s as curl: %v", req, err)
		}
	}
}

// TestHTTPieEscapeAllItems checks the escaping against HTTPie's own
// parser for every kind of item that takes a name and a value (headers,
// query parameters, form fields): HTTPie reads back the name and value
// and opens no file.
func TestHTTPieEscapeAllItems(t *testing.T) {
	http := peer.Command(t, "http")
	planted := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(planted, []byte("PLANTED-FILE-CONTENT"), 0o600); err != nil {
		t.Fatal(err)
	}
	values := []string{"@" + planted, "=@" + planted, ":=@" + planted, "==@" + planted, ":@" + planted, "=" + planted, ";", "a:b;c=d@e", `back\slash \\@ end\`}
	for _, sep := range []string{":", "==", "="} {
		args := []string{"--offline", "--ignore-stdin", "--form", "--pretty=none", "--", "POST", "http://127.0.0.1:9/x"}
		var want []string
		for i, v := range values {
			key := "k" + v + "."
			if sep == ":" {
				key = fmt.Sprintf("X-K%d", i) // a header name is a token
			}
			name, err := httpieEscape(key, true)
			if err != nil {
				t.Fatal(err)
			}
			value, err := httpieEscape(v, false)
			if err != nil {
				t.Fatal(err)
			}
			args = append(args, name+sep+value)
			switch sep {
			case ":":
				want = append(want, "\r\n"+key+": "+v+"\r\n")
			default: // in the query (==) or the form body (=)
				want = append(want, url.Values{key: {v}}.Encode())
			}
		}
		out, err := exec.Command(http, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", args, err, out)
		}
		if strings.Contains(string(out), "PLANTED") {
			t.Errorf("%q: HTTPie read the file:\n%s", args, out)
		}
		for _, w := range want {
			if !strings.Contains(strings.ReplaceAll(string(out), "%20", "+"), w) {
				t.Errorf("%s items: HTTPie did not read back %q:\n%s", sep, w, out)
			}
		}
	}
	if _, err := httpieEscape(`end\`, true); err == nil {
		t.Errorf("a name ending in a backslash, which would escape the separator, is not refused")
	}
}
