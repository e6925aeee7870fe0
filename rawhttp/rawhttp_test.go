package rawhttp

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	const ok = "GET / HTTP/1.1\n"
	tests := []struct {
		in        string
		line, col int
		msg       string
	}{
		{"", 1, 1, "empty input"},
		{"\nHost: x\n", 1, 1, "empty request line"},
		{"\r\n", 1, 1, "empty request line"},
		{" GET / HTTP/1.1", 1, 1, "starts with a space"},
		{"GET", 1, 4, "no target or protocol"},
		{"GET /", 1, 6, "missing protocol"},
		{"GET HTTP/1.1", 1, 5, "missing request target"},
		{"GET  HTTP/1.1", 1, 5, "missing request target"},
		{"GET / ", 1, 7, "missing protocol"},
		{"GET / HTTP/2", 1, 7, `unsupported protocol "HTTP/2"`},
		{"GET / http/1.1", 1, 7, `unsupported protocol "http/1.1"`},
		{"GET / HTTP/1.1x\n", 1, 7, "unsupported protocol"},
		{"G(T / HTTP/1.1", 1, 2, `character '(' in the method`},
		{"GET\t/\tHTTP/1.1", 1, 4, "tab in the method"},
		{"GET /a\x01b HTTP/1.1", 1, 7, "control character 0x01 in the request target"},
		// Columns count characters: "GET /ሴ" is six of them.
		{"GET /\u1234\x7f HTTP/1.1", 1, 7, "control character 0x7F in the request target"},
		{"GET /a\rb HTTP/1.1\n", 1, 7, "control character 0x0D"},
		{"GET /\x00 HTTP/1.1", 1, 6, "NUL byte"},
		{"\x00", 1, 1, "NUL byte"},
		{ok + "Host example.com\n", 2, 1, "no colon"},
		{ok + ": x\n", 2, 1, "empty header name"},
		{ok + "Host : x\n", 2, 5, `whitespace between header name "Host" and the colon`},
		{ok + "Host\t: x\n", 2, 5, "whitespace between header name"},
		{ok + "Ho st: x\n", 2, 3, `space in header name "Ho st"`},
		{ok + "H\u00f6st: x\n", 2, 2, `non-ASCII character 'ö' in header name`},
		{ok + "Host: a\x01b\n", 2, 8, "control character 0x01 in the header value"},
		{ok + "Host: a\rb\n", 2, 8, "control character 0x0D in the header value"},
		{ok + "X: \u1234\x7f\n", 2, 5, "control character 0x7F"},
		{ok + "Host: a\x00b\n", 2, 8, "NUL byte in the request head"},
		{ok + "  folded\n", 2, 1, "no header comes before it"},
		{ok + "\tfolded\n", 2, 1, "no header comes before it"},
		{ok + "A: b\n  c\x02\n", 3, 4, "control character 0x02 in the header value"},
		{ok + "A: b\n  c\x00\n", 3, 4, "NUL byte"},
		{"GET / HTTP/1.1\r\nA: b\r\nC d\r\n\r\nbody", 3, 1, "no colon"},
		// A CR is only a line end right before LF: doubled, one is left over.
		{ok + "A: b\r\r\n", 2, 5, "control character 0x0D"},
		// Without a blank line a would-be body is read as a header line.
		{ok + "Host: x\n{\"a\":1}", 3, 1, "character '{' in header name"},
	}
	for _, tt := range tests {
		r, err := Parse([]byte(tt.in))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %+v, %v; want *Error", tt.in, r, err)
			continue
		}
		if r != nil {
			t.Errorf("Parse(%q) returned a request with an error", tt.in)
		}
		if pe.Line != tt.line || pe.Col != tt.col || !strings.Contains(pe.Msg, tt.msg) {
			t.Errorf("Parse(%q) error %q; want line %d, col %d containing %q", tt.in, err, tt.line, tt.col, tt.msg)
		}
	}
}

