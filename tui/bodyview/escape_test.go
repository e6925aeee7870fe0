package bodyview

import "testing"

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"\x1b]52;c;ZXZpbA==\x1b\\", `\x1b]52;c;ZXZpbA==\x1b\`},
		{"a\rb", `a\rb`},
		{"a\nb", `a\x0ab`},
		{"nul\x00", `nul\x00`},
		{"del\x7f", `del\x7f`},
		{"csi\u009b2J osc\u009d0;x\u009c", `csi\x9b2J osc\x9d0;x\x9c`},
		{"bad\xff\xfe utf8\xc3", `bad\xff\xfe utf8\xc3`},
		{"a\tb", "a   b"},
		{"abcd\te", "abcd    e"},
		{"日本語 🐶 é", "日本語 🐶 é"},
		{"user\u202egnp.exe", `user\u202egnp.exe`},
		{"\ufeffbom", `\ufeffbom`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEscapeLeavesSafeStringsAlone(t *testing.T) {
	s := "application/json; charset=utf-8"
	if got := Escape(s); got != s {
		t.Fatalf("Escape(%q) = %q", s, got)
	}
}
