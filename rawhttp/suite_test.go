package rawhttp

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const suiteRoot = "../sign/testdata/sigv4-suite"

type suiteCase struct {
	name string // case directory name, e.g. "get-vanilla"
	dir  string
	raw  []byte // request.txt
}

// suiteCases walks one variant ("v4" or "v4a") of the AWS suite and returns
// every case that has a request.txt, sorted by name.
func suiteCases(tb testing.TB, variant string) []suiteCase {
	tb.Helper()
	root := filepath.Join(suiteRoot, variant)
	var cases []suiteCase
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() != "request.txt" {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		cases = append(cases, suiteCase{name: filepath.Base(dir), dir: dir, raw: raw})
		return nil
	})
	if err != nil {
		tb.Fatalf("walk %s: %v", root, err)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

// hasFold reports whether a raw request's head has a continuation line,
// judged from the file alone rather than from the parser.
func hasFold(raw []byte) bool {
	lines := strings.Split(string(raw), "\n")
	for _, l := range lines[1:] {
		l = strings.TrimSuffix(l, "\r")
		if l == "" {
			return false // end of head
		}
		if l[0] == ' ' || l[0] == '\t' {
			return true
		}
	}
	return false
}

// hasPaddedValue reports whether a header line in the head has whitespace
// around its value, which Parse trims and Display does not write back
// (get-header-value-trim is the one suite case).
func hasPaddedValue(raw []byte) bool {
	lines := strings.Split(string(raw), "\n")
	for _, l := range lines[1:] {
		l = strings.TrimSuffix(l, "\r")
		if l == "" {
			return false
		}
		_, v, _ := strings.Cut(l, ":")
		if v != strings.Trim(v, " \t") {
			return true
		}
	}
	return false
}

func mustParse(tb testing.TB, data []byte) *Request {
	tb.Helper()
	r, err := Parse(data)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", data, err)
	}
	return r
}

func TestSuiteV4ParsesAll(t *testing.T) {
	cases := suiteCases(t, "v4")
	if len(cases) != 38 {
		t.Fatalf("found %d v4 request.txt files under %s, want 38", len(cases), suiteRoot)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustParse(t, c.raw)
			// The case names start with the method; every case is HTTP/1.1
			// against example.amazonaws.com.
			wantMethod := strings.ToUpper(strings.SplitN(c.name, "-", 2)[0])
			if r.Method != wantMethod || r.Proto != "HTTP/1.1" || r.Host() != "example.amazonaws.com" {
				t.Errorf("got method %q proto %q host %q", r.Method, r.Proto, r.Host())
			}
			if !strings.HasPrefix(r.Target, "/") {
				t.Errorf("target %q is not origin-form", r.Target)
			}
			checkAgainstCanonical(t, c, r)
		})
	}
}

// checkAgainstCanonical compares the parsed request with the suite's own
// header-canonical-request.txt: the method line, an empty query line when the
// target has no '?', and each request header's canonical value, which the
// suite builds by joining the values of a name with ',' after collapsing
// runs of whitespace. That checks folding, duplicates and order without
// copying expectations from the parser.
func checkAgainstCanonical(t *testing.T, c suiteCase, r *Request) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, "header-canonical-request.txt"))
	if err != nil {
		t.Fatalf("read canonical request: %v", err)
	}
	lines := strings.Split(string(b), "\n")
	if lines[0] != r.Method {
		t.Errorf("canonical method %q, parsed %q", lines[0], r.Method)
	}
	if !r.HasQuery() && lines[2] != "" {
		t.Errorf("no '?' in target %q but canonical query is %q", r.Target, lines[2])
	}
	canon := map[string]string{}
	for _, l := range lines[3:] {
		if l == "" {
			break
		}
		name, value, _ := strings.Cut(l, ":")
		canon[name] = value
	}
	seen := map[string]bool{}
	for _, h := range r.Headers {
		name := strings.ToLower(h.Name)
		if seen[name] {
			continue
		}
		seen[name] = true
		var vs []string
		for _, v := range r.Values(h.Name) {
			vs = append(vs, strings.Join(strings.Fields(v), " "))
		}
		want, ok := canon[name]
		if !ok {
			t.Errorf("header %q is not among the canonical headers %v", name, canon)
			continue
		}
		if got := strings.Join(vs, ","); got != want {
			t.Errorf("header %q: collapsed values %q, canonical %q", name, got, want)
		}
	}
}

