package importer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The fast readers fill what encoding/json fills, or step aside.
func TestPostmanFastReadersMatchEncodingJSON(t *testing.T) {
	requests := []string{
		`{"method":"GET","url":"https://x/a?b=1","header":[]}`,
		`{"method":"POST","header":[{"key":"A","value":"1"},null,{"key":"B","value":2,"disabled":true}],"body":{"mode":"raw","raw":"{}"},"url":{"raw":"{{u}}/x","host":["{{u}}"],"path":["x"]}}`,
		`{"method":null,"url":null,"auth":{"type":"bearer","bearer":[{"key":"token","value":"{{t}}"}]},"description":{"content":"d"}}`,
		`{"body":{"mode":"urlencoded","urlencoded":[{"key":"a","value":"b","disabled":false}],"options":{"raw":{"language":"json"}},"disabled":true}}`,
		`{"body":{"mode":"graphql","graphql":{"query":"{x}","variables":"{}"},"options":null,"file":{"src":"f"},"formdata":[{"key":"k","type":"file"}]}}`,
		`{"body":{"mode":"raw","raw":"x","options":{"raw":null}}}`,
		`{"body":null}`,
		` { "method" : "put" , "extra" : [1, {"a": "}"}], "url" : { "raw" : "h\u00e9", "query" : [ {"key": null}, {"key": "q", "value": "v\"w"} ] } } `,
	}
	for _, in := range requests {
		var want, got pmRequest
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !pmFastRequest([]byte(in), &got) {
			t.Fatalf("%s: the fast reader stepped aside", in)
		}
		if !reflect.DeepEqual(compactRequest(t, got), compactRequest(t, want)) {
			t.Errorf("%s:\n got %+v\nwant %+v", in, got, want)
		}
		var wu, gu pmURLObject
		if len(want.URL) > 0 && want.URL[0] == '{' {
			if err := json.Unmarshal(want.URL, &wu); err != nil {
				t.Fatal(err)
			}
			if !pmFastURL(got.URL, &gu) || !reflect.DeepEqual(gu, wu) {
				t.Errorf("%s: URL\n got %+v\nwant %+v", in, gu, wu)
			}
		}
		if len(want.Header) > 0 && want.Header[0] == '[' {
			var wh []pmHeader
			if err := json.Unmarshal(want.Header, &wh); err != nil {
				t.Fatal(err)
			}
			gh, ok := pmFastHeaders(got.Header)
			if !ok || !reflect.DeepEqual(gh, wh) {
				t.Errorf("%s: headers\n got %+v\nwant %+v", in, gh, wh)
			}
		}
	}
	// What encoding/json reads otherwise (keys matched by case, a key
	// twice, a value of another type) is left to it.
	for _, in := range []string{
		`{"Method":"GET"}`,
		`{"method":"GET","method":"POST"}`,
		`{"method":5}`,
		`{"body":{"options":{"raw":{"language":1}}}}`,
		`{"body":{"mode":"raw","Mode":"x"}}`,
		`{"m\u0065thod":"GET"}`,
	} {
		var pr pmRequest
		if pmFastRequest([]byte(in), &pr) {
			t.Errorf("%s: read by the fast reader", in)
		}
	}
	if _, ok := pmFastHeaders([]byte(`[{"key":"a","disabled":"yes"}]`)); ok {
		t.Error("a disabled flag that is a string was read by the fast reader")
	}
}

// compactRequest compares raw fields by their meaning: encoding/json
// copies them as written, the fast reader slices them.
func compactRequest(t *testing.T, r pmRequest) []any {
	t.Helper()
	norm := func(raw json.RawMessage) any {
		if raw == nil {
			return nil
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	return []any{r.Method, norm(r.URL), norm(r.Header), r.Body, r.Auth, norm(r.Description)}
}

func TestJSONSpans(t *testing.T) {
	var ms []string
	ok := jsonMembers([]byte(`{"a": [1, "]"], "b" : {"c": null} ,"d":-1.5e3}`), func(k, v []byte) bool {
		ms = append(ms, string(k), string(v))
		return true
	})
	if want := []string{"a", `[1, "]"]`, "b", `{"c": null}`, "d", "-1.5e3"}; !ok || !reflect.DeepEqual(ms, want) {
		t.Fatalf("members: %q %v", ms, ok)
	}
	var els []string
	ok = jsonElements([]byte(`[ "x" , {"y": "\""}, true ]`), func(el []byte) bool {
		els = append(els, string(el))
		return true
	})
	if want := []string{`"x"`, `{"y": "\""}`, "true"}; !ok || !reflect.DeepEqual(els, want) {
		t.Fatalf("elements: %q %v", els, ok)
	}
	if jsonMembers([]byte(`{"a": [1, 2}`), func(k, v []byte) bool { return true }) {
		t.Error("an object that ends early was split")
	}
	if s, ok := jsonPlainString([]byte(`"a\nb"`)); ok {
		t.Errorf("an escaped string read plain: %q", s)
	}
}

// What decodePostman tells without decoding agrees with postmanKind.
func TestPostmanPrefilterAgreesWithKind(t *testing.T) {
	for _, doc := range []string{
		`{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{}}`,
		`{"info":{"name":"x","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":[]}`,
		`{"info":{"name":"x"},"ITEM":null}`,
		`{"info":{"name":"x"},"ıtem":[]}`,
		`{"info":{"name":"x"},"\u0069tem":[]}`,
		`{"name":"env","values":null}`,
		`{"name":"env","valueſ":[]}`,
		`{"_postman_variable_scope":"globals"}`,
		`{"collection":{"info":{"schema":"postman.com\/json\/collection"}}}`,
		`{"requests":[],"order":[]}`,
		`{"name":"not postman"}`,
	} {
		want, _ := postmanKind([]byte(doc))
		if got := decodePostman([]byte(doc)).kind; got != want {
			t.Errorf("%s: kind %q, postmanKind says %q", doc, got, want)
		}
	}
}

// The spans reader of a whole document fills what encoding/json fills, on
// every Postman file of the test data.
func TestPostmanFastWholeMatchesEncodingJSON(t *testing.T) {
	files, _ := filepath.Glob("testdata/postman/*.json")
	if len(files) == 0 {
		t.Fatal("no Postman test data")
	}
	compared := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var want, got pmWhole
		if json.Unmarshal(data, &want) != nil {
			continue
		}
		if !pmFastWhole(data, &got) {
			continue // left to encoding/json
		}
		compared++
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(got)
		if string(g) != string(w) {
			t.Errorf("%s: the spans reader read\n%s\nencoding/json\n%s", f, g, w)
		}
	}
	if compared == 0 {
		t.Error("the spans reader read none of the Postman test data")
	}
}
