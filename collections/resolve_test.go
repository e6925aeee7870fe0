package collections

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var nestedDefaults = doc(
	"name: Nested",
	"environments:",
	"  dev: {base_url: 'https://x.test', region: us-east-1}",
	"auth:",
	"  pool:",
	"    type: cognito",
	"    user_pool_id: eu-central-1_Pool",
	"    client_id: abc",
	"    identity_pool_id: eu-central-1:0000",
	`    endpoint: "{{base_url}}/cognito"`,
	"  ops: {type: aws, profile: staging-admin, region: ap-south-1}",
	"defaults:",
	"  auth: {mode: iam, profile: pool, service: execute-api}",
	"  headers: {Accept: application/json, X-Level: collection}",
	"requests:",
	"  - name: top",
	`    url: "{{base_url}}/top"`,
	"  - folder: outer",
	"    defaults:",
	"      auth: {profile: ops, cookies: false}",
	"      headers: {X-Level: outer, X-Outer: '1'}",
	"    requests:",
	"      - folder: inner",
	"        defaults:",
	"          auth: {region: eu-west-2, bearer: true, presign: true}",
	"          headers: {X-Level: inner, Accept: null}",
	"        requests:",
	"          - name: deep",
	`            url: "{{base_url}}/deep"`,
	"            headers: {X-Req: r, x-outer: [a, b]}",
	"            auth: {service: lambda, expires: 60}",
	"      - name: mid",
	`        url: "{{base_url}}/mid"`,
	"        auth: {mode: id_token, profile: pool}",
)

