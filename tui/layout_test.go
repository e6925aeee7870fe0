package tui

import (
	"fmt"
	"strings"
	"testing"
)

// TestEveryScreenFitsEverySize renders each screen at sizes around the
// layout's thresholds (79/80/81, 109/110/111 columns, short and tall) and
// checks, through the harness, that every line is exactly the width and
// the frame exactly the height.
func TestEveryScreenFitsEverySize(t *testing.T) {
	sizes := [][2]int{{20, 6}, {40, 12}, {60, 24}, {79, 24}, {80, 24}, {81, 24}, {109, 30}, {110, 30}, {111, 19}, {111, 20}, {120, 30}, {160, 48}, {220, 60}}
	screens := []struct {
		name string
		keys func(hs *harness)
	}{
		{"main", func(hs *harness) {}},
		{"help", func(hs *harness) { hs.press("?") }},
		{"finder", func(hs *harness) { hs.press("ctrl+p"); hs.typeText("pet") }},
		{"env", func(hs *harness) { hs.press("e") }},
		{"teach", func(hs *harness) { hs.press("t", "right", "down") }},
		{"zoom", func(hs *harness) { hs.press("tab", "z") }},
		{"editor", func(hs *harness) { hs.press("i") }},
		{"response", func(hs *harness) {
			fakeAnswer(hs.t, hs, "200 OK", `{"a":"\u001b]0;title\u0007","b":[1,2,3]}`, []string{"s=v0123456789; Path=/"}, false)
			hs.press("3", "]")
		}},
		{"diff", func(hs *harness) {
			tr := hs.m.preview.Prepared.Trace
			server := strings.Replace(tr.CanonicalRequest, "accept:application/json", "accept:*/*", 1)
			body := fmt.Sprintf(`{"message":%q}`, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'"+server+"'\n\nThe String-to-Sign should have been\n'"+tr.StringToSign+"'\n")
			fakeAnswer(hs.t, hs, "403 Forbidden", body, nil, true)
			hs.press("d")
		}},
	}
	for _, sz := range sizes {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, sz[0], sz[1]), func(t *testing.T) {
				hs := goldenHarness(t, sz[0], sz[1])
				sc.keys(hs)
				scr := hs.screen() // checks the shape
				if strings.Contains(scr, "\x1b]0;title") {
					t.Fatal("an escape sequence from the body reached the screen raw")
				}
			})
		}
	}
}

// TestLayoutSizesByContentAndShifts: the tree is as wide as its widest row
// within its bounds, the user's shifts move the borders, and whatever the
// shifts every pane keeps its minimum and the columns add up.
func TestLayoutSizesByContentAndShifts(t *testing.T) {
	if got := computeLayout(160, 48, layoutPrefs{}).Tree.W; got != 20 {
		t.Errorf("no rows: tree %d, want 20", got)
	}
	if got := computeLayout(160, 48, layoutPrefs{TreeWant: 25}).Tree.W; got != 27 {
		t.Errorf("rows of 25: tree %d, want 27 (borders)", got)
	}
	if got := computeLayout(160, 48, layoutPrefs{TreeWant: 90}).Tree.W; got != 32 {
		t.Errorf("rows of 90: tree %d, want a fifth of 160", got)
	}
	for _, w := range []int{110, 111, 120, 160, 220} {
		for _, p := range []layoutPrefs{{TreeShift: 500}, {TreeShift: -500}, {SigV4Shift: 500}, {SigV4Shift: -500}, {TreeShift: 500, SigV4Shift: 500}, {TreeWant: 200, SigV4Shift: 300}} {
			l := computeLayout(w, 30, p)
			if l.Tree.W < minTree || l.Wire.W < minMid || l.SigV4.W < minSigV4 || l.Tree.W+l.Wire.W+l.SigV4.W != w {
				t.Errorf("%d columns, %+v: tree %d, middle %d, SigV4 %d", w, p, l.Tree.W, l.Wire.W, l.SigV4.W)
			}
			if l.Response.W != l.Wire.W || l.SigV4.X != l.Tree.W+l.Wire.W {
				t.Errorf("%d columns, %+v: panes out of line: %+v", w, p, l)
			}
		}
	}
}

// TestResizeKeysMoveTheFocusedBorder: > widens the focused pane, < narrows
// it, at once after a minimum stopped it; the status line says the widths.
func TestResizeKeysMoveTheFocusedBorder(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	tree := hs.m.lay.Tree.W
	hs.press("0", ">", ">")
	if got := hs.m.lay.Tree.W; got != tree+4 {
		t.Fatalf("tree %d after > >, want %d", got, tree+4)
	}
	if !strings.Contains(hs.screen(), "panes: requests") {
		t.Error("the status line does not say the widths")
	}
	for range 60 {
		hs.press("<")
	}
	if got := hs.m.lay.Tree.W; got != minTree {
		t.Fatalf("tree %d after many <, want the minimum %d", got, minTree)
	}
	hs.press(">")
	if got := hs.m.lay.Tree.W; got != minTree+2 {
		t.Errorf("tree %d: > after the minimum stopped < does not act at once", got)
	}
	sig := hs.m.lay.SigV4.W
	hs.press("2", ">")
	if got := hs.m.lay.SigV4.W; got != sig+2 {
		t.Errorf("SigV4 %d after 2 >, want %d", got, sig+2)
	}
}
