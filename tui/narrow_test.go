package tui

import (
	"strings"
	"testing"
)

// The tree is a tab at every width: below 110 columns 0 shows it, and its
// keys (n, F) act there instead of doing nothing.
func TestGoldenTreeTab(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			hs.press("0")
			scr := hs.screen()
			if !strings.Contains(scr, "Requests") || !strings.Contains(scr, "POST Create") {
				t.Fatalf("no tree after 0:\n%s", scr)
			}
			if sz.w < 110 && !strings.Contains(scr, "0 Requests") {
				t.Fatalf("no Requests tab:\n%s", scr)
			}
			hs.golden("tree-" + sizeName(sz.w, sz.h))
			hs.press("n")
			if len(hs.m.overlays) == 0 && hs.m.status == "" {
				t.Fatal("n on the tree did nothing and said nothing")
			}
		})
	}
}

// The footer ends with "? help" at every width, with or without a status.
func TestFooterKeepsHelp(t *testing.T) {
	for _, w := range []int{60, 79, 80, 81, 109, 120, 160} {
		hs := goldenHarness(t, w, 24)
		lines := strings.Split(hs.screen(), "\n")
		if last := strings.TrimRight(lines[len(lines)-1], " "); !strings.HasSuffix(last, "? help") {
			t.Errorf("%d columns: footer %q has no ? help", w, last)
		}
		hs.m.setStatus(strings.Repeat("a long status line ", 20), false)
		lines = strings.Split(hs.screen(), "\n")
		if last := strings.TrimRight(lines[len(lines)-1], " "); !strings.HasSuffix(last, "? help") {
			t.Errorf("%d columns, status: footer %q has no ? help", w, last)
		}
	}
}

// Help scrolls on a short terminal: the last keys can be reached.
func TestHelpScrolls(t *testing.T) {
	hs := goldenHarness(t, 80, 24)
	hs.press("?")
	if strings.Contains(hs.screen(), "quit now") {
		t.Fatal("the whole help fits at 80x24: the test needs a shorter terminal")
	}
	hs.press("G")
	if len(hs.m.overlays) == 0 {
		t.Fatal("G closed the help instead of scrolling it")
	}
	if scr := hs.screen(); !strings.Contains(scr, "quit now") {
		t.Fatalf("the end of the help is unreachable:\n%s", scr)
	}
	hs.press("x")
	if len(hs.m.overlays) != 0 {
		t.Fatal("x did not close the help")
	}
}
