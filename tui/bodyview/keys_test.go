package bodyview

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func hundredLines() string {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return b.String()
}

func TestScrollKeys(t *testing.T) {
	m := newView(20, 10, "text/plain", hundredLines())
	if m.Lines() != 100 {
		t.Fatalf("Lines = %d, want 100", m.Lines())
	}
	for _, step := range []struct {
		key string
		top int
	}{
		{"down", 1}, {"j", 2}, {"up", 1}, {"k", 0}, {"up", 0},
		{"pgdown", 10}, {"pgdown", 20}, {"pgup", 10},
		{"ctrl+d", 15}, {"ctrl+u", 10},
		{"G", 90}, {"down", 90}, {"pgdown", 90},
		{"g", 0}, {"end", 90}, {"home", 0},
		{"x", 0}, // not ours: ignored
	} {
		press(t, m, step.key)
		if m.Top() != step.top {
			t.Fatalf("after %q Top = %d, want %d", step.key, m.Top(), step.top)
		}
	}
	press(t, m, "G")
	wantRows(t, m, "line 90")
	m.SetSize(20, 30) // a taller view must not leave blank rows at the end
	if m.Top() != 70 {
		t.Fatalf("Top = %d after growing, want 70", m.Top())
	}
}

func TestMouseWheel(t *testing.T) {
	m := newView(20, 10, "text/plain", hundredLines())
	wheel := func(b tea.MouseButton) {
		if _, cmd := m.Update(tea.MouseWheelMsg{Button: b}); cmd != nil {
			t.Fatal("wheel returned a command")
		}
	}
	wheel(tea.MouseWheelDown)
	wheel(tea.MouseWheelDown)
	if m.Top() != 6 {
		t.Fatalf("Top = %d, want 6", m.Top())
	}
	wheel(tea.MouseWheelUp)
	if m.Top() != 3 {
		t.Fatalf("Top = %d, want 3", m.Top())
	}
	m = newView(10, 1, "text/plain", "0123456789abcdefghij")
	wheel(tea.MouseWheelRight)
	wantRows(t, m, "‹89abcdef…")
	wheel(tea.MouseWheelLeft)
	wantRows(t, m, "012345678…")
	m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown, Mod: tea.ModShift})
	wantRows(t, m, "‹89abcdef…")
}

func TestKeyMapIsAHelpKeyMap(t *testing.T) {
	k := DefaultKeyMap()
	if len(k.ShortHelp()) == 0 || len(k.FullHelp()) == 0 {
		t.Fatal("empty help")
	}
	// Rebinding works through the exported map.
	m := newView(20, 10, "text/plain", hundredLines())
	m.KeyMap.Down.SetKeys("n")
	press(t, m, "n")
	if m.Top() != 1 {
		t.Fatalf("Top = %d after rebound key", m.Top())
	}
}
