package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/workbench"
)

func maskedHarness(t *testing.T, w, h int) *harness {
	return newHarness(t, Config{Paths: []string{"testdata/masked.yaml"}, Env: goldenEnv(t), Dark: true}, w, h)
}

// TestMaskedOnceWithTheRealLength: a raw token in Authorization and a
// CloudFront policy cookie are each masked once, with their own length,
// on every pane that shows them (wire view, SigV4 steps, response
// headers); never a mask of a mask ("…(6 chars)", "…(16 chars)").
func TestMaskedOnceWithTheRealLength(t *testing.T) {
	tok := fmt.Sprintf("(%d chars)", len(goldenJWT))
	policy := fmt.Sprintf("CloudFront-Policy=%s…(%d chars)", goldenPolicy[:4], len(goldenPolicy))
	bad := func(t *testing.T, what, scr string) {
		t.Helper()
		for _, twice := range []string{"…(6 chars)", "…(16 chars)", "…(17 chars)", "(1051 …", goldenJWT[:40], goldenPolicy[:40]} {
			if strings.Contains(scr, twice) {
				t.Fatalf("%s: %q on screen, a value masked twice or not at all:\n%s", what, twice, scr)
			}
		}
	}
	hs := maskedHarness(t, 160, 48)
	hs.find("Who am I")
	scr := hs.screen()
	if !strings.Contains(scr, "Authorization: eyJh…"+tok) {
		t.Fatalf("the token is not masked once with its length %s:\n%s", tok, scr)
	}
	bad(t, "the token's wire view", scr)

	hs.find("Private report")
	fakeAnswer(t, hs, "200 OK", "report", []string{"CloudFront-Policy=" + goldenPolicy + "; Path=/; Secure; HttpOnly"}, false)
	scr = hs.screen()
	if n := strings.Count(scr, policy); n < 2 { // the Cookie header and its canonical line
		t.Fatalf("%q shows %d times on the wire view and the SigV4 steps, want 2:\n%s", policy, n, scr)
	}
	bad(t, "the cookie's wire view", scr)
	hs.press("3", "]") // the Headers tab
	scr = hs.screen()
	if !strings.Contains(scr, "Set-Cookie: "+policy) {
		t.Fatalf("the Set-Cookie header is not masked once with its length:\n%s", scr)
	}
	bad(t, "the response headers", scr)
	hs.press("]") // the Cookies tab, right already
	if scr := hs.screen(); !strings.Contains(scr, policy) {
		t.Fatalf("the Cookies tab:\n%s", scr)
	}
}

// TestMaskedOnceOnEveryLine: every line a pane shows holds no secret
// and no mask of a mask, and a line with nothing secret is kept.
func TestMaskedOnceOnEveryLine(t *testing.T) {
	hs := maskedHarness(t, 160, 48)
	hs.find("Private report")
	red := workbench.NewRedactor(false, hs.m.livePreview().Prepared, nil)
	for _, l := range []string{"GET /prod/x?a=" + goldenPolicy + " HTTP/1.1", "X-Trace: " + goldenPolicy, `{"token":"` + goldenJWT + `"}`} {
		got := maskOnce(red)(l)
		if strings.Contains(got, goldenPolicy) || strings.Contains(got, goldenJWT) || strings.Count(got, "…(") != 1 {
			t.Errorf("maskOnce(%.30q) = %.80q: want the one secret masked once", l, got)
		}
	}
	if got := maskOnce(red)("host:abc"); got != "host:abc" {
		t.Errorf("a line without a secret: %q", got)
	}
	if got := maskOnce(red)("Authorization: " + goldenJWT); got != "Authorization: eyJh…(1051 chars)" {
		t.Errorf("Authorization: %q", got)
	}
	if got := maskOnce(red)("cookie:CloudFront-Policy=" + goldenPolicy + "; a=b"); got != "cookie:CloudFront-Policy=eyJT…(168 chars); a=…(1 char)" {
		t.Errorf("canonical cookie line: %q", got)
	}
}

// TestGoldenMaskedHeaders: masked headers with their lengths, at every
// size: the Cookie header as sent and signed, the Set-Cookie answered;
// the raw token in Authorization.
func TestGoldenMaskedHeaders(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := maskedHarness(t, sz.w, sz.h)
			fakeAnswer(t, hs, "200 OK", "report", []string{"CloudFront-Policy=" + goldenPolicy + "; Path=/; Secure; HttpOnly"}, false)
			if sz.w >= 110 {
				hs.press("3", "]") // the Headers tab beside the wire view and the steps
			}
			hs.golden("masked-" + sizeName(sz.w, sz.h))
			hs.find("Who am I")
			hs.golden("masked-token-" + sizeName(sz.w, sz.h))
		})
	}
}
