package logindialog

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/auth"
)

const (
	password    = "Hunter2-Passw0rd!"
	newPassword = "N3w-Secret-Phrase"
	totpSecret  = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
)

var (
	newPasswordStep = auth.Step{
		Kind: auth.StepNewPassword, Challenge: "NEW_PASSWORD_REQUIRED",
		Prompt:             "Cognito requires a new password and email",
		RequiredAttributes: []string{"email", "name"},
		UserAttributes:     map[string]string{"name": "Demo User"},
	}
	selectStep = auth.Step{
		Kind: auth.StepSelectMFA, Challenge: "SELECT_MFA_TYPE",
		Prompt:     "Choose how to receive the MFA code",
		MFAChoices: []string{auth.MFATOTP, auth.MFASMS},
	}
	smsStep = auth.Step{
		Kind: auth.StepMFACode, Challenge: "SMS_MFA", Prompt: "Code sent by SMS to +*******0100",
		Medium: "SMS", Destination: "+*******0100",
	}
	totpStep  = auth.Step{Kind: auth.StepMFACode, Challenge: "SOFTWARE_TOKEN_MFA", Prompt: "Code from your authenticator app"}
	setupStep = auth.Step{
		Kind: auth.StepTOTPSetup, Challenge: "MFA_SETUP",
		Prompt:     "Add this key to an authenticator app, then type the code it shows",
		TOTPSecret: totpSecret,
		TOTPURI:    auth.OTPAuthURI(totpSecret, "setup-user", "AWSCognito"),
	}
	doneStep  = auth.Step{Kind: auth.StepDone, Username: "demo"}
	wrongCode = &auth.Error{Op: "RespondToAuthChallenge", Code: "CodeMismatchException", Message: "Invalid code received for user",
		Plain: "the code is wrong: type the newest code", Retry: true}
)

// The longest path: password, new password (typed twice, with the
// attributes Cognito requires), MFA choice, a code sent by SMS, done.
func TestEveryStepToDone(t *testing.T) {
	fake := newFake(reply{step: newPasswordStep}, reply{step: selectStep}, reply{step: smsStep}, reply{step: doneStep})
	h := newHarness(t, fake, 80, 24)
	h.secrets = []string{password, newPassword}

	h.mustShow("Log in · app", "pool us-east-1_Demo1", "flow USER_SRP_AUTH", "user", "demo", "enter log in")
	if h.m.focus != 1 {
		t.Fatalf("focus %d: a prefilled username puts the cursor in the password", h.m.focus)
	}
	h.typeText(password)
	h.mustShow(strings.Repeat("•", len(password)))
	h.enter()

	if len(h.starts) != 1 || h.starts[0] != "demo" {
		t.Fatalf("Start calls %q, want [demo]", h.starts)
	}
	h.mustShow("✓ InitiateAuth", "SRP_A sent", "✓ PASSWORD_VERIFIER", "▸ NEW_PASSWORD_REQUIRED",
		"new password", "again", "email", "Demo User", "user demo")

	// Typed blind, so typed twice; a mismatch is caught before Cognito.
	h.typeText(newPassword)
	h.tab()
	h.typeText(newPassword + "x")
	h.tab()
	h.typeText("demo@example.com")
	h.enter()
	h.mustShow("✗ the two passwords differ")
	if n := len(fake.answered()); n != 1 {
		t.Fatalf("%d answers: a mismatch must not reach the login", n)
	}
	if h.m.fields[0].value() != "" || h.m.fields[1].value() != "" || h.m.focus != 0 {
		t.Fatal("after a mismatch both passwords are emptied and the cursor is in the first")
	}
	h.typeText(newPassword)
	h.enter() // the second is empty: enter goes there first
	if h.m.focus != 1 {
		t.Fatalf("focus %d, want the empty second password", h.m.focus)
	}
	h.typeText(newPassword)
	h.enter()

	h.mustShow("✓ NEW_PASSWORD_REQUIRED", "▸ SELECT_MFA_TYPE", "authenticator app", "SMS_MFA", "↑/↓ move", "enter choose")
	h.press(tea.KeyDown)
	h.enter()

	h.mustShow("✓ SELECT_MFA_TYPE", "chose SMS", "▸ SMS_MFA", "code sent by SMS to +*******0100", "[ _ _ _ _ _ _ ]")
	h.typeText("12ab3 456") // letters and spaces are not digits
	h.mustShow("[ 1 2 3 4 5 6 ]")
	h.enter()

	if d := h.done(); d.Stepper != fake {
		t.Fatalf("DoneMsg carries %v, want the login", d.Stepper)
	}
	h.mustShow("✓ SMS_MFA", "code accepted", "✓ logged in", "esc close")

	got := fake.answered()
	if len(got) != 4 {
		t.Fatalf("%d answers, want 4", len(got))
	}
	if got[0].Password != password {
		t.Error("the first answer is not the password typed")
	}
	if got[1].NewPassword != newPassword || got[1].Attributes["email"] != "demo@example.com" || got[1].Attributes["name"] != "Demo User" {
		t.Errorf("new password answer: attributes %v", got[1].Attributes)
	}
	if got[2].MFAType != auth.MFASMS {
		t.Errorf("MFA type %q, want SMS_MFA", got[2].MFAType)
	}
	if got[3].Code != "123456" {
		t.Errorf("code %q, want 123456", got[3].Code)
	}
	h.checkViews()
}

