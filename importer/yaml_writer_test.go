package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/collections"
)

// corpusRoots imports every source under testdata (as
// TestEveryTestdataImportLoads does) and returns the node tree YAML would
// write for each, by name.
func corpusRoots(t *testing.T) map[string]*yaml.Node {
	t.Helper()
	out := map[string]*yaml.Node{}
	formats, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		if !isCorpusFormat(f) {
			continue
		}
		entries, _ := os.ReadDir(filepath.Join("testdata", f.Name()))
		for _, e := range entries {
			name := e.Name()
			if strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".csv") || strings.HasPrefix(name, ".") || strings.Contains(name, ".golden") {
				continue
			}
			c, err := ImportPath(filepath.Join("testdata", f.Name(), name), "")
			if err != nil {
				continue // TestEveryTestdataImportLoads reports it
			}
			c.UniqueNames()
			root, err := c.node()
			if err != nil {
				t.Fatalf("%s/%s: %v", f.Name(), name, err)
			}
			c.scrubRoot(root)
			out[f.Name()+"/"+name] = root
		}
	}
	sample := sample()
	sample.UniqueNames()
	root, err := sample.node()
	if err != nil {
		t.Fatal(err)
	}
	out["sample"] = root
	return out
}

// TestWriterWritesWhatTheEncoderWrites: on every source of the corpus,
// the writer's text is yaml.v3's, byte for byte.
func TestWriterWritesWhatTheEncoderWrites(t *testing.T) {
	written := 0
	for name, root := range corpusRoots(t) {
		got, err := writeYAML(root)
		if errors.Is(err, errUnwritable) {
			t.Logf("%s: left to yaml.v3", name)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := encode(root)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		written++
		if d := firstDiff(got, want); d != "" {
			t.Errorf("%s: %s", name, d)
		}
		var back yaml.Node
		if err := yaml.Unmarshal(got, &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := samePositions(root, back.Content[0]); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
	if written == 0 {
		t.Fatal("the writer wrote none of the corpus")
	}
}

// oddStrings are values that plain YAML would read as something else, or
// that need quoting or escapes.
var oddStrings = []string{
	"", " ", "a: b", "a:b", "key:", "# not a comment", "a #b", "a#b", "- item", "-", "-x", "--- doc", "...",
	"{{var}}", "{{base_url}}/x", "[a]", "{a: 1}", "a, b", "*ref", "&anchor", "!tag", "|", ">", "%", "@x", "`x",
	"'single'", `"double"`, "it's", `back\slash`, "yes", "No", "on", "OFF", "y", "n", "true", "False", "null",
	"~", "Null", "10", "-1", "0x1F", "1e3", "1_000", ".5", "0o17", "3.14", ".inf", "-.Inf", ".nan", "2001-12-14",
	"naïve", "日本語", "emoji 😀", "\u00a0nbsp", "zero\u200bwidth", "bom\ufeff", "line\u2028sep", "nel\u0085x",
	"tab\there", "\ttab", "bell\a", "nul\x00", "esc\x1b[31m", "del\x7f", "cr\rlf", "crlf\r\n",
	"multi\nline", "multi\nline\n", "trailing \nspace", "\nleading break", "  leading spaces\nx", "a\n\nb",
	"ends\n\n", "x ", "?", "? x", ": x", "a\tb", "\"", "'",
}

// oddCollection puts s everywhere a string goes: names, descriptions,
// URLs, query, headers, environment values, comments, JSON bodies (keys
// and values), text and form bodies.
func oddCollection(s string) *Collection {
	c := &Collection{Name: "odd " + s, Description: s, Comments: []string{s}}
	env := c.Environment("e")
	env.Set("v", s)
	env.Set("v"+kitVarName(s), "x")
	js, _ := json.Marshal(map[string]any{"k": s, s: []any{s, 1, true, nil, map[string]any{}}})
	c.Items = []Item{
		{Request: &Request{Name: s, Description: s, Method: "POST", URL: "https://example.com/odd",
			Query:   []KV{{Key: s, Value: s}, {Key: "q", Value: s, Comment: s}, {Key: "r", Value: s}, {Key: "r", Value: s}},
			Headers: []KV{{Key: "X-Odd", Value: s}},
			Body:    &Body{Kind: BodyJSON, JSON: LiteralJSON(js)}}},
		{Folder: &Folder{Name: "f " + s, Description: s, Comments: []string{s}, Items: []Item{
			{Request: &Request{Name: "text", URL: "https://example.com/t", Body: &Body{Kind: BodyText, Text: s}}},
			{Request: &Request{Name: "form", URL: "https://example.com/f", Body: &Body{Kind: BodyForm, Form: []KV{{Key: s, Value: s}}}}},
		}}},
	}
	return c
}

// FuzzYAMLWriter: whatever strings a collection holds, the writer writes
// what yaml.v3's encoder writes, byte for byte, or leaves the document to
// the encoder; and what YAML returns, yaml.v3 and the collection loader
// read back to the same values.
func FuzzYAMLWriter(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := oddCollection(s)
		c.UniqueNames()
		root, err := c.node()
		if err != nil {
			t.Fatal(err)
		}
		c.scrubRoot(root)
		got, err := writeYAML(root)
		if errors.Is(err, errUnwritable) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		want, err := encode(root)
		if err != nil {
			t.Fatal(err)
		}
		if d := firstDiff(got, want); d != "" {
			t.Fatalf("%q: %s", s, d)
		}
		var back yaml.Node
		if err := yaml.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q: yaml.v3 cannot read what was written: %v\n%s", s, err, got)
		}
		if diff := sameTree(root, back.Content[0]); diff != "" {
			t.Fatalf("%q: read back differently: %s\n%s", s, diff, got)
		}
	})
}

