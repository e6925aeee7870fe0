package tui

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/exchange"
)

// TestServerBytesNeverReachTheScreenRaw: a body and headers full of
// control sequences, in every tab, never put a byte on the screen that a
// terminal would obey. The frame holds the UI's own colour codes (CSI ...
// m) and nothing else: no OSC, no BEL, no C1, no bidi override.
func TestServerBytesNeverReachTheScreenRaw(t *testing.T) {
	const evil = "\x1b]0;pwned\x07 \x1b[2J \u009b31m \u202eevil"
	hs := goldenHarness(t, 160, 48)
	fakeAnswer(t, hs, "200 OK", evil, []string{"s=\u009bx; Path=/"}, false)
	res := hs.m.selected().oc.Result.Response
	res.Headers = append(res.Headers, exchange.Header{Name: "X-Evil", Value: evil})
	for _, key := range []string{"3", "]", "]", "]"} { // Body, Headers, Cookies, Timing
		hs.press(key)
		frame := hs.m.render()
		for _, bad := range []string{"\x07", "\x1b]", "\x1b[2J", "\u009b", "\u202e"} {
			if strings.Contains(frame, bad) {
				t.Fatalf("tab %d: %q reached the screen raw", hs.m.respTab, bad)
			}
		}
	}
}
