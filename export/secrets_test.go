package export

import (
	"os"
	"strings"
	"testing"
)

const demoPath = "../examples/collections/demo.yaml"

func openDemo(t *testing.T) *bench {
	t.Helper()
	data, err := os.ReadFile(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	return newBench(t, string(data), nil)
}

// exports are every form of one request, by name.
func exports(t *testing.T, b *bench, pvReq string, show bool) map[string]string {
	t.Helper()
	pv := b.preview(t, pvReq)
	out := map[string]string{}
	names := b.envNames(pv)
	for _, frozen := range []bool{false, true} {
		o := Options{Frozen: frozen, ShowSecrets: show, EnvNames: names, Collection: demoPath}
		c, err := Curl(pv.Prepared, o)
		if err != nil {
			t.Fatal(err)
		}
		h, err := HTTPie(pv.Prepared, o)
		if err != nil {
			t.Fatal(err)
		}
		suffix := map[bool]string{false: "", true: " frozen"}[frozen]
		out["curl"+suffix], out["httpie"+suffix] = c, h
	}
	raw, err := Raw(pv.Prepared, show)
	if err != nil {
		t.Fatal(err)
	}
	out["raw"] = string(raw)
	return out
}

// TestSecretsNeverInClear logs the demo user in (a real id token, and
// identity-pool credentials with a session token) and checks every
// export path: no token, session token, secret key or password in clear
// unless --show-secrets, and with it the frozen forms run.
func TestSecretsNeverInClear(t *testing.T) {
	b := openDemo(t)
	login(t, b.wb)
	for _, req := range []string{"List pets", "Who am I"} {
		pv := b.preview(t, req)
		secrets := append([]string{b.env["SIGSCOPE_DEMO_SECRET_ACCESS_KEY"], b.env["SIGSCOPE_DEMO_PASSWORD"]}, pv.Prepared.Secrets...)
		if len(pv.Prepared.Secrets) == 0 {
			t.Fatalf("%q: nothing secret to look for", req)
		}
		for form, text := range exports(t, b, req, false) {
			for _, s := range secrets {
				if s != "" && strings.Contains(text, s) {
					t.Errorf("%q as %s holds a secret in clear:\n%s", req, form, text)
				}
			}
		}
		shown := exports(t, b, req, true)
		for _, form := range []string{"curl frozen", "httpie frozen", "raw"} {
			found := false
			for _, s := range pv.Prepared.Secrets {
				found = found || strings.Contains(shown[form], s)
			}
			if !found {
				t.Errorf("%q as %s with --show-secrets shows no secret:\n%s", req, form, shown[form])
			}
		}
		code, body := runShell(t, shown["curl frozen"], nil)
		if code != 200 {
			t.Errorf("%q: frozen curl with --show-secrets got %d: %s", req, code, body)
		}
	}
}

// TestTokenModes: a fresh command reads the id token from a variable
// and says how to set it; run with the variable set, it gets in.
func TestTokenModes(t *testing.T) {
	b := openDemo(t)
	login(t, b.wb)
	pv := b.preview(t, "Who am I")
	cmd, err := Curl(pv.Prepared, Options{Collection: demoPath})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`-H "Authorization: $SIGSCOPE_ID_TOKEN"`, `# SIGSCOPE_ID_TOKEN: the Cognito id_token of a login: export SIGSCOPE_ID_TOKEN="$(sigscope login ../examples/collections/demo.yaml --profile app -o json --show-tokens | jq -r .id_token)"`} {
		if !strings.Contains(cmd, want) {
			t.Errorf("lacks %q:\n%s", want, cmd)
		}
	}
	tok, _ := pv.Prepared.Request.Get("Authorization")
	if code, body := runShell(t, cmd, map[string]string{"SIGSCOPE_ID_TOKEN": tok}); code != 200 {
		t.Errorf("with the token set: %d %s", code, body)
	}
	if code, _ := runShell(t, cmd, nil); code != 401 && code != 403 {
		t.Errorf("without the token: %d", code)
	}
}

// TestAPIKeyFromEnvironment: a key from {{env.NAME}} is read from $NAME.
func TestAPIKeyFromEnvironment(t *testing.T) {
	const coll = `
name: keyed
variables: [TEST_API_KEY]
environments:
  local: {base_url: "{{emulator}}/prod"}
requests:
  - name: keyed
    url: "{{base_url}}/public"
    auth: {mode: api_key, api_key: "{{env.TEST_API_KEY}}"}
`
	b := newBench(t, coll, map[string]string{"TEST_API_KEY": "planted-api-key-0123"})
	pv := b.preview(t, "keyed")
	for _, frozen := range []bool{false, true} {
		cmd, err := Curl(pv.Prepared, Options{Frozen: frozen, EnvNames: b.envNames(pv)})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(cmd, `-H "x-api-key: $TEST_API_KEY"`) || strings.Contains(cmd, "planted-api-key") {
			t.Errorf("frozen=%v:\n%s", frozen, cmd)
		}
		if code, body := runShell(t, cmd, b.env); code != 200 {
			t.Errorf("frozen=%v: %d %s", frozen, code, body)
		}
	}
	// Without the variable's name, the key is masked and the comment
	// says how to see it.
	cmd, err := Curl(pv.Prepared, Options{Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cmd, "planted-api-key") || !strings.Contains(cmd, "x-api-key: plan…(20 chars)") || !strings.Contains(cmd, "--show-secrets") {
		t.Errorf("masked key:\n%s", cmd)
	}
}

// TestDemoAwkwardPath: the demo's teaching request signed with its static
// keys runs frozen; the fresh form warns that old curl signs the path as
// written.
func TestDemoAwkwardPath(t *testing.T) {
	b := openDemo(t)
	pv := b.preview(t, "teaching/Awkward path")
	frozen, err := Curl(pv.Prepared, Options{Frozen: true})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := runShell(t, frozen, nil); code != 200 {
		t.Errorf("frozen: %d %s\n%s", code, body, frozen)
	}
	fresh, err := Curl(pv.Prepared, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fresh, "# the server reads the path as /prod/pets/Mr%2520Whiskers/") || !strings.Contains(fresh, "use --frozen there") {
		t.Errorf("no word about the path:\n%s", fresh)
	}
}
