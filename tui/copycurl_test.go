package tui

import (
	"fmt"
	"strings"
	"testing"
)

// TestCopyAsCurlSignsAfresh: Y copies a curl command that signs on each
// run from environment variables, never the session token itself.
func TestCopyAsCurlSignsAfresh(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	cmd := hs.m.copyCurl()
	if cmd == nil {
		t.Fatal("nothing copied")
	}
	text := fmt.Sprint(cmd())
	if !strings.Contains(text, "--aws-sigv4") || !strings.Contains(text, "aws:amz:us-east-1:execute-api") {
		t.Errorf("not a fresh-signing command:\n%s", text)
	}
	if strings.Contains(text, "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue") || strings.Contains(text, "wJalrXUtnFEMI") {
		t.Errorf("the copy holds a credential:\n%s", text)
	}
	if !strings.Contains(hs.m.status, "signs afresh") {
		t.Errorf("status: %q", hs.m.status)
	}
}
