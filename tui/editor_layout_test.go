package tui

import (
	"strings"
	"testing"
)

// TestEditorFieldsUseTheirRows: the method's ←/→ hint stays beside it, the
// query and headers show every line they hold (three query lines here)
// plus one to add, and the body takes the rows left with no blank row
// before the foot, which shows whole.
func TestEditorFieldsUseTheirRows(t *testing.T) {
	for _, sz := range [][2]int{{120, 30}, {160, 48}} {
		hs := goldenHarness(t, sz[0], sz[1])
		hs.press("i")
		scr := hs.screen()
		method := lineWith(scr, "method")
		if !strings.Contains(method, "GET") || !strings.Contains(method, "←/→") {
			t.Errorf("%dx%d: the method line hides its hint: %q", sz[0], sz[1], method)
		}
		if !strings.Contains(scr, "ctrl+s save") {
			t.Errorf("%dx%d: the editor's foot is cut:\n%s", sz[0], sz[1], scr)
		}
		q, hd := hs.m.editing.areaHeights()
		if sz[0] == 160 {
			for _, line := range []string{"limit=10", "type=dog", "type=cat"} {
				if !strings.Contains(scr, line) {
					t.Errorf("%dx%d: query line %q not shown:\n%s", sz[0], sz[1], line, scr)
				}
			}
			if q < 4 || hd < 2 {
				t.Errorf("%dx%d: query %d rows, headers %d rows: want what they hold and one more", sz[0], sz[1], q, hd)
			}
		} else if b := hs.m.editing.body.Height(); q < 2 || b != 1 {
			// 4 rows for all three: the empty body keeps one, the query most.
			t.Errorf("%dx%d: query %d, headers %d, empty body %d rows", sz[0], sz[1], q, hd, b)
		}
		if got, want := hs.m.editing.body.Height(), hs.m.editing.h-q-hd-6; got != want {
			t.Errorf("%dx%d: body %d rows, want the %d left", sz[0], sz[1], got, want)
		}
	}
}

func lineWith(screen, word string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, word) {
			return l
		}
	}
	return ""
}
