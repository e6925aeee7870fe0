package hscroll

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	}
	return tea.KeyPressMsg{Code: rune(s[0]), Text: s}
}

func TestWindowMarksBothEnds(t *testing.T) {
	const s = "0123456789abcdefghij" // 20 cells
	cases := []struct {
		left, w int
		want    string
	}{
		{0, 30, "0123456789abcdefghij          "},
		{0, 10, "012345678…"},
		{5, 10, "‹6789abcd…"},
		{10, 10, "‹bcdefghij"},
		{15, 10, "‹ghij     "},
		{25, 4, "‹   "},
	}
	for _, c := range cases {
		got := Window(s, c.left, c.w)
		if got != c.want || ansi.StringWidth(got) != c.w {
			t.Errorf("Window(left %d, w %d) = %q, want %q", c.left, c.w, got, c.want)
		}
	}
	if got := Window("\x1b[31mredtext\x1b[m", 2, 4); ansi.Strip(got) != "‹te…" {
		t.Errorf("styled text: %q", ansi.Strip(got))
	}
}

func TestOffsetKeysAndStatus(t *testing.T) {
	var o Offset
	k := DefaultKeys()
	o.SetBounds(10, 10)
	if o.Update(press("right"), k); o.Left != 0 || o.Status() != "" {
		t.Fatalf("everything fits: left %d, status %q", o.Left, o.Status())
	}
	o.SetBounds(10, 32)
	if o.Status() != "→ more" {
		t.Errorf("at the start: %q", o.Status())
	}
	o.Update(press("l"), k)
	if o.Left != 5 || o.Status() != "‹ col 6 →" {
		t.Errorf("half a view right: left %d, %q", o.Left, o.Status())
	}
	for range 10 {
		o.Update(press("right"), k)
	}
	if o.Left != 22 || o.Status() != "‹ col 23" {
		t.Errorf("stops where the widest line ends: left %d, %q", o.Left, o.Status())
	}
	o.Update(press("h"), k)
	if o.Left != 17 {
		t.Errorf("h: left %d", o.Left)
	}
	if !o.Update(press("home"), k) || o.Left != 0 {
		t.Errorf("home: left %d", o.Left)
	}
	if o.Update(press("j"), k) {
		t.Error("j is not a sideways key")
	}
	o.Left = 20
	o.SetBounds(40, 32)
	if o.Left != 0 {
		t.Errorf("a wider view clamps the offset: %d", o.Left)
	}
}

func TestShowBringsCellsIntoView(t *testing.T) {
	var o Offset
	o.SetBounds(20, 100)
	o.Show(5, 8, 4)
	if o.Left != 0 {
		t.Errorf("already in view: left %d", o.Left)
	}
	o.Show(50, 55, 10)
	if o.Left != 40 {
		t.Errorf("with 10 cells of context: left %d, want 40", o.Left)
	}
	o.Show(45, 50, 10)
	if o.Left != 40 {
		t.Errorf("in view after the marker: left %d", o.Left)
	}
	o.Show(98, 99, 10)
	if o.Left != 80 {
		t.Errorf("near the end, no further than the widest line: left %d", o.Left)
	}
}