// TestSuiteV4Parts pins whole requests for the cases with quirks, written
// from reading the files (cat -A), not from the parser's output.
func TestSuiteV4Parts(t *testing.T) {
	host := Header{Name: "Host", Value: "example.amazonaws.com", Line: 2}
	get := func(target string, hs ...Header) *Request {
		return &Request{Method: "GET", Target: target, Proto: "HTTP/1.1", Headers: append([]Header{host}, hs...)}
	}
	tests := []struct {
		name              string
		want              *Request
		path, query       string
		hasQuery          bool
		declared, actual  int
		contentLenPresent bool
	}{
		{name: "get-vanilla", want: get("/"), path: "/"},
		{name: "get-header-key-duplicate", path: "/", want: get("/",
			Header{"My-Header1", "value2", 3}, Header{"My-Header1", "value2", 4}, Header{"My-Header1", "value1", 5})},
		{name: "get-header-value-order", path: "/", want: get("/",
			Header{"My-Header1", "value4", 3}, Header{"My-Header1", "value1", 4},
			Header{"My-Header1", "value3", 5}, Header{"My-Header1", "value2", 6})},
		// "value1" + fold (1 space) + "  value2" + fold (1 space) + "     value3".
		{name: "get-header-value-multiline", path: "/", want: get("/",
			Header{"My-Header1", "value1" + " " + "  value2" + " " + "     value3", 3})},
		{name: "get-header-value-trim", path: "/", want: get("/",
			Header{"My-Header1", "value1", 3}, Header{"My-Header2", `"a   b   c"`, 4})},
		{name: "get-space-unnormalized", path: "/example space/", want: get("/example space/")},
		{name: "get-utf8", path: "/\u1234", want: get("/\u1234")},
		{name: "get-slashes-normalized", path: "//example//", want: get("//example//")},
		{name: "get-unreserved", path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
			want: get("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")},
		{name: "get-vanilla-query-order-encoded", path: "/", hasQuery: true,
			query: "Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
			want:  get("/?Param-3=Value3&Param=Value2&%E1%88%B4=Value1")},
		{name: "get-vanilla-utf8-query", path: "/", hasQuery: true, query: "\u1234=bar", want: get("/?\u1234=bar")},
		{name: "post-vanilla-query", path: "/", hasQuery: true, query: "Param1=value1",
			want: &Request{Method: "POST", Target: "/?Param1=value1", Proto: "HTTP/1.1", Headers: []Header{host}}},
		{name: "post-x-www-form-urlencoded", path: "/", declared: 13, actual: 13, contentLenPresent: true,
			want: &Request{Method: "POST", Target: "/", Proto: "HTTP/1.1", Headers: []Header{
				{"Content-Type", "application/x-www-form-urlencoded", 2},
				{"Host", "example.amazonaws.com", 3},
				{"Content-Length", "13", 4},
			}, Body: []byte("Param1=value1")}},
		{name: "post-x-www-form-urlencoded-parameters", path: "/", declared: 13, actual: 13, contentLenPresent: true,
			want: &Request{Method: "POST", Target: "/", Proto: "HTTP/1.1", Headers: []Header{
				{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8", 2},
				{"Host", "example.amazonaws.com", 3},
				{"Content-Length", "13", 4},
			}, Body: []byte("Param1=value1")}},
	}
	byName := map[string]suiteCase{}
	for _, c := range suiteCases(t, "v4") {
		byName[c.name] = c
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := byName[tt.name]
			if !ok {
				t.Fatalf("case %s not in the suite", tt.name)
			}
			r := mustParse(t, c.raw)
			if !reflect.DeepEqual(r, tt.want) {
				t.Errorf("Parse:\n got %#v\nwant %#v", r, tt.want)
			}
			if r.Path() != tt.path || r.RawQuery() != tt.query || r.HasQuery() != tt.hasQuery {
				t.Errorf("Path %q RawQuery %q HasQuery %v; want %q %q %v",
					r.Path(), r.RawQuery(), r.HasQuery(), tt.path, tt.query, tt.hasQuery)
			}
			wantDeclared := int64(-1)
			if tt.contentLenPresent {
				wantDeclared = int64(tt.declared)
			}
			d, a, m := r.ContentLengthMismatch()
			if d != wantDeclared || a != tt.actual || m {
				t.Errorf("ContentLengthMismatch = %d, %d, %v; want %d, %d, false", d, a, m, wantDeclared, tt.actual)
			}
		})
	}
}

