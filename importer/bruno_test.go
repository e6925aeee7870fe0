package importer

import (
	"os"
	"strings"
	"testing"
)

func TestBrunoBruCollection(t *testing.T) {
	im := kitImportPath(t, "testdata/bruno/bru-aws", "")
	if im.c.Report.Format != "bruno" || im.c.Report.Imported != 3 {
		t.Fatalf("report %+v", im.c.Report)
	}
	im.samePaths(t, "List items", "admin/Create item", "admin/Partner call")
	base := "https://abc123.execute-api.eu-central-1.amazonaws.com"
	im.check(t, kitWant{path: "List items", env: "dev", vars: map[string]string{"randomInt": "7"}, method: "GET", url: base + "/prod/items",
		mode: "iam", profileType: "static", accessEnv: "AWS_ACCESS_KEY_ID", secretEnv: "AWS_SECRET_ACCESS_KEY", sessionEnv: "AWS_SESSION_TOKEN",
		region: "eu-central-1", service: "execute-api", query: map[string]string{"limit": "5"},
		headers: map[string]string{"X-Tenant": "acme", "Accept": "application/json", "X-Trace": "7"}})
	// The folder's auth names an AWS profile; the request's own variables
	// are written where it uses them.
	im.check(t, kitWant{path: "admin/Create item", env: "dev", method: "POST", url: base + "/prod/items/7", mode: "iam",
		profileType: "aws", awsProfile: "ops-admin", region: "eu-central-1", body: `{"name":"Widget","price":10.50}`})
	im.check(t, kitWant{path: "admin/Partner call", env: "dev", mode: "none", headers: map[string]string{"Authorization": "Bearer ENV:PARTNER_TOK"}, body: "mode=full"})
	im.finding(t, `List items: the query parameter cursor was disabled in Bruno`)
	im.finding(t, `dynamic variable \{\{\$randomInt\}\} has no sigscope built-in`)
	im.finding(t, `Create item: the request variables itemId, itemName were written`)
	im.finding(t, `Create item: pre-request script \(1 lines`)
	im.finding(t, `Create item: the vars:post-response block`)
	im.finding(t, `variable partner_token: secret left out .* PARTNER_TOK`)
	if strings.Contains(im.yaml, "old:") {
		t.Error("a disabled environment variable was imported")
	}
}

func TestBrunoPublicTestCollection(t *testing.T) {
	im := kitImportPath(t, "testdata/bruno/bru-tests", "bruno")
	// The collection's header "token" reads a variable that a script of
	// the source sets at run time.
	rv := map[string]string{"request_pre_var_token": "r"}
	if got := im.col.Environments(); strings.Join(got, ",") != "Local,Prod" {
		t.Errorf("environments %v", got)
	}
	im.check(t, kitWant{path: "echo/echo json", env: "Local", vars: rv, method: "POST", url: "http://localhost:8080/api/echo/json", mode: "none",
		headers: map[string]string{"foo": "bar", "collection-header": "collection-header-value", "token": "r"}, body: `{"hello":"bruno"}`})
	// The collection's bearer auth reaches a request that inherits it.
	im.check(t, kitWant{path: "auth/inherit auth/inherit Bearer Auth 200", env: "Prod", vars: rv, url: "https://testbench-sanity.usebruno.com/api/auth/bearer/protected",
		headers: map[string]string{"Authorization": "Bearer ENV:BEARER_AUTH_TOK"}})
	im.check(t, kitWant{path: "aws/cross-origin-redirect-awsv4-strip", env: "Local", vars: rv, mode: "iam", accessEnv: "AWS_ACCESS_KEY_ID", region: "us-east-1", service: "execute-api"})
	im.check(t, kitWant{path: "echo/echo form-url-encoded", env: "Local", vars: map[string]string{"form-data-key": "k", "form-data-stringified-object": "o", "request_pre_var_token": "r"},
		body: "form-data-key=k&form-data-stringified-object=o&key_1=value_1&key_1=value_3&key_2=value_2&key_2=value_4"})
	// This version of Local.bru has no "localhost", which spacex.bru uses.
	im.check(t, kitWant{path: "graphql/spacex", env: "Local", vars: map[string]string{"localhost": "http://localhost:8081", "request_pre_var_token": "r"},
		method: "POST", url: "http://localhost:8081/api/graphql", body: `{"query":"{\n  company {\n    ceo\n  }\n}\n","variables":{}}`})
	im.finding(t, `Digest Auth 200: Bruno auth "digest" has no sigscope equivalent`)
	im.finding(t, `aws/cross-origin-redirect-awsv4-strip: secret left out: the AWS secret key`)
	im.finding(t, `collection: tests script of the collection`)
	if !strings.Contains(im.yaml, "bark: '{{env.PROC_ENV_VAR}}'") || !strings.Contains(im.yaml, "- PROC_ENV_VAR") && !strings.Contains(im.yaml, "PROC_ENV_VAR,") {
		t.Errorf("{{process.env.PROC_ENV_VAR}} not mapped to a declared {{env.PROC_ENV_VAR}}")
	}
}

