package importer

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// jsonSeeds are JSON documents with the shapes the fast reader must read
// as the slower readers do: escapes, numbers of every form, nesting,
// empty collections, unicode.
var jsonSeeds = []string{
	`{}`, `[]`, `{"a":1}`, `[1,-2,3.5,-0.25,1e3,1E-2,0,10.50]`, `{"s":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00"}`,
	`{"nested":{"x":[{"y":[]},{}],"z":null},"t":true,"f":false}`, "  {\n\t\"a\" : [ 1 , 2 ] }\n",
	`{"yes":"no","on":"null","{{x}}":"a: b","#":"- x"}`, `"just a string"`, `42`, `{"a":1,"a":2}`,
	`{"a":}`, `[1,]`, `{"a" 1}`, `01`, `1.`, `-`, `"\x"`, "\"tab\there\"", `{"a":1}x`, "\xff",
}

// TestJSONTreeReadsAsYAMLDoes: for JSON documents (the corpus' JSON
// sources and the seeds), the fast reader gives the tree yaml.v3 parses,
// or declines (errJSONShape) what is not JSON.
func TestJSONTreeReadsAsYAMLDoes(t *testing.T) {
	docs := map[string][]byte{}
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = data
	}
	for i, s := range jsonSeeds {
		docs["seed "+string(rune('a'+i))] = []byte(s)
	}
	read := 0
	for name, data := range docs {
		got, err := readJSONTree(data, quotedStr, true)
		if err != nil {
			if json.Valid(data) && !bytes.Contains(data, []byte(`\u`)) {
				t.Errorf("%s: valid JSON declined: %v", name, err)
			}
			continue
		}
		read++
		var want yaml.Node
		if err := yaml.Unmarshal(data, &want); err != nil {
			// yaml.v3 refuses some valid JSON (the escape \/): the fast
			// reader reads it as encoding/json does.
			if !json.Valid(data) {
				t.Errorf("%s: invalid JSON read: %v", name, err)
			}
			continue
		}
		if d := sameTree(got, want.Content[0]); d != "" {
			t.Errorf("%s: %s", name, d)
		}
		// The reader for documents that are only read shares key nodes:
		// the same tree to read.
		shared, err := readJSONTreeShared(data, quotedStr)
		if err != nil {
			t.Fatalf("%s: the shared reader declined what the other read: %v", name, err)
		}
		if d := sameTree(shared, want.Content[0]); d != "" {
			t.Errorf("%s: shared keys: %s", name, d)
		}
	}
	if read < len(files) {
		t.Errorf("read %d of %d documents", read, len(docs))
	}
}

// FuzzJSONNode: a JSON body becomes the same node tree by the fast reader
// as by encoding/json's tokens.
func FuzzJSONNode(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, err := readJSONTree([]byte(s), yStrInto, false)
		if err != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		slow, err := jsonValue(dec, 0)
		if err != nil {
			t.Fatalf("%q: the fast reader took it, encoding/json says %v", s, err)
		}
		if d := sameTree(fast, slow); d != "" {
			t.Fatalf("%q: %s", s, d)
		}
		if fast.Style != slow.Style {
			t.Fatalf("%q: style %v, encoding/json's %v", s, fast.Style, slow.Style)
		}
	})
}

// A key met escaped and then raw with the control character it escaped is
// not JSON, and the shared reader declines it as the other does.
func TestJSONTreeSharedDeclinesRawControlKey(t *testing.T) {
	doc := []byte("{\"a\\n\": 1, \"b\": {\"a\n\": 2}}")
	if _, err := readJSONTree(doc, quotedStr, true); err == nil {
		t.Fatal("the reader took a raw line break in a key")
	}
	if _, err := readJSONTreeShared(doc, quotedStr); err == nil {
		t.Error("the shared reader took a raw line break in a key it had met escaped")
	}
}
