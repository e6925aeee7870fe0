package importer

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// kitLeaked are literal secrets of the testdata: none may reach a YAML file.
var kitLeaked = []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "tok_live_abc", "eyJhbGci", "d41d8cd98f00b204e9800998", "hunter2",
	"newSecretKey", "newAccessKey", "aws-secret-key", "aws-access-key", "aws-session-token", "DUMMY_SECRET", "DUMMY_KEY", "thisisasecret", "your_secret_token", "dev_token_123", "pa55",
	"EXAMPLESESSIONTOKEN", "b3BzOmh1bnRlcjI"}

// kitImported is one import written as YAML and loaded back.
type kitImported struct {
	c    *Collection
	col  *collections.Collection
	yaml string
}

// kitLoad writes the model as YAML, loads it with the collections package and
// checks that no literal secret of the testdata was written.
func kitLoad(t *testing.T, c *Collection) kitImported {
	t.Helper()
	data, err := c.YAML()
	if err != nil {
		t.Fatalf("YAML: %v\n%s", err, data)
	}
	col, err := collections.LoadBytes("imported.yaml", data)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, data)
	}
	for _, s := range kitLeaked {
		if strings.Contains(string(data), s) {
			t.Errorf("the secret %q was written into the YAML", s)
		}
	}
	return kitImported{c: c, col: col, yaml: string(data)}
}

func kitImportPath(t *testing.T, path, format string) kitImported {
	t.Helper()
	c, err := ImportPath(path, format)
	if err != nil {
		t.Fatal(err)
	}
	return kitLoad(t, c)
}

// kitFakeEnv answers every process environment variable with "ENV:NAME".
func kitFakeEnv(name string) (string, bool) { return "ENV:" + name, true }

// kitWant is what one request must resolve to; empty fields are not checked.
type kitWant struct {
	path, env       string
	vars            map[string]string
	method, url     string
	mode            string
	profileType     string
	accessEnv       string
	secretEnv       string
	sessionEnv      string
	awsProfile      string
	region, service string
	s3              bool
	presign         bool
	apiKey          string
	headers         map[string]string
	query           map[string]string
	body            string
	noHeader        []string
}

func (im kitImported) check(t *testing.T, w kitWant) {
	t.Helper()
	r, err := im.col.Resolve(w.path, w.env, w.vars, kitFakeEnv)
	if err != nil {
		t.Fatalf("resolve %s: %v\n%s", w.path, err, im.yaml)
	}
	eq := func(what, got, exp string) {
		t.Helper()
		if exp != "" && got != exp {
			t.Errorf("%s: %s = %q, kitWant %q", w.path, what, got, exp)
		}
	}
	eq("method", r.Method, w.method)
	eq("url", r.URL, w.url)
	eq("mode", string(r.Auth.Mode), w.mode)
	eq("region", r.Auth.Region, w.region)
	eq("service", r.Auth.Service, w.service)
	eq("api key", string(r.Auth.APIKey), w.apiKey)
	if w.s3 != r.Auth.S3 {
		t.Errorf("%s: s3 = %v", w.path, r.Auth.S3)
	}
	if w.presign != r.Auth.Presign {
		t.Errorf("%s: presign = %v", w.path, r.Auth.Presign)
	}
	if w.profileType != "" || w.accessEnv != "" || w.awsProfile != "" {
		p := r.Auth.Profile
		if p == nil {
			t.Fatalf("%s: no profile", w.path)
		}
		eq("profile type", string(p.Type), w.profileType)
		eq("access key env", p.AccessKeyIDEnv, w.accessEnv)
		eq("secret key env", p.SecretAccessKeyEnv, w.secretEnv)
		eq("session token env", p.SessionTokenEnv, w.sessionEnv)
		eq("aws profile", p.AWSProfile, w.awsProfile)
	}
	for k, v := range w.headers {
		got, ok := "", false
		for _, h := range r.Headers {
			if strings.EqualFold(h.Key, k) {
				got, ok = h.Value, true
			}
		}
		if !ok || got != v {
			t.Errorf("%s: header %s = %q (present %v), kitWant %q", w.path, k, got, ok, v)
		}
	}
	for _, k := range w.noHeader {
		for _, h := range r.Headers {
			if strings.EqualFold(h.Key, k) {
				t.Errorf("%s: header %s should not be sent", w.path, k)
			}
		}
	}
	for k, v := range w.query {
		got := ""
		for _, q := range r.Query {
			if q.Key == k {
				got = q.Value
			}
		}
		if got != v {
			t.Errorf("%s: query %s = %q, kitWant %q", w.path, k, got, v)
		}
	}
	if w.body != "" {
		if r.Body == nil {
			t.Errorf("%s: no body", w.path)
		} else if string(r.Body.Bytes) != w.body {
			t.Errorf("%s: body %s, kitWant %s", w.path, r.Body.Bytes, w.body)
		}
	}
}