func TestBrunoYAMLCollections(t *testing.T) {
	oc := kitImportPath(t, "testdata/bruno/opencollection", "")
	oc.samePaths(t, "Get Users", "Users/Create User")
	oc.check(t, kitWant{path: "Users/Create User", env: "Development", method: "POST", url: "https://api.example.com/users",
		headers: map[string]string{"X-Collection-Header": "collection-header-value"}, body: `{"name":"John Doe"}`})

	aws := kitImportPath(t, "testdata/bruno/opencollection-aws", "")
	aws.samePaths(t, "Orders/Create order", "Orders/Get order")
	aws.check(t, kitWant{path: "Orders/Get order", env: "prod", url: "https://xyz789.execute-api.us-west-2.amazonaws.com/prod/orders/42", mode: "iam",
		accessEnv: "AWS_ACCESS_KEY_ID", secretEnv: "AWS_SECRET_ACCESS_KEY", region: "us-west-2", query: map[string]string{"expand": "lines"},
		headers: map[string]string{"X-Team": "orders"}})
	aws.check(t, kitWant{path: "Orders/Create order", env: "prod", method: "POST", mode: "api_key", apiKey: "ENV:API_KEY", body: `{"sku":"a-1","qty":2}`})
	aws.finding(t, `Get order: 1 assertions`)
	aws.finding(t, `variable api_key: secret left out .* API_KEY`)
}

func TestBrunoSingleFile(t *testing.T) {
	data, err := os.ReadFile("testdata/bruno/bru-tests/auth/bearer/via auth/Bearer Auth 200.bru")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Import(data, "Bearer Auth 200.bru", "")
	if err != nil {
		t.Fatal(err)
	}
	im := kitLoad(t, c)
	im.check(t, kitWant{path: "Bearer Auth 200", vars: map[string]string{"host": "http://h.test", "bearer_auth_token": "B"},
		url: "http://h.test/api/auth/bearer/protected", mode: "none", headers: map[string]string{"Authorization": "Bearer B"}})
}

func TestBruParser(t *testing.T) {
	src := "meta {\n  name: x\n}\n\nheaders {\n  @description('''\n    a: b\n  ''')\n  \"a:b\": 1\n  ~off: 2\n  long: '''\n    l1\n    l2\n  '''\n}\n\nbody:json {\n  {\"a\": 1}\n}\n\nvars:secret [\n  s1,\n  s2\n]\n"
	blocks, err := parseBru("x.bru", src)
	if err != nil {
		t.Fatal(err)
	}
	h := bruFind(blocks, "headers")
	if h == nil || len(h.pairs) != 3 || h.pairs[0].key != "a:b" || !h.pairs[1].disabled || h.pairs[2].value != "l1\nl2" {
		t.Fatalf("headers %+v", h)
	}
	if b := bruFind(blocks, "body:json"); b == nil || b.text != `{"a": 1}` {
		t.Errorf("body %+v", b)
	}
	if s := bruFind(blocks, "vars:secret"); s == nil || strings.Join(s.list, ",") != "s1,s2" {
		t.Errorf("secret list %+v", s)
	}
	for _, tc := range []struct{ src, msg string }{
		{"meta {\n  name: x\n", "x.bru:1: the block \"meta\" is not closed"},
		{"meta {\n  name: x\n}\nnot a block\n", "x.bru:4: expected a block"},
		{"headers {\n  novalue\n}\n", "x.bru:2: expected \"key: value\""},
		{"headers {\n  k: '''\n    v\n}\n", "x.bru:2: the text of \"k\" is not closed"},
	} {
		if _, err := parseBru("x.bru", tc.src); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.msg)
		}
	}
}
