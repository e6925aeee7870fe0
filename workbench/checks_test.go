package workbench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
)

// TestChecksAndCaptures: each assertion kind passes or fails on a made
// answer with expected and actual in words; each capture kind takes its
// value, a token from a credential-shaped field is a secret, and a capture
// that finds nothing says so.
func TestChecksAndCaptures(t *testing.T) {
	wb, err := Open(filepath.Join("testdata", "checks", "api.yaml"), Options{Env: Env{LookupEnv: func(string) (string, bool) { return "", false }}})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := wb.Coll.Tests("Create")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"7","name":"Rex","type":"dog","count":3,"AuthenticationResult":{"IdToken":"eyJhbGciOi.eyJzdWIiOiJ4In0.sig"}}`
	oc := &Outcome{Result: &exchange.Result{
		Response: &exchange.Response{Status: 201, Body: []byte(body), Headers: []exchange.Header{
			{Name: "Content-Type", Value: "application/json; charset=utf-8"}, {Name: "ETag", Value: `W/"abc"`}}},
		Cookies:   []cookies.Received{{Cookie: cookies.Cookie{Name: "session", Value: "s3cr3t-session"}, Stored: true}},
		Timings:   exchange.Timings{Total: 20 * time.Millisecond},
		ClockSkew: 90 * time.Second, SkewKnown: true,
	}}
	got := map[string]CheckResult{}
	for _, r := range wb.Check(ts, oc) {
		got[r.Name] = r
	}
	for name, want := range map[string]struct {
		pass   bool
		actual string
	}{
		"status":              {true, "201"},
		"header Content-Type": {true, `"application/json; charset=utf-8"`},
		"header X-Gone":       {true, "absent"},
		"header ETag":         {true, `"W/\"abc\""`},
		`json .name == "Rex"`: {true, "true"},
		`json .type == "cat"`: {false, `false (.type is "dog")`},
		"body contains":       {true, ""},
		"body matches":        {true, ""},
		"schema pet.json":     {true, "valid"},
		"duration":            {true, "20ms"},
		"cookie session":      {true, "set"},
		"cookie other":        {false, "not set"},
		"clock skew":          {false, "1m30s"},
		"signature":           {true, "accepted"},
	} {
		r, ok := got[name]
		if !ok {
			t.Errorf("no result for %s (have %v)", name, got)
			continue
		}
		if r.Pass != want.pass || want.actual != "" && r.Actual != want.actual {
			t.Errorf("%s: pass %v actual %q, want %v %q (expected %q)", name, r.Pass, r.Actual, want.pass, want.actual, r.Expected)
		}
		if r.Expected == "" || !strings.Contains(r.Where, "api.yaml:") {
			t.Errorf("%s: expected %q where %q", name, r.Expected, r.Where)
		}
	}
	caps := map[string]Captured{}
	for _, c := range wb.Capture(ts, oc) {
		caps[c.Var] = c
	}
	for v, want := range map[string]struct {
		value  string
		secret bool
	}{"pet_id": {"7", false}, "etag": {`W/"abc"`, false}, "count": {"3", false}, "code": {"201", false},
		"sess": {"s3cr3t-session", true}, "id_token": {"eyJhbGciOi.eyJzdWIiOiJ4In0.sig", true}} {
		c := caps[v]
		if c.Value != want.value || c.Secret != want.secret || c.Err != "" {
			t.Errorf("capture %s: %+v, want %q secret %v", v, c, want.value, want.secret)
		}
		if want.secret && strings.Contains(c.Shown(), want.value) {
			t.Errorf("capture %s shows its secret: %q", v, c.Shown())
		}
	}
	if c := caps["missing"]; c.Err == "" || c.Value != "" {
		t.Errorf("a capture that finds nothing: %+v", c)
	}

	// A schema the body breaks, a status outside the list, a refusal. The
	// validator names the first thing that breaks the schema: a missing
	// property, a value of the wrong type.
	oc.Result.Response.Status = 403
	for body, want := range map[string]string{`{"id":"7"}`: `"name"`, `{"id":7,"name":"Rex"}`: "/properties/id"} {
		oc.Result.Response.Body = []byte(body)
		for _, r := range wb.Check(ts, oc) {
			switch r.Name {
			case "schema pet.json", "status":
				if r.Pass {
					t.Errorf("%s passed on %s", r.Name, body)
				}
				if r.Name == "schema pet.json" && !strings.Contains(r.Actual, want) {
					t.Errorf("schema failure on %s does not name %s: %q", body, want, r.Actual)
				}
			}
		}
	}
}

// TestSchemaDrafts: a schema written for draft-07 (its URI with or without
// the empty fragment) or 2020-12 is checked; one for a draft the validator
// does not know says which it knows.
func TestSchemaDrafts(t *testing.T) {
	dir := t.TempDir()
	wb := &Workbench{Coll: &collections.Collection{Path: filepath.Join(dir, "api.yaml")}}
	a := &answer{isJSON: true, body: []byte(`{"n":"x"}`)}
	for uri, want := range map[string]string{
		"http://json-schema.org/draft-07/schema#":      "want \"integer\"",
		"http://json-schema.org/draft-07/schema":       "want \"integer\"",
		"https://json-schema.org/draft/2020-12/schema": "want \"integer\"",
		"http://json-schema.org/draft-04/schema#":      "write it for draft-07 or 2020-12",
	} {
		schema := `{"$schema":"` + uri + `","properties":{"n":{"type":"integer"}}}`
		if err := os.WriteFile(filepath.Join(dir, "s.json"), []byte(schema), 0o644); err != nil {
			t.Fatal(err)
		}
		got, pass := wb.checkSchema(a, "s.json")
		if pass || !strings.Contains(got, want) {
			t.Errorf("$schema %s: %v %q, want a failure saying %s", uri, pass, got, want)
		}
	}
}