// paths lists the request paths of the loaded collection.
func (im kitImported) paths() []string {
	var out []string
	for _, r := range im.col.Requests() {
		out = append(out, r.Path)
	}
	return out
}

func (im kitImported) samePaths(t *testing.T, exp ...string) {
	t.Helper()
	if got := im.paths(); strings.Join(got, "|") != strings.Join(exp, "|") {
		t.Errorf("requests %q, kitWant %q", got, exp)
	}
}

// finding checks that the report has a finding matching re.
func (im kitImported) finding(t *testing.T, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	for _, f := range im.c.Report.Findings {
		if rx.MatchString(f.Where + ": " + f.What) {
			return
		}
	}
	t.Errorf("no finding matches %q; findings:", re)
	for _, f := range im.c.Report.Findings {
		t.Logf("  %s: %s", f.Where, f.What)
	}
}

func TestPostmanMedia2Cloud(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/media2cloud-api.postman_collection.json", "")
	if im.c.Report.Format != "postman" || im.c.Report.Imported != 6 {
		t.Errorf("report %+v", im.c.Report)
	}
	im.samePaths(t, "Start ingest", "Get a list of ingested content", "Get information of a specific ingested content", "Start analysis", "Get analysis results", "Search content")
	vars := map[string]string{"Media2CloudEndpoint": "https://m2c.test/demo", "aws-region": "eu-west-1", "uuid": "u-1"}
	im.check(t, kitWant{path: "Start ingest", vars: vars, method: "POST", url: "https://m2c.test/demo/assets", mode: "iam",
		profileType: "static", accessEnv: "AWS_ACCESS_KEY_ID", secretEnv: "AWS_SECRET_ACCESS_KEY", region: "eu-west-1", service: "execute-api",
		headers: map[string]string{"Content-Type": "application/json"}, body: `{"bucket":"<bucket-name>","key":"<object-key>"}`})
	im.check(t, kitWant{path: "Get analysis results", vars: vars, method: "GET", url: "https://m2c.test/demo/analysis/u-1", mode: "iam"})
	im.check(t, kitWant{path: "Search content", vars: vars, url: "https://m2c.test/demo/search", query: map[string]string{"query": "john"}})
	im.finding(t, `collection auth: secret left out: the AWS secret key .* AWS_SECRET_ACCESS_KEY`)
	im.finding(t, `placeholder <Media2CloudEndpoint> became the variable \{\{Media2CloudEndpoint\}\}`)
}

func TestPostmanVariablesAsKeysAndNestedFolders(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/constructed-lambdas.postman_collection.json", "postman")
	im.samePaths(t, "Orders/GET - All orders", "Orders/GET - Order by id", "Orders/POST - New order",
		"Stock/Warehouses/POST - North warehouse", "Stock/Warehouses/POST - South warehouse", "Stock/GET - All stock")
	vars := map[string]string{"URL": "https://api.test/dev", "AWS_REGION": "sa-east-1"}
	im.check(t, kitWant{path: "Orders/POST - New order", vars: vars, method: "POST", url: "https://api.test/dev/api/order", mode: "iam",
		accessEnv: "AWS_ACCESS", secretEnv: "AWS_SECRET", sessionEnv: "AWS_SESSION", region: "sa-east-1", service: "execute-api",
		headers: map[string]string{"Content-Type": "application/json"}, body: `{"customer":"Ana","sku":"a-1","qty":2}`})
	im.check(t, kitWant{path: "Stock/Warehouses/POST - South warehouse", vars: vars, url: "https://api.test/dev/api/stock", mode: "iam",
		accessEnv: "AWS_ACCESS", body: `{"warehouse":"south","sku":"a-1"}`})
	im.check(t, kitWant{path: "Stock/GET - All stock", vars: vars, mode: "iam", accessEnv: "AWS_ACCESS"})
	// The same auth as the collection's is written once, in defaults.
	if n := strings.Count(im.yaml, "mode: iam"); n != 1 {
		t.Errorf("mode: iam written %d times, kitWant once (collection defaults)", n)
	}
	im.finding(t, `the AWS secret key came from the variable AWS_SECRET: set the environment variable AWS_SECRET`)
}

