package bodyview

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestViewIsExactlyTheSize(t *testing.T) {
	bin := make([]byte, 1000)
	for i := range bin {
		bin[i] = byte(i)
	}
	bodies := []struct{ name, contentType, body string }{
		{"json", "application/json", `{"name":"名前","pet":"🐶","tags":["a","b"],"n":-1.5e3,"ok":true,"long":"` + strings.Repeat("lorem ", 60) + `"}`},
		{"wide", "text/plain", strings.Repeat("日本語テキスト", 30) + "\nx日\n"},
		{"controls", "text/plain", "\x1b]0;title\x07 \x1b[2J \t tab \r\n\u009b \xff\xfe \u202e rtl \u0301 lone \x7f del\rcr"},
		{"tabs", "text/plain", "a\tbb\tccc\tdddd\te\n\t\t\tx"},
		{"graphemes", "text/plain", "👨‍👩‍👧‍👦 family 🏳️‍🌈 flag e\u0301 é ﬁ 한국어"},
		{"hugeLine", "text/plain", strings.Repeat("abcdéfgh", 25000)},
		{"xml", "application/xml", `<?xml version="1.0"?><a href="x"><!-- c --><b>t&amp;</b></a>`},
		{"binary", "application/octet-stream", string(bin)},
		{"empty", "application/json", ""},
	}
	for _, b := range bodies {
		for _, w := range []int{79, 80, 81, 20, 1} {
			for _, h := range []int{1, 7, 24} {
				for _, wrap := range []bool{false, true} {
					name := fmt.Sprintf("%s/%dx%d/wrap=%v", b.name, w, h, wrap)
					t.Run(name, func(t *testing.T) {
						m := newView(w, h, b.contentType, b.body)
						m.SetWrap(wrap)
						checkFrame(t, m.View(), w, h)
						for _, k := range []string{"down", "right", "right", "pgdown", "G", "left", "up"} {
							press(t, m, k)
							checkFrame(t, m.View(), w, h)
						}
					})
				}
			}
		}
	}
}

func TestZeroSize(t *testing.T) {
	m := newView(0, 0, "text/plain", "hello")
	checkFrame(t, m.View(), 0, 0)
	m.SetSize(0, 3)
	checkFrame(t, m.View(), 0, 3)
	m.SetSize(10, 2)
	wantRows(t, m, "hello", "")
}

func TestNoBodyIsBlank(t *testing.T) {
	m := New()
	m.SetSize(12, 3)
	wantRows(t, m, "", "", "")
	if m.Lines() != 0 {
		t.Fatalf("Lines = %d", m.Lines())
	}
}

func TestControlSequencesAreShownEscaped(t *testing.T) {
	// The third line keeps the share of odd bytes low enough for text.
	m := newView(80, 4, "text/plain", "a\x1b]0;title\x07b\x1b[2Jc\u009b31md\ne\rf\x00\xff\n"+strings.Repeat("text ", 20))
	view := m.View()
	for _, raw := range []string{"\x1b]", "\x1b[2J", "\x07", "\u009b", "\r", "\x00", "\xff"} {
		if strings.Contains(view, raw) {
			t.Fatalf("view contains raw %q: %q", raw, view)
		}
	}
	wantRows(t, m, `a\x1b]0;title\x07b\x1b[2Jc\x9b31md`, `e\rf\x00\xff`)
}

func TestCRLFIsALineEnd(t *testing.T) {
	m := newView(10, 3, "text/plain", "a\r\nb\r\n")
	if m.Lines() != 2 {
		t.Fatalf("Lines = %d, want 2", m.Lines())
	}
	wantRows(t, m, "a", "b", "")
}

func TestLongLinesAreCutWithAnEllipsis(t *testing.T) {
	m := newView(10, 1, "text/plain", "0123456789abcdefghij")
	wantRows(t, m, "012345678…")

	// A wide rune that does not fit whole is blanked, never split.
	m = newView(6, 1, "text/plain", "日本語日本語")
	wantRows(t, m, "日本 …")

	// A line that fits exactly has no ellipsis.
	m = newView(10, 1, "text/plain", "0123456789")
	wantRows(t, m, "0123456789")
}

func TestTabsExpandToMultiplesOfFour(t *testing.T) {
	m := newView(20, 3, "text/plain", "a\tb\nabcd\te\n\x1b\tx")
	wantRows(t, m, "a   b", "abcd    e", `\x1b    x`)
}

func TestHorizontalScroll(t *testing.T) {
	m := newView(10, 2, "text/plain", "0123456789abcdefghij\nshort")
	// Scrolled sideways, ‹ in the first cell says so, as in the Request
	// pane (the short line too: all of it is to the left).
	press(t, m, "right")
	wantRows(t, m, "‹89abcdef…", "‹")
	press(t, m, "right")
	wantRows(t, m, "‹ghij", "‹")
	press(t, m, "right") // nothing more to the right
	wantRows(t, m, "‹ghij", "‹")
	press(t, m, "left", "left", "left")
	wantRows(t, m, "012345678…", "short")
}

