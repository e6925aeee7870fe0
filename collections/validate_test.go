package collections

import (
	"errors"
	"strings"
	"testing"
)

// Each case states the exact file:line:col of every error it expects. The
// columns were counted on the YAML text (1-based, in characters).
func TestValidationErrors(t *testing.T) {
	cases := []struct {
		name  string
		data  []byte
		wants []want
	}{
		{"unknown field with suggestion", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"    methd: GET",
		), []want{{"5:5", `request "a": unknown field "methd"; did you mean "method"?`}}},

		{"unknown field without suggestion", doc(
			"name: t",
			"colour: red",
		), []want{{"2:1", `collection: unknown field "colour"`}}},

		{"wrong types", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    method: [GET]",
			"    url: https://x.test/",
			`    auth: {cookies: "yes", expires: ten}`,
		), []want{
			{"4:13", `request "a": method must be a string, got a list`},
			{"6:21", `cookies must be true or false, got a string`},
			{"6:37", `expires must be a whole number of seconds`},
		}},

		{"requests not a list", doc(
			"name: t",
			"requests: {a: b}",
		), []want{{"2:11", "requests of the collection must be a list"}}},

		{"missing required fields", doc(
			"requests:",
			"  - name: a",
			"    method: GET",
			"  - url: https://x.test/",
			"  - folder:",
			"    requests: []",
		), []want{
			{"1:1", `collection is missing required field "name"`},
			{"2:5", `request "a" is missing required field "url"`},
			{"4:5", `request is missing required field "name"`},
			{"5:12", `folder: field "folder" is empty`},
		}},

		{"duplicate request name in a folder", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"  - name: a",
			"    url: https://x.test/b",
			"  - folder: f",
			"    requests:",
			"      - name: a",
			"        url: https://x.test/c",
			"      - name: a",
			"        url: https://x.test/d",
		), []want{
			{"5:11", `duplicate request name "a" in the collection (first at line 3)`},
			{"11:15", `duplicate request name "a" in the folder "f" (first at line 9)`},
		}},

		{"bad methods", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    method: get",
			"    url: https://x.test/",
			"  - name: b",
			`    method: "GE T"`,
			"    url: https://x.test/",
			"  - name: c",
			"    method: Purge",
			"    url: https://x.test/",
			"  - name: d",
			"    method: PURGE", // a custom uppercase token is fine
			"    url: https://x.test/",
		), []want{
			{"4:13", `bad method "get": methods are case-sensitive; write "GET"`},
			{"7:13", `bad method "GE T": a method is a single word`},
			{"10:13", `bad method "Purge": custom methods must be uppercase tokens, such as "PURGE"`},
		}},

		{"bad URLs", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: /pets",
			"  - name: b",
			"    url: ftp://x.test/",
			"  - name: c",
			`    url: "https:///pets"`,
			"  - name: d",
			`    url: "{{base_url}}/pets"`, // a variable supplies scheme and host
			"  - name: e",
			`    url: "https://{{host}}/pets"`,
			"  - name: f",
			`    url: "{{$uuid}}/x"`,
		), []want{
			{"4:10", `bad URL "/pets": write an absolute http:// or https:// URL`},
			{"6:10", `bad URL "ftp://x.test/"`},
			{"8:10", `bad URL "https:///pets": the host is missing`},
			{"14:10", `bad URL "{{$uuid}}/x"`},
		}},

		{"unknown environment, bad mode, unknown profile", doc(
			"name: t",
			"default_environment: prd",
			"environments:",
			`  prod: {base_url: "https://x.test"}`,
			"auth:",
			"  app: {type: aws}",
			"defaults:",
			"  auth: {mode: IAM, profile: ap}",
			"requests: []",
		), []want{
			{"2:22", `unknown environment "prd"; did you mean "prod"? (environments: "prod")`},
			{"8:16", `bad auth mode "IAM"; did you mean "iam"?`},
			{"8:30", `unknown auth profile "ap"; did you mean "app"? (profiles: "app")`},
		}},

		{"two body kinds", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    method: POST",
			"    url: https://x.test/",
			"    body:",
			"      json: {a: 1}",
			"      text: hi",
			"  - name: b",
			"    method: POST",
			"    url: https://x.test/",
			"    body: {}",
		), []want{
			{"8:7", "two body kinds at once (json and text)"},
			{"12:11", `request "b" body needs one of json, text, form, file`},
		}},

		{"literal secrets", doc(
			"name: t",
			"environments:",
			"  dev:",
			"    password: hunter2",
			`    api_token: "{{env.API_REF}}"`, // a reference, not a secret
			"    my_token: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			"    Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl",
			"auth:",
			"  keys:",
			"    type: static",
			"    access_key_id_env: AK",
			"    secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			"    secret_access_key_env: SK",
			"  pool:",
			"    type: cognito",
			"    user_pool_id: us-east-1_X",
			"    client_id: abc",
			"    client_secret: s3cr3tvalue",
			"requests: []",
			"variables: [API_REF]",
		), []want{
			{"4:15", `"password" holds a literal secret, which must not be stored in a collection file: put it in an environment variable and reference it as "{{env.NAME}}"`},
			{"6:15", `"my_token" holds a value that looks like an AWS secret access key`},
			{"7:20", `"Authorization" holds a value that looks like a token (JWT)`},
			{"12:24", `put it in an environment variable and reference it with secret_access_key_env: NAME`},
			{"18:20", `reference it with client_secret_env: NAME`},
		}},

		{"duplicate field", doc(
			"name: t",
			"name: u",
		), []want{{"2:1", `collection: duplicate field "name" (first at line 1)`}}},

		{"template syntax", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: https://x.test/{{path",
			"  - name: b",
			`    url: "https://x.test/{{$uid}}"`,
			"  - name: c",
			`    url: "https://x.test/{{}}"`,
		), []want{
			{"4:25", `unclosed "{{": close it with "}}", or write "{{{{" for a literal "{{"`},
			{"6:26", `unknown built-in "$uid"; did you mean "$uuid"?`},
			{"8:26", `empty "{{}}"`},
		}},

		{"variable cycle", doc(
			"name: t",
			"environments:",
			"  dev:",
			`    a: "{{b}}/x"`,
			`    b: "y{{c}}"`,
			`    c: "{{a}}"`,
			`    d: "{{d}}"`,
			"requests: []",
		), []want{
			{"6:9", `variable cycle in environment "dev": a → b → c → a`},
			{"7:9", `variable cycle in environment "dev": d → d`},
		}},

		{"effective auth after defaults", doc(
			"name: t",
			"auth:",
			"  ops: {type: aws}",
			"defaults:",
			"  auth: {mode: iam}",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"  - name: b",
			"    url: https://x.test/",
			"    auth: {mode: id_token, profile: ops}",
			"  - name: c",
			"    url: https://x.test/",
			"    auth: {mode: api_key}",
		), []want{
			{"7:5", `request "a": auth mode iam needs a profile (mode set at line 5)`},
			{"9:5", `request "b": auth mode id_token needs a cognito profile, but "ops" is type aws`},
			{"12:5", `request "c": auth mode api_key needs api_key`},
		}},

		{"headers", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"    headers:",
			"      Bad Name: x",
			"      X-A: 1",
			"      x-a: 2",
		), []want{
			{"6:7", `bad header name "Bad Name"`},
			{"8:7", `header "x-a" appears twice (first at line 7)`},
		}},

		{"profiles", doc(
			"name: t",
			"auth:",
			"  a: {type: cognitoo}",
			"  b:",
			"    type: cognito",
			"    user_pool_id: nounderscore",
			"    flow: magic",
			"  c: {type: static, access_key_id_env: 'A B', secret_access_key_env: SK}",
			"requests: []",
		), []want{
			{"3:13", `auth profile "a": unknown type "cognitoo"; did you mean "cognito"?`},
			{"5:5", `auth profile "b" is missing required field "client_id"`},
			{"6:19", `does not look like REGION_ID`},
			{"7:11", `flow must be srp, password or hosted, got "magic"`},
			{"8:40", `access_key_id_env must name an environment variable`},
		}},

		{"presign lifetime and JSON", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"    auth: {expires: 0}",
			"    body: {json: {n: .inf}}",
		), []want{
			{"5:21", "expires must be between 1 and 604800 seconds (7 days), got 0"},
			{"6:22", ".inf has no JSON form; quote it to send a string"},
		}},

		{"api_key must be a reference", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"    auth: {mode: api_key, api_key: abc123}",
		), []want{{"5:36", `api_key must reference a variable`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErrors(t, loadErrors(t, tc.data), tc.wants...)
		})
	}
}

