package tui

import (
	"strings"
	"testing"
)

// wrongRegion is API Gateway's answer to a signature made for another
// region than the stage's.
const wrongRegion = `{"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "}`

// TestRefusalShowsItsDiagnosis: a 403 that is no mismatch (a wrong
// region) shows, above its body, what `send` prints: the kind, the hint
// and the likely cause; d opens every cause with its fix instead of
// saying there is no mismatch.
func TestRefusalShowsItsDiagnosis(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			fakeAnswer(t, hs, "403 Forbidden", wrongRegion, nil, false)
			hs.press("3")
			scr := hs.screen()
			for _, want := range []string{"wrong region in the credential scope", "hint: the signature names another region", "likely cause: the region or service"} {
				if !strings.Contains(scr, want) {
					t.Fatalf("the Response pane lacks %q:\n%s", want, scr)
				}
			}
			hs.golden("refused-" + sizeName(sz.w, sz.h))
			hs.press("d")
			scr = hs.screen()
			if !hs.m.showDiff || !strings.Contains(scr, "Refused: wrong region in the credential scope") || !strings.Contains(scr, "likely causes, most likely first") ||
				!strings.Contains(scr, "fix: ") || strings.Contains(scr, "no signature mismatch") {
				t.Fatalf("d on a wrong region:\n%s", scr)
			}
		})
	}
}

// TestMismatchShowsItsCauses: the mismatch diff lists the causes too,
// after the table.
func TestMismatchShowsItsCauses(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	hs.find("Create pet")
	fakeAnswer(t, hs, "403 Forbidden", mismatchBody(hs), nil, true)
	hs.press("d")
	scr := hs.screen()
	if !strings.Contains(scr, "likely causes, most likely first") || !strings.Contains(scr, "1. a signed header was changed") {
		t.Fatalf("the diff lacks the causes:\n%s", scr)
	}
}