func TestSuiteV4aParsesAll(t *testing.T) {
	cases := suiteCases(t, "v4a")
	if len(cases) != 40 {
		t.Fatalf("found %d v4a request.txt files, want 40", len(cases))
	}
	for _, c := range cases {
		r := mustParse(t, c.raw)
		if r.Host() != "example.amazonaws.com" {
			t.Errorf("%s: host %q", c.name, r.Host())
		}
	}
}

// TestSuiteDisplay: Display reproduces request.txt (modulo the final
// newline and the blank line Display always writes) and reproduces the
// suite's *-signed-request.txt files byte for byte, for requests without
// folds (Display writes a folded value on one line) and without padded
// values (Display writes the trimmed value right after the colon).
func TestSuiteDisplay(t *testing.T) {
	compared := 0
	for _, c := range suiteCases(t, "v4") {
		if hasFold(c.raw) || hasPaddedValue(c.raw) {
			continue
		}
		got := mustParse(t, c.raw).Display()
		if strings.TrimRight(got, "\n") != strings.TrimRight(string(c.raw), "\n") {
			t.Errorf("%s: Display\n%q\nfile\n%q", c.name, got, c.raw)
		}
		for _, f := range []string{"header-signed-request.txt", "query-signed-request.txt"} {
			want, err := os.ReadFile(filepath.Join(c.dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if got := mustParse(t, want).Display(); got != string(want) {
				t.Errorf("%s/%s: Display\n%q\nfile\n%q", c.name, f, got, want)
			}
			compared++
		}
	}
	if compared != 2*36 {
		t.Errorf("compared %d signed-request files, want 72 (36 cases without folds or padding)", compared)
	}
}

// TestSuiteWireRoundTrip: Parse(Wire()) gives the same request; with folds
// only the line numbers change, since Wire writes each header on one line.
func TestSuiteWireRoundTrip(t *testing.T) {
	for _, c := range suiteCases(t, "v4") {
		r := mustParse(t, c.raw)
		back := mustParse(t, r.Wire())
		if !hasFold(c.raw) {
			if !reflect.DeepEqual(back, r) {
				t.Errorf("%s: round trip\n got %#v\nwant %#v", c.name, back, r)
			}
			continue
		}
		want := r.Clone()
		for i := range want.Headers {
			want.Headers[i].Line = i + 2
		}
		if !reflect.DeepEqual(back, want) {
			t.Errorf("%s: folded round trip\n got %#v\nwant %#v", c.name, back, want)
		}
	}
}

func TestSuiteWireBytes(t *testing.T) {
	tests := map[string]string{
		"get-vanilla": "GET / HTTP/1.1\r\nHost: example.amazonaws.com\r\n\r\n",
		"get-header-value-multiline": "GET / HTTP/1.1\r\nHost: example.amazonaws.com\r\n" +
			"My-Header1: value1   value2      value3\r\n\r\n",
		"post-x-www-form-urlencoded": "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Host: example.amazonaws.com\r\nContent-Length: 13\r\n\r\nParam1=value1",
		"get-space-normalized": "GET /example space/ HTTP/1.1\r\nHost: example.amazonaws.com\r\n\r\n",
	}
	found := 0
	for _, c := range suiteCases(t, "v4") {
		want, ok := tests[c.name]
		if !ok {
			continue
		}
		found++
		if got := mustParse(t, c.raw).Wire(); !bytes.Equal(got, []byte(want)) {
			t.Errorf("%s: Wire\n%q\nwant\n%q", c.name, got, want)
		}
	}
	if found != len(tests) {
		t.Errorf("found %d of %d cases", found, len(tests))
	}
}
