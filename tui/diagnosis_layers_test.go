package tui

import (
	"strings"
	"testing"
)

// TestDiagnosisNamesTheLayer: requests of the demo's Permissions folder,
// sent from the UI to the emulator, show above their body which layer of
// API Gateway refused them and why, at 80 and 120 columns, and d opens
// the causes under the same layer. The answers are AWS's (the demo
// collection cites the pages and asserts the exact texts).
func TestDiagnosisNamesTheLayer(t *testing.T) {
	cases := []struct {
		request string
		status  string
		layer   string // the first line of the diagnosis
		why     []string
	}{
		{"IAM: a Deny matches (explicit deny)", "403", "refused by the IAM policies", []string{`remove the Deny statement "NeverThis"`}},
		{"Lambda authorizer: Deny (explicit deny)", "403", "refused by the Lambda authorizer", []string{"authorizer demo-tokens", "decided to refuse this caller"}},
		{"Cognito: expired token (401)", "401", "refused by the Cognito authorizer (token)", []string{"the token expired at", "log in again"}},
		{"API key: missing (Forbidden)", "403", "refused by the API key and usage plan", []string{"send an enabled key's value in x-api-"}},
	}
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 30}} {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			hs := runHarness(t, sz.w, sz.h)
			hs.press("L", "enter") // the demo user's password is the harness's
			if strings.Contains(hs.screen(), "not logged in") {
				t.Fatalf("the login failed:\n%s", hs.screen())
			}
			for _, c := range cases {
				if !hs.m.tree.selectRequest(0, "Permissions/"+c.request) {
					t.Fatalf("no request %q in the tree", c.request)
				}
				hs.run(hs.m.selectionChanged())
				hs.press("enter")
				hs.press("3")
				scr := hs.screen()
				// The layer leads the diagnosis, on a line of its own.
				if !strings.Contains(scr, c.status) || !strings.Contains(scr, c.layer+":") {
					t.Fatalf("%s: the Response pane lacks %s and %q:\n%s", c.request, c.status, c.layer, scr)
				}
				// Zoomed, the pane's wrapped sentences read whole.
				hs.press("z")
				flat := flatten(hs.screen())
				for _, w := range c.why {
					if !strings.Contains(flat, w) {
						t.Errorf("%s: the diagnosis lacks %q:\n%s", c.request, w, hs.screen())
					}
				}
				if strings.Count(flat, c.layer) != 1 {
					t.Errorf("%s: the layer is said %d times:\n%s", c.request, strings.Count(flat, c.layer), hs.screen())
				}
				hs.press("z")
				hs.press("d")
				title := "Refused by " + strings.TrimPrefix(c.layer, "refused by ")
				if flat := flatten(hs.screen()); !strings.Contains(flat, title) {
					t.Errorf("%s: d lacks %q:\n%s", c.request, title, hs.screen())
				}
				hs.press("esc")
			}
		})
	}
}

// flatten reads a screen as one text: the panes' borders out, the lines
// joined, so that a wrapped sentence is found whole.
func flatten(scr string) string {
	scr = strings.NewReplacer("│", " ", "┌", " ", "┐", " ", "└", " ", "┘", " ", "─", " ").Replace(scr)
	return strings.Join(strings.Fields(scr), " ")
}
