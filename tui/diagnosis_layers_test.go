package tui

import (
	"regexp"
	"strconv"
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

// TestEveryPermissionsAnswerInTheUI: every request of the demo's
// Permissions folder, sent from the UI, gets the answer its assertions
// name (AWS's status, x-amzn-ErrorType and exact message: the Tests tab
// counts them all held), and every refusal leads with the layer that
// refused it.
func TestEveryPermissionsAnswerInTheUI(t *testing.T) {
	hs := runHarness(t, 120, 30)
	hs.press("L", "enter")
	if strings.Contains(hs.screen(), "not logged in") {
		t.Fatalf("the login failed:\n%s", hs.screen())
	}
	sent := 0
	for _, ref := range hs.m.benches[0].Requests() {
		if !strings.HasPrefix(ref.Path, "Permissions/") {
			continue
		}
		sent++
		if !hs.m.tree.selectRequest(0, ref.Path) {
			t.Fatalf("no request %q in the tree", ref.Path)
		}
		hs.run(hs.m.selectionChanged())
		hs.press("enter")
		hs.press("3")
		hs.press("z")
		flat := flatten(hs.screen())
		hs.press("z")
		m := statusRe.FindStringSubmatch(flat)
		if m == nil {
			t.Errorf("%s: no status on the Response pane:\n%s", ref.Path, hs.screen())
			continue
		}
		refused := m[1] >= "400"
		// The requests the layers let through assert nothing: their 2xx is
		// the answer.
		if held, total, ok := testsCount(flat); (ok || refused) && (held != total || total == 0) {
			t.Errorf("%s: the Tests tab does not count every assertion held:\n%s", ref.Path, hs.screen())
		}
		if refused && !strings.Contains(flat, "refused by ") {
			t.Errorf("%s: the %s does not name the layer that refused it:\n%s", ref.Path, m[1], hs.screen())
		}
	}
	if sent < 20 {
		t.Fatalf("the Permissions folder has %d requests; the demo lost its answers", sent)
	}
}

var (
	statusRe = regexp.MustCompile(`Response · \S.*? · (\d{3}) `)
	testsRe  = regexp.MustCompile(`Tests (\d+)/(\d+)`)
)

// testsCount reads the Tests tab's "Tests held/total".
func testsCount(flat string) (held, total int, ok bool) {
	m := testsRe.FindStringSubmatch(flat)
	if m == nil {
		return 0, 0, false
	}
	held, _ = strconv.Atoi(m[1])
	total, _ = strconv.Atoi(m[2])
	return held, total, true
}
