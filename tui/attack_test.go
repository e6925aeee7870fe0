package tui

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/workbench"
)

// TestAttackCorpusOpened: each collection of the attack corpus opened in
// the UI shows why it cannot be used, or asks to be trusted; enter sends
// nothing before the user confirms, and no planted secret is on screen or
// reaches the attacker's server.
func TestAttackCorpusOpened(t *testing.T) {
	attacker := testkit.NewRecorder(t, nil)
	good := testkit.RedirectingRecorder(t, func() string { return "http://" + attacker.Addr })
	for _, a := range testkit.Attacks(t, "http://"+good.Addr, "http://"+attacker.Addr) {
		t.Run(a.Name, func(t *testing.T) {
			env := workbench.Env{LookupEnv: testkit.PlantedEnv, CacheDir: t.TempDir()}
			hs := newUntrustedHarness(t, Config{Paths: []string{a.Path}, Env: env}, 120, 30)
			scr := hs.screen()
			refusedAtLoad := strings.Contains(scr, "Collection not loaded") || strings.Contains(scr, "not loaded")
			if !refusedAtLoad && !strings.Contains(scr, "Trust this collection?") {
				t.Fatalf("neither a refusal nor the question:\n%s", scr)
			}
			if hs.m.overlays != nil {
				hs.press("esc") // not confirmed
			}
			hs.press("enter")
			if n := len(attacker.Raw()) + len(good.Raw()); n > 0 {
				t.Fatalf("%d requests went out before any confirmation", n)
			}
			scr = hs.screen()
			for _, v := range testkit.Planted {
				if strings.Contains(scr, v) {
					t.Fatalf("a planted secret is on screen:\n%s", scr)
				}
			}
		})
	}
}