func TestErrorString(t *testing.T) {
	_, err := Parse([]byte("GET / HTTP/1.1\nHost : x\n"))
	want := `line 2, col 5: whitespace between header name "Host" and the colon; RFC 7230 §3.2.4 forbids it, remove it`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestLineEndings(t *testing.T) {
	want := &Request{Method: "POST", Target: "/p?a=b", Proto: "HTTP/1.0", Headers: []Header{
		{"Content-Type", "text/plain", 2},
		{"Content-Length", "12", 3},
	}, Body: []byte("hello\r\nworld")}
	for _, in := range []string{
		"POST /p?a=b HTTP/1.0\nContent-Type:text/plain\nContent-Length:12\n\nhello\r\nworld",
		"POST /p?a=b HTTP/1.0\r\nContent-Type:text/plain\r\nContent-Length:12\r\n\r\nhello\r\nworld",
		"POST /p?a=b HTTP/1.0\r\nContent-Type: text/plain\nContent-Length:\t12 \r\n\nhello\r\nworld",
	} {
		if r := mustParse(t, []byte(in)); !reflect.DeepEqual(r, want) {
			t.Errorf("Parse(%q)\n got %#v\nwant %#v", in, r, want)
		}
	}

	bare := &Request{Method: "GET", Target: "/", Proto: "HTTP/1.1"}
	for _, in := range []string{"GET / HTTP/1.1", "GET / HTTP/1.1\n", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r",
		"GET / HTTP/1.1\n\n", "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\n\r"} {
		if r := mustParse(t, []byte(in)); !reflect.DeepEqual(r, bare) {
			t.Errorf("Parse(%q) = %#v; want %#v", in, r, bare)
		}
	}

	// Only the first blank line ends the head; the rest, NUL bytes too, is body.
	r := mustParse(t, []byte("GET / HTTP/1.1\nHost:h\n\n\nX-Not: a header\n\x00"))
	if string(r.Body) != "\nX-Not: a header\n\x00" || len(r.Headers) != 1 {
		t.Errorf("got headers %v body %q", r.Headers, r.Body)
	}
}

func TestFolds(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A:value1\n  value2\n     value3", "value1   value2      value3"},
		{"A: v1 \n\tv2 \n", "v1  \tv2"}, // v1, its own trailing space, the fold's space, the tab
		{"A:\n x\n", "x"},
		{"A: x\n \n", "x"},
		{"A: a\r\n b\r\n", "a  b"},
		{"A: a\n\t\tb\n", "a \t\tb"},
	}
	for _, tt := range tests {
		r := mustParse(t, []byte("GET / HTTP/1.1\n"+tt.in))
		want := []Header{{"A", tt.want, 2}}
		if !reflect.DeepEqual(r.Headers, want) {
			t.Errorf("%q: headers %#v; want %#v", tt.in, r.Headers, want)
		}
	}
	// A fold continues the header just before it, duplicates included, and
	// the next header keeps its own line number.
	r := mustParse(t, []byte("GET / HTTP/1.1\nA: 1\nA: 2\n  3\nB: 4\n"))
	want := []Header{{"A", "1", 2}, {"A", "2   3", 3}, {"B", "4", 5}}
	if !reflect.DeepEqual(r.Headers, want) {
		t.Errorf("headers %#v; want %#v", r.Headers, want)
	}
}

