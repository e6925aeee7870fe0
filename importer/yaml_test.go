package importer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// sample is a model with every part the writer knows.
func sample() *Collection {
	c := &Collection{Name: "Pets", Comments: []string{"Imported by a test"}}
	c.StaticProfile("keys", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "eu-west-1")
	env := c.Environment("prod")
	env.Set("base_url", "https://abc.execute-api.eu-west-1.amazonaws.com/prod")
	env.Set("region", "eu-west-1")
	c.DefaultEnvironment = "prod"
	c.Defaults = &Defaults{Auth: &Auth{Mode: "iam", Profile: "keys", Service: "execute-api"}, Headers: []KV{{Key: "Accept", Value: "application/json"}}}
	r := &Request{Name: "Create", Method: "POST", URL: "{{base_url}}/pets",
		Query:   []KV{{Key: "tag", Value: "a"}, {Key: "tag", Value: "b"}, {Key: "n", Value: "10"}},
		Headers: []KV{{Key: "X-Yes", Value: "yes"}},
		Body:    &Body{Kind: BodyJSON, JSON: LiteralJSON(json.RawMessage(`{"name":"{{Rex}}","price":10.50,"tags":[],"o":null}`))}}
	r.Headers = append(r.Headers, KV{Key: "Authorization", Value: c.HeaderValue("request Create", "Authorization", "Bearer abc.def", false)})
	c.Unmapped(r, "", "a pre-request script")
	text := &Request{Name: "Create", Method: "PUT", URL: "https://example.com/x", Body: &Body{Kind: BodyText, Text: "line 1\nline 2\n"}}
	form := &Request{Name: "Form", Method: "POST", URL: "https://example.com/f", Body: &Body{Kind: BodyForm, Form: []KV{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}}}
	c.Items = []Item{{Request: r}, {Folder: &Folder{Name: "more", Items: []Item{{Request: text}, {Request: form}}}}, {Request: &Request{Name: "Create", URL: "https://example.com/"}}}
	return c
}

func TestYAMLLoadsAndKeepsEverything(t *testing.T) {
	c := sample()
	data, err := c.YAML()
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	t.Logf("\n%s", data)
	col, err := collections.LoadBytes("x.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	refs := col.Requests()
	if len(refs) != 4 || refs[2].Path != "more/Form" || refs[3].Name != "Create (2)" {
		t.Fatalf("requests: %+v", refs)
	}
	got, err := col.Resolve("Create", "", nil, func(k string) (string, bool) { return "v-" + k, true })
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Body.Bytes) != `{"name":"{{Rex}}","price":10.50,"tags":[],"o":null}` {
		t.Errorf("body %s", got.Body.Bytes)
	}
	if got.URL != "https://abc.execute-api.eu-west-1.amazonaws.com/prod/pets" || got.Auth.Mode != "iam" || got.Auth.Profile.SecretAccessKeyEnv != "AWS_SECRET_ACCESS_KEY" {
		t.Errorf("resolved %+v", got)
	}
	var auth string
	for _, h := range got.Headers {
		if h.Key == "Authorization" {
			auth = h.Value
		}
	}
	if auth != "Bearer v-AUTHORIZATION" {
		t.Errorf("Authorization %q", auth)
	}
	if strings.Contains(string(data), "abc.def") {
		t.Error("the bearer token was written")
	}
	if !strings.Contains(string(data), "# not imported: a pre-request script") {
		t.Error("the unmapped script is not a comment")
	}
	tx, err := col.Resolve("more/Create", "", nil, nil)
	if err != nil || string(tx.Body.Bytes) != "line 1\nline 2\n" {
		t.Errorf("text body %q %v", tx.Body.Bytes, err)
	}
}

// TestYAMLPresign: a presigned auth is written as presign: true and loads
// back as a query-string signature; without it nothing is written.
func TestYAMLPresign(t *testing.T) {
	c := &Collection{Name: "S3"}
	c.StaticProfile("keys", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "", "us-east-1")
	c.Items = []Item{
		{Request: &Request{Name: "Share", Method: "GET", URL: "https://b.s3.amazonaws.com/k",
			Auth: &Auth{Mode: "iam", Profile: "keys", Service: "s3", Region: "us-east-1", S3: true, Presign: true}}},
		{Request: &Request{Name: "Get", Method: "GET", URL: "https://b.s3.amazonaws.com/k",
			Auth: &Auth{Mode: "iam", Profile: "keys", Service: "s3", Region: "us-east-1", S3: true}}},
	}
	data, err := c.YAML()
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if n := strings.Count(string(data), "presign: true"); n != 1 {
		t.Fatalf("presign: true written %d times:\n%s", n, data)
	}
	col, err := collections.LoadBytes("x.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"Share": true, "Get": false} {
		r, err := col.Resolve(name, "", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Auth.Presign != want || !r.Auth.S3 {
			t.Errorf("%s: presign %v s3 %v", name, r.Auth.Presign, r.Auth.S3)
		}
	}
}
