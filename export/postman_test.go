package export

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// pmDoc is the part of a Postman v2.1 collection the tests read.
type pmDoc struct {
	Info struct {
		Name, Description, Schema string
	} `json:"info"`
	Item     []pmItem `json:"item"`
	Variable []struct {
		Key, Value, Description string
	} `json:"variable"`
}

type pmItem struct {
	Name    string   `json:"name"`
	Item    []pmItem `json:"item"`
	Request *struct {
		Method string
		Header []struct{ Key, Value string }
		URL    struct {
			Raw   string
			Query []struct{ Key, Value string }
		} `json:"url"`
		Body *struct {
			Mode, Raw string
			File      *struct{ Src string }
		}
		Auth struct {
			Type   string
			AWSv4  []struct{ Key, Value string } `json:"awsv4"`
			APIKey []struct{ Key, Value string } `json:"apikey"`
		}
	} `json:"request"`
}

func (it pmItem) find(path ...string) *pmItem {
	for _, c := range it.Item {
		if c.Name == path[0] {
			if len(path) == 1 {
				return &c
			}
			return c.find(path[1:]...)
		}
	}
	return nil
}

func authMap(kvs []struct{ Key, Value string }) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

func TestPostmanDemo(t *testing.T) {
	c, err := collections.Load(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Postman(c, PostmanOptions{Vars: map[string]string{"emulator": "http://127.0.0.1:7466"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc pmDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Info.Schema != PostmanSchema || doc.Info.Name != "Pets API (demo)" {
		t.Errorf("info %+v", doc.Info)
	}
	root := pmItem{Item: doc.Item}
	if len(doc.Item) != 10 || doc.Item[6].Name != "teaching" || len(doc.Item[6].Item) != 3 || doc.Item[8].Name != "QA smoke" || len(doc.Item[8].Item) != 6 || doc.Item[9].Name != "Permissions" {
		t.Fatalf("items: %d, last %q", len(doc.Item), doc.Item[len(doc.Item)-1].Name)
	}
	list := root.find("List pets").Request
	if list.Method != "GET" || list.URL.Raw != "{{base_url}}/pets?limit=10&type=dog&type=cat" || len(list.URL.Query) != 3 {
		t.Errorf("List pets: %+v", list.URL)
	}
	if len(list.Header) != 1 || list.Header[0].Key != "Accept" || list.Header[0].Value != "application/json" {
		t.Errorf("defaults' header not applied: %+v", list.Header)
	}
	aws := authMap(list.Auth.AWSv4)
	if list.Auth.Type != "awsv4" || aws["accessKey"] != "{{aws_access_key}}" || aws["secretKey"] != "{{aws_secret_key}}" ||
		aws["sessionToken"] != "{{aws_session_token}}" || aws["region"] != "{{region}}" || aws["service"] != "execute-api" {
		t.Errorf("awsv4 auth: %+v", list.Auth)
	}
	who := root.find("Who am I").Request
	if k := authMap(who.Auth.APIKey); who.Auth.Type != "apikey" || k["key"] != "Authorization" || k["value"] != "{{id_token}}" || k["in"] != "header" {
		t.Errorf("id_token auth: %+v", who.Auth)
	}
	if pub := root.find("Public").Request; pub.Auth.Type != "noauth" {
		t.Errorf("Public auth %q", pub.Auth.Type)
	}
	create := root.find("Create pet").Request
	if create.Body == nil || !strings.Contains(create.Body.Raw, `"{{$guid}}"`) || !strings.Contains(create.Body.Raw, `"price": 249.99`) {
		t.Errorf("Create pet body: %+v", create.Body)
	}
	wrong := root.find("teaching", "Wrong region (deliberate mismatch)").Request
	if authMap(wrong.Auth.AWSv4)["region"] != "eu-west-1" {
		t.Errorf("the request's own region is lost: %+v", wrong.Auth)
	}
	vars := map[string]string{}
	for _, v := range doc.Variable {
		vars[v.Key] = v.Value
	}
	if vars["base_url"] != "{{emulator}}/prod" || vars["region"] != "us-east-1" || vars["emulator"] != "http://127.0.0.1:7466" {
		t.Errorf("variables %v", vars)
	}
	for _, k := range []string{"aws_access_key", "aws_secret_key", "aws_session_token", "id_token"} {
		if v, ok := vars[k]; !ok || v != "" {
			t.Errorf("variable %s: %q, %v", k, v, ok)
		}
	}
	if !strings.Contains(doc.Info.Description, "- local: base_url = {{emulator}}/prod, region = us-east-1") {
		t.Errorf("environments note: %s", doc.Info.Description)
	}
}

// TestPostmanNoSecrets plants secrets where a collection may get them
// (environment variables, a literal credential header) and finds none in
// the export.
func TestPostmanNoSecrets(t *testing.T) {
	const coll = `
name: planted
variables: [PLANTED_KEY, PLANTED_VALUE]
environments:
  dev: {base: "https://dev.example.com"}
  prod: {base: "https://prod.example.com"}
auth:
  keys: {type: static, access_key_id_env: PLANTED_ID, secret_access_key_env: PLANTED_SECRET, session_token_env: PLANTED_TOKEN}
defaults:
  auth: {mode: iam, profile: keys, region: eu-west-1}
requests:
  - folder: a
    requests:
      - folder: b
        defaults: {headers: {X-Trace: on, X-Client-Secret: literal-secret-in-file}}
        requests:
          - name: keyed
            url: "{{base}}/k"
            headers: {X-Trace: null, X-Token: "{{env.PLANTED_VALUE}}"}
            auth: {mode: api_key, api_key: "{{env.PLANTED_KEY}}"}
          - name: file
            method: PUT
            url: "{{base}}/f"
            body: {file: data.bin}
`
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte(coll), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"PLANTED_KEY": "planted-api-key-77", "PLANTED_TOKEN": "planted-session-token-77", "PLANTED_ID": "AKIDPLANTED77", "PLANTED_VALUE": "planted-value-77", "PLANTED_SECRET": "planted-secret-77"} {
		t.Setenv(k, v)
	}
	c, err := collections.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Postman(c, PostmanOptions{Environment: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"planted-api-key-77", "planted-session-token-77", "AKIDPLANTED77", "planted-secret-77", "literal-secret-in-file", "planted-value-77"} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("secret %q in the export", s)
		}
	}
	var doc pmDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	keyed := pmItem{Item: doc.Item}.find("a", "b", "keyed")
	if keyed == nil {
		t.Fatalf("nested folders lost: %s", data)
	}
	r := keyed.Request
	if k := authMap(r.Auth.APIKey); r.Auth.Type != "apikey" || k["key"] != "x-api-key" || k["value"] != "{{PLANTED_KEY}}" {
		t.Errorf("api key auth %+v", r.Auth)
	}
	var hs []string
	for _, h := range r.Header {
		hs = append(hs, h.Key+": "+h.Value)
	}
	if strings.Join(hs, "|") != "X-Client-Secret: {{x_client_secret}}|X-Token: {{PLANTED_VALUE}}" {
		t.Errorf("headers %q", hs)
	}
	file := pmItem{Item: doc.Item}.find("a", "b", "file").Request
	if file.Body == nil || file.Body.Mode != "file" || file.Body.File.Src != "data.bin" || authMap(file.Auth.AWSv4)["region"] != "eu-west-1" {
		t.Errorf("file request %+v", file)
	}
	vars := map[string]string{}
	for _, v := range doc.Variable {
		vars[v.Key] = v.Value
	}
	if vars["base"] != "https://prod.example.com" || vars["PLANTED_KEY"] != "" || vars["x_client_secret"] != "" {
		t.Errorf("variables %v", vars)
	}
}
