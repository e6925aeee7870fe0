package workbench

import (
	"testing"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
)

// TestJQVars: $vars holds the environment's variables and the runtime
// ones over them, and leaves out every variable that holds a secret: a
// value from the process environment, a credential-shaped name, a secret
// capture.
func TestJQVars(t *testing.T) {
	wb, err := OpenBytes("v.yaml", []byte(`name: v
variables: [OWNER_NAME]
environments:
  dev:
    base_url: https://api.example.com
    region: eu-west-1
    owner: "{{env.OWNER_NAME}}"
requests:
  - name: Get
    url: "{{base_url}}/pets"
    assert:
      json: ['.region == $vars.region', '.name == $vars.name', '($vars | has("api_token")) == false', '($vars | has("owner")) == false']
`), Options{Trusted: true, Vars: map[string]string{"name": "Rex", "region": "us-east-1", "api_token": "tok-123"},
		Env: Env{LookupEnv: func(n string) (string, bool) { return "ann", n == "OWNER_NAME" }}})
	if err != nil {
		t.Fatal(err)
	}
	wb.keepCaptured([]Captured{{Var: "sess", Value: "s3cr3t", Secret: true}, {Var: "pet_id", Value: "7"}})
	vars := wb.jqVars()
	for k, want := range map[string]any{"base_url": "https://api.example.com", "region": "us-east-1", "name": "Rex", "pet_id": "7"} {
		if vars[k] != want {
			t.Errorf("$vars.%s = %v, want %v (all: %v)", k, vars[k], want, vars)
		}
	}
	for _, k := range []string{"api_token", "owner", "sess"} {
		if _, ok := vars[k]; ok {
			t.Errorf("$vars holds the secret %s: %v", k, vars)
		}
	}
	ts, err := wb.Coll.Tests("Get")
	if err != nil {
		t.Fatal(err)
	}
	oc := &Outcome{Result: &exchange.Result{Response: &exchange.Response{Status: 200, Body: []byte(`{"region":"us-east-1","name":"Rex"}`)}}}
	for _, r := range wb.Check(ts, oc) {
		if r.Assert.Kind == collections.AssertJSON && !r.Pass {
			t.Errorf("%s: %s", r.Name, r.Actual)
		}
	}
}
