package rawhttp

import (
	"strings"
	"testing"
)

func TestDecodeChunked(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", ""},
		{"5;ext=1\nhello\n0\n", "hello", ""},
		{"3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n", "abc", ""},
		{"zz\r\nabc\r\n0\r\n\r\n", "", "not hexadecimal"},
		{"10\r\nabc\r\n0\r\n\r\n", "", "only"},
		{"3\r\nabcd\r\n0\r\n\r\n", "", "no line end"},
		{"3\r\nabc\r\n", "", "ends with a 0 chunk"},
	}
	for _, c := range cases {
		got, err := DecodeChunked([]byte(c.in))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one mentioning %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%q: %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestWarnings(t *testing.T) {
	r, err := Parse([]byte("POST / HTTP/1.1\nHost: h\nContent-Length: 10\nTransfer-Encoding: gzip, chunked\n\n3\nabc\n0\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Chunked() {
		t.Fatal("not chunked")
	}
	w := strings.Join(r.Warnings(), "\n")
	if !strings.Contains(w, "both Transfer-Encoding: chunked and Content-Length") || !strings.Contains(w, "payload hash covers the decoded body") {
		t.Fatalf("warnings:\n%s", w)
	}
	r, _ = Parse([]byte("POST / HTTP/1.1\nHost: h\nContent-Length: 10\n\nabc"))
	if w := strings.Join(r.Warnings(), "\n"); !strings.Contains(w, "Content-Length says 10 bytes but the body has 3") {
		t.Fatalf("warnings:\n%s", w)
	}
	r, _ = Parse([]byte("POST / HTTP/1.1\nHost: h\nContent-Length: 3\n\nabc"))
	if w := r.Warnings(); len(w) != 0 {
		t.Fatalf("warnings for a sound request: %v", w)
	}
}
