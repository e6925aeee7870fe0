package export

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// TestPostmanURLParts: the URL object carries the parts newman builds the
// request from, split as Postman's own parser splits them, and the query
// encoded so that a value's &, + and = stay part of it.
func TestPostmanURLParts(t *testing.T) {
	cases := []struct {
		raw   string
		query [][2]string
		want  postmanURL
	}{
		{"{{base_url}}/pets/Mr Whiskers", [][2]string{{"q", "café & crème"}, {"plus", "a+b=c"}}, postmanURL{
			Raw:  "{{base_url}}/pets/Mr Whiskers?q=caf%C3%A9%20%26%20cr%C3%A8me&plus=a%2Bb%3Dc",
			Host: []string{"{{base_url}}"}, Path: []string{"pets", "Mr Whiskers"},
			Query: []postmanKV{{Key: "q", Value: "caf%C3%A9%20%26%20cr%C3%A8me"}, {Key: "plus", Value: "a%2Bb%3Dc"}},
		}},
		{"https://abc.execute-api.us-east-1.amazonaws.com:8443/prod/pets/", nil, postmanURL{
			Raw: "https://abc.execute-api.us-east-1.amazonaws.com:8443/prod/pets/", Protocol: "https",
			Host: []string{"abc", "execute-api", "us-east-1", "amazonaws", "com"}, Port: "8443", Path: []string{"prod", "pets", ""},
		}},
		{"{{scheme}}://{{host}}/a/{{id}}", [][2]string{{"k", "{{v}} x"}}, postmanURL{
			Raw: "{{scheme}}://{{host}}/a/{{id}}?k={{v}}%20x", Protocol: "{{scheme}}", Host: []string{"{{host}}"}, Path: []string{"a", "{{id}}"},
			Query: []postmanKV{{Key: "k", Value: "{{v}}%20x"}},
		}},
		{"{{base_url}}/s?list-type=2&prefix=a%2Fb", [][2]string{{"x", "1"}}, postmanURL{
			Raw: "{{base_url}}/s?list-type=2&prefix=a%2Fb&x=1", Host: []string{"{{base_url}}"}, Path: []string{"s"},
			Query: []postmanKV{{Key: "list-type", Value: "2"}, {Key: "prefix", Value: "a%2Fb"}, {Key: "x", Value: "1"}},
		}},
		{"https://{{host}}:{{port}}/v1", nil, postmanURL{Raw: "https://{{host}}:{{port}}/v1", Protocol: "https", Host: []string{"{{host}}"}, Port: "{{port}}", Path: []string{"v1"}}},
		{"http://[::1]:8080/x", nil, postmanURL{Raw: "http://[::1]:8080/x", Protocol: "http", Host: []string{"[::1]"}, Port: "8080", Path: []string{"x"}}},
		{"http://127.0.0.1:7466", nil, postmanURL{Raw: "http://127.0.0.1:7466", Protocol: "http", Host: []string{"127", "0", "0", "1"}, Port: "7466"}},
	}
	for _, c := range cases {
		if got := newPostmanURL(c.raw, c.query); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.raw, got, c.want)
		}
	}
}

// TestPostmanVarWinsOverEnvironment: a runtime variable replaces the
// environment's value of the same name in the collection variables, as
// it does in send.
func TestPostmanVarWinsOverEnvironment(t *testing.T) {
	c, err := collections.Load(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Postman(c, PostmanOptions{Vars: map[string]string{"base_url": "http://127.0.0.1:1/prod"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc pmDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range doc.Variable {
		if v.Key == "base_url" {
			n++
			if v.Value != "http://127.0.0.1:1/prod" || v.Description != "given with --var" {
				t.Errorf("base_url %+v", v)
			}
		}
	}
	if n != 1 {
		t.Errorf("base_url written %d times", n)
	}
}
