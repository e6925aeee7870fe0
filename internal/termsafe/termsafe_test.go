package termsafe

import "testing"

func TestEscapes(t *testing.T) {
	cases := []struct{ in, line, text string }{
		{"plain", "plain", "plain"},
		{"a\x1b]0;title\x07b", `a\x1b]0;title\x07b`, `a\x1b]0;title\x07b`},
		{"\x1b[2Jx", `\x1b[2Jx`, `\x1b[2Jx`},
		{"a\nb\r\n", `a\x0ab\x0d\x0a`, "a\nb\\x0d\n"},
		{"c1 \u009b31m", `c1 \x9b31m`, `c1 \x9b31m`},
		{"bad \xff byte", `bad \xff byte`, `bad \xff byte`},
		{"bidi \u202eevil", `bidi \u202eevil`, `bidi \u202eevil`},
		{"ünïcode ok", "ünïcode ok", "ünïcode ok"},
	}
	for _, c := range cases {
		if got := Line(c.in); got != c.line {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.line)
		}
		if got := Text(c.in); got != c.text {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.text)
		}
	}
}
