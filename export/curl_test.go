package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// staticCollection signs with the emulator's demo keys through a static
// profile, and with guest credentials (a session token) through another.
const staticCollection = `
name: export test
environments:
  local: {base_url: "{{emulator}}/prod", region: us-east-1}
auth:
  keys:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
  temp:
    type: static
    access_key_id_env: TEMP_KEY_ID
    secret_access_key_env: TEMP_SECRET
    session_token_env: TEMP_SESSION_TOKEN
defaults:
  auth: {mode: iam, profile: keys}
  headers: {Accept: application/json}
requests:
  - name: list
    method: GET
    url: "{{base_url}}/pets"
    query: {type: [dog, cat], limit: "10"}
  - name: create
    method: POST
    url: "{{base_url}}/pets"
    headers: {Content-Type: application/json}
    body: {json: {name: "Rex's", tags: ["good boy", "$HOME", "!x"]}}
  - name: awkward text
    method: PUT
    url: "{{base_url}}/pets/rex"
    headers: {Content-Type: text/plain, X-Note: "it's \"quoted\" $USER"}
    body: {text: "line one\nline\ttwo 'ñandú' \u0007 done"}
  - name: awkward query
    method: GET
    url: "{{base_url}}/pets"
    query: {q: "café & crème", plus: "a+b", empty: ""}
  - name: file body
    method: POST
    url: "{{base_url}}/pets"
    headers: {Content-Type: application/octet-stream}
    body: {file: body.bin}
  - folder: temporary
    defaults: {auth: {profile: temp}}
    requests:
      - name: with token
        method: POST
        url: "{{base_url}}/pets"
        body: {text: "hello"}
`

func writeBody(t *testing.T, b *bench) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(b.dir, "body.bin"), []byte("bin\x00ary\xff body\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestCurlRunsAgainstEmulator runs each exported command with the real
// curl: the default form (curl signs it with --aws-sigv4) and the frozen
// one (sigscope's signature, within its 15 minutes) get the answer send
// gets, the same request as the gateway saw it.
func TestCurlRunsAgainstEmulator(t *testing.T) {
	b := newBench(t, staticCollection, nil)
	id, secret, token := guestCredentials(t, b.srv)
	b.env["TEMP_KEY_ID"], b.env["TEMP_SECRET"], b.env["TEMP_SESSION_TOKEN"] = id, secret, token
	writeBody(t, b)
	for _, req := range []string{"list", "create", "awkward text", "awkward query", "file body", "temporary/with token"} {
		wantCode, want := b.send(t, req)
		if wantCode != 200 {
			t.Fatalf("send %q: %d", req, wantCode)
		}
		for _, frozen := range []bool{false, true} {
			pv := b.preview(t, req)
			cmd, err := Curl(pv.Prepared, Options{Frozen: frozen, EnvNames: b.envNames(pv), Collection: "coll.yaml"})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(cmd, token) || strings.Contains(cmd, secret) {
				t.Fatalf("%q frozen=%v: a secret in clear:\n%s", req, frozen, cmd)
			}
			if !frozen && !strings.Contains(cmd, `--aws-sigv4 aws:amz:us-east-1:execute-api`) {
				t.Errorf("%q: no --aws-sigv4:\n%s", req, cmd)
			}
			if frozen && (!strings.Contains(cmd, "Authorization: AWS4-HMAC-SHA256") || !strings.Contains(cmd, "15 minutes later")) {
				t.Errorf("%q frozen: no signature or no expiry:\n%s", req, cmd)
			}
			code, body := runShell(t, "cd "+Quote(b.dir)+" && "+cmd, b.env)
			if code != wantCode {
				t.Fatalf("%q frozen=%v: curl got %d, send %d\n%s\n%s", req, frozen, code, wantCode, cmd, body)
			}
			got := parseEcho(t, body)
			if got.Method != want.Method || got.Path != want.Path || !sameBody(got.Body, want.Body) || !sameQuery(got.Query, want.Query) {
				t.Errorf("%q frozen=%v: the gateway saw\n%+v\nfrom curl, and from send\n%+v\n%s", req, frozen, got, want, cmd)
			}
		}
	}
}

func sameBody(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// sameQuery compares the parameters; a repeated key's values may come in
// canonical order from the default form.
func sameQuery(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb := b[k]
		if len(va) != len(vb) {
			return false
		}
		seen := map[string]int{}
		for _, v := range va {
			seen[v]++
		}
		for _, v := range vb {
			seen[v]--
		}
		for _, n := range seen {
			if n != 0 {
				return false
			}
		}
	}
	return true
}

// TestCurlFreshForm checks what the default form says besides the
// request: where the keys come from, the session token header, the
// canonical query and the comments that explain them.
func TestCurlFreshForm(t *testing.T) {
	b := newBench(t, staticCollection, map[string]string{"TEMP_KEY_ID": "AKIDTEMP", "TEMP_SECRET": "s3cr3t-temp", "TEMP_SESSION_TOKEN": "PLANTED-SESSION-TOKEN-0123456789"})
	pv := b.preview(t, "list")
	cmd, err := Curl(pv.Prepared, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`--user "$SIGSCOPE_DEMO_ACCESS_KEY_ID:$SIGSCOPE_DEMO_SECRET_ACCESS_KEY"`,
		`'http://` + strings.TrimPrefix(b.srv.URL, "http://") + `/prod/pets?limit=10&type=cat&type=dog'`,
		"# the query is written in SigV4 canonical order",
		`-H 'Accept: application/json'`,
	} {
		if !strings.Contains(cmd, want) {
			t.Errorf("lacks %q:\n%s", want, cmd)
		}
	}
	if strings.Contains(cmd, "x-amz-security-token") || strings.Contains(cmd, "User-Agent") {
		t.Errorf("a token header without a token, or sigscope's user agent:\n%s", cmd)
	}
	pv = b.preview(t, "temporary/with token")
	cmd, err = Curl(pv.Prepared, Options{EnvNames: b.envNames(pv)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cmd, `-H "x-amz-security-token: $TEMP_SESSION_TOKEN"`) || strings.Contains(cmd, "PLANTED") {
		t.Errorf("session token:\n%s", cmd)
	}
	frozen, err := Curl(pv.Prepared, Options{Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(frozen, "PLANTED-SESSION-TOKEN-0123456789") || !strings.Contains(frozen, "X-Amz-Security-Token: PLAN…(32 chars)") || !strings.Contains(frozen, "--show-secrets") {
		t.Errorf("frozen without the variable's name: the token must be masked:\n%s", frozen)
	}
	shown, err := Curl(pv.Prepared, Options{Frozen: true, ShowSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(shown, "X-Amz-Security-Token: PLANTED-SESSION-TOKEN-0123456789") {
		t.Errorf("--show-secrets hides the token:\n%s", shown)
	}
}
