package tui

import (
	"strings"
	"testing"
)

// The mismatch diff opens with its first differing character in view at
// every size ("; charset" of the Content-Type a proxy changed), scrolls
// sideways on →, says so in its title, and home brings it back.
func TestGoldenScrolledDiff(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			hs.press("down") // Create pet
			fakeAnswer(t, hs, "403 Forbidden", mismatchBody(hs), nil, true)
			hs.press("d")
			if scr := hs.screen(); !strings.Contains(scr, "json; chars") {
				t.Fatalf("the diff opens without the differing part in view:\n%s", scr)
			}
			hs.press("right")
			scr := hs.screen()
			if !strings.Contains(scr, "‹ col ") || !strings.Contains(scr, "‹") {
				t.Fatalf("→ did not scroll the diff, or the title does not say so:\n%s", scr)
			}
			hs.golden("diff-scrolled-" + sizeName(sz.w, sz.h))
			hs.press("home")
			if strings.Contains(hs.screen(), "‹") {
				t.Fatalf("home did not scroll back:\n%s", hs.screen())
			}
		})
	}
}

// The SigV4 pane cuts the scope at 120x30; → shows its end, ‹ marks it.
func TestSigV4PaneScrollsSideways(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	hs.press("2")
	if strings.Contains(hs.screen(), "execute-api/aws4_request") {
		t.Fatal("the whole scope fits: the test needs a narrower pane")
	}
	if !strings.Contains(hs.screen(), "→ more · SigV4") {
		t.Fatalf("the title does not say there is more to the right:\n%s", hs.screen())
	}
	hs.press("right") // half a view: the scope's end
	if scr := hs.screen(); !strings.Contains(scr, "execute-api/aws4_request") || !strings.Contains(scr, "│‹") {
		t.Fatalf("→ did not scroll the SigV4 pane:\n%s", scr)
	}
	hs.press("left")
	if strings.Contains(hs.screen(), "│‹") {
		t.Fatal("← did not scroll back")
	}
}
