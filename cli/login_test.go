package cli

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/cognito"
	"github.com/sigscope/sigscope/sign"
)

const demoUserPassword = "Passw0rd!"

// lockedBuf is an output buffer the command and the test share.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// loginEnv is an in-process emulator and a fresh cache directory for the
// token store, with demo users for the challenges added.
type loginEnv struct {
	srv *emulator.Server
	log *lockedBuf
}

func newLoginEnv(t *testing.T) *loginEnv {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv("SIGSCOPE_DEMO_PASSWORD", "")
	cfg := emulator.DefaultConfig()
	pool := &cfg.Cognito.UserPools[0]
	pool.Users = append(pool.Users,
		cognito.UserConfig{Username: "chooser", Password: demoUserPassword, Attributes: map[string]string{"email": "chooser@example.com"},
			MFA: &cognito.MFAConfig{Type: "sms,totp", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Phone: "+15555550102"}},
		cognito.UserConfig{Username: "setup", Password: demoUserPassword, MFA: &cognito.MFAConfig{Type: "totp-setup"}},
	)
	e := &loginEnv{log: &lockedBuf{}}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := emulator.Start(ctx, emulator.Options{Config: cfg, Log: e.log})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); cancel() })
	e.srv = srv
	return e
}

// login runs cli.Main with the emulator variable set.
func (e *loginEnv) login(stdin io.Reader, args ...string) (int, string, string) {
	var out, errb lockedBuf
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	code := Main(append([]string{"login", demoCollection, "--var", "emulator=" + e.srv.URL, "--yes"}, args...), stdin, &out, &errb)
	return code, out.String(), errb.String()
}

// cached opens the login the command cached, through package auth.
func (e *loginEnv) cached(t *testing.T, user string) *auth.Session {
	t.Helper()
	p := auth.CognitoProfile{UserPoolID: "us-east-1_Demo1", ClientID: "3n4b5urk1ft4fl3mg5e62d9ado",
		IdentityPoolID: "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab", Endpoint: e.srv.URL}
	s, err := auth.CognitoSession(context.Background(), auth.CacheKey{Collection: demoCollection, Environment: "local", Username: user}, p)
	if err != nil {
		t.Fatalf("the login was not cached: %v", err)
	}
	return s
}

func totpNow(t *testing.T, secretB32 string) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secretB32)
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha1.New, key)
	counter := uint64(time.Now().Unix() / 30)
	for i := 7; i >= 0; i-- {
		mac.Write([]byte{byte(counter >> (8 * i))})
	}
	sum := mac.Sum(nil)
	o := sum[19] & 15
	return fmt.Sprintf("%06d", (int(sum[o])&0x7f<<24|int(sum[o+1])<<16|int(sum[o+2])<<8|int(sum[o+3]))%1000000)
}

// TestLoginDemoEndToEnd logs in with the demo collection's profile `app`
// through cli.Main, then checks the cache, the identity pool credentials
// and that no password, token or secret key reached stdout or stderr.
func TestLoginDemoEndToEnd(t *testing.T) {
	e := newLoginEnv(t)
	code, stdout, stderr := e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin")
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{
		"Logged in to us-east-1_Demo1 as demo, email demo@example.com\n",
		"  id token      expires ", "  access token  expires ",
		"Identity pool us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab: identity us-east-1:",
		"  AWS credentials ASIA…", "'sigscope logout'",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	s := e.cached(t, "demo")
	tok, err := s.Tokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	creds, err := s.Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "identity "+s.IdentityID()+"\n") {
		t.Errorf("stdout does not name identity %s", s.IdentityID())
	}
	for name, secret := range map[string]string{"password": demoUserPassword, "id token": tok.IDToken, "access token": tok.AccessToken,
		"refresh token": tok.RefreshToken, "secret key": creds.SecretAccessKey, "session token": creds.SessionToken, "access key id": creds.AccessKeyID} {
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("the %s is printed in clear", name)
		}
		if strings.Contains(e.log.String(), secret) {
			t.Errorf("the %s is in the emulator's log", name)
		}
	}

	// The signed request works with the credentials the login fetched.
	if status := e.signedPets(t, creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken); status != http.StatusOK {
		t.Errorf("GET /prod/pets with the login's credentials: %d", status)
	}

	// The tokens are printed only when asked.
	code, stdout, _ = e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin", "--show-tokens", "-o", "json")
	if code != ExitOK {
		t.Fatalf("--show-tokens: exit %d", code)
	}
	var report struct {
		Username   string `json:"username"`
		IdentityID string `json:"identity_id"`
		IDToken    string `json:"id_token"`
	}
	mustJSON(t, stdout, &report)
	again, _ := e.cached(t, "demo").Tokens(context.Background())
	if report.Username != "demo" || report.IdentityID != s.IdentityID() || report.IDToken == "" || report.IDToken != again.IDToken {
		t.Errorf("json report: user %q, identity %q, id token printed %v", report.Username, report.IdentityID, report.IDToken != "")
	}
}

