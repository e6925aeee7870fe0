package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/settings"
)

func settingsHarness(t *testing.T, text string, w, h int) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := settings.Load(path, Actions())
	if err != nil {
		t.Fatal(err)
	}
	return newHarness(t, Config{Paths: []string{"testdata/golden.yaml"}, Env: goldenEnv(t), Dark: true, Settings: s}, w, h)
}

// Every binding of the global keymap has one name in the settings file.
func TestEveryGlobalKeyHasAnAction(t *testing.T) {
	k := newGlobalKeys()
	names := map[string]bool{}
	for _, a := range k.actions() {
		if names[a.name] {
			t.Errorf("action %s twice", a.name)
		}
		names[a.name] = true
	}
	if n := len(k.actions()); n != countBindings(k) {
		t.Errorf("%d actions for %d bindings: name the new one in actions()", n, countBindings(k))
	}
}

// countBindings counts the fields of globalKeys, all key.Bindings.
func countBindings(k globalKeys) int { return reflectFields(k) }

func TestKeymapOverrideReplacesKeysAndHelp(t *testing.T) {
	hs := settingsHarness(t, "keymap:\n  env: [v, ctrl+e]\n  copy: []\n  pane_2: [F2]\n", 160, 48)
	hs.press("e")
	if len(hs.m.overlays) != 0 {
		t.Fatal("e still opens the environments: its keys were replaced")
	}
	hs.press("v")
	if _, ok := hs.m.overlays[len(hs.m.overlays)-1].(*envOverlay); !ok {
		t.Fatal("v does not open the environments")
	}
	hs.press("esc", "ctrl+e")
	if len(hs.m.overlays) != 1 {
		t.Fatal("ctrl+e does not open the environments")
	}
	hs.press("esc", "?")
	help := hs.screen()
	if !strings.Contains(help, "v/ctrl+e environment") {
		t.Errorf("help does not show the new keys:\n%s", help)
	}
	if strings.Contains(help, "copy pane") {
		t.Errorf("an unbound action is still in the help:\n%s", help)
	}
	hs.press("esc")
	if !strings.Contains(hs.screen(), "v/ctrl+e environment") {
		t.Errorf("the footer does not show the new keys:\n%s", hs.screen())
	}
	hs.press("y")
	if hs.clipboard != "" {
		t.Error("y copied though copy is unbound")
	}
	// The narrow layout's pane keys follow the file too.
	hs.do(tea.WindowSizeMsg{Width: 80, Height: 24})
	hs.do(tea.KeyPressMsg{Code: tea.KeyF2})
	if hs.m.focus != paneSigV4 {
		t.Errorf("F2 focused %v, want the SigV4 pane", hs.m.focus)
	}
}

func TestActionKeysListsOverrides(t *testing.T) {
	s, err := settings.Parse("c.yaml", []byte("keymap:\n  quit: [ctrl+q]\n  help: []\n"), Actions())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range ActionKeys(s) {
		got[a[0]] = a[1]
	}
	if got["quit"] != "ctrl+q" || got["help"] != "(unbound)" || got["send"] != "enter" || got["force_quit"] != "ctrl+c" {
		t.Errorf("ActionKeys: %v", got)
	}
	if !slices.Equal(Actions()[:3], []string{"send", "send_anywhere", "cancel"}) {
		t.Errorf("Actions: %v", Actions())
	}
}

// T switches the theme at once and writes it to the settings file,
// keeping the file's comments; the status line says what it did.
func TestThemeToggleSavesToSettings(t *testing.T) {
	hs := settingsHarness(t, "# mine\ntheme: dark # T writes here\n", 120, 30)
	path := hs.m.cfg.Settings.Path
	if !hs.m.styles.Dark {
		t.Fatal("the file says dark")
	}
	hs.press("T")
	if hs.m.styles.Dark {
		t.Fatal("T did not switch to light")
	}
	if !strings.Contains(hs.screen(), "theme: light (saved to "+shortPath(path)+")") {
		t.Errorf("status:\n%s", hs.screen())
	}
	got, _ := os.ReadFile(path)
	if string(got) != "# mine\ntheme: light # T writes here\n" {
		t.Errorf("file now %q", got)
	}
	// The terminal's answer no longer picks the theme.
	hs.do(tea.BackgroundColorMsg{Color: ansi.Black})
	if hs.m.styles.Dark {
		t.Error("the terminal's colour overrode the theme chosen with T")
	}
}

func TestThemeToggleWithoutSettingsSaysSo(t *testing.T) {
	hs := goldenHarness(t, 120, 30)
	hs.press("T")
	if !strings.Contains(hs.screen(), "theme: light (not saved: no settings file here)") {
		t.Errorf("status:\n%s", hs.screen())
	}
}