func TestSecretValuesNeverInMessages(t *testing.T) {
	es := loadErrors(t, doc(
		"name: t",
		"environments:",
		"  dev: {password: hunter2, aws_session_token: FwoGZXIvYXdzEBYaDH}",
		"auth:",
		"  k: {type: static, access_key_id_env: A, secret_access_key_env: B, session_token: FwoGZXIvYXdzEBYaDH}",
		"requests: []",
	))
	if len(es) != 3 {
		t.Fatalf("want 3 errors, got %v", es)
	}
	for _, s := range []string{"hunter2", "FwoGZXIvYXdzEBYaDH"} {
		if strings.Contains(es.Error(), s) {
			t.Errorf("a secret value leaked into the message: %s", es.Error())
		}
	}
	if !strings.Contains(es[2].Msg, "session_token_env: NAME") {
		t.Errorf("the fix for session_token should name session_token_env: %s", es[2].Msg)
	}
}

func TestErrorsSortedAndComplete(t *testing.T) {
	// requests come first in the file but are checked after environments:
	// the list must still be in file order.
	es := loadErrors(t, doc(
		"name: t",
		"requests:",
		"  - name: a",
		"    url: nope",
		"environments:",
		"  dev: [1]",
		"colour: red",
	))
	checkErrors(t, es,
		want{"4:10", `bad URL "nope"`},
		want{"6:8", `environment "dev" must be a mapping, got a list`},
		want{"7:1", `unknown field "colour"`},
	)
	if got := strings.Count(es.Error(), "\n"); got != 2 {
		t.Errorf("Errors.Error() should print one line per error:\n%s", es.Error())
	}
	var one *Error
	if !errors.As(error(es), &one) || one.Line != 4 {
		t.Errorf("errors.As should find the first *Error, got %v", one)
	}
}

