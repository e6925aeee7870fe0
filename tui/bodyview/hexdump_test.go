package bodyview

import (
	"strings"
	"testing"
)

func TestHexDump(t *testing.T) {
	body := "Hello, world!\x00\x01\x02\xff\x80\x1b"
	m := newView(80, 3, "application/octet-stream", body)
	if m.Lines() != 2 {
		t.Fatalf("Lines = %d, want 2", m.Lines())
	}
	wantRows(t, m,
		"00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 01 02  |Hello, world!...|",
		"00000010  ff 80 1b                                          |...|",
		"",
	)
	if got, want := m.PlainText(), "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 01 02  |Hello, world!...|\n"+
		"00000010  ff 80 1b                                          |...|\n"; got != want {
		t.Fatalf("PlainText =\n%q\nwant\n%q", got, want)
	}
}

func TestBinaryIsSniffed(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
	if m := newView(80, 1, "", png); m.doc().kind != kindHex {
		t.Fatal("PNG bytes shown as text")
	}
	if m := newView(80, 1, "image/svg+xml", "<svg/>"); m.doc().kind != kindText {
		t.Fatal("SVG shown as binary")
	}
	if m := newView(80, 1, "image/png", "not really"); m.doc().kind != kindHex {
		t.Fatal("an image/* body should be a hex dump")
	}
	// A few stray controls in text stay text, escaped.
	text := strings.Repeat("ordinary words ", 20) + "\x1b[31m red \x07"
	if m := newView(80, 1, "", text); m.doc().kind != kindText {
		t.Fatal("text with a few controls shown as binary")
	}
	// UTF-8 cut by the end of the 8 KiB sample is not evidence of binary.
	cut := strings.Repeat("é", sniffLen)
	if m := newView(80, 1, "", cut[1:]); m.doc().kind != kindText {
		t.Fatal("long UTF-8 text shown as binary")
	}
}

func TestHexDumpOfALargeBodyScrollsToTheEnd(t *testing.T) {
	body := make([]byte, 5<<20+3)
	for i := range body {
		body[i] = byte(i * 7)
	}
	m := New()
	m.SetSize(80, 4)
	m.SetBody(1, "application/octet-stream", body)
	if m.Lines() != (len(body)+15)/16 {
		t.Fatalf("Lines = %d", m.Lines())
	}
	press(t, m, "G")
	rows := plainRows(m.View())
	if !strings.HasPrefix(rows[3], "00500000  00 07 0e  ") {
		t.Fatalf("last row = %q", rows[3])
	}
}

func TestHexDumpSearch(t *testing.T) {
	body := strings.Repeat("\x00\x01", 40) + "secret" + strings.Repeat("\x00", 40)
	m := newView(80, 3, "", body)
	m.Search("SECRET")
	wantMatch(t, m, 1, 1)
	view := m.View()
	if !strings.Contains(view, m.sgr[clsCurrent].open+"73 65 63 72 65 74") &&
		!strings.Contains(view, m.sgr[clsCurrent].open+"73 65") {
		t.Fatalf("hex of the match not highlighted: %q", view)
	}
	if !strings.Contains(view, m.sgr[clsCurrent].open+"se") {
		t.Fatalf("ASCII of the match not highlighted: %q", view)
	}
}

func TestHexDumpWideOffsets(t *testing.T) {
	if got := hexOffsetDigits(1 << 20); got != 8 {
		t.Fatalf("digits = %d", got)
	}
	if got := hexOffsetDigits(1 << 36); got != 10 {
		t.Fatalf("digits = %d", got)
	}
}

// TestHexDumpFitsThePane: a pane narrower than the 78 columns of 16 bytes
// a line gets 8, 4, 2 or 1, so that the ASCII column is always whole; the
// byte at the top stays in view when the width changes.
func TestHexDumpFitsThePane(t *testing.T) {
	body := "Hello, world!\x00\x01\x02\xff\x80\x1b"
	for _, c := range []struct {
		w    int
		rows []string
	}{
		{78, []string{"00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 01 02  |Hello, world!...|"}},
		{77, []string{"00000000  48 65 6c 6c 6f 2c 20 77  |Hello, w|", "00000008  6f 72 6c 64 21 00 01 02  |orld!...|"}},
		{50, []string{"00000000  48 65 6c 6c 6f 2c 20 77  |Hello, w|", "00000008  6f 72 6c 64 21 00 01 02  |orld!...|", "00000010  ff 80 1b                 |...|"}},
		{44, []string{"00000000  48 65 6c 6c  |Hell|", "00000004  6f 2c 20 77  |o, w|"}},
		{20, []string{"00000000  48  |H|", "00000001  65  |e|"}},
	} {
		m := newView(c.w, len(c.rows), "application/octet-stream", body)
		wantRows(t, m, c.rows...)
	}
	m := newView(78, 2, "application/zip", strings.Repeat("abcdefghijklmnop", 8)) // a type that is never text
	press(t, m, "down", "down", "down")                                           // the top line holds bytes 0x30-0x3f
	m.SetSize(44, 2)
	wantRows(t, m, "00000030  61 62 63 64  |abcd|")
	m.SetSize(78, 2)
	wantRows(t, m, "00000030  61 62 63 64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|")
	m.Search("ijk")
	m.SetSize(44, 2)
	if cur, total := m.MatchInfo(); total != 8 || cur == 0 {
		t.Fatalf("matches %d/%d after a resize", cur, total)
	}
	if m.PlainText() != hexText([]byte(strings.Repeat("abcdefghijklmnop", 8))) || !strings.HasPrefix(m.PlainText(), "00000000  61 62 63 64 65 66 67 68  69") {
		t.Fatal("the copy of a narrow dump is not the classic 16 bytes a line")
	}
}
