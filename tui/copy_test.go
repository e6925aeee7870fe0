package tui

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/capture"
	"github.com/sigscope/sigscope/sign"
)

// verifyCopy checks a copied request as `sigscope verify` does: parsed as
// a capture, its signature recomputed with the golden keys.
func verifyCopy(t *testing.T, text string) *sign.Verification {
	t.Helper()
	c, err := capture.Parse([]byte(text), capture.Options{Entry: -1})
	if err != nil {
		t.Fatalf("the copy does not parse as a request: %v\n%s", err, text)
	}
	v, err := sign.Verify(sign.VerifyInput{Request: c.Request, Now: goldenTime, NormalizePath: sign.NormalizeDefault,
		AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue0123456789"})
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, text)
	}
	return v
}

// TestCopyRequestIsTheWireBytes: y on the Request pane copies the bytes
// sent, not the pane's marks (✓, added, signature): with S, exactly the
// wire bytes, which verify accepts; masked by default, and said so.
func TestCopyRequestIsTheWireBytes(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := goldenHarness(t, sz.w, sz.h)
			hs.find("Create pet")
			fakeAnswer(t, hs, "201 Created", `{"id":3}`, nil, false)
			hs.press("1", "y") // the Request pane
			masked := hs.clipboard
			for _, mark := range []string{"✓", "✗", "added", "\tsignature", "unsigned"} {
				if strings.Contains(masked, mark) {
					t.Fatalf("the copy holds the pane's mark %q:\n%s", mark, masked)
				}
			}
			if strings.Contains(masked, "EXAMPLESESSIONTOKEN") || !strings.Contains(masked, "X-Amz-Security-Token: IQoJ…(50 chars)\r\n") || !strings.Contains(hs.m.status, "S copies them in clear") {
				t.Fatalf("the masked copy (status %q):\n%s", hs.m.status, masked)
			}
			hs.press("S", "y")
			wire := string(hs.m.selected().sentWire())
			if hs.clipboard != wire {
				t.Fatalf("with S, the copy is not the bytes sent:\n%q\nsent:\n%q", hs.clipboard, wire)
			}
			if v := verifyCopy(t, hs.clipboard); !v.Valid() {
				t.Fatalf("verify rejects the copy: %+v\n%s", v.Problems, hs.clipboard)
			}
			if !strings.Contains(hs.m.status, "as sent at 12:36:00") {
				t.Errorf("status %q", hs.m.status)
			}
		})
	}
}

// TestCopySigV4IsMasked: y on the SigV4 pane copies the canonical request
// and string to sign as shown, the session token masked.
func TestCopySigV4IsMasked(t *testing.T) {
	hs := goldenHarness(t, 160, 48)
	hs.press("2", "y")
	if !strings.Contains(hs.clipboard, "x-amz-security-token:IQoJ…(50 chars)\n") || strings.Contains(hs.clipboard, "EXAMPLESESSIONTOKEN") {
		t.Fatalf("the SigV4 copy:\n%s", hs.clipboard)
	}
}
