package tui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator"
)

var demoCodeLine = regexp.MustCompile(`demo: the emulator's (SMS|email) says ([0-9]{6})`)

// TestDemoLoginShowsTheSentCode: in `sigscope demo` an SMS or email MFA
// login can be finished from the dialog alone, which shows the code the
// built-in emulator "sent" (it has no log on screen). A profile whose
// endpoint is not the demo's emulator never shows one.
func TestDemoLoginShowsTheSentCode(t *testing.T) {
	for _, c := range []struct{ user, medium string }{{"sms-user", "SMS"}, {"email-user", "email"}} {
		t.Run(c.user, func(t *testing.T) {
			hs := demoHarness(t, c.user, 120, 30, asTheDemo("" /* its own URL */))
			hs.press("L", "enter")
			m := demoCodeLine.FindStringSubmatch(hs.screen())
			if m == nil || m[1] != c.medium {
				t.Fatalf("the dialog shows no %s code:\n%s", c.medium, hs.screen())
			}
			hs.typeText(m[2])
			hs.press("enter")
			if scr := hs.screen(); !strings.Contains(scr, c.user+" · id_token") || len(hs.m.overlays) != 0 {
				t.Fatalf("not logged in with the code shown:\n%s", scr)
			}
		})
	}
	t.Run("not the demo's emulator", func(t *testing.T) {
		hs := demoHarness(t, "sms-user", 120, 30, asTheDemo("http://127.0.0.1:1"))
		hs.press("L", "enter")
		if scr := hs.screen(); !strings.Contains(scr, "SMS_MFA") || strings.Contains(scr, "demo:") {
			t.Fatalf("a code is shown for a pool that is not the demo's:\n%s", scr)
		}
	})
}

// asTheDemo configures the UI as `sigscope demo` does: Emulator is the
// built-in emulator's URL (emulator, when not "", stands in for another
// one), and DemoCode reads the codes it sent.
func asTheDemo(emulatorURL string) func(*Config, *emulator.Server) {
	return func(cfg *Config, srv *emulator.Server) {
		cfg.Emulator = srv.URL
		if emulatorURL != "" {
			cfg.Emulator = emulatorURL
		}
		cfg.DemoCode = func(pool, user string) (string, bool) {
			c, ok := srv.Cognito.LastCode(pool, user)
			return c.Code, ok
		}
	}
}