// signedPets signs GET /prod/pets with sign.Sign and sends it.
func (e *loginEnv) signedPets(t *testing.T, key, secretKey, token string) int {
	t.Helper()
	host := strings.TrimPrefix(e.srv.URL, "http://")
	tr, err := sign.Sign(&sign.Request{Method: "GET", Scheme: "http", Host: host, Path: "/prod/pets", Headers: []sign.Header{{Name: "Host", Value: host}}},
		sign.Options{Credentials: sign.Credentials{AccessKeyID: key, SecretAccessKey: secretKey, SessionToken: token}, Region: "us-east-1", Service: "execute-api"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/prod/pets", nil)
	for _, h := range tr.Signed.Headers {
		if !strings.EqualFold(h.Name, "Host") {
			req.Header.Add(h.Name, h.Value)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestLoginRefusedAndExplained(t *testing.T) {
	e := newLoginEnv(t)
	code, stdout, stderr := e.login(strings.NewReader("Wr0ngPassw0rd\n"), "--password-stdin")
	if code != ExitError || !strings.Contains(stderr, `sigscope: wrong password for user "demo"`) {
		t.Fatalf("wrong password: exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stdout+stderr, "Wr0ngPassw0rd") {
		t.Error("the password is printed")
	}
	// USER_PASSWORD_AUTH on the demo client works; SRP is the default.
	if code, _, stderr := e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin", "--flow", "password"); code != ExitOK {
		t.Errorf("--flow password: exit %d: %s", code, stderr)
	}
	// No password anywhere: a script is told how to give one.
	if code, _, stderr := e.login(nil); code != ExitError || !strings.Contains(stderr, "pass --password-stdin, set SIGSCOPE_DEMO_PASSWORD") {
		t.Errorf("no password: exit %d: %s", code, stderr)
	}
	// The profile's password_env is used when set.
	t.Setenv("SIGSCOPE_DEMO_PASSWORD", demoUserPassword)
	if code, _, stderr := e.login(nil); code != ExitOK {
		t.Errorf("password_env: exit %d: %s", code, stderr)
	}
}

func TestLoginProfileChoice(t *testing.T) {
	e := newLoginEnv(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--profile", "demo-iam"}, ExitError, `auth profile "demo-iam" is of type static: Cognito logins need a profile of type cognito`},
		{[]string{"--profile", "nope"}, ExitError, `no auth profile "nope"`},
		{[]string{"--env", "prod"}, ExitError, `unknown environment "prod"`},
		{[]string{"--var", "novalue"}, ExitUsage, `--var "novalue": want name=value`},
		{[]string{"--flow", "magic"}, ExitUsage, `flow "magic"`},
		{[]string{"-o", "yaml"}, ExitUsage, `--output "yaml"`},
	} {
		code, _, stderr := e.login(nil, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
	// Without --var emulator the endpoint cannot be built: the collection
	// names the variable and its place.
	var out, errb lockedBuf
	code := Main([]string{"login", demoCollection, "--password-stdin"}, strings.NewReader(demoUserPassword+"\n"), &out, &errb)
	if code != ExitError || !strings.Contains(errb.String(), "demo.yaml:") || !strings.Contains(errb.String(), "emulator") {
		t.Errorf("no emulator variable: exit %d, %q", code, errb.String())
	}
}

func TestLoginChallengesFromFlagsAndStdin(t *testing.T) {
	e := newLoginEnv(t)
	// TOTP with --mfa-code.
	code, _, stderr := e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin", "--username", "totp-user",
		"--mfa-code", totpNow(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
	if code != ExitOK {
		t.Fatalf("totp-user: exit %d: %s", code, stderr)
	}
	// A new password, on the line after the password.
	code, stdout, stderr := e.login(strings.NewReader("Welcome1!\nN3wPassw0rd!\n"), "--password-stdin", "--username", "newbie")
	if code != ExitOK || !strings.Contains(stdout, "as newbie") || !strings.Contains(stderr, "Cognito requires a new password") {
		t.Fatalf("newbie: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "N3wPassw0rd!") || strings.Contains(stdout+stderr, "Welcome1!") {
		t.Error("a password is printed")
	}
	// A choice of MFA type by flag.
	code, _, stderr = e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin", "--username", "chooser",
		"--mfa-type", "totp", "--mfa-code", totpNow(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
	if code != ExitOK {
		t.Fatalf("chooser: exit %d: %s", code, stderr)
	}
	// A code Cognito asks for but the script did not give.
	code, _, stderr = e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin", "--username", "totp-user")
	if code != ExitError || !strings.Contains(stderr, "Cognito asks for SOFTWARE_TOKEN_MFA: pass --mfa-code") {
		t.Fatalf("missing code: exit %d: %s", code, stderr)
	}
}

// answerLater runs the command with a pipe for stdin, so the test can type
// an answer once the command has asked (and the emulator has "sent" a code).
func (e *loginEnv) answerLater(t *testing.T, first string, args ...string) (stdin *io.PipeWriter, stderr *lockedBuf, done chan int, stdout *lockedBuf) {
	t.Helper()
	r, w := io.Pipe()
	stdout, stderr, done = &lockedBuf{}, &lockedBuf{}, make(chan int, 1)
	go func() {
		done <- Main(append([]string{"login", demoCollection, "--var", "emulator=" + e.srv.URL, "--yes"}, args...), r, stdout, stderr)
	}()
	io.WriteString(w, first)
	t.Cleanup(func() { w.Close() })
	return w, stderr, done, stdout
}

func waitFor(t *testing.T, what string, f func() string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if s := f(); s != "" {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
	return ""
}

func TestLoginSMSCodeTypedAfterPrompt(t *testing.T) {
	e := newLoginEnv(t)
	w, stderr, done, stdout := e.answerLater(t, demoUserPassword+"\n", "--password-stdin", "--username", "sms-user")
	sms := regexp.MustCompile(`SMS to \+15555550100: your code is ([0-9]{6})`)
	code := waitFor(t, "the SMS code", func() string {
		if m := sms.FindStringSubmatch(e.log.String()); m != nil && strings.Contains(stderr.String(), "Code sent by SMS to +*******0100: ") {
			return m[1]
		}
		return ""
	})
	io.WriteString(w, code+"\n")
	if exit := <-done; exit != ExitOK {
		t.Fatalf("exit %d: %s", exit, stderr.String())
	}
	if !strings.Contains(stdout.String(), "as sms-user") {
		t.Errorf("stdout: %s", stdout.String())
	}
}

func TestLoginTOTPSetupShowsQRCode(t *testing.T) {
	e := newLoginEnv(t)
	w, stderr, done, _ := e.answerLater(t, demoUserPassword+"\n", "--password-stdin", "--username", "setup")
	key := regexp.MustCompile(`add this key by hand \(time-based, 6 digits, 30 s\): ([A-Z2-7]{32})`)
	secretB32 := waitFor(t, "the setup key", func() string {
		if m := key.FindStringSubmatch(stderr.String()); m != nil && strings.Contains(stderr.String(), "type the code it shows: ") {
			return m[1]
		}
		return ""
	})
	out := stderr.String()
	if !strings.Contains(out, "Scan this QR code with the app:\n") || strings.Count(out, "█") < 50 || !strings.Contains(out, "URI: otpauth://totp/AWSCognito:setup?") {
		t.Errorf("setup output lacks the QR code or URI:\n%s", out)
	}
	io.WriteString(w, totpNow(t, secretB32)+"\n")
	if exit := <-done; exit != ExitOK {
		t.Fatalf("exit %d: %s", exit, stderr.String())
	}
	// The next login asks for the new authenticator's code.
	code, _, errOut := e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin", "--username", "setup", "--mfa-code", totpNow(t, secretB32))
	if code != ExitOK {
		t.Fatalf("second login: exit %d: %s", code, errOut)
	}
}

func TestLoginHostedUI(t *testing.T) {
	e := newLoginEnv(t)
	stdout, stderr, done := &lockedBuf{}, &lockedBuf{}, make(chan int, 1)
	go func() {
		done <- Main([]string{"login", demoCollection, "--var", "emulator=" + e.srv.URL, "--flow", "hosted", "--no-browser", "--yes"}, strings.NewReader(""), stdout, stderr)
	}()
	authURL := waitFor(t, "the sign-in URL", func() string {
		if m := regexp.MustCompile(`Open this URL in a browser to sign in:\n  (\S+)\n`).FindStringSubmatch(stderr.String()); m != nil {
			return m[1]
		}
		return ""
	})
	// The test plays the browser: the form, then the redirect to sigscope.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"username": {"demo"}, "password": {demoUserPassword}}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], strings.NewReplacer("&amp;", "&", "&#43;", "+").Replace(m[2]))
	}
	res, err = client.PostForm(e.srv.URL+"/oauth2/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, err = client.Get(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if exit := <-done; exit != ExitOK {
		t.Fatalf("exit %d: %s", exit, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Logged in to us-east-1_Demo1 as demo") || !strings.Contains(stdout.String(), "identity us-east-1:") {
		t.Errorf("stdout: %s", stdout.String())
	}
}

func TestLogout(t *testing.T) {
	e := newLoginEnv(t)
	if code, _, stderr := e.login(strings.NewReader(demoUserPassword+"\n"), "--password-stdin"); code != ExitOK {
		t.Fatalf("login: %s", stderr)
	}
	store, err := auth.DefaultStore()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb lockedBuf
	if code := Main([]string{"logout", demoCollection}, nil, &out, &errb); code != ExitOK {
		t.Fatalf("logout: exit %d: %s", code, errb.String())
	}
	abs, _ := filepath.Abs(demoCollection)
	if want := "Logged out demo from us-east-1_Demo1 (" + abs + ", environment local).\n"; out.String() != want {
		t.Errorf("logout said %q, want %q", out.String(), want)
	}
	if entries, _ := store.Entries(""); len(entries) != 0 {
		t.Errorf("%d logins still cached", len(entries))
	}
	out = lockedBuf{}
	if code := Main([]string{"logout"}, nil, &out, &errb); code != ExitOK || out.String() != "No cached login for any collection.\n" {
		t.Errorf("logout with nothing cached: %d %q", code, out.String())
	}
	if _, err := os.Stat(store.Dir); !os.IsNotExist(err) {
		t.Errorf("token dir left: %v", err)
	}
}

// TestLoginPromptsInATerminal runs the built binary in a tmux pane, a real
// terminal: the password typed at the prompt is not echoed, and the code
// prompt follows.
func TestLoginPromptsInATerminal(t *testing.T) {
	tm := tmuxServer(t)
	e := newLoginEnv(t)
	coll, _ := filepath.Abs(demoCollection)
	script := fmt.Sprintf("env XDG_CACHE_HOME=%s SIGSCOPE_DEMO_PASSWORD= %s login %s --var emulator=%s --username totp-user; echo EXIT=$?; sleep 60",
		os.Getenv("XDG_CACHE_HOME"), binary, coll, e.srv.URL)
	tm("new-session", "-d", "-x", "160", "-y", "50", "sh", "-c", script)
	screen := func() string { return tm("capture-pane", "-p", "-J") }
	// First use of the collection: what it reads and where it goes, y/N.
	waitFor(t, "the trust question", func() string {
		if strings.Contains(screen(), "Trust it and go on? [y/N]: ") {
			return "ok"
		}
		return ""
	})
	if scr := screen(); !strings.Contains(scr, "  SIGSCOPE_DEMO_PASSWORD") || !strings.Contains(scr, "  {{emulator}}") {
		t.Fatalf("the trust question does not list the variables and hosts:\n%s", scr)
	}
	tm("send-keys", "-l", "y")
	tm("send-keys", "Enter")
	waitFor(t, "the password prompt", func() string {
		if strings.Contains(screen(), "Password for totp-user: ") {
			return "ok"
		}
		return ""
	})
	tm("send-keys", "-l", demoUserPassword)
	tm("send-keys", "Enter")
	waitFor(t, "the code prompt", func() string {
		if strings.Contains(screen(), "Code from your authenticator app: ") {
			return "ok"
		}
		return ""
	})
	tm("send-keys", "-l", totpNow(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
	tm("send-keys", "Enter")
	final := waitFor(t, "the end of the login", func() string {
		if s := screen(); strings.Contains(s, "EXIT=") {
			return s
		}
		return ""
	})
	if !strings.Contains(final, "EXIT=0") || !strings.Contains(final, "Logged in to us-east-1_Demo1 as totp-user") {
		t.Fatalf("the login in the terminal failed:\n%s", final)
	}
	if strings.Contains(final, demoUserPassword) {
		t.Error("the password was echoed in the terminal")
	}
}