func TestPostmanInheritedAndOwnLiteralKeys(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/bruno-AWS.postman_collection.json", "")
	im.check(t, kitWant{path: "Inherit", method: "GET", url: "http://localhost:3000/health", mode: "iam",
		accessEnv: "AWS_ACCESS_KEY_ID", secretEnv: "AWS_SECRET_ACCESS_KEY", sessionEnv: "token", region: "us-west-1", service: "servicename"})
	im.check(t, kitWant{path: "Own Auth", mode: "iam", accessEnv: "AWS_ACCESS_KEY_ID_2", secretEnv: "AWS_SECRET_ACCESS_KEY_2",
		sessionEnv: "AWS_SESSION_TOKEN_2", region: "us-east1", service: "service_name"})
	im.finding(t, `request Own Auth: secret left out: the AWS session token .* AWS_SESSION_TOKEN_2`)
	// A credential scope holds lower-case names: sign would refuse these.
	im.finding(t, `auth service "serviceName" is not valid in a credential scope.*written as servicename`)
	im.finding(t, `auth region "us-east1" is not an AWS region name`)
}

func TestPostmanV20AuthObject(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/constructed-aws-signature-v2_0.json", "")
	if !strings.Contains(im.yaml, "Postman collection v2.0") {
		t.Error("the v2.0 origin is not said")
	}
	im.check(t, kitWant{path: "List items", method: "GET", url: "https://abc123.execute-api.eu-central-1.amazonaws.com/prod/items", mode: "iam",
		profileType: "static", accessEnv: "AWS_ACCESS_KEY_ID", secretEnv: "AWS_SECRET_ACCESS_KEY", sessionEnv: "AWS_SESSION_TOKEN",
		region: "eu-central-1", service: "execute-api"})
	im.finding(t, `secret left out: the AWS session token .* AWS_SESSION_TOKEN`)
	// The v2.1 list form of the same helper gives the same auth.
	v21 := kitImportPath(t, "testdata/postman/insomnia-aws-signature-v2_1.json", "")
	v21.check(t, kitWant{path: "AWS Signature", method: "GET", url: "https://insomnia.rest", mode: "iam", profileType: "static",
		accessEnv: "AWS_ACCESS_KEY_ID", secretEnv: "AWS_SECRET_ACCESS_KEY", sessionEnv: "AWS_SESSION_TOKEN", region: "aws-region", service: "aws-service-name"})
}

