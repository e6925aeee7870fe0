package importer

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// TestCognitoTokenVariables: a source that logs into Cognito by a request
// of its own and sends {{id_token}} gets a cognito profile and auth modes
// id_token and access_token; the token variables it no longer reads are
// gone, with the environment variables they read.
func TestCognitoTokenVariables(t *testing.T) {
	c, col := importFile(t, "testdata/postman/constructed-cognito-login.postman_collection.json")
	for path, want := range map[string]struct {
		mode   string
		bearer bool
	}{"me": {"id_token", false}, "orders": {"access_token", true}} {
		mode, profile, err := col.AuthOf(path)
		if err != nil || string(mode) != want.mode || profile != "cognito" {
			t.Errorf("%s: mode %s profile %q %v", path, mode, profile, err)
		}
		r, err := col.Resolve(path, "", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Auth.Bearer != want.bearer || len(r.Headers) != 0 {
			t.Errorf("%s: bearer %v headers %v", path, r.Auth.Bearer, r.Headers)
		}
	}
	y, _ := c.YAML()
	if strings.Contains(string(y), "id_token:") || strings.Contains(string(y), "ID_TOK") || strings.Contains(string(y), "ACCESS_TOK") {
		t.Errorf("token variables left behind:\n%s", y)
	}
	f := findings(c)
	for _, want := range []string{
		"request Login: a Cognito login (InitiateAuth): it became the cognito profile cognito (app client 3n4b5urk1ft4fl3mg5e62d9ado); its user_pool_id is the placeholder us-east-1_REPLACEME",
		"request me: Authorization: {{id_token}} became auth mode id_token with the cognito profile cognito",
	} {
		if !strings.Contains(f, want) {
			t.Errorf("findings lack %q:\n%s", want, f)
		}
	}
	if strings.Contains(f, "ID_TOK") {
		t.Errorf("a finding asks for a variable no longer read:\n%s", f)
	}
}

// TestBearerTemplateKept: "Bearer {{id_token}}" is a template, not a
// secret: without a login to map it to, it stays the variable, in a
// header or in a bearer token field that repeats the scheme, and the
// report says how to give it.
func TestBearerTemplateKept(t *testing.T) {
	doc := `{"info":{"name":"t","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
"item":[{"name":"header","request":{"method":"GET","url":"https://h.test/me","header":[{"key":"Authorization","value":"Bearer {{id_token}}"}]}},
 {"name":"field","request":{"method":"GET","url":"https://h.test/me","auth":{"type":"bearer","bearer":{"token":"Bearer {{id_token}}"}}}}],
"variable":[{"key":"id_token","value":""}]}`
	c, col, y := importText(t, "t.json", doc)
	for _, p := range []string{"header", "field"} {
		r, err := col.Resolve(p, "", map[string]string{"id_token": "TOK"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, h := range r.Headers {
			if h.Key == "Authorization" {
				got = h.Value
			}
		}
		if got != "Bearer TOK" {
			t.Errorf("%s: Authorization %q\n%s", p, got, y)
		}
	}
	f := findings(c)
	if strings.Contains(y, "BEARER_TOK") || strings.Contains(f, "a secret value was left out") {
		t.Errorf("a template taken for a secret:\n%s\n%s", y, f)
	}
	const say = `variable id_token: Authorization: Bearer {{id_token}} sends a Cognito id_token, and the source names no app client to log in with, so it stays the variable id_token: give it with --var id_token=TOKEN. For sigscope to log in and send the token itself, add a cognito profile (`
	if !strings.Contains(f, say) || !strings.Contains(f, `the requests "header", "field" auth: {mode: id_token, profile: cognito, bearer: true}`) {
		t.Fatalf("no finding on how to give the token and what to add:\n%s", f)
	}
	// The advice, followed as written (the placeholders filled), gives a
	// collection whose requests log in and send the token themselves.
	m := regexp.MustCompile(`add a cognito profile \((auth: \{.*?\}\})\) and give .* auth: (\{[^}]*\}) in place of the header`).FindStringSubmatch(f)
	if m == nil {
		t.Fatalf("no profile and auth to add in:\n%s", f)
	}
	profile := strings.NewReplacer("REGION_ID", "us-east-1_Demo1", "APP_CLIENT_ID", "3n4b5urk1ft4fl3mg5e62d9ado").Replace(m[1])
	edited := strings.Replace(y, "requests:\n", profile+"\nrequests:\n", 1)
	edited = strings.Replace(edited, "    headers:\n      Authorization: Bearer {{id_token}}\n", "    auth: "+m[2]+"\n", 1)
	fixed, err := collections.LoadBytes("fixed.yaml", []byte(edited))
	if err != nil {
		t.Fatalf("the advice followed: %v\n%s", err, edited)
	}
	if mode, prof, err := fixed.AuthOf("header"); err != nil || mode != collections.ModeIDToken || prof != "cognito" {
		t.Errorf("the advice followed: header is %s %q %v\n%s", mode, prof, err, edited)
	}
}

// TestCognitoTokenMerge: imported into a collection that logs into
// Cognito (the demo), a request sending {{id_token}} gets auth mode
// id_token with the collection's cognito profile.
func TestCognitoTokenMerge(t *testing.T) {
	doc := `{"info":{"name":"tok","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
"item":[{"name":"me","request":{"method":"GET","url":"{{base_url}}/me","header":[{"key":"Authorization","value":"{{id_token}}"}]}}],
"variable":[{"key":"id_token","value":""}]}`
	c, err := Import([]byte(doc), "tok.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(findings(c), "variable id_token: Authorization: {{id_token}} sends a Cognito id_token") {
		t.Fatalf("no advice before the merge:\n%s", findings(c))
	}
	const demo = "../examples/collections/demo.yaml"
	into, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Merge(into, demo, c)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	col, err := collections.LoadBytes(demo, out)
	if err != nil {
		t.Fatal(err)
	}
	mode, profile, err := col.AuthOf("tok/me")
	if err != nil || mode != collections.ModeIDToken || profile != "app" {
		t.Errorf("tok/me: %s %q %v\n%s", mode, profile, err, out)
	}
	f := findings(c)
	if strings.Contains(f, "sends a Cognito id_token") || !strings.Contains(f, "became auth mode id_token with the cognito profile app") {
		t.Errorf("findings after the merge:\n%s", f)
	}
}
