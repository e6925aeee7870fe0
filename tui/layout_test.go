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