func TestTargetParts(t *testing.T) {
	tests := []struct {
		target, path, query string
		hasQuery            bool
		host                string // Host() without a Host header
	}{
		{"/", "/", "", false, ""},
		{"/?", "/", "", true, ""},
		{"/a?b=c&d", "/a", "b=c&d", true, ""},
		{"/a?b#c?d", "/a", "b", true, ""},
		{"/a#b?c", "/a", "", false, ""},
		{"/example space/?k=v w", "/example space/", "k=v w", true, ""},
		{"http://h:8080/p/q?x=1#f", "/p/q", "x=1", true, "h:8080"},
		{"http://h:8080", "/", "", false, "h:8080"},
		{"https://h?x", "/", "x", true, "h"},
		{"HTTPS://user:pw@h.example:443/", "/", "", false, "h.example:443"},
		{"http://[::1]:9000/a", "/a", "", false, "[::1]:9000"},
		{"*", "*", "", false, ""},
		{"example.com:443", "example.com:443", "", false, ""},
		{"1http://h/p", "1http://h/p", "", false, ""},
	}
	for _, tt := range tests {
		r := mustParse(t, []byte("GET "+tt.target+" HTTP/1.1"))
		if r.Target != tt.target {
			t.Fatalf("target %q parsed as %q", tt.target, r.Target)
		}
		if r.Path() != tt.path || r.RawQuery() != tt.query || r.HasQuery() != tt.hasQuery || r.Host() != tt.host {
			t.Errorf("%q: Path %q RawQuery %q HasQuery %v Host %q; want %q %q %v %q", tt.target,
				r.Path(), r.RawQuery(), r.HasQuery(), r.Host(), tt.path, tt.query, tt.hasQuery, tt.host)
		}
	}
	// A Host header wins over the target's authority, even when empty.
	r := mustParse(t, []byte("GET http://a.example/ HTTP/1.1\nHost: b.example\nHost: c.example"))
	if r.Host() != "b.example" {
		t.Errorf("Host() = %q; want the first Host header", r.Host())
	}
	r = mustParse(t, []byte("GET http://a.example/ HTTP/1.1\nHost:"))
	if r.Host() != "" {
		t.Errorf("Host() = %q; want the empty Host header's value", r.Host())
	}
}

func TestGetValues(t *testing.T) {
	r := mustParse(t, []byte("GET / HTTP/1.1\nx-amz-date:1\nX-Amz-Date: 2\nHost:h\nX-AMZ-DATE:3"))
	if v, ok := r.Get("X-Amz-Date"); v != "1" || !ok {
		t.Errorf("Get = %q, %v; want the first value", v, ok)
	}
	if got := r.Values("x-amz-DATE"); !reflect.DeepEqual(got, []string{"1", "2", "3"}) {
		t.Errorf("Values = %q", got)
	}
	if v, ok := r.Get("X-Amz-Dat"); v != "" || ok {
		t.Errorf("Get(missing) = %q, %v", v, ok)
	}
	if got := r.Values("Missing"); got != nil {
		t.Errorf("Values(missing) = %q; want nil", got)
	}
	// Unicode case folding would match KELVIN SIGN with 'k'; header names are ASCII.
	r = mustParse(t, []byte("GET / HTTP/1.1\nk:1"))
	if _, ok := r.Get("\u212a"); ok {
		t.Error("Get matched a non-ASCII name")
	}
}

func TestContentLengthMismatch(t *testing.T) {
	tests := []struct {
		headers  string
		body     string
		declared int64
		mismatch bool
	}{
		{"", "abc", -1, false},
		{"Content-Length: 3\n", "abc", 3, false},
		{"content-length:0\n", "", 0, false},
		{"Content-Length: 13\n", "Param1=value", 13, true},
		{"Content-Length: 2\n", "abc", 2, true},
		{"Content-Length: 5\n", "", 5, true},
		{"Content-Length: abc\n", "abc", -1, true},
		{"Content-Length: +3\n", "abc", -1, true},
		{"Content-Length: 3, 3\n", "abc", -1, true},
		{"Content-Length:\n", "", -1, true},
		{"Content-Length: 99999999999999999999\n", "abc", -1, true},
		{"Content-Length: 3\nContent-Length: 4\n", "abc", 3, true},
		{"Content-Length: 3\nContent-Length: 3\n", "abc", 3, false},
	}
	for _, tt := range tests {
		in := "POST / HTTP/1.1\n" + tt.headers + "\n" + tt.body
		d, a, m := mustParse(t, []byte(in)).ContentLengthMismatch()
		if d != tt.declared || a != len(tt.body) || m != tt.mismatch {
			t.Errorf("%q: got %d, %d, %v; want %d, %d, %v", in, d, a, m, tt.declared, len(tt.body), tt.mismatch)
		}
	}
}