func TestWrap(t *testing.T) {
	m := newView(10, 5, "text/plain", strings.Repeat("x", 25)+"\nend")
	press(t, m, "w")
	if !m.Wrap() {
		t.Fatal("w did not turn wrapping on")
	}
	wantRows(t, m, "xxxxxxxxxx", "xxxxxxxxxx", "xxxxx", "end", "")

	// Scrolling moves by rows; the top line stays until its rows are gone.
	m.SetSize(10, 2)
	press(t, m, "down")
	wantRows(t, m, "xxxxxxxxxx", "xxxxx")
	if m.Top() != 0 {
		t.Fatalf("Top = %d, want 0", m.Top())
	}
	press(t, m, "G")
	wantRows(t, m, "xxxxx", "end")
	press(t, m, "down")
	wantRows(t, m, "xxxxx", "end")
	press(t, m, "up", "up")
	wantRows(t, m, "xxxxxxxxxx", "xxxxxxxxxx")

	press(t, m, "w")
	if m.Wrap() {
		t.Fatal("w did not turn wrapping off")
	}
	wantRows(t, m, "xxxxxxxxx…", "end")
}

func TestWrapKeepsWideRunesAndEscapesWhole(t *testing.T) {
	m := newView(5, 4, "text/plain", "日日日日日日\nabcdefgh\x1bz")
	m.SetWrap(true)
	wantRows(t, m, "日日", "日日", "日日", "abcde")
	m.SetSize(10, 3)
	wantRows(t, m, "日日日日日", "日", "abcdefgh")
	press(t, m, "down")
	wantRows(t, m, "日", "abcdefgh", `\x1bz`)
}

func TestEmptyBody(t *testing.T) {
	m := newView(20, 3, "application/json", "")
	if m.Lines() != 0 {
		t.Fatalf("Lines = %d", m.Lines())
	}
	wantRows(t, m, "(empty body)", "", "")
	press(t, m, "down", "G", "pgdown", "right", "w")
	wantRows(t, m, "(empty body)", "", "")
	if m.Top() != 0 {
		t.Fatalf("Top = %d", m.Top())
	}
	m.Search("x")
	if cur, total := m.MatchInfo(); cur != 0 || total != 0 {
		t.Fatalf("MatchInfo = %d, %d", cur, total)
	}
	if err := m.SetFilter("."); err == nil {
		t.Fatal("jq on an empty body should fail")
	}
	if m.PlainText() != "" {
		t.Fatalf("PlainText = %q", m.PlainText())
	}
	m.SetSize(5, 1)
	wantRows(t, m, "(emp…")
}

func TestSetBodySameIDIsANoOp(t *testing.T) {
	m := newView(10, 2, "text/plain", "first")
	m.SetBody(1, "text/plain", []byte("second"))
	wantRows(t, m, "first")
	m.SetBody(2, "text/plain", []byte("second"))
	wantRows(t, m, "second")
}

func TestNewBodyScrollsToTop(t *testing.T) {
	m := newView(10, 2, "text/plain", strings.Repeat("line\n", 50))
	press(t, m, "G")
	m.SetBody(2, "text/plain", []byte(strings.Repeat("other\n", 50)))
	if m.Top() != 0 {
		t.Fatalf("Top = %d after a new body", m.Top())
	}
}

func TestJSONIsPrettyPrintedAndHighlighted(t *testing.T) {
	m := newView(30, 7, "application/json; charset=utf-8", `{"a":[1,true],"b":"x"}`)
	wantRows(t, m, "{", `  "a": [`, "    1,", "    true", "  ],", `  "b": "x"`, "}")
	view := m.View()
	for _, want := range []string{
		m.sgr[clsKey].open + `"a"`,
		m.sgr[clsNumber].open + "1",
		m.sgr[clsKeyword].open + "true",
		m.sgr[clsString].open + `"x"`,
	} {
		if !strings.Contains(view, want) {
			t.Fatalf("view lacks %q: %q", want, view)
		}
	}
}

func TestJSONIsSniffedWithoutContentType(t *testing.T) {
	m := newView(30, 3, "", ` {"a":1}`)
	wantRows(t, m, "{", `  "a": 1`, "}")
}

func TestInvalidJSONIsShownAsSent(t *testing.T) {
	m := newView(30, 2, "application/json", `{"a":1,}`)
	wantRows(t, m, `{"a":1,}`, "")
}

func TestXMLIsHighlighted(t *testing.T) {
	m := newView(60, 3, "text/xml", "<a href=\"x\">\n  <!-- note -->\n</a>")
	wantRows(t, m, `<a href="x">`, "  <!-- note -->", "</a>")
	view := m.View()
	for _, want := range []string{m.sgr[clsKeyword].open, m.sgr[clsKey].open + "href", m.sgr[clsDim].open + "<!-- note -->"} {
		if !strings.Contains(view, want) {
			t.Fatalf("view lacks %q: %q", want, view)
		}
	}
}

func TestPlainText(t *testing.T) {
	m := newView(10, 2, "text/plain", "a\x1bb\tc\r\nd\n")
	if got, want := m.PlainText(), "a\\x1bb\tc\nd\n"; got != want {
		t.Fatalf("PlainText = %q, want %q", got, want)
	}
	m.SetBody(2, "application/json", []byte(`{"a":1}`))
	if got, want := m.PlainText(), "{\n  \"a\": 1\n}"; got != want {
		t.Fatalf("PlainText = %q, want %q", got, want)
	}
}

func TestStylesWithLayoutAreReducedToColours(t *testing.T) {
	m := newView(20, 2, "application/json", `{"a":1}`)
	s := DefaultStyles()
	s.Key = s.Key.Padding(0, 3).Border(lipgloss.NormalBorder()).Width(9)
	m.SetStyles(s)
	checkFrame(t, m.View(), 20, 2)
	wantRows(t, m, "{", `  "a": 1`)
}