// TestYAMLRoundTripsOddStrings: for each odd string, YAML writes a
// collection that the loader reads back with the string intact in the
// request's name, description, URL, headers and bodies.
func TestYAMLRoundTripsOddStrings(t *testing.T) {
	byWriter := 0
	for _, s := range oddStrings {
		c := oddCollection(s)
		c.UniqueNames()
		root, err := c.node()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := writeYAML(root); err == nil {
			byWriter++
		}
		data, err := oddCollection(s).YAML()
		if err != nil {
			if strings.ContainsAny(s, "\x00\x07\x1b\x7f\r") || strings.TrimSpace(s) == "" || strings.Contains(s, "{{") || !utf8.ValidString(s) {
				continue // the loader refuses it in a URL or a name, and says so
			}
			t.Errorf("%q: %v", s, err)
			continue
		}
		col, err := collections.LoadBytes("odd.yaml", data)
		if err != nil {
			t.Fatalf("%q: %v\n%s", s, err, data)
		}
		var back yaml.Node
		if err := yaml.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		c = oddCollection(s)
		c.UniqueNames()
		want, _ := c.node()
		c.scrubRoot(want)
		if diff := sameTree(want, back.Content[0]); diff != "" {
			t.Errorf("%q: %s\n%s", s, diff, data)
		}
		if refs := col.Requests(); len(refs) != 3 {
			t.Errorf("%q: %d requests read back", s, len(refs))
		}
	}
	if byWriter < len(oddStrings)/2 {
		t.Errorf("the writer wrote only %d of %d documents: the rest went to yaml.v3", byWriter, len(oddStrings))
	}
}

// sameTree compares two node trees by what a reader sees: kinds, resolved
// tags and values, in order; "" when they are the same.
func sameTree(a, b *yaml.Node) string {
	if a.Kind != b.Kind {
		return fmt.Sprintf("kind %v, read back %v (%q)", a.Kind, b.Kind, b.Value)
	}
	if a.Kind == yaml.ScalarNode {
		if a.Value != b.Value || a.ShortTag() != b.ShortTag() {
			return fmt.Sprintf("%s %q, read back %s %q", a.ShortTag(), a.Value, b.ShortTag(), b.Value)
		}
		return ""
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%d children, read back %d", len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// firstDiff names the first line where the writer's text differs from
// yaml.v3's; "" when they are the same.
func firstDiff(got, want []byte) string {
	if string(got) == string(want) {
		return ""
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			return fmt.Sprintf("line %d: the writer wrote %q, yaml.v3 writes %q", i+1, gl[i], wl[i])
		}
	}
	return fmt.Sprintf("the writer wrote %d lines, yaml.v3 %d", len(gl), len(wl))
}

// samePositions compares the line and column the writer gave each node
// with those yaml.v3's parser gives it reading the text; "" when all agree.
func samePositions(a, b *yaml.Node) string {
	if a.Line != b.Line || a.Column != b.Column {
		return fmt.Sprintf("%v %q at %d:%d, parsed at %d:%d", a.Kind, a.Value, a.Line, a.Column, b.Line, b.Column)
	}
	for i := range min(len(a.Content), len(b.Content)) {
		if d := samePositions(a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	return ""
}