func TestClone(t *testing.T) {
	r := mustParse(t, []byte("POST / HTTP/1.1\nA: 1\n\nbody"))
	c := r.Clone()
	if !reflect.DeepEqual(c, r) {
		t.Fatalf("clone differs: %#v", c)
	}
	c.Headers[0].Value = "changed"
	c.Headers = append(c.Headers, Header{Name: "B"})
	c.Body[0] = 'X'
	if r.Headers[0].Value != "1" || len(r.Headers) != 1 || string(r.Body) != "body" {
		t.Errorf("changing the clone changed the original: %#v", r)
	}
	if (*Request)(nil).Clone() != nil {
		t.Error("nil.Clone() != nil")
	}
	bare := mustParse(t, []byte("GET / HTTP/1.1")).Clone()
	if bare.Headers != nil || bare.Body != nil {
		t.Errorf("clone turned nil into empty: %#v", bare)
	}
}

func TestWireAndDisplay(t *testing.T) {
	r := &Request{Method: "PUT", Target: "/a b?c=d", Proto: "HTTP/1.1", Headers: []Header{
		{Name: "Host", Value: "h"}, {Name: "X-Empty"}, {Name: "X-Tab", Value: "a\tb"},
	}, Body: []byte("{}")}
	if got, want := string(r.Wire()), "PUT /a b?c=d HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Tab: a\tb\r\n\r\n{}"; got != want {
		t.Errorf("Wire\n%q\nwant\n%q", got, want)
	}
	if got, want := r.Display(), "PUT /a b?c=d HTTP/1.1\nHost:h\nX-Empty:\nX-Tab:a\tb\n\n{}"; got != want {
		t.Errorf("Display\n%q\nwant\n%q", got, want)
	}
	for _, b := range [][]byte{r.Wire(), []byte(r.Display())} {
		back := mustParse(t, b)
		for i := range back.Headers {
			back.Headers[i].Line = 0
		}
		if !reflect.DeepEqual(back, r) {
			t.Errorf("Parse(%q) = %#v; want %#v", b, back, r)
		}
	}
}

func TestValidate(t *testing.T) {
	good := func() *Request {
		return &Request{Method: "GET", Target: "/", Proto: "HTTP/1.1", Headers: []Header{{Name: "Host", Value: "h"}}}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("Validate(good) = %v", err)
	}
	tests := []struct {
		name      string
		edit      func(r *Request)
		line, col int
		msg       string
	}{
		{"empty method", func(r *Request) { r.Method = "" }, 1, 1, "empty method"},
		{"space in method", func(r *Request) { r.Method = "GE T" }, 1, 3, "space in the method"},
		{"empty target", func(r *Request) { r.Target = "" }, 1, 5, "empty request target"},
		{"LF in target", func(r *Request) { r.Target = "/a\nb" }, 1, 7, "control character 0x0A"},
		{"proto", func(r *Request) { r.Proto = "HTTP/2" }, 1, 7, "unsupported protocol"},
		{"header injection", func(r *Request) { r.Headers[0].Value = "h\r\nX-Injected: 1" }, 2, 8, "control character 0x0D"},
		{"empty name", func(r *Request) { r.Headers[0].Name = "" }, 2, 1, "empty header name"},
		{"colon in name", func(r *Request) { r.Headers[0].Name = "A:B" }, 2, 2, "character ':' in header name"},
		{"space before colon", func(r *Request) { r.Headers[0].Name = "Host " }, 2, 5, "whitespace between"},
		{"padded value", func(r *Request) { r.Headers[0].Value = " h" }, 2, 7, "leading or trailing whitespace"},
	}
	for _, tt := range tests {
		r := good()
		tt.edit(r)
		err := r.Validate()
		var pe *Error
		if !errors.As(err, &pe) || pe.Line != tt.line || pe.Col != tt.col || !strings.Contains(pe.Msg, tt.msg) {
			t.Errorf("%s: Validate() = %v; want line %d, col %d containing %q", tt.name, err, tt.line, tt.col, tt.msg)
		}
	}
}