func TestTOTPSetup(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		qr   bool
	}{{160, 48, true}, {80, 24, false}} {
		fake := newFake(reply{step: setupStep}, reply{step: doneStep})
		h := newHarness(t, fake, tc.w, tc.h, func(c *Config) { c.Password = password })
		h.secrets = []string{password}
		h.enter()
		h.mustShow("▸ MFA_SETUP", "set up an authenticator app", "key", "JBSW Y3DP EHPK 3PXP", "code")
		shown := strings.ContainsAny(h.screen(), "▀▄█")
		if shown != tc.qr {
			t.Fatalf("%dx%d: QR code shown %v, want %v:\n%s", tc.w, tc.h, shown, tc.qr, h.screen())
		}
		if !tc.qr {
			h.mustShow("larger terminal shows a QR code")
		}
		if got := strings.Count(h.m.View(), "\n") + 1; got > tc.h {
			t.Fatalf("%dx%d: the dialog is %d lines high", tc.w, tc.h, got)
		}
		h.typeText("654321")
		h.enter()
		h.done()
		h.mustShow("✓ MFA_SETUP", "authenticator app verified")
		if a := fake.answered(); a[1].Code != "654321" {
			t.Fatalf("setup code %q", a[1].Code)
		}
		h.checkViews()
	}
}

func TestWrongCodeMayBeRetried(t *testing.T) {
	fake := newFake(reply{step: totpStep}, reply{step: totpStep, err: wrongCode}, reply{step: doneStep})
	h := newHarness(t, fake, 80, 24, func(c *Config) { c.Password = password })
	h.secrets = []string{password}
	h.enter()
	h.typeText("111111")
	h.enter()
	h.mustShow("✗ the code is wrong", "▸ SOFTWARE_TOKEN_MFA", "[ _ _ _ _ _ _ ]", "✓ PASSWORD_VERIFIER")
	h.typeText("222222")
	h.enter()
	h.done()
	h.mustNotShow("✗")
	if len(h.starts) != 1 {
		t.Fatalf("a retry started %d logins", len(h.starts))
	}
	h.checkViews()
}

func TestThreeWrongCodesStartOver(t *testing.T) {
	fake := newFake(reply{step: totpStep},
		reply{step: totpStep, err: wrongCode}, reply{step: totpStep, err: wrongCode}, reply{step: totpStep, err: wrongCode})
	h := newHarness(t, fake, 80, 24, func(c *Config) { c.Password = password })
	h.enter()
	for range maxAttempts {
		h.typeText("111111")
		h.enter()
	}
	h.mustShow("✗ 3 wrong answers, log in again: the code is wrong", "password", "enter log in")
	h.mustNotShow("SOFTWARE_TOKEN_MFA", "✓")
	if len(fake.answered()) != 4 {
		t.Fatalf("%d answers, want 4", len(fake.answered()))
	}
	h.checkViews()
}

func TestNonRetryableErrorGoesBackToPassword(t *testing.T) {
	expired := &auth.Error{Op: "RespondToAuthChallenge", Code: "ExpiredCodeException", Message: "Invalid code provided, please request a code again.",
		Plain: "the code has expired: start the login again to get a new one"}
	fake := newFake(reply{step: smsStep}, reply{step: auth.Step{Kind: auth.StepPassword}, err: expired})
	h := newHarness(t, fake, 80, 24)
	h.secrets = []string{password}
	h.typeText(password)
	h.enter()
	h.typeText("123456")
	h.enter()
	h.mustShow("✗ the code has expired", "user", "password", "enter log in")
	h.mustNotShow("SMS_MFA", "✓ InitiateAuth")
	if h.m.focus != 1 || h.m.cred[1].value() != password {
		t.Fatal("back on the first screen, the password is kept and focused")
	}

	// Submitting again starts a fresh login.
	fake.replies = []reply{{step: doneStep}}
	h.enter()
	h.done()
	if len(h.starts) != 2 {
		t.Fatalf("%d starts, want 2", len(h.starts))
	}
	h.checkViews()
}

