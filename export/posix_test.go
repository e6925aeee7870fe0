package export

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// hostileHeaders are header values an attacker might put in a
// collection: shell syntax of every kind, and bytes that bash's $'...'
// quoting used to carry (a tab). HTTP forbids line breaks in them.
var hostileHeaders = map[string]string{
	"X-Tab":    "hello\t'; touch PWNED-tab; #",
	"X-Subst":  "$(touch PWNED-subst) `touch PWNED-tick` ${HOME} !! !$ %s %n",
	"X-Quotes": `it's "double" \ \\ \' \" end`,
	"X-Utf":    "ñandú café \u202e txt",
	"X-Sep":    "a:b;c=d@e==f:=g",
	// An option to HTTPie after its URL, unless -- ends them: -o writes
	// the response to a file.
	"-oPWNED-out": "x",
}

// hostileBodies are bodies, by request name: some go on the command line,
// the ones with bytes a terminal does not show through printf.
var hostileBodies = map[string]string{
	"control":   "hello\t'; touch PWNED-body; #\n$(touch PWNED-b2) `touch PWNED-b3` \"$(touch PWNED-b4)\" !! %s %n %% \\ \\\\ \\' \\n ñandú \u202e\r\x1b[2J\x07 end\n\n",
	"printable": `it's '$(touch PWNED-p1)' "$(touch PWNED-p2)" ` + "`touch PWNED-p3`" + ` !! !$ %s \ \\ ñ end`,
	"dash":      "-v --data @/etc/passwd",
	"at":        "@/etc/passwd",
	"dash tab":  "-n\ttab\n",
}

var hostileQuery = map[string]string{
	"q":      "'; touch PWNED-q; # $(touch PWNED-q2) `x` !! % ñ",
	"a[1-2]": "{x,y}",
}

// hostileCollection holds each request twice: signed with static keys,
// and in the folder open without auth (HTTPie signs only through a
// plugin that is not installed).
func hostileCollection(t *testing.T) string {
	t.Helper()
	var reqs strings.Builder
	headers := []string{}
	for k, v := range hostileHeaders {
		headers = append(headers, k+": "+yamlString(t, v))
	}
	query := []string{}
	for k, v := range hostileQuery {
		query = append(query, yamlString(t, k)+": "+yamlString(t, v))
	}
	for name, body := range hostileBodies {
		reqs.WriteString("  - name: " + yamlString(t, name) + "\n    method: POST\n    url: \"{{base_url}}/items\"\n" +
			"    headers: {Content-Type: text/plain, " + strings.Join(headers, ", ") + "}\n" +
			"    body: {text: " + yamlString(t, body) + "}\n")
	}
	reqs.WriteString("  - name: keyed\n    method: POST\n    url: \"{{base_url}}/items\"\n    auth: {mode: api_key, api_key: \"{{env.TEST_API_KEY}}\"}\n" +
		"    headers: {Content-Type: text/plain, " + strings.Join(headers, ", ") + "}\n" +
		"    body: {text: " + yamlString(t, hostileBodies["printable"]) + "}\n")
	reqs.WriteString("  - name: query\n    method: GET\n    url: \"{{base_url}}/items\"\n    query: {" + strings.Join(query, ", ") + "}\n")
	all := reqs.String()
	return `
name: hostile
variables: [TEST_API_KEY]
environments:
  local: {base_url: "{{emulator}}", region: us-east-1}
auth:
  keys:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
defaults:
  auth: {mode: iam, profile: keys}
requests:
` + all + `  - folder: open
    defaults: {auth: {mode: none}}
    requests:
` + indent(all, "    ")
}

func indent(s, by string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = by + l
		}
	}
	return strings.Join(lines, "")
}

