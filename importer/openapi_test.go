package importer

import (
	"os"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

func importFile(t *testing.T, path string) (*Collection, *collections.Collection) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Import(data, path, "")
	if err != nil {
		t.Fatal(err)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	col, err := collections.LoadBytes(path+".yaml", y)
	if err != nil {
		t.Fatal(err)
	}
	return c, col
}

func findings(c *Collection) string {
	var b strings.Builder
	for _, f := range c.Report.Findings {
		b.WriteString(f.Where + ": " + f.What + "\n")
	}
	return b.String()
}

// TestOpenAPIAuthorizers: every API Gateway authorizer kind of the
// constructed export, resolved through the loaded collection.
func TestOpenAPIAuthorizers(t *testing.T) {
	c, col := importFile(t, "testdata/openapi/apigw-authorizers-openapi3.yaml")
	if c.Report.Format != "openapi" || c.Report.Imported != 5 {
		t.Fatalf("report %+v", c.Report)
	}
	env := func(k string) (string, bool) { return "v-" + k, true }
	cases := []struct {
		path, method, url, query, mode, profile, service, region string
		bearer                                                   bool
	}{
		{"pets/List pets", "GET", "https://2q3nwrw1r0.execute-api.eu-north-1.amazonaws.com/production/pets", "type=dog", "iam", "aws", "execute-api", "eu-north-1", false},
		{"pets/Create pet", "POST", "https://2q3nwrw1r0.execute-api.eu-north-1.amazonaws.com/production/pets", "", "id_token", "myuserpool", "execute-api", "eu-north-1", false},
		{"pets/Get pet", "GET", "https://2q3nwrw1r0.execute-api.eu-north-1.amazonaws.com/production/pets/1", "", "id_token", "jwt-authorizer-oauth", "execute-api", "eu-north-1", true},
		{"orders/Create order", "POST", "https://2q3nwrw1r0.execute-api.eu-north-1.amazonaws.com/production/orders", "", "api_key", "", "execute-api", "eu-north-1", false},
		{"health/Health", "GET", "https://2q3nwrw1r0.execute-api.eu-north-1.amazonaws.com/production/health", "", "none", "", "execute-api", "eu-north-1", false},
	}
	for _, w := range cases {
		r, err := col.Resolve(w.path, "", nil, env)
		if err != nil {
			t.Errorf("%s: %v", w.path, err)
			continue
		}
		var q []string
		for _, kv := range r.Query {
			q = append(q, kv.Key+"="+kv.Value)
		}
		prof := ""
		if r.Auth.Profile != nil {
			prof = r.Auth.Profile.Name
		}
		if mode := string(r.Auth.Mode); r.Method != w.method || r.URL != w.url || strings.Join(q, "&") != w.query || (mode != w.mode && !(w.mode == "none" && mode == "")) || prof != w.profile || r.Auth.Bearer != w.bearer {
			t.Errorf("%s: %s %s ?%v auth %s/%s bearer %v", w.path, r.Method, r.URL, q, r.Auth.Mode, prof, r.Auth.Bearer)
		}
		if w.mode == "iam" && (r.Auth.Service != w.service || r.Auth.Region != w.region) {
			t.Errorf("%s: signs for %s/%s", w.path, r.Auth.Service, r.Auth.Region)
		}
		if w.mode == "api_key" && string(r.Auth.APIKey) != "v-X_API_KEY" {
			t.Errorf("%s: api key from %q", w.path, string(r.Auth.APIKey))
		}
	}
	create, _ := col.Resolve("pets/Create pet", "", nil, env)
	if string(create.Body.Bytes) != `{"type":"dog","price":249.99}` {
		t.Errorf("example body %s", create.Body.Bytes)
	}
	order, _ := col.Resolve("orders/Create order", "", nil, env)
	if string(order.Body.Bytes) != `{"petId":"1","quantity":0,"gift":false}` {
		t.Errorf("schema skeleton %s", order.Body.Bytes)
	}
	pool, _, err := col.ResolveProfile("myuserpool", "", nil, env)
	if err != nil || pool.UserPoolID != "eu-north-1_Ab12Cd34E" || pool.ClientID != "REPLACE_APP_CLIENT_ID" || pool.Region != "eu-north-1" {
		t.Errorf("cognito profile from providerARNs: %+v %v", pool, err)
	}
	jwt, _, err := col.ResolveProfile("jwt-authorizer-oauth", "", nil, env)
	if err != nil || jwt.ClientID != "3n4b5urk1ft4fl3mg5e62d9ado" || jwt.UserPoolID != "eu-north-1_Ab12Cd34E" {
		t.Errorf("cognito profile from the JWT issuer: %+v %v", jwt, err)
	}
	f := findings(c)
	for _, want := range []string{"REPLACE_APP_CLIENT_ID", "audience 3n4b5urk1ft4fl3mg5e62d9ado is an app client id", "X_API_KEY"} {
		if !strings.Contains(f, want) {
			t.Errorf("report lacks %q:\n%s", want, f)
		}
	}
}

// TestSwagger2S3ProxyExport: the published Swagger 2 export, with an IAM
// authorizer and a host whose region the export leaves open.
func TestSwagger2S3ProxyExport(t *testing.T) {
	c, col := importFile(t, "testdata/openapi/s3-proxy-swagger2.json")
	if c.Report.Imported != 8 {
		t.Errorf("%d requests, want 8", c.Report.Imported)
	}
	r, err := col.Resolve("root/PUT {folder} {item}", "", map[string]string{"folder": "photos", "item": "cat.jpg", "region": "eu-west-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "PUT" || r.URL != "https://9gn28ca086.execute-api.eu-west-1.amazonaws.com/S3/photos/cat.jpg" || r.Auth.Mode != "iam" || r.Auth.Service != "execute-api" || r.Auth.Region != "eu-west-1" || r.Auth.Profile.Type != "aws" {
		t.Errorf("%s %s auth %+v", r.Method, r.URL, r.Auth)
	}
	if f := findings(c); !strings.Contains(f, "no example for folder, item") {
		t.Errorf("missing path parameters not reported:\n%s", f)
	}
}

// TestHTTPAPIExampleWithoutServers: no servers and no authorizer; the
// body comes from the schema and base_url is a runtime variable.
func TestHTTPAPIExampleWithoutServers(t *testing.T) {
	c, col := importFile(t, "testdata/openapi/http-api-petstore-openapi3.json")
	if c.Report.Imported != 3 || len(c.Environments) != 0 {
		t.Fatalf("imported %d, environments %v", c.Report.Imported, c.Environments)
	}
	r, err := col.Resolve("pets/Create Pet", "", map[string]string{"base_url": "http://127.0.0.1:1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.URL != "http://127.0.0.1:1/pets" || string(r.Body.Bytes) != `{"type":"dog","price":0}` || r.Auth.Mode == "iam" {
		t.Errorf("%s %s %s %v", r.Method, r.URL, r.Body.Bytes, r.Auth.Mode)
	}
}

// TestOpenAPIServerVariables: a server's variables stay variables of
// base_url with their defaults in the environment; ${region} and API
// Gateway's ${stageVariables.x} become variables too (written as text,
// "${region}" was sent as "$us-east-1"), and a variable with no value is a
// placeholder the report names.
func TestOpenAPIServerVariables(t *testing.T) {
	doc := `openapi: 3.0.1
info: {title: subs, version: "1"}
servers:
  - url: "https://{id}.execute-api.${region}.amazonaws.com/{basePath}"
    variables:
      basePath: {default: /devenv}
      id: {default: a1b2c3d4e5}
  - url: "https://api.example.com/${stageVariables.version}"
paths:
  /getsubscriberinfo:
    post:
      responses: {"200": {description: ok}}
`
	c, err := Import([]byte(doc), "subs.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(y), "${") || strings.Contains(string(y), "$us-east-1") {
		t.Errorf("a ${...} left as text:\n%s", y)
	}
	col, err := collections.LoadBytes("subs.yaml", y)
	if err != nil {
		t.Fatal(err)
	}
	name := "getsubscriberinfo/POST getsubscriberinfo"
	r, err := col.Resolve(name, "devenv", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/devenv/getsubscriberinfo" {
		t.Errorf("devenv URL %s", r.URL)
	}
	r, err = col.Resolve(name, "server2", map[string]string{"version": "v2"}, nil)
	if err != nil || r.URL != "https://api.example.com/v2/getsubscriberinfo" {
		t.Errorf("server2: %v %v", r, err)
	}
	f := findings(c)
	for _, want := range []string{"the server variable version has no default: the environment server2 holds the placeholder REPLACE_VERSION", "the server leaves the region open: the environment devenv signs for us-east-1"} {
		if !strings.Contains(f, want) {
			t.Errorf("findings lack %q:\n%s", want, f)
		}
	}
	if strings.Contains(f, "relative server URL") {
		t.Errorf("an absolute server called relative:\n%s", f)
	}
}

// A server variable named as a path parameter ({id} in the host and in
// /pets/{id}) must not take the pet's id's place; API Gateway's
// x-amazon-apigateway-auth AWS_IAM (no security scheme) signs.
func TestOpenAPIServerVariableBesidePathParameter(t *testing.T) {
	doc := `openapi: 3.0.1
info: {title: pets, version: "1"}
servers:
  - url: "https://{id}.execute-api.us-west-2.amazonaws.com/{basePath}"
    variables:
      id: {default: a1b2c3d4e5}
      basePath: {default: prod}
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-auth: {type: AWS_IAM}
      parameters:
        - {name: id, in: path, required: true, example: "42"}
      responses: {"200": {description: ok}}
`
	c, err := Import([]byte(doc), "pets.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	col, err := collections.LoadBytes("pets.yaml", y)
	if err != nil {
		t.Fatal(err)
	}
	r, err := col.Resolve("pets/GET pets {id}", "", nil, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	if r.URL != "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod/pets/42" {
		t.Errorf("URL %s\n%s", r.URL, y)
	}
	if r.Auth.Mode != collections.ModeIAM || r.Auth.Service != "execute-api" || r.Auth.Region != "us-west-2" {
		t.Errorf("auth %+v", r.Auth)
	}
	if f := findings(c); !strings.Contains(f, "the server variable id is also a path parameter: in the environment it is server_id") {
		t.Errorf("findings:\n%s", f)
	}
}