func TestThemeToggleKeepsBrokenFile(t *testing.T) {
	hs := settingsHarness(t, "theme: dark\n", 120, 30)
	path := hs.m.cfg.Settings.Path
	os.WriteFile(path, []byte("theme: dark\nthme: x\n"), 0o600) // edited since the UI started
	hs.press("T")
	if scr := hs.screen(); !strings.Contains(scr, "theme: light (not saved:") {
		t.Errorf("status:\n%s", scr)
	}
	if got, _ := os.ReadFile(path); string(got) != "theme: dark\nthme: x\n" {
		t.Errorf("the broken file was changed: %q", got)
	}
}

// The light theme paints its own background under every cell, so that
// on a dark terminal its dark text stays readable; on a terminal that
// says it is light, it leaves the terminal's.
func TestLightThemePaintsBackground(t *testing.T) {
	hs := settingsHarness(t, "theme: light\n", 80, 24)
	canvas := hs.m.styles.canvas
	if canvas == "" {
		t.Fatal("the light theme has no canvas")
	}
	for i, l := range strings.Split(hs.m.render(), "\n") {
		if !strings.HasPrefix(l, canvas) {
			t.Fatalf("line %d does not start on the canvas: %q", i+1, l)
		}
		// After every reset the canvas comes back.
		rest := strings.TrimSuffix(l, ansi.ResetStyle)
		if strings.Count(rest, ansi.ResetStyle) != strings.Count(rest, ansi.ResetStyle+canvas) {
			t.Fatalf("line %d loses the canvas after a reset: %q", i+1, l)
		}
	}
	hs.screen() // still exactly the terminal's size
	hs.do(tea.BackgroundColorMsg{Color: ansi.White})
	if hs.m.styles.canvas != "" {
		t.Error("on a light terminal the light theme need not paint")
	}
	dark := goldenHarness(t, 80, 24)
	if dark.m.styles.canvas != "" {
		t.Error("the dark theme on a dark terminal paints")
	}
}

// The settings' editor comes before $VISUAL; its pager shows the body.
func TestSettingsEditorAndPager(t *testing.T) {
	t.Setenv("VISUAL", "vim")
	t.Setenv("PAGER", "more")
	hs := settingsHarness(t, "editor: nano -w\npager: less -S\n", 160, 48)
	c, err := editorCommandFrom(hs.m.editorSources(), "testdata/golden.yaml", 3)
	if err != nil || filepath.Base(c.Args[0]) != "nano" || c.Args[1] != "-w" || c.Args[2] != "+3" {
		t.Fatalf("editor %v, %v", c, err)
	}
	var got *exec.Cmd
	var done tea.ExecCallback
	execProcess = func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd { got, done = c, fn; return nil }
	t.Cleanup(func() { execProcess = tea.ExecProcess })
	hs.press("P")
	if got != nil || !strings.Contains(hs.screen(), "no response body to page") {
		t.Fatal("P paged nothing sent")
	}
	fakeAnswer(t, hs, "200 OK", `{"token":"`+goldenJWT+`","n":1}`, nil, false)
	hs.press("P")
	if got == nil || filepath.Base(got.Args[0]) != "less" || got.Args[1] != "-S" {
		t.Fatalf("pager %v", got)
	}
	file := got.Args[len(got.Args)-1]
	body, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(body), `"n": 1`) || strings.Contains(string(body), goldenJWT) {
		t.Fatalf("the paged file: %q, %v (pretty, and the token masked)", body, err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("the paged file is mode %v", fi.Mode().Perm())
	}
	hs.do(done(nil))
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Error("the paged file is left behind")
	}
}

func reflectFields(k globalKeys) int { return reflect.TypeOf(k).NumField() }

// A key given to an action that another action keeps is refused: the
// other one would win without a word.
func TestKeymapConflicts(t *testing.T) {
	for text, want := range map[string]string{
		"keymap:\n  env: [q]\n":                   "c.yaml:2:3: keymap: env: q is also the key of quit",
		"keymap:\n  env: [q]\n  quit: [ctrl+q]\n": "",
		"keymap:\n  force_quit: [ctrl+q]\n":       "",
		"keymap:\n  copy: [Y]\n":                  "keymap: copy: Y is also the key of copy_curl",
	} {
		s, err := settings.Parse("c.yaml", []byte(text), Actions())
		if err != nil {
			t.Fatal(err)
		}
		err = KeymapConflicts(s)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: got %v, want %q", text, err, want)
		}
	}
}
