package tui

import (
	"strings"
	"testing"
)

// TestWrappedLinesKeepTheirIndent: a long indented line (a cookie's
// attributes) wraps under itself, never to column 0, and every piece fits.
func TestWrappedLinesKeepTheirIndent(t *testing.T) {
	st := NewStyles(true)
	attrs := st.Dim.Render("    Path=/prod/some/long/path; Domain=abc123.execute-api.us-east-1.amazonaws.com; Expires=Tue, 08 Dec 2026 10:00:00 GMT; Secure; HttpOnly; SameSite=Strict")
	got := wrapLines([]string{attrs, "plain line that is long enough to wrap at this width for sure"}, 40)
	if len(got) < 5 {
		t.Fatalf("not wrapped: %q", got)
	}
	for i, l := range got {
		plain := stripANSI(l)
		if lipglossWidth(plain) > 40 {
			t.Errorf("line %d is %d wide: %q", i, lipglossWidth(plain), plain)
		}
		if strings.Contains(plain, "=") && !strings.HasPrefix(plain, "    ") {
			t.Errorf("attribute line %d lost its indent: %q", i, plain)
		}
	}
	if last := stripANSI(got[len(got)-1]); strings.HasPrefix(last, " ") {
		t.Errorf("an unindented line got an indent: %q", last)
	}
}