func TestWrongPasswordStaysOnFirstScreen(t *testing.T) {
	wrong := &auth.Error{Op: "InitiateAuth", Code: "NotAuthorizedException", Message: "Incorrect username or password.",
		Plain: `wrong password for user "demo" (or no such user in pool us-east-1_Demo1)`}
	fake := newFake(reply{step: auth.Step{Kind: auth.StepPassword}, err: wrong})
	h := newHarness(t, fake, 60, 24)
	h.secrets = []string{password}
	h.typeText(password)
	h.enter()
	h.mustShow("✗ wrong password for user \"demo\"", "enter log in")
	h.checkViews()
}

func TestFirstScreenChecksBeforeStarting(t *testing.T) {
	fake := newFake()
	h := newHarness(t, fake, 80, 24, func(c *Config) { c.Username = "" })
	if h.m.focus != 0 {
		t.Fatal("without a username the cursor starts in the username")
	}
	h.enter()
	h.mustShow("✗ type a username")
	h.typeText("kjq?") // letters that are keys elsewhere in the TUI
	if got := h.m.cred[0].value(); got != "kjq?" {
		t.Fatalf("username %q: letter keys must go into the field", got)
	}
	h.enter() // the password is empty: the cursor moves there
	if h.m.focus != 1 || len(h.starts) != 0 {
		t.Fatalf("focus %d, %d starts", h.m.focus, len(h.starts))
	}
	h.enter()
	h.mustShow("✗ type the password")

	h.m.cfg.Start = func(string) (Stepper, error) { return nil, errors.New("no username: set username in the auth profile") }
	h.typeText("x")
	h.enter()
	h.mustShow("✗ no username: set username")
	if len(fake.answered()) != 0 {
		t.Fatal("nothing may be answered before a login starts")
	}
}

func TestTabMovesBetweenFields(t *testing.T) {
	h := newHarness(t, newFake(), 80, 24)
	h.tab()
	if h.m.focus != 0 {
		t.Fatalf("tab from the last field: focus %d, want 0", h.m.focus)
	}
	h.press(tea.KeyTab, tea.ModShift)
	if h.m.focus != 1 {
		t.Fatalf("shift+tab: focus %d, want 1", h.m.focus)
	}
	h.press(tea.KeyBackspace) // edits go to the focused field only
	h.press(tea.KeyTab, tea.ModShift)
	h.press(tea.KeyBackspace)
	if got := h.m.cred[0].value(); got != "dem" {
		t.Fatalf("username %q after a backspace, want dem", got)
	}
	h.send(tea.PasteMsg{Content: "o\n"})
	if got := h.m.cred[0].value(); got != "demo" {
		t.Fatalf("username %q after a paste, want demo", got)
	}
}