func TestPostmanV20URLObjectsAndFrozenSignature(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/constructed-complex-v2_0.json", "")
	im.check(t, kitWant{path: "Projects/Project tree", vars: map[string]string{"token": "T"}, method: "GET",
		url: "https://timesheets.example.com/api/v1/projects/tree", mode: "none", headers: map[string]string{"Authorization": "Bearer T"}})
	im.check(t, kitWant{path: "Projects/List projects", url: "https://timesheets.example.com/api/v1/projects", mode: "iam", region: "eu-west-1",
		service: "execute-api", query: map[string]string{"title": "root", "archived": "false"},
		noHeader: []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"}})
	im.check(t, kitWant{path: "Projects/Create project", method: "POST", headers: map[string]string{"Authorization": "Basic ENV:AUTHORIZATION"},
		body: `{"title":"Acme Inc.","parent":"/projects/1"}`})
	im.finding(t, `frozen at export time became auth mode iam`)
	im.finding(t, `query parameter team was disabled`)
}

func TestPostmanDynamicVariablesAndBadHeaderName(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/insomnia-faker-vars-v2_1.json", "")
	r, err := im.col.Resolve("New Request", "", nil, kitFakeEnv)
	if err != nil {
		t.Fatal(err)
	}
	uuid := `[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`
	if !regexp.MustCompile(`^http://httpbin.org/anything/` + uuid + `$`).MatchString(r.URL) {
		t.Errorf("url %q", r.URL)
	}
	if !regexp.MustCompile(`^` + uuid + `$`).Match(r.Body.Bytes) {
		t.Errorf("body %q", r.Body.Bytes)
	}
	im.finding(t, `header "\{\{\$guid\}\}": not a valid HTTP header name`)
}

func TestPostmanAPIKeys(t *testing.T) {
	h := kitImportPath(t, "testdata/postman/bruno-apikey-header-collection.json", "")
	h.check(t, kitWant{path: "Headers with API Key", url: "https://api.com/users", mode: "none", headers: map[string]string{"hii": "ENV:API_KEY"},
		query: map[string]string{"X-API-KEY": "12345"}})
	q := kitImportPath(t, "testdata/postman/bruno-apikey-query-collection.json", "")
	q.check(t, kitWant{path: "Query with API Key", mode: "none", query: map[string]string{"hii": "ENV:API_KEY", "X-API-KEY": "12345"}, noHeader: []string{"hii"}})
	q.finding(t, `secret value was left out .* API_KEY`)
	for _, im := range []kitImported{h, q} {
		if strings.Contains(im.yaml, "hello") {
			t.Errorf("the literal API key was written:\n%s", im.yaml)
		}
	}
}

func TestPostmanScriptsKeptAsComments(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/insomnia-scripts-v2_1.json", "")
	for _, s := range []string{"#   | console.log('this is pre-request script');", "#   | console.log('this is test script');"} {
		if !strings.Contains(im.yaml, s) {
			t.Errorf("the YAML lacks the comment %q", s)
		}
	}
	im.finding(t, `request New Request: test script \(1 lines`)
	im.finding(t, `request New Request: pre-request script \(1 lines`)
	im.check(t, kitWant{path: "New Request", url: "http://httpbin.org/get"})
}

func TestPostmanCollectionVariables(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/bruno-collection-vars-mixed-disabled.json", "")
	if got := im.col.Environments(); len(got) != 1 || got[0] != "default" {
		t.Fatalf("environments %v", got)
	}
	if strings.Contains(im.yaml, "disabledVar") {
		t.Error("the disabled variable was kitImported")
	}
	if !strings.Contains(im.yaml, "enabledVar: value1") || !strings.Contains(im.yaml, "explicitlyEnabledVar: value3") {
		t.Errorf("variables missing:\n%s", im.yaml)
	}
	im.finding(t, `collection variable disabledVar: disabled`)
}

func TestPostmanWithEnvironmentFile(t *testing.T) {
	col, _ := os.ReadFile("testdata/postman/constructed-pets.postman_collection.json")
	env, _ := os.ReadFile("testdata/postman/constructed-pets.postman_environment.json")
	c, err := ImportPostman(col, env)
	if err != nil {
		t.Fatal(err)
	}
	im := kitLoad(t, c)
	if got := im.col.Environments(); len(got) != 1 || got[0] != "prod" {
		t.Fatalf("environments %v", got)
	}
	if strings.Contains(im.yaml, "s3Access:") || strings.Contains(im.yaml, "s3Secret:") {
		t.Error("variables holding AWS keys stayed in the environment")
	}
	base := "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
	im.check(t, kitWant{path: "List pets", env: "prod", method: "GET", url: base + "/pets", mode: "iam", accessEnv: "AWS_ACCESS_KEY_ID",
		region: "eu-west-1", query: map[string]string{"limit": "10"}, noHeader: []string{"X-Debug"}})
	im.check(t, kitWant{path: "Get pet", env: "prod", url: base + "/pets/42"})
	im.check(t, kitWant{path: "admin/Create pet", env: "prod", method: "POST", mode: "none",
		headers: map[string]string{"Authorization": "Bearer ENV:ADMINTOK"}, body: `{"name":"Rex","owner":"alice","price":249.99}`})
	im.check(t, kitWant{path: "admin/reports/Daily", env: "prod", mode: "none", noHeader: []string{"Authorization"}})
	im.check(t, kitWant{path: "admin/reports/Export to S3", env: "prod", method: "PUT", mode: "iam", accessEnv: "s3Access", secretEnv: "s3Secret",
		service: "s3", s3: true, presign: true, region: "us-east-1", body: "day,pets\n2025-01-01,3\n"})
	im.check(t, kitWant{path: "Search (form)", env: "prod", mode: "api_key", apiKey: "ENV:APIKEY", body: "q=small%20dogs&tag=a&tag=b"})
	im.check(t, kitWant{path: "GraphQL pets", env: "prod", headers: map[string]string{"Authorization": "Bearer ENV:BEARER_TOK"},
		body: `{"query":"query($n: Int) { pets(first: $n) { name } }","variables":{"n":5}}`})
	im.finding(t, `Upload photo: a multipart form body`)
	im.finding(t, `Upload photo: Postman auth "basic" has no sigscope equivalent`)
	im.finding(t, `Export to S3: Postman added the signature to the query string: written as presign: true`)
	if n := strings.Count(im.yaml, "presign: true"); n != 1 {
		t.Errorf("presign: true written %d times, want once (Export to S3)", n)
	}
	im.finding(t, `variable adminToken: secret left out .* ADMINTOK`)
	// The collection's own pre-request script is kept as a comment too.
	im.finding(t, `collection: pre-request script of the collection`)
	if !strings.Contains(im.yaml, "#   | pm.variables.set('trace', pm.variables.replaceIn('{{$guid}}'));") {
		t.Error("the collection's pre-request script is not kept as a comment")
	}
}

func TestPostmanEnvironmentFileAlone(t *testing.T) {
	im := kitImportPath(t, "testdata/postman/insomnia-env-basic.postman_environment.json", "")
	if im.c.Report.Imported != 0 || len(im.col.Requests()) != 0 {
		t.Errorf("an environment file gave requests")
	}
	if got := im.col.Environments(); len(got) != 1 || got[0] != "Production Env" {
		t.Errorf("environments %v", got)
	}
	if strings.Contains(im.yaml, "hahah") {
		t.Error("the disabled variable was kitImported")
	}
}

func TestPostmanRefusesWhatItCannotRead(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{`{"info":{"name":"x"},"requests":[],"order":[]}`, ""},
		{`{"requests":[],"order":[]}`, "Collection v2.1"},
		{`[1,2]`, "not a Postman collection"},
		{`{"info":{"schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":[{"name":1}]}`, "line 1"},
	} {
		_, err := ImportPostman([]byte(tc.in))
		if tc.msg == "" {
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, kitWant %q", tc.in, err, tc.msg)
		}
	}
	// A bad environment file is named by its place among those given.
	col, _ := os.ReadFile("testdata/postman/constructed-pets.postman_collection.json")
	env, _ := os.ReadFile("testdata/postman/constructed-pets.postman_environment.json")
	for i, bad := range [][]byte{[]byte(`{"info":{"schema":"x"},"item":[]}`), []byte(`{"name":"e","values":[1]}`)} {
		_, err := ImportPostman(col, env, bad)
		var ee *EnvironmentError
		if !errors.As(err, &ee) || ee.N != 2 || !strings.HasPrefix(err.Error(), "environment file 2: ") {
			t.Errorf("bad environment %d: error %v", i, err)
		}
	}
	if c, err := ImportPostman(col, env); err != nil || c.Report.Format != "postman" || c.Report.Imported != 8 {
		t.Errorf("report %+v, %v", c.Report, err)
	}
	if (postmanImporter{}).Detect([]byte(`{"openapi":"3.0.0"}`), "x.json") {
		t.Error("an OpenAPI document detected as Postman")
	}
}
