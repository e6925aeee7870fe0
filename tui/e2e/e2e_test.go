// Package e2e drives the real sigscope binary in tmux, as a user would:
// the keys a person presses, the screen a person reads.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	// The binary under test is built at run time, which go test's cache
	// cannot see: linking the program's packages into this test makes any
	// change to them invalidate a cached result.
	_ "github.com/sigscope/sigscope/cli"
	"github.com/sigscope/sigscope/internal/peer"
)

// screen is a tmux session running one command at a fixed size.
type screen struct {
	t      *testing.T
	tmux   string
	socket string
	bin    string // the sigscope binary under test
}

func start(t *testing.T, w, h int, args ...string) *screen {
	t.Helper()
	return startIn(t, t.TempDir(), w, h, args...)
}

// startIn runs sigscope with home as its HOME, and home/config as its
// settings folder (never the user's own).
func startIn(t *testing.T, home string, w, h int, args ...string) *screen {
	t.Helper()
	tm := peer.Command(t, "tmux")
	bin := filepath.Join(t.TempDir(), "sigscope")
	build := exec.Command("go", "build", "-o", bin, "github.com/sigscope/sigscope")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := &screen{t: t, tmux: tm, socket: fmt.Sprintf("sigscope-e2e-%d", os.Getpid()), bin: bin}
	cmd := fmt.Sprintf("env -u SIGSCOPE_HISTORY -u SIGSCOPE_CONFIG HOME=%s XDG_CACHE_HOME=%s/cache XDG_DATA_HOME=%s/data XDG_CONFIG_HOME=%s/config TERM=xterm-256color %s %s 2>%s/stderr", home, home, home, home, bin, strings.Join(args, " "), home)
	s.run("new-session", "-d", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd)
	// OSC 52 copies land in a tmux buffer, which the test reads back.
	s.run("set-option", "-g", "set-clipboard", "on")
	t.Cleanup(func() {
		exec.Command(tm, "-L", s.socket, "kill-server").Run()
		if b, _ := os.ReadFile(filepath.Join(home, "stderr")); len(b) > 0 {
			t.Logf("stderr of sigscope:\n%s", b)
		}
	})
	return s
}

func (s *screen) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys types tmux key names ("Enter", "C-p") or literal text.
func (s *screen) keys(keys ...string) { s.run(append([]string{"send-keys"}, keys...)...) }

func (s *screen) text(t string) { s.run("send-keys", "-l", t) }

func (s *screen) capture() string { return s.run("capture-pane", "-p") }