func TestEscCancelsTheRunningStep(t *testing.T) {
	fake := newFake()
	fake.block = true
	h := newHarness(t, fake, 80, 24, func(c *Config) { c.Password = password })
	_, cmd := h.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if !h.m.running {
		t.Fatal("enter did not start the step")
	}
	h.mustShow("InitiateAuth", "signing in as demo", "esc cancel")
	h.mustNotShow("enter log in")

	// Run the batch as Bubble Tea would: each command on its own.
	results := make(chan tea.Msg, 4)
	batch, ok := cmd().(tea.BatchMsg)
	if !ok {
		t.Fatalf("submit returned %T, want a batch of the answer and the spinner", cmd())
	}
	for _, c := range batch {
		go func() { results <- c() }()
	}

	// Keys other than esc do nothing while the step runs.
	h.typeText("zz")
	if got := h.m.cred[1].value(); got != password {
		t.Fatal("typing while a step runs changed the password")
	}

	_, cmd = h.m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if cmd == nil {
		t.Fatal("esc returned no command")
	}
	if _, ok := cmd().(CanceledMsg); !ok {
		t.Fatal("esc did not emit CanceledMsg")
	}
	var res tea.Msg
	for res == nil {
		select {
		case msg := <-results:
			if _, tick := msg.(spinner.TickMsg); !tick {
				res = msg
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the answer did not return: its context was not canceled")
		}
	}
	if err := fake.ctxs[0].Err(); !errors.Is(err, context.Canceled) {
		t.Fatalf("the context passed to Answer: %v, want canceled", err)
	}
	// The late answer changes nothing and emits nothing.
	before := h.m.View()
	if _, cmd := h.m.Update(res); cmd != nil || h.m.View() != before {
		t.Fatal("a canceled step's answer was not dropped")
	}
}

func TestStaleAnswersAreDropped(t *testing.T) {
	fake := newFake(reply{step: doneStep})
	h := newHarness(t, fake, 80, 24, func(c *Config) { c.Password = password })
	_, cmd := h.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	other := New(Config{}, DefaultStyles())
	for _, msg := range []tea.Msg{
		resultMsg{id: other.id, seq: h.m.seq, step: doneStep},   // another dialog's
		resultMsg{id: h.m.id, seq: h.m.seq - 1, step: doneStep}, // an earlier attempt's
	} {
		if _, c := h.m.Update(msg); c != nil || h.m.done {
			t.Fatalf("%+v was taken", msg)
		}
	}
	h.run(cmd)
	h.done()
}

func TestEscAlwaysCancels(t *testing.T) {
	h := newHarness(t, newFake(reply{step: totpStep}), 80, 24, func(c *Config) { c.Password = password })
	h.enter()
	h.press(tea.KeyEscape)
	if len(h.emitted) != 1 {
		t.Fatalf("emitted %v, want one CanceledMsg", h.emitted)
	}
	if _, ok := h.emitted[0].(CanceledMsg); !ok {
		t.Fatalf("emitted %T", h.emitted[0])
	}
	h.typeText("1")
	h.enter()
	if len(h.emitted) != 1 || len(h.fake.answered()) != 1 {
		t.Fatal("a closed dialog still acts")
	}
}

func TestKeyMapFollowsTheStep(t *testing.T) {
	h := newHarness(t, newFake(reply{step: selectStep}), 80, 24, func(c *Config) { c.Password = password })
	k := h.m.KeyMap()
	if !k.NextField.Enabled() || k.Up.Enabled() || k.Submit.Help().Desc != "log in" {
		t.Fatal("first screen: fields and log in")
	}
	h.enter()
	k = h.m.KeyMap()
	if k.NextField.Enabled() || !k.Up.Enabled() || !k.Down.Enabled() || k.Submit.Help().Desc != "choose" {
		t.Fatal("MFA choice: up/down and choose, no fields")
	}
	if len(k.ShortHelp()) == 0 || len(k.FullHelp()) == 0 {
		t.Fatal("no help")
	}
}

func TestHistoryFollowsTheFlow(t *testing.T) {
	h := newHarness(t, newFake(reply{step: totpStep}), 80, 24, func(c *Config) {
		c.Password, c.Flow = password, "password"
	})
	h.enter()
	h.mustShow("flow USER_PASSWORD_AUTH", "✓ InitiateAuth", "password accepted", "▸ SOFTWARE_TOKEN_MFA", "code from your authenticator app")
	h.mustNotShow("PASSWORD_VERIFIER")
}

// TestDemoCodeIsShown: with Config.DemoCode (the demo's built-in emulator
// only) an SMS or email step shows the code that was "sent", asked for by
// Cognito's name for the user; an authenticator's step, or a dialog
// without DemoCode (any real pool), shows none.
func TestDemoCodeIsShown(t *testing.T) {
	emailStep := auth.Step{Kind: auth.StepMFACode, Challenge: "EMAIL_OTP", Prompt: "Code sent by email to d***@e***",
		Medium: "EMAIL", Destination: "d***@e***", Username: "internal-demo"}
	var asked []string
	demo := func(c *Config) {
		c.Password = password
		c.DemoCode = func(user string) (string, bool) { asked = append(asked, user); return "438070", true }
	}
	for _, c := range []struct {
		name  string
		step  auth.Step
		tweak func(*Config)
		want  []string
		user  string
	}{
		{"sms", smsStep, demo, []string{"demo: the emulator's SMS says 438070"}, "demo"},
		{"email", emailStep, demo, []string{"demo: the emulator's email says 438070"}, "internal-demo"},
		{"totp", totpStep, demo, nil, ""},
		{"real pool", smsStep, func(c *Config) { c.Password = password }, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			asked = nil
			for _, w := range []int{80, 120, 40} {
				fake := newFake(reply{step: c.step}, reply{step: doneStep})
				h := newHarness(t, fake, w, 24, c.tweak)
				h.enter()
				if c.want == nil {
					h.mustNotShow("438070", "demo:")
				} else {
					h.mustShow(append([]string{"438070"}, c.want[0][:min(len(c.want[0]), 20)])...)
					if w >= 80 {
						h.mustShow(c.want...)
					}
				}
				h.typeText("438070")
				h.enter()
				h.done()
				h.mustNotShow("demo:") // gone with the step
				h.checkViews()
			}
			if c.user != "" && (len(asked) == 0 || asked[0] != c.user) {
				t.Fatalf("DemoCode asked for %q, want %q", asked, c.user)
			}
			if c.user == "" && len(asked) > 0 {
				t.Fatalf("DemoCode asked for %q on a step without a sent code", asked)
			}
		})
	}
}