// TestPastedExportsRunAsShown runs every command form of hostile requests
// under dash, bash and zsh, and interactive bash and zsh (history
// expansion on): nothing runs but curl or HTTPie, and the recording
// server gets exactly the request's bytes. bash's $'...' quoting let a
// tab turn a body into commands under dash.
func TestPastedExportsRunAsShown(t *testing.T) {
	b := newRecBench(t, hostileCollection(t))
	b.env["TEST_API_KEY"] = "planted-api-key-0123"
	names := []string{"query", "keyed"}
	for n := range hostileBodies {
		names = append(names, n)
	}
	for _, folder := range []string{"", "open/"} {
		for _, name := range names {
			req := folder + name
			pv := b.preview(t, req)
			envNames := (&bench{env: b.env}).envNames(pv)
			if name == "keyed" {
				envNames = nil // the key's variable unknown: a comment says where it comes from
			}
			for _, form := range []string{"curl", "curl frozen", "httpie", "httpie frozen"} {
				if form == "httpie" && folder == "" {
					continue // needs the httpie-aws-authv4 plugin
				}
				frozen := strings.HasSuffix(form, "frozen")
				o := Options{Frozen: frozen, EnvNames: envNames, Collection: "coll.yaml"}
				export, tool := Curl, "curl"
				if strings.HasPrefix(form, "httpie") {
					export, tool = HTTPie, "http"
				}
				cmd, err := export(pv.Prepared, o)
				if err != nil {
					t.Fatalf("%s as %s: %v", req, form, err)
				}
				if strings.Contains(cmd, b.env["SIGSCOPE_DEMO_SECRET_ACCESS_KEY"]) || strings.Contains(cmd, "planted-api-key") {
					t.Fatalf("%s as %s: the secret key in clear:\n%s", req, form, cmd)
				}
				for _, sh := range shells {
					if tool == "http" && sh.stdin && name != "control" {
						continue // HTTPie starts slowly: one request is enough there
					}
					t.Run(req+"/"+form+"/"+sh.name, func(t *testing.T) {
						peer.Command(t, tool)
						dir := t.TempDir()
						n := len(b.rec.Requests())
						_, stderr, err := pasted(t, sh, dir, cmd, b.env, toolPath(t))
						noPWNED(t, dir, cmd)
						if err != nil {
							t.Fatalf("%v\n%s\ncommand:\n%s", err, stderr, cmd)
						}
						got, raw := newRequests(b.rec, n)
						if len(got) != 1 {
							t.Fatalf("%d requests arrived, want 1:\n%q\n%s", len(got), raw, cmd)
						}
						sameRequest(t, got[0], pv.Prepared.Request.Path, pv.Prepared.Request.RawQuery, pv.Prepared.Request.Body, name != "query", cmd)
					})
				}
			}
		}
	}
}

// sameRequest checks that what arrived is the request as sigscope
// prepared it: path, query, the hostile headers and the body, byte for
// byte.
func sameRequest(t *testing.T, r *http.Request, path, query string, body []byte, withHeaders bool, cmd string) {
	t.Helper()
	gotPath, gotQuery, _ := strings.Cut(r.RequestURI, "?")
	if gotPath != path {
		t.Errorf("path %q, want %q\n%s", gotPath, path, cmd)
	}
	wantQ, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	gotQ, err := url.ParseQuery(gotQuery)
	if err != nil || !sameQuery(gotQ, wantQ) {
		t.Errorf("query %q, want %q (%v)\n%s", gotQuery, query, err, cmd)
	}
	if withHeaders {
		for k, v := range hostileHeaders {
			if got := r.Header.Values(k); len(got) != 1 || got[0] != v {
				t.Errorf("header %s: %q, want %q\n%s", k, got, v, cmd)
			}
		}
	}
	got, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(body) {
		t.Errorf("body %q, want %q\n%s", got, body, cmd)
	}
}

// TestCurlGlobOff runs curl exports of a path and query that look like
// curl's URL globs ([1-5], {a,b}) with the real curl: one request arrives,
// for the literal URL. Without --globoff curl sent one request per value.
func TestCurlGlobOff(t *testing.T) {
	b := newRecBench(t, `
name: globs
environments:
  local: {base_url: "{{emulator}}", region: us-east-1}
auth:
  keys:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
requests:
  - name: signed
    url: "{{base_url}}/items/[1-5]/{a,b}/"
    query: {"n[0-9]": "{x,y}"}
    auth: {mode: iam, profile: keys}
  - name: open
    url: "{{base_url}}/items/[1-5]/{a,b}/"
    query: {"n[0-9]": "{x,y}"}
    auth: {mode: none}
`)
	peer.Command(t, "curl")
	for _, req := range []string{"signed", "open"} {
		pv := b.preview(t, req)
		if !strings.Contains(pv.Prepared.Request.Path, "[1-5]") {
			t.Fatalf("the path is %q: no glob left to test", pv.Prepared.Request.Path)
		}
		for _, frozen := range []bool{false, true} {
			cmd, err := Curl(pv.Prepared, Options{Frozen: frozen})
			if err != nil {
				t.Fatal(err)
			}
			n := len(b.rec.Requests())
			runPasted(t, shells[0], t.TempDir(), cmd, b.env)
			got, raw := newRequests(b.rec, n)
			if len(got) != 1 {
				t.Fatalf("%s frozen=%v: %d requests arrived, want 1:\n%q\n%s", req, frozen, len(got), raw, cmd)
			}
			sameRequest(t, got[0], pv.Prepared.Request.Path, pv.Prepared.Request.RawQuery, nil, false, cmd)
		}
	}
}