// waitFor polls the screen until every want appears, or fails with the
// screen as it was. The deadline is generous: it bounds a hang, it does
// not measure speed.
func (s *screen) waitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		scr := s.capture()
		missing := ""
		for _, w := range want {
			if !strings.Contains(scr, w) {
				missing = w
				break
			}
		}
		// tmux may show a frame half drawn (the top new, the rest the
		// frame before): a screen counts once it holds still.
		// One that keeps moving (a spinner) is taken at the deadline.
		if missing == "" {
			time.Sleep(150 * time.Millisecond)
			if again := s.capture(); again == scr || time.Now().After(deadline) {
				return scr
			}
			continue
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q:\n%s", missing, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// find opens ctrl+p, types the name and opens the first match.
func (s *screen) find(name string) {
	s.keys("C-p")
	s.waitFor("Find a request")
	s.text(name)
	time.Sleep(200 * time.Millisecond)
	s.keys("Enter")
}

func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	s := start(t, 160, 48, "demo")
	s.waitFor("not logged in (L)", "List pets")

	s.keys("L")
	s.waitFor("Log in · app", "demo")
	s.keys("Enter")
	s.waitFor("demo · id_token")

	s.find("List pets")
	s.waitFor("AWS4-HMAC-SHA256", "/prod/pets")
	s.keys("Enter")
	// The status line names the request answered: a previous answer's
	// "200 OK" does not count.
	scr := s.waitFor("List pets 200 OK", "Response · List pets · 200 OK", "AWS4-HMAC-SHA256")
	if !strings.Contains(scr, "uri     │/prod/pets") {
		t.Fatalf("no /prod/pets canonical line:\n%s", scr)
	}

	s.find("Who am I")
	s.waitFor("GET /prod/me")
	for i := 0; i < 6 && !strings.Contains(s.capture(), "auth id_token"); i++ {
		s.keys("a")
		time.Sleep(300 * time.Millisecond)
	}
	s.waitFor("auth id_token")
	s.keys("Enter")
	// The token's claims in the inspector, and the ones the authorizer
	// passed on in the echoed body (found with the body search).
	s.waitFor("Who am I 200 OK", "token_use id", "email     demo@example.com")
	s.keys("/")
	s.waitFor("Search the body")
	s.text("cognito:username")
	s.keys("Enter")
	s.waitFor(`"cognito:username": "demo"`, "match 1/")

	s.find("Get cookies")
	s.waitFor("POST /prod/login-cookies")
	s.keys("Enter")
	s.waitFor("Get cookies 200 OK", "Cookies 4")

	s.find("Private report")
	s.waitFor("GET /prod/private/report.txt")
	s.keys("Enter")
	s.waitFor("Private report 200 OK")
	s.keys("4")
	scr = s.waitFor("Sent from the jar", "CloudFront-Policy=", "CloudFront-Signature=", "CloudFront-Key-Pair-Id=")
	if strings.Contains(scr, "Private report") && !strings.Contains(scr, "200") {
		t.Fatalf("private report did not answer 200:\n%s", scr)
	}

	// Every send was kept: H lists them, enter opens one as it was.
	s.keys("H")
	s.waitFor("History · this request", "Private report")
	s.keys("Tab")
	scr = s.waitFor("History · all requests", "Who am I", "Get cookies", "List pets")
	s.keys("Enter")
	s.waitFor("History #", "Response")
	// An escape followed at once by another key reads as alt+key: one
	// at a time.
	s.keys("Escape")
	time.Sleep(300 * time.Millisecond)
	s.keys("Escape")
	time.Sleep(300 * time.Millisecond)

	// A 403 belongs to its request: selecting another shows that one's
	// own pane, without the other's answer or diff.
	s.find("Through a proxy")
	s.waitFor("POST /prod/pets/via-proxy", "preview, not sent")
	s.keys("Enter")
	scr = s.waitFor("403 Forbidden ·", "signature mismatch at canonical request line", "Request · as sent at", "SigV4 · as sent at")
	if !strings.Contains(scr, "content-type:application/json") {
		t.Fatalf("the canonical request that failed is not on screen:\n%s", scr)
	}
	s.find("Public")
	scr = s.waitFor("Response · Public · not sent yet", "GET /prod/public")
	if strings.Contains(scr, "403 Forbidden ·") || strings.Contains(scr, "signature mismatch") || strings.Contains(scr, "d shows the diff") {
		t.Fatalf("Public shows the other request's answer:\n%s", scr)
	}
	s.keys("d")
	s.waitFor("no diagnosis to show")

	// A refusal that is no mismatch shows the hint send prints.
	s.find("Wrong region")
	s.waitFor("GET /prod/pets", "eu-west-1")
	s.keys("Enter")
	s.waitFor("wrong region in the credential scope", "hint: the signature names another region")

	// y on the Request pane copies the bytes sent: masked (the jar's
	// cookie is signed), and with S exactly as sent, which verify accepts.
	s.find("Through a proxy")
	s.waitFor("Response · teaching/Through a proxy", "403 Forbidden")
	s.keys("1")
	s.keys("y")
	s.waitFor("copied the request as sent at", "secrets masked, S copies them in clear")
	if masked := s.run("show-buffer"); !strings.Contains(masked, "Cookie: session=") || !strings.Contains(masked, "…(") {
		t.Fatalf("the default copy is not masked:\n%s", masked)
	}
	s.keys("S")
	s.waitFor("SECRETS SHOWN")
	s.keys("y")
	// The status line already says "copied" from the first copy: wait
	// for the buffer itself to change.
	copied := s.run("show-buffer")
	for deadline := time.Now().Add(10 * time.Second); strings.Contains(copied, "…(") && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		copied = s.run("show-buffer")
	}
	s.keys("S")
	if strings.Contains(copied, "✓") || !strings.HasPrefix(copied, "POST /prod/pets/via-proxy HTTP/1.1\r\n") {
		t.Fatalf("the copy is not the request's bytes:\n%q", copied)
	}
	file := filepath.Join(t.TempDir(), "copied.txt")
	if err := os.WriteFile(file, []byte(copied), 0o600); err != nil {
		t.Fatal(err)
	}
	verify := exec.Command(s.bin, "verify", file, "--access-key", "AKIDSIGSCOPEDEMO0001", "--secret-key", "sigscopeDemoSecretKey0000/NotASecret+0001")
	verify.Env = append(os.Environ(), "HOME="+t.TempDir())
	if out, err := verify.CombinedOutput(); err != nil {
		t.Fatalf("sigscope verify rejects the copy (%v):\n%s\ncopy:\n%s", err, out, copied)
	}
	s.keys("q")
}

// TestNarrowReachesTree shrinks the window to 80 columns, as a user
// splitting a tmux pane would: the tree must stay reachable (tab 0) and
// the footer must keep "? help".
func TestNarrowReachesTree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	s := start(t, 160, 48, "demo")
	s.waitFor("not logged in (L)", "List pets")
	s.run("resize-window", "-x", "80", "-y", "24")
	scr := s.waitFor("0 Requests", "1 Request", "? help")
	if strings.Contains(scr, "Who am I") {
		t.Fatalf("the tree shows before 0 is pressed:\n%s", scr)
	}
	s.keys("0")
	s.waitFor("┌─ Requests", "Who am I", "Create pet", "? help")
	s.keys("?")
	s.waitFor("Help", "scroll")
	s.keys("G")
	s.waitFor("quit now")
	s.keys("Escape")
	s.waitFor("┌─ Requests", "Who am I")
}
