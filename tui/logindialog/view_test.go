package logindialog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/auth"
)

// Every screen, at wide, standard and narrow terminals: each line exactly
// the box's width, never wider than the terminal, no password anywhere.
func TestEveryLineIsTheBoxWidth(t *testing.T) {
	long := &auth.Error{Op: "RespondToAuthChallenge", Code: "InvalidPasswordException",
		Message: "Password does not conform to policy: Password must have symbol characters",
		Plain:   "the new password does not meet the pool's password policy: Password does not conform to policy: Password must have symbol characters",
		Retry:   true}
	for _, size := range [][2]int{{160, 48}, {120, 30}, {80, 24}, {60, 24}, {45, 20}, {36, 20}, {30, 16}, {12, 10}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			fake := newFake(reply{step: newPasswordStep}, reply{step: newPasswordStep, err: long},
				reply{step: selectStep}, reply{step: setupStep}, reply{step: doneStep})
			h := newHarness(t, fake, size[0], size[1], func(c *Config) {
				c.Username = "a-rather-long-username@example.com"
				c.Title = "a profile whose name is longer than any dialog is wide"
			})
			h.secrets = []string{password, newPassword}
			h.typeText(password)
			h.enter()
			for range 2 {
				h.typeText(newPassword)
				h.tab()
				h.typeText(newPassword)
				h.tab()
				h.typeText("someone@example.com")
				h.enter()
			}
			h.enter()
			h.typeText("123456")
			h.enter()
			h.done()
			h.checkViews()

			want := min(size[0]-4, 72)
			if want < 36 {
				want = min(size[0], 36)
			}
			if h.m.width != want {
				t.Fatalf("box %d columns, want %d", h.m.width, want)
			}
		})
	}
}

func TestResizeKeepsTheWidth(t *testing.T) {
	h := newHarness(t, newFake(), 160, 48)
	h.typeText(strings.Repeat("x", 100)) // scrolls the password field
	h.secrets = []string{strings.Repeat("x", 3)}
	for _, w := range []int{160, 80, 60, 40, 100} {
		h.m.SetSize(w, 24)
		h.views = []string{h.m.View()}
		h.checkViews()
	}
	h.mustShow("•••")
}

func TestSketchLayout(t *testing.T) {
	h := newHarness(t, newFake(reply{step: totpStep}), 72, 24, func(c *Config) { c.Password = password })
	h.enter()
	got := strings.Split(ansi.Strip(h.m.View()), "\n")
	want := []string{
		"╭─ Log in · app ───────────────────────────────────────────────────╮",
		"│ pool us-east-1_Demo1 · user demo · flow USER_SRP_AUTH            │",
		"│ ✓ InitiateAuth           SRP_A sent, got SRP_B + salt            │",
		"│ ✓ PASSWORD_VERIFIER      claim signature accepted                │",
		"│ ▸ SOFTWARE_TOKEN_MFA     code from your authenticator app        │",
		"│   code  [ _ _ _ _ _ _ ]                                          │",
		"│ esc cancel  enter submit                                         │",
		"╰──────────────────────────────────────────────────────────────────╯",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
