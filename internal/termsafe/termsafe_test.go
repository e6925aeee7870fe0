package termsafe

import (
	"fmt"
	"strings"
	"testing"
)

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

func TestWriterHoldsSplitRunesAndEndsTheLine(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b)
	in := []byte("caf\xc3\xa9 \x1b]0;x\x07 ok")
	for i := range in { // one byte a write: every rune split
		w.Write(in[i : i+1])
	}
	w.EndLine()
	if got, want := b.String(), "caf\u00e9 \\x1b]0;x\\x07 ok\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	b.Reset()
	w = NewWriter(&b)
	w.Write([]byte("end\n"))
	w.EndLine()
	if b.String() != "end\n" {
		t.Fatalf("a final newline was doubled: %q", b.String())
	}
}

// TestEveryBidiControlIsShown: each control that reorders a line on a
// terminal (embeddings, overrides, isolates, marks) is shown as \uNNNN,
// never kept; so are the C1 controls, NEL included.
func TestEveryBidiControlIsShown(t *testing.T) {
	var bidi []rune
	for r := rune(0x202a); r <= 0x202e; r++ {
		bidi = append(bidi, r)
	}
	for r := rune(0x2066); r <= 0x2069; r++ {
		bidi = append(bidi, r)
	}
	bidi = append(bidi, 0x200e, 0x200f, 0x061c)
	for _, r := range bidi {
		in := "a" + string(r) + "b"
		want := fmt.Sprintf(`a\u%04xb`, r)
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Line("nel\u0085 csi\u009b osc\u009d"); got != `nel\x85 csi\x9b osc\x9d` {
		t.Errorf("C1 controls: %q", got)
	}
}
