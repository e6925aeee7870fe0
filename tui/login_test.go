package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator"
	examples "github.com/sigscope/sigscope/examples/collections"
	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/workbench"
)

// demoHarness opens the demo collection against an in-process emulator,
// with user and password prefilled in the login dialog as the demo does;
// tweak may change the configuration further.
func demoHarness(t *testing.T, user string, w, h int, tweak ...func(*Config, *emulator.Server)) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	password := ""
	for _, u := range srv.Config.Cognito.UserPools[0].Users {
		if u.Username == user {
			password = u.Password
		}
	}
	cfg := Config{
		Data: examples.Demo, DataName: examples.DemoPath, DataFiles: examples.Files, Vars: map[string]string{"emulator": srv.URL},
		Env:      workbench.Env{LookupEnv: func(string) (string, bool) { return "", false }, CacheDir: t.TempDir(), UserAgent: "sigscope/test"},
		Username: user, Password: password, Dark: true,
	}
	for _, f := range tweak {
		f(&cfg, srv)
	}
	return newHarness(t, cfg, w, h)
}

// totpKey is the emulator's TOTP secret for its test users (RFC 6238's
// "12345678901234567890").
const totpKey = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestGoldenLoginSteps(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			name := sizeName(sz.w, sz.h)
			hs := demoHarness(t, "totp-user", sz.w, sz.h)
			hs.press("L")
			scr := hs.screen()
			if strings.Contains(scr, "Passw0rd!") {
				t.Fatal("the password is on screen")
			}
			hs.golden("login-password-" + name)
			hs.press("enter")
			hs.golden("login-totp-" + name)
			hs.typeText(testkit.TOTP(t, totpKey, time.Now()))
			hs.press("enter")
			scr = hs.screen()
			if !strings.Contains(scr, "totp-user · id_token") || len(hs.m.overlays) != 0 {
				t.Fatalf("not logged in:\n%s", scr)
			}
		})
	}
}

func TestGoldenLoginNewPasswordAndMFAChoice(t *testing.T) {
	hs := demoHarness(t, "newbie", 120, 30)
	hs.press("L", "enter")
	hs.golden("login-newpassword-120x30")
	hs.press("esc")

	hs = demoHarness(t, "choosy-user", 120, 30)
	hs.press("L", "enter")
	hs.golden("login-selectmfa-120x30")
	hs.press("enter") // the first choice: the authenticator app
	scr := hs.screen()
	if !strings.Contains(scr, "SOFTWARE_TOKEN_MFA") && !strings.Contains(scr, "authenticator") {
		t.Fatalf("after choosing TOTP:\n%s", scr)
	}
	hs.typeText(testkit.TOTP(t, totpKey, time.Now()))
	hs.press("enter")
	if !strings.Contains(hs.screen(), "choosy-user · id_token") {
		t.Fatalf("not logged in:\n%s", hs.screen())
	}
}

func TestLoginThenSendAndLogout(t *testing.T) {
	hs := demoHarness(t, "demo", 160, 48)
	hs.press("L", "enter")
	hs.press("enter") // send List pets
	scr := hs.screen()
	if !strings.Contains(scr, "Response · List pets · 200 OK") || !strings.Contains(scr, "AWS4-HMAC-SHA256") {
		t.Fatalf("send after login:\n%s", scr)
	}
	hs.press("O")
	if !strings.Contains(hs.screen(), "not logged in (L)") {
		t.Fatalf("after logout:\n%s", hs.screen())
	}
}

// TestHostedLoginDialog signs in through the emulator's hosted UI: the
// dialog shows the URL, a "browser" signs in, the header shows the user.
func TestHostedLoginDialog(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	coll := strings.Replace(string(examples.Demo), "    username: demo\n", "    username: demo\n    flow: hosted\n", 1)
	cfg := Config{
		Data: []byte(coll), DataName: "hosted.yaml", Vars: map[string]string{"emulator": srv.URL},
		Env: workbench.Env{LookupEnv: func(string) (string, bool) { return "", false }, CacheDir: t.TempDir(), UserAgent: "sigscope/test"},
	}
	hs := newHarness(t, cfg, 120, 30)
	// The sign-in waits for the browser: run its steps by hand so that the
	// browser can act between them.
	_, start := hs.m.Update(keyMsg("L"))
	_, wait := hs.m.Update(start())
	o, ok := hs.m.overlays[len(hs.m.overlays)-1].(*hostedOverlay)
	if !ok || !strings.HasPrefix(o.url, srv.URL+"/oauth2/authorize?") {
		t.Fatalf("no hosted dialog with the URL: %+v", hs.m.overlays)
	}
	if scr := hs.screen(); !strings.Contains(scr, "Open this URL in a browser") {
		t.Fatalf("dialog:\n%s", scr)
	}
	browser := make(chan error, 1)
	go func() {
		_, err := testkit.PlayBrowser(o.url, "demo", "Passw0rd!")
		browser <- err
	}()
	hs.run(wait)
	if err := <-browser; err != nil {
		t.Fatal(err)
	}
	if scr := hs.screen(); !strings.Contains(scr, "demo · id_token") || len(hs.m.overlays) != 0 {
		t.Fatalf("after the browser came back:\n%s", scr)
	}
}
