package tui

import (
	"strings"
	"testing"
)

// At 120x30 the wire view cuts the Authorization line; → scrolls it
// sideways, ‹ marks it, ← brings it back.
func TestWireScrollsSideways(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	hs.press("tab") // the Request pane
	if hs.m.focus != paneWire {
		t.Fatalf("focus %v, want the Request pane", hs.m.focus)
	}
	if strings.Contains(hs.screen(), "execute-api/aws4_request,") {
		t.Fatal("the whole Authorization line fits: the test needs a narrower pane")
	}
	hs.press("right", "right")
	scr := hs.screen()
	if !strings.Contains(scr, "execute-api/aws4_request,") || !strings.Contains(scr, "‹") {
		t.Fatalf("→ did not scroll the wire view sideways:\n%s", scr)
	}
	hs.press("left", "left")
	if strings.Contains(hs.screen(), "‹") {
		t.Fatal("← did not scroll back")
	}
}
