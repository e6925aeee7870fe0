package exchange

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/sign"
)

func TestEscapeTarget(t *testing.T) {
	cases := []struct{ in, want string }{
		// Spaces and UTF-8 bytes are encoded; ñ is C3 B1, ú is C3 BA.
		{"/pets/Mr Whiskers/ñandú", "/pets/Mr%20Whiskers/%C3%B1and%C3%BA"},
		// Every reserved character stays as written.
		{"/a!'()*;:@&=+$,/b", "/a!'()*;:@&=+$,/b"},
		// Existing escapes stay, an encoded slash included, in either case.
		{"/a%2Fb/%e2%82%ac", "/a%2Fb/%e2%82%ac"},
		// A '%' that starts no escape becomes %25.
		{"/100%/x%zz/%4", "/100%25/x%25zz/%254"},
		// The characters RFC 3986 excludes from a request-target.
		{`/"<>\^` + "`{|}", "/%22%3C%3E%5C%5E%60%7B%7C%7D"},
		// Control bytes and DEL.
		{"/a\tb\x7f", "/a%09b%7F"},
		// Unreserved characters, '~' included, and '?' inside a query part.
		{"/A-z_0.9~", "/A-z_0.9~"},
	}
	for _, tc := range cases {
		if got := EscapeTarget(tc.in); got != tc.want {
			t.Errorf("EscapeTarget(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		in                           string
		scheme, host, path, rawQuery string
	}{
		{"https://abc.execute-api.us-east-1.amazonaws.com/prod/pets", "https", "abc.execute-api.us-east-1.amazonaws.com", "/prod/pets", ""},
		{"HTTP://127.0.0.1:4566", "http", "127.0.0.1:4566", "/", ""},
		{"http://h?x=1", "http", "h", "/", "x=1"},
		{"http://h/a b?q=a b&r=%2F#frag ment", "http", "h", "/a%20b", "q=a%20b&r=%2F"},
		{"http://[::1]:8080/x?", "http", "[::1]:8080", "/x", ""},
		{"https://h/p?a=1?b=2", "https", "h", "/p", "a=1?b=2"},
	}
	for _, tc := range cases {
		got, err := ParseURL(tc.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tc.in, err)
			continue
		}
		if got.Scheme != tc.scheme || got.Host != tc.host || got.Path != tc.path || got.RawQuery != tc.rawQuery {
			t.Errorf("ParseURL(%q) = %+v", tc.in, got)
		}
	}
	for _, bad := range []string{"ftp://h/x", "//h/x", "http:///x", "http://h:0/", "http://h:99999/", "http://h:/", "http://user:pw@h/", "http://ex ample.com/", "http://[::1/x", "http://ñ.com/"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("ParseURL(%q) error shows the password: %v", bad, err)
		}
	}
}

func TestBuildTargetQuery(t *testing.T) {
	q := []collections.KV{
		{Key: "q", Value: "café & crème"},
		{Key: "plus", Value: "a+b"},
		{Key: "type", Value: "dog"},
		{Key: "type", Value: "cat"},
		{Key: "empty", Value: ""},
		{Key: "tilde~", Value: "-._~/"},
	}
	// é is C3 A9, è is C3 A8; '+' is %2B and a space %20 (never '+').
	wantPairs := "q=caf%C3%A9%20%26%20cr%C3%A8me&plus=a%2Bb&type=dog&type=cat&empty=&tilde~=-._~%2F"
	cases := []struct{ url, want string }{
		{"http://h/p", wantPairs},
		{"http://h/p?", wantPairs},
		{"http://h/p?x=1", "x=1&" + wantPairs},
		{"http://h/p?x=1&", "x=1&" + wantPairs},
		{"http://h/p?a+b=c d", "a+b=c%20d&" + wantPairs}, // the URL's own query is kept as written
	}
	for _, tc := range cases {
		tg, err := BuildTarget(tc.url, q)
		if err != nil {
			t.Fatal(err)
		}
		if tg.RawQuery != tc.want {
			t.Errorf("BuildTarget(%q).RawQuery =\n  %q\nwant\n  %q", tc.url, tg.RawQuery, tc.want)
		}
	}
	tg, _ := BuildTarget("http://h/p?x=1", nil)
	if tg.RawQuery != "x=1" {
		t.Errorf("no pairs: %q", tg.RawQuery)
	}
}

func TestWireBytes(t *testing.T) {
	r := &sign.Request{Method: "POST", Scheme: "http", Host: "127.0.0.1:9", Path: "/a%2Fb", RawQuery: "x=%20",
		Headers: []sign.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Multi", Value: "1"}, {Name: "x-multi", Value: "2"}},
		Body:    []byte(`{"a":1}`)}
	got, err := WireBytes(r)
	if err != nil {
		t.Fatal(err)
	}
	want := "POST /a%2Fb?x=%20 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nContent-Type: application/json\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n{\"a\":1}"
	if string(got) != want {
		t.Errorf("WireBytes =\n%q\nwant\n%q", got, want)
	}
	bad := []*sign.Request{
		{Method: "GET", Host: "h", Path: "/a b"},
		{Method: "GET", Host: "h", Path: "x"},
		{Method: "G ET", Host: "h", Path: "/"},
		{Method: "GET", Host: "", Path: "/"},
		{Method: "GET", Host: "h", Path: "/", Headers: []sign.Header{{Name: "X", Value: "a\r\nInjected: 1"}}},
		{Method: "GET", Host: "h", Path: "/", Headers: []sign.Header{{Name: "Bad:Name", Value: "v"}}},
	}
	for _, b := range bad {
		if _, err := WireBytes(b); err == nil {
			t.Errorf("WireBytes(%+v) accepted", b)
		}
	}
}

// FuzzParseURL checks that any URL either is refused or yields a target
// that WireBytes accepts unchanged, and that escaping is idempotent (an
// escaped target is never escaped again, so signing and sending agree).
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"http://h/a b?q=ñ&x=%2F#f", "https://h:443/%zz/%", "http://[::1]:1/\x00", "http://h?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tg, err := ParseURL(raw)
		if err != nil {
			return
		}
		if again := EscapeTarget(tg.Path); again != tg.Path {
			t.Fatalf("path %q escaped again to %q", tg.Path, again)
		}
		if again := EscapeTarget(tg.RawQuery); again != tg.RawQuery {
			t.Fatalf("query %q escaped again to %q", tg.RawQuery, again)
		}
		r := &sign.Request{Method: "GET", Scheme: tg.Scheme, Host: tg.Host, Path: tg.Path, RawQuery: tg.RawQuery}
		if _, err := WireBytes(r); err != nil {
			t.Fatalf("ParseURL(%q) gave a target WireBytes refuses: %v", raw, err)
		}
	})
}
