package importer

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestInsomniaV4IAMFoldersAndEnvironments(t *testing.T) {
	im := kitImportPath(t, "testdata/insomnia/constructed-iam-v4.json", "")
	if im.c.Report.Format != "insomnia" {
		t.Fatalf("format %q", im.c.Report.Format)
	}
	im.samePaths(t, "List orders", "admin/Create order", "admin/Refresh token", "Public catalog", "Legacy")
	if got := im.col.Environments(); strings.Join(got, ",") != "dev,prod" {
		t.Fatalf("environments %v", got)
	}
	im.check(t, kitWant{path: "List orders", env: "dev", method: "GET", url: "http://127.0.0.1:4566/dev/orders", mode: "iam",
		accessEnv: "AWS_ACCESS_KEY_ID", secretEnv: "AWS_SECRET_ACCESS_KEY", region: "us-east-1", service: "execute-api",
		query: map[string]string{"limit": "10"}, headers: map[string]string{"Accept": "application/json"}})
	r, _ := im.col.Resolve("List orders", "dev", nil, kitFakeEnv)
	if id := kitHeaderOf(r.Headers, "X-Request-Id"); !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(id) {
		t.Errorf("{%% uuid %%} gave %q", id)
	}
	// The folder's iam auth, with keys from variables, reaches the request.
	im.check(t, kitWant{path: "admin/Create order", env: "prod", method: "POST",
		url: "https://abc123.execute-api.us-west-2.amazonaws.com/prod/tenants/acme/orders", mode: "iam",
		accessEnv: "opsAccessKey", secretEnv: "opsSecretKey", region: "us-west-2"})
	r, _ = im.col.Resolve("admin/Create order", "prod", nil, kitFakeEnv)
	if !regexp.MustCompile(`^\{"sku":"a-1","at":"\d{4}-\d\d-\d\dT[^"]+","qty":2\}$`).Match(r.Body.Bytes) {
		t.Errorf("body %s", r.Body.Bytes)
	}
	im.check(t, kitWant{path: "admin/Refresh token", env: "dev", vars: map[string]string{"insomnia_response": "R"}, mode: "none",
		headers: map[string]string{"Authorization": "Bearer ENV:USER_TOK"}, body: "grant_type=refresh_token&refresh_token=R"})
	im.check(t, kitWant{path: "Public catalog", env: "dev", mode: "api_key", apiKey: "ENV:API_KEY"})
	im.check(t, kitWant{path: "Legacy", env: "dev", url: "http://legacy.example.com/status", mode: "none"})
	im.finding(t, `Legacy: Insomnia auth "digest" has no sigscope equivalent`)
	im.finding(t, `template tag \{% response .* became the variable \{\{insomnia_response\}\}`)
	im.finding(t, `template filter in \{\{ _.sku \| upper \}\} was dropped`)
	im.finding(t, `List orders: pre-request script \(1 lines`)
	im.finding(t, `variable opsAccessKey: holds an AWS key`)
	if strings.Contains(im.yaml, "opsAccessKey:") {
		t.Error("the variable holding an AWS key stayed in the environments")
	}
}

func kitHeaderOf[T interface{ ~struct{ Key, Value string } }](hs []T, name string) string {
	for _, h := range hs {
		kv := struct{ Key, Value string }(h)
		if strings.EqualFold(kv.Key, name) {
			return kv.Value
		}
	}
	return ""
}

func TestInsomniaV5IAM(t *testing.T) {
	im := kitImportPath(t, "testdata/insomnia/constructed-iam-v5.yaml", "insomnia")
	im.samePaths(t, "signed/Create order", "signed/Get order")
	im.check(t, kitWant{path: "signed/Get order", env: "staging", method: "GET",
		url: "https://def456.execute-api.eu-west-1.amazonaws.com/staging/orders/42", mode: "iam",
		accessEnv: "aws_access_key_id", secretEnv: "aws_secret_access_key", sessionEnv: "aws_session_token", region: "eu-west-1"})
	im.check(t, kitWant{path: "signed/Create order", env: "staging", mode: "none", body: `{"sku":"b-2","qty":1}`})
	if !strings.Contains(im.yaml, "#   | insomnia.environment.set('order', body.id);") {
		t.Error("the after-response script is not kept as a comment")
	}
	im.finding(t, `Get order: after-response script \(2 lines`)
}

func TestInsomniaPublicExports(t *testing.T) {
	v4 := kitImportPath(t, "testdata/insomnia/bruno-insomnia-v4-with-envs.json", "")
	if got := v4.col.Environments(); strings.Join(got, ",") != "Staging,Development" {
		t.Errorf("environments %v", got)
	}
	// Base values reach every sub-environment; nested data is flattened.
	v4.check(t, kitWant{path: "Get Users", env: "Staging", url: "https://staging-api.example.com/api/users", headers: map[string]string{"Accept": "application/json"}})
	if !strings.Contains(v4.yaml, "user_name: staging_admin") || !strings.Contains(v4.yaml, "config_retries: \"3\"") {
		t.Errorf("merged environments wrong:\n%s", v4.yaml)
	}
	v4.finding(t, `variable authToken: secret left out .* AUTHTOK`)

	v5 := kitImportPath(t, "testdata/insomnia/bruno-insomnia-v5-with-envs.yaml", "")
	v5.check(t, kitWant{path: "API Tests/Get Users", env: "Development", url: "https://dev-api.example.com/api/users",
		headers: map[string]string{"Authorization": "Bearer ENV:AUTH_TOK"}})

	tree := kitImportPath(t, "testdata/insomnia/bruno-insomnia-v5.yaml", "")
	tree.samePaths(t, "Data Management/Create Post", "API Tests/Get Users", "API Tests/Authentication/Login User")
	tree.check(t, kitWant{path: "Data Management/Create Post", method: "POST", url: "https://api.example.com/api/posts",
		body: `{"title":"Test Post","content":"This is a test post content","author":"Test Author"}`})

	smoke := kitImportPath(t, "testdata/insomnia/kong-smoke-insomnia4.yaml", "")
	smoke.check(t, kitWant{path: "Actions/Get Sleep", url: "http://127.0.0.1:4010/sleep", method: "GET"})
}

func TestInsomniaDetect(t *testing.T) {
	for _, f := range []string{"constructed-iam-v4.json", "constructed-iam-v5.yaml", "kong-smoke-insomnia4.yaml"} {
		data, _ := os.ReadFile("testdata/insomnia/" + f)
		if im, err := Detect(data, f); err != nil || im.Name() != "insomnia" {
			t.Errorf("%s: detected %v, %v", f, im, err)
		}
	}
	if _, err := (insomniaImporter{}).Import([]byte("type: spec.insomnia.rest/5.0\n"), "x.yaml"); err == nil || !strings.Contains(err.Error(), "not an Insomnia export") {
		t.Errorf("error %v", err)
	}
	if _, err := (insomniaImporter{}).Import([]byte(`{"_type":"export","__export_format":4,"resources":[]}`), "x.json"); err == nil || !strings.Contains(err.Error(), "no workspace") {
		t.Errorf("error %v", err)
	}
}
