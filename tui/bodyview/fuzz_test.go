package bodyview

import (
	"testing"
	"unicode/utf8"
)

// FuzzView checks the two promises that matter for any bytes a server may
// send: the frame has the exact size, and nothing in it but our own SGR
// sequences can act on the terminal. Escape gets the same check.
func FuzzView(f *testing.F) {
	for _, s := range []string{
		"\x1b]0;title\x07\x1b[2J", "{\"a\":[1,\"\\u001b\"]}", "日本\te\u0301\u202e\xff\r\n",
		"\x00\x01binary\xfe", "<a href='x'><!-- c --></a>", "👨‍👩‍👧‍👦\u0301\ufe0f",
	} {
		f.Add([]byte(s), uint8(80), uint8(5), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, w, h uint8, wrap bool) {
		width, height := int(w%120), int(h%12)
		m := New()
		m.SetSize(width, height)
		m.SetBody(1, "", body)
		m.SetWrap(wrap)
		checkFrame(t, m.View(), width, height)
		for _, k := range []string{"down", "right", "G", "up"} {
			press(t, m, k)
			checkFrame(t, m.View(), width, height)
		}
		if len(body) > 0 {
			m.Search(string(body[:1]))
			checkFrame(t, m.View(), width, height)
		}

		esc := Escape(string(body))
		if !utf8.ValidString(esc) {
			t.Fatalf("Escape(%q) is not valid UTF-8", body)
		}
		for _, r := range esc {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isInvisible(r) {
				t.Fatalf("Escape(%q) kept %U", body, r)
			}
		}
	})
}
