package tui

import (
	"strings"
	"testing"
)

// The demo's guest request is signed with the identity pool's guest role
// before anyone logs in, and the a switch reaches guest from any request:
// iam, id_token, access_token, guest, none, as the collection can serve.
func TestGuestModeInTheUI(t *testing.T) {
	hs := demoHarness(t, "demo", 160, 48)
	hs.find("Public via guest credentials")
	scr := hs.screen()
	for _, want := range []string{"auth guest ▸ app", "X-Amz-Security-Token", "AWS4-HMAC-SHA256", "gst"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("guest request lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "sigscope login") {
		t.Fatalf("the guest request asks for a login:\n%s", scr)
	}

	hs.find("Public") // auth none
	var seen []string
	for i := 0; i < 5; i++ {
		hs.press("a")
		scr := hs.screen()
		for _, m := range []string{"iam", "id_token", "access_token", "guest", "none"} {
			if strings.Contains(scr, "auth "+m+" for this session") {
				seen = append(seen, m)
			}
		}
	}
	if strings.Join(seen, ",") != "iam,id_token,access_token,guest,none" {
		t.Fatalf("a cycled %v", seen)
	}
}
