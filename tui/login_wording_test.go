package tui

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/settings"
)

// A request that needs a Cognito login, before anyone logged in: the UI
// says to press its login key (the one the keymap gives it), not the
// command line's "run `sigscope login FILE` first", in the Request pane
// and in the Response pane of a send.
func TestLoginRequiredIsWordedAsTheKey(t *testing.T) {
	for _, tc := range []struct{ keymap, key string }{{"", "L"}, {"keymap:\n  login: [ctrl+g]\n", "ctrl+g"}} {
		t.Run(tc.key, func(t *testing.T) {
			hs := demoHarness(t, "demo", 120, 30, func(cfg *Config, _ *emulator.Server) {
				if tc.keymap == "" {
					return
				}
				s, err := settings.Parse("c.yaml", []byte(tc.keymap), Actions())
				if err != nil {
					t.Fatal(err)
				}
				cfg.Settings = s
			})
			want := "press " + tc.key + " to log in"
			scr := hs.screen()
			if !strings.Contains(scr, "no usable cached") || !strings.Contains(scr, "hint: "+want) {
				t.Fatalf("the Request pane does not say %q:\n%s", want, scr)
			}
			hs.press("enter")
			scr = hs.screen()
			if !strings.Contains(scr, "Not sent") || strings.Count(scr, "hint: "+want) != 2 {
				t.Fatalf("the Response pane does not say %q after a send:\n%s", want, scr)
			}
			if strings.Contains(scr, "sigscope login") {
				t.Errorf("the command line's step is on screen:\n%s", scr)
			}
		})
	}
}