func TestYAMLSyntaxAndDocuments(t *testing.T) {
	es := loadErrors(t, doc(
		"name: t",
		"requests: [a, b",
		"other: x",
	))
	if len(es) != 1 || es[0].Line == 0 || !strings.Contains(es[0].Msg, "YAML syntax") {
		t.Fatalf("want one YAML syntax error with a line, got %v", es)
	}
	es = loadErrors(t, doc(
		"name: t",
		"---",
		"name: u",
	))
	checkErrors(t, es, want{"2:1", "a second YAML document: one file holds one collection"})
	es = loadErrors(t, []byte("# only a comment\n"))
	checkErrors(t, es, want{"1:1", "empty file"})
}

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{File: "a.yaml", Line: 3, Col: 7, Msg: "bad"}, "a.yaml:3:7: bad"},
		{Error{File: "a.yaml", Line: 3, Msg: "bad"}, "a.yaml:3: bad"},
		{Error{File: "a.yaml", Msg: "bad"}, "a.yaml: bad"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestValidCollectionWithEveryField(t *testing.T) {
	c := mustLoad(t, doc(
		"name: Every field",
		"description: all of it",
		"default_environment: dev",
		"environments:",
		"  dev: {base_url: 'https://x.test', region: us-east-1, stage: dev}",
		"auth:",
		"  pool:",
		"    type: cognito",
		"    region: us-east-1",
		"    user_pool_id: us-east-1_Abc",
		"    client_id: abc",
		"    client_secret_env: POOL_SECRET",
		"    identity_pool_id: us-east-1:0000",
		"    flow: password",
		`    endpoint: "http://127.0.0.1:9"`,
		"    username: demo",
		"    password_env: POOL_PASSWORD",
		"  admin: {type: aws, profile: staging-admin, region: eu-west-1}",
		"  keys: {type: static, access_key_id_env: AK, secret_access_key_env: SK, session_token_env: ST, region: us-west-2}",
		"defaults:",
		"  auth: {mode: iam, profile: pool, service: execute-api, region: us-east-1, presign: false, expires: 60, s3: false, unsigned_payload: false, bearer: false, cookies: true}",
		"  headers: {Accept: application/json}",
		"requests:",
		"  - name: r",
		"    description: a request",
		"    method: PATCH",
		`    url: "{{base_url}}/x"`,
		"    query: {a: '1', b: [x, y]}",
		"    headers: {X-Many: [1, 2], Accept: null}",
		"    body: {form: {k: v}}",
		`    auth: {mode: api_key, api_key: "{{env.KEY}}"}`,
		"  - folder: f",
		"    description: a folder",
		"    defaults: {auth: {profile: keys}, headers: {X-F: f}}",
		"    requests: []",
		"variables: [KEY]",
	))
	if c.Name != "Every field" || c.Description != "all of it" || c.DefaultEnvironment != "dev" {
		t.Errorf("collection fields: %+v", c)
	}
	if got := strings.Join(c.AuthProfiles(), ","); got != "pool,admin,keys" {
		t.Errorf("profiles in file order: %s", got)
	}
}

func TestEmptyOptionalBlocks(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"environments:",
		"  dev:",
		"defaults:",
		"requests:",
		"  - name: r",
		"    url: https://x.test/",
		"    headers:",
		"    query:",
		"    body:",
		"    auth:",
	))
	r, err := c.Resolve("r", "dev", nil, nil)
	if err != nil || len(r.Headers) != 0 || len(r.Query) != 0 || r.Body != nil || r.Auth.Mode != ModeNone {
		t.Errorf("empty blocks: %+v %v", r, err)
	}
	before := string(c.Bytes())
	checkEdit(t, c, before, c.SetHeader("r", "A", "b"),
		"+      A: b")
}
