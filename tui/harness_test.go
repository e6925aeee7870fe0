package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/workbench"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenTime is the signing time of every golden screen.
var goldenTime = time.Date(2026, 12, 1, 12, 36, 0, 0, time.UTC)

// harness runs the root model without a terminal: messages in, commands
// run synchronously, frames out. Timers are off (the model is still), and
// spinner ticks are dropped, so every frame is a function of the keys.
type harness struct {
	t *testing.T
	m *Model
	// clipboard is the text of the last OSC 52 copy the model asked for
	// (tea.SetClipboard's message).
	clipboard string
}

// goldenJWT is a raw id token of 1051 characters, goldenPolicy a
// CloudFront policy cookie of 168: masks must show those lengths.
var (
	goldenJWT    = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImdvbGRlbiJ9." + strings.Repeat("eyJzdWIiOiJnb2xkZW4ifQ", 45) + ".c2lnbmF0dXJlMDEyMzQ"
	goldenPolicy = "eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9kMTExMTExYWJjZGVmOC5jbG91ZGZyb250Lm5ldC8qIiwiQ29uZGl0aW9uIjp7IkRhdGVMZXNzVGhhbiI6eyJBV1M6RXBvY2hUaW1lIjoxNzk2MTc2MDAwfX19"
)

func goldenEnv(t testing.TB) workbench.Env {
	env := map[string]string{
		"GOLDEN_ACCESS_KEY_ID":     "AKIDEXAMPLE",
		"GOLDEN_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		"GOLDEN_SESSION_TOKEN":     "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue0123456789",
		"GOLDEN_JWT":               goldenJWT,
		"GOLDEN_POLICY":            goldenPolicy,
	}
	return workbench.Env{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Now:       func() time.Time { return goldenTime },
		CacheDir:  t.TempDir(), UserAgent: "sigscope/test",
	}
}

// newHarness opens the UI on cfg with its collection files already
// trusted, as after a person confirmed them once (trust_test.go sees the
// question).
func newHarness(t *testing.T, cfg Config, w, h int) *harness {
	t.Helper()
	trustPaths(t, cfg)
	return newUntrustedHarness(t, cfg, w, h)
}

// trustPaths confirms the collections of cfg.Paths in cfg.Env's cache.
func trustPaths(t testing.TB, cfg Config) {
	t.Helper()
	if cfg.Env.CacheDir == "" {
		t.Fatal("the harness needs Env.CacheDir: it must not write to the user's cache")
	}
	opened, _ := workbench.OpenAll(cfg.Paths, workbench.Options{Env: cfg.Env}) // the broken ones are the test's business
	for _, wb := range opened {
		if err := wb.Trust(); err != nil {
			t.Fatal(err)
		}
	}
}

// newUntrustedHarness opens the UI on cfg as it is: files never confirmed
// are asked about.
func newUntrustedHarness(t *testing.T, cfg Config, w, h int) *harness {
	t.Helper()
	m := New(cfg)
	m.still = true
	hs := &harness{t: t, m: m}
	hs.do(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(m.Init())
	return hs
}

func goldenHarness(t *testing.T, w, h int) *harness {
	return newHarness(t, Config{Paths: []string{"testdata/golden.yaml"}, Env: goldenEnv(t), Dark: true}, w, h)
}

// do hands one message to Update and runs what it returns.
func (hs *harness) do(msg tea.Msg) {
	hs.t.Helper()
	_, cmd := hs.m.Update(msg)
	hs.run(cmd)
}

// run executes commands and feeds their messages back until none is left.
func (hs *harness) run(cmd tea.Cmd) {
	hs.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			hs.t.Fatal("commands never settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if reflect.TypeOf(msg) == clipboardMsgType {
			hs.clipboard = fmt.Sprint(msg)
			continue
		}
		switch msg := msg.(type) {
		case nil, spinner.TickMsg, tickMsg, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := hs.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// clipboardMsgType is the type of tea.SetClipboard's message, which
// Bubble Tea keeps unexported.
var clipboardMsgType = reflect.TypeOf(tea.SetClipboard("")())

// press types keys: "enter", "ctrl+p", "tab", or text typed rune by rune.
func (hs *harness) press(keys ...string) {
	hs.t.Helper()
	for _, k := range keys {
		hs.do(keyMsg(k))
	}
}

func (hs *harness) typeText(s string) {
	hs.t.Helper()
	for _, r := range s {
		hs.do(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	named := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"left": tea.KeyLeft, "right": tea.KeyRight, "space": tea.KeySpace, "pgdown": tea.KeyPgDown, "backspace": tea.KeyBackspace}
	if c, ok := named[k]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	if k == "shift+tab" {
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	}
	if strings.HasPrefix(k, "ctrl+") {
		return tea.KeyPressMsg{Code: rune(k[5]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen renders the frame without colours and checks its shape: exactly
// as many lines as the terminal is high, each exactly as wide.
func (hs *harness) screen() string {
	hs.t.Helper()
	frame := hs.m.render()
	lines := strings.Split(frame, "\n")
	if len(lines) != hs.m.lay.H {
		hs.t.Fatalf("frame has %d lines, terminal %d", len(lines), hs.m.lay.H)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != hs.m.lay.W {
			hs.t.Fatalf("line %d is %d cells wide, terminal %d:\n%q", i+1, w, hs.m.lay.W, ansi.Strip(l))
		}
	}
	return ansi.Strip(frame)
}

// golden compares the screen with testdata/<name>.golden.
func (hs *harness) golden(name string) {
	hs.t.Helper()
	got := hs.screen()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			hs.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		hs.t.Fatalf("%v (run go test ./tui -update)", err)
	}
	if got != string(want) {
		hs.t.Errorf("screen %s differs from %s (go test ./tui -update rewrites it):\n%s", name, path, got)
	}
}
