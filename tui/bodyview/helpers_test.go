package bodyview

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func newView(w, h int, contentType, body string) *Model {
	m := New()
	m.SetSize(w, h)
	m.SetBody(1, contentType, []byte(body))
	return m
}

// keyMsg builds the key press Bubble Tea delivers for s, and checks that it
// prints as s, which is what the key map matches on.
func keyMsg(t *testing.T, s string) tea.KeyPressMsg {
	t.Helper()
	var k tea.KeyPressMsg
	switch s {
	case "up":
		k = tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		k = tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		k = tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		k = tea.KeyPressMsg{Code: tea.KeyRight}
	case "pgup":
		k = tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		k = tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		k = tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		k = tea.KeyPressMsg{Code: tea.KeyEnd}
	case "ctrl+d":
		k = tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
	case "ctrl+u":
		k = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "G":
		k = tea.KeyPressMsg{Code: 'g', ShiftedCode: 'G', Mod: tea.ModShift, Text: "G"}
	default:
		r, _ := utf8.DecodeRuneInString(s)
		k = tea.KeyPressMsg{Code: r, Text: s}
	}
	if k.String() != s {
		t.Fatalf("key %q prints as %q", s, k.String())
	}
	return k
}

func press(t *testing.T, m *Model, keys ...string) {
	t.Helper()
	for _, s := range keys {
		got, cmd := m.Update(keyMsg(t, s))
		if got != m || cmd != nil {
			t.Fatalf("Update(%q) = %p, %v; want the model itself and no command", s, got, cmd)
		}
	}
}

var sgrRE = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkFrame asserts that view is exactly h rows of exactly w cells and that
// nothing in it but SGR sequences can act on a terminal.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	if h == 0 {
		if view != "" {
			t.Fatalf("height 0: got %q", view)
		}
		return
	}
	rows := strings.Split(view, "\n")
	if len(rows) != h {
		t.Fatalf("got %d rows, want %d:\n%s", len(rows), h, view)
	}
	for i, row := range rows {
		if got := lipgloss.Width(row); got != w {
			t.Fatalf("row %d is %d cells wide, want %d: %q", i, got, w, row)
		}
		bare := sgrRE.ReplaceAllString(row, "")
		if !utf8.ValidString(bare) {
			t.Fatalf("row %d is not valid UTF-8: %q", i, row)
		}
		for _, r := range bare {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isInvisible(r) {
				t.Fatalf("row %d has raw %U outside SGR sequences: %q", i, r, row)
			}
		}
	}
}

// plainRows is the view without styles and trailing blanks.
func plainRows(view string) []string {
	rows := strings.Split(ansi.Strip(view), "\n")
	for i, r := range rows {
		rows[i] = strings.TrimRight(r, " ")
	}
	return rows
}

func wantRows(t *testing.T, m *Model, want ...string) {
	t.Helper()
	view := m.View()
	checkFrame(t, view, m.width, m.height)
	got := plainRows(view)
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("row %d = %q, want %q\nview:\n%s", i, got[i], w, strings.Join(got, "\n"))
		}
	}
}