func TestResolveDefaultsAcrossNestedFolders(t *testing.T) {
	c := mustLoad(t, nestedDefaults)

	top, err := c.Resolve("top", "dev", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !equalKV(top.Headers, []KV{{"Accept", "application/json"}, {"X-Level", "collection"}}) {
		t.Errorf("top headers: %v", top.Headers)
	}
	a := top.Auth
	if a.Mode != ModeIAM || a.Profile == nil || a.Profile.Name != "pool" || a.Service != "execute-api" ||
		a.Region != "us-east-1" || !a.Cookies || a.Bearer || a.Presign || a.Expires != 15*time.Minute {
		t.Errorf("top auth: %+v", a)
	}
	// The profile's own templates are expanded; its region comes from the
	// user pool id when not set.
	if p := a.Profile; p.Endpoint != "https://x.test/cognito" || p.Region != "eu-central-1" || p.Flow != "srp" {
		t.Errorf("profile: %+v", p)
	}

	deep, err := c.Resolve("outer/inner/deep", "dev", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// collection [Accept, X-Level] → outer replaces X-Level, adds X-Outer →
	// inner replaces X-Level, drops Accept → request adds X-Req and
	// replaces X-Outer (names compared without case) with two values.
	wantHeaders := []KV{{"X-Level", "inner"}, {"X-Req", "r"}, {"x-outer", "a"}, {"x-outer", "b"}}
	if !equalKV(deep.Headers, wantHeaders) {
		t.Errorf("deep headers:\n got %v\nwant %v", deep.Headers, wantHeaders)
	}
	a = deep.Auth
	// mode from the collection, profile and cookies from outer, region,
	// bearer and presign from inner, service and expires from the request.
	if a.Mode != ModeIAM || a.Profile == nil || a.Profile.Name != "ops" || a.Profile.AWSProfile != "staging-admin" ||
		a.Cookies || a.Region != "eu-west-2" || !a.Bearer || !a.Presign || a.Service != "lambda" || a.Expires != time.Minute {
		t.Errorf("deep auth: %+v (profile %+v)", a, a.Profile)
	}

	mid, err := c.Resolve("outer/mid", "dev", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mid.Auth.Mode != ModeIDToken || mid.Auth.Profile.Name != "pool" || mid.Auth.Cookies {
		t.Errorf("mid auth: %+v", mid.Auth)
	}
	if !equalKV(mid.Headers, []KV{{"Accept", "application/json"}, {"X-Level", "outer"}, {"X-Outer", "1"}}) {
		t.Errorf("mid headers: %v", mid.Headers)
	}
}

func TestResolveRegionFallbacks(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"environments:",
		"  with: {region: sa-east-1}",
		"  without: {x: y}",
		"auth:",
		"  ops: {type: aws, region: ap-south-1}",
		"defaults: {auth: {mode: iam, profile: ops}}",
		"requests:",
		"  - {name: r, url: 'https://x.test/'}",
		"  - {name: s3, url: 'https://b.s3.amazonaws.com/k', auth: {s3: true, unsigned_payload: true}}",
	))
	for _, tc := range []struct {
		env, override, want string
	}{
		{"with", "", "sa-east-1"},          // the region variable of the environment
		{"with", "us-west-1", "us-west-1"}, // --var region=...
		{"without", "", "ap-south-1"},      // the profile's region
	} {
		vars := map[string]string{}
		if tc.override != "" {
			vars["region"] = tc.override
		}
		r, err := c.Resolve("r", tc.env, vars, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Auth.Region != tc.want {
			t.Errorf("env %s override %q: region %q, want %q", tc.env, tc.override, r.Auth.Region, tc.want)
		}
	}
	r, err := c.Resolve("s3", "with", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Auth.Service != "s3" || !r.Auth.S3 || !r.Auth.UnsignedPayload {
		t.Errorf("s3 auth: %+v", r.Auth)
	}
}

func TestResolveBodies(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "payload.json"), []byte(`{"from":"file"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	data := doc(
		"name: t",
		"environments:",
		"  dev: {who: Rex, n: '7'}",
		"requests:",
		"  - name: json",
		"    method: POST",
		"    url: https://x.test/",
		"    body:",
		"      json:",
		"        z: first            # order as written, not sorted",
		"        name: '{{who}}'",
		"        price: 10.50        # a number stays as written",
		"        big: 0x1F           # YAML-only forms become JSON numbers",
		"        count: '{{n}}'      # a template gives a string",
		"        ok: true",
		"        none: null",
		"        tags: [a, '<b>&']",
		"  - name: form",
		"    method: POST",
		"    url: https://x.test/",
		"    body:",
		"      form:",
		"        q: a b+c/d~e",
		"        k: [1, '{{who}}']",
		"        é: ü",
		"  - name: text",
		"    method: POST",
		"    url: https://x.test/",
		"    headers: {content-type: text/csv}",
		"    body: {text: \"a,b\\n{{who}},1\\n\"}",
		"  - name: text-default",
		"    method: POST",
		"    url: https://x.test/",
		"    body: {text: hello}",
		"  - name: file",
		"    method: PUT",
		"    url: https://x.test/",
		"    body: {file: payload.json}",
		"  - name: missing-file",
		"    method: PUT",
		"    url: https://x.test/",
		"    body: {file: nope/absent.bin}",
	)
	c, err := LoadBytes(filepath.Join(dir, "c.yaml"), data)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, body, ctype string
	}{
		{"json", `{"z":"first","name":"Rex","price":10.50,"big":31,"count":"7","ok":true,"none":null,"tags":["a","<b>&"]}`, "application/json"},
		{"form", "q=a%20b%2Bc%2Fd~e&k=1&k=Rex&%C3%A9=%C3%BC", "application/x-www-form-urlencoded"},
		{"text", "a,b\nRex,1\n", "text/csv"},
		{"text-default", "hello", "text/plain"},
		{"file", `{"from":"file"}`, "application/json"},
	}
	for _, tc := range cases {
		r, err := c.Resolve(tc.name, "dev", nil, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if r.Body == nil || string(r.Body.Bytes) != tc.body || r.Body.ContentType != tc.ctype {
			t.Errorf("%s: got %+v %q, want %q (%s)", tc.name, r.Body, r.Body.Bytes, tc.body, tc.ctype)
		}
	}
	_, err = c.Resolve("missing-file", "dev", nil, nil)
	want := fmt.Sprintf("c.yaml:42:18: body file %s does not exist (a relative path is taken from the collection file's folder)", filepath.Join(dir, "nope", "absent.bin"))
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("missing file:\n got %v\nwant …%s", err, want)
	}
}

func TestRequestPaths(t *testing.T) {
	c := mustLoad(t, doc(
		"name: Paths",
		"requests:",
		"  - {name: 'a/b', url: 'https://x.test/1'}",
		`  - {name: 'back\slash', url: 'https://x.test/2'}`,
		"  - folder: 'f/g'",
		"    requests:",
		"      - folder: h",
		"        requests:",
		"          - {name: List pets, url: 'https://x.test/3'}",
	))
	var paths []string
	for _, r := range c.Requests() {
		paths = append(paths, r.Path)
	}
	want := []string{`a\/b`, `back\\slash`, `f\/g/h/List pets`}
	if strings.Join(paths, "|") != strings.Join(want, "|") {
		t.Errorf("paths %q, want %q", paths, want)
	}
	for i, p := range want {
		r, err := c.Resolve(p, "", nil, nil)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if r.URL != fmt.Sprintf("https://x.test/%d", i+1) {
			t.Errorf("%s resolved to %s", p, r.URL)
		}
	}
	refs := c.Requests()
	if got := refs[2]; got.Name != "List pets" || strings.Join(got.Folders, ",") != "f/g,h" || got.Line != 9 || got.Col != 13 {
		t.Errorf("ref: %+v", got)
	}

	// Names as written in the file, without the escapes, when one request
	// alone answers: its name alone, or its folders and name unescaped.
	for p, n := range map[string]int{"a/b": 1, `back\slash`: 2, "f/g/h/List pets": 3, "List pets": 3} {
		r, err := c.Resolve(p, "", nil, nil)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if r.URL != fmt.Sprintf("https://x.test/%d", n) {
			t.Errorf("%s resolved to %s", p, r.URL)
		}
	}
	_, err := c.Resolve("List pet", "", nil, nil)
	if err == nil || !strings.Contains(err.Error(), `no request "List pet"; close names: "f\\/g/h/List pets"`) {
		t.Errorf("near miss: %v", err)
	}
	_, err = c.Resolve("zzzzzz", "", nil, nil)
	if err == nil || !strings.Contains(err.Error(), `it has 3 requests, such as "a\\/b"`) {
		t.Errorf("far miss: %v", err)
	}
}

func TestEnvironmentChoice(t *testing.T) {
	one := mustLoad(t, doc(
		"name: t",
		"environments: {only: {u: 'https://only.test'}}",
		"requests: [{name: r, url: '{{u}}'}]",
	))
	if r, err := one.Resolve("r", "", nil, nil); err != nil || r.URL != "https://only.test" || r.Environment != "only" {
		t.Errorf("the only environment is the default: %v %v", r, err)
	}
	two := mustLoad(t, doc(
		"name: t",
		"default_environment: b",
		"environments: {a: {u: 'https://a.test'}, b: {u: 'https://b.test'}}",
		"requests: [{name: r, url: '{{u}}'}]",
	))
	if r, err := two.Resolve("r", "", nil, nil); err != nil || r.URL != "https://b.test" {
		t.Errorf("default_environment: %v %v", r, err)
	}
	if r, err := two.Resolve("r", "a", nil, nil); err != nil || r.URL != "https://a.test" {
		t.Errorf("chosen environment: %v %v", r, err)
	}
	_, err := two.Resolve("r", "c", nil, nil)
	if err == nil || !strings.Contains(err.Error(), `unknown environment "c" in collection "t" (environments: "a", "b")`) {
		t.Errorf("unknown environment: %v", err)
	}
	none := mustLoad(t, doc(
		"name: t",
		"environments: {a: {u: 'https://a.test'}, b: {u: 'https://b.test'}}",
		"requests: [{name: r, url: '{{u}}'}]",
	))
	_, err = none.Resolve("r", "", nil, nil)
	if err == nil || !strings.Contains(err.Error(), `t.yaml:3:28: unknown variable "u" (no environment is chosen; environments: a, b)`) {
		t.Errorf("no environment chosen: %v", err)
	}
	if got := strings.Join(two.Environments(), ","); got != "a,b" {
		t.Errorf("Environments() = %s", got)
	}
}

func TestResolveRefusesInjectedLineBreaks(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"requests:",
		"  - name: r",
		"    url: https://x.test/",
		`    headers: {X-Id: "{{id}}"}`,
		"  - name: u",
		`    url: "{{base}}/x"`,
	))
	_, err := c.Resolve("r", "", map[string]string{"id": "1\r\nX-Evil: yes"}, nil)
	if err == nil || !strings.Contains(err.Error(), "t.yaml:5:21: header X-Id: the value contains a line break") {
		t.Errorf("header injection: %v", err)
	}
	_, err = c.Resolve("u", "", map[string]string{"base": "/relative"}, nil)
	if err == nil || !strings.Contains(err.Error(), `t.yaml:7:10: URL after templating is "/relative/x"`) {
		t.Errorf("relative URL after templating: %v", err)
	}
}

func TestAPIKeyIsMasked(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"requests:",
		"  - name: r",
		"    url: https://x.test/",
		`    auth: {mode: api_key, api_key: "{{env.PETS_KEY}}"}`,
		"variables: [PETS_KEY]",
	))
	r, err := c.Resolve("r", "", nil, func(k string) (string, bool) { return "k3y-0123456789abcdef", k == "PETS_KEY" })
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Auth.APIKey) != "k3y-0123456789abcdef" {
		t.Errorf("api key not resolved")
	}
	if s := fmt.Sprintf("%v %+v %#v", r.Auth, r.Auth, r.Auth.APIKey); strings.Contains(s, "0123456789") {
		t.Errorf("printing the auth leaks the key: %s", s)
	}
	var es Errors
	_, err = c.Resolve("r", "", nil, nil)
	if !errors.As(err, &es) || !strings.Contains(es[0].Msg, "environment variable PETS_KEY is not set") {
		t.Errorf("unset key: %v", err)
	}
}

// TestRequestNameAmbiguous: a name that several requests answer to is
// refused, with each one's path to choose from; the escaped path still
// names each.
func TestRequestNameAmbiguous(t *testing.T) {
	c := mustLoad(t, doc(
		"name: Twins",
		"requests:",
		"  - folder: dogs",
		"    requests:",
		"      - {name: 'GET /prod/pets', url: 'https://x.test/1'}",
		"  - folder: cats",
		"    requests:",
		"      - {name: 'GET /prod/pets', url: 'https://x.test/2'}",
	))
	_, err := c.Resolve("GET /prod/pets", "", nil, nil)
	if err == nil || !strings.Contains(err.Error(), `2 requests answer to "GET /prod/pets"`) || !strings.Contains(err.Error(), `"dogs/GET \\/prod\\/pets", "cats/GET \\/prod\\/pets"`) {
		t.Errorf("ambiguous name: %v", err)
	}
	for p, n := range map[string]int{"cats/GET /prod/pets": 2, `dogs/GET \/prod\/pets`: 1} {
		r, err := c.Resolve(p, "", nil, nil)
		if err != nil || r.URL != fmt.Sprintf("https://x.test/%d", n) {
			t.Errorf("%s: %v %v", p, r, err)
		}
	}
}
