package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSettings puts a settings file where startIn's sigscope reads it.
func writeSettings(t *testing.T, home, text string) string {
	t.Helper()
	path := filepath.Join(home, "config", "sigscope", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A key from the settings file opens the environments; T writes the
// theme back into the file, its comment kept, and says so.
func TestSettingsKeyAndTheme(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	home := t.TempDir()
	path := writeSettings(t, home, "# mine\ntheme: light # T writes here\nkeymap:\n  env: [v]\n")
	s := startIn(t, home, 120, 30, "demo")
	s.waitFor("not logged in (L)", "v environment")
	s.keys("v")
	s.waitFor("Environments and variables", "emulator", "runtime (--var)")
	s.keys("Escape")
	s.waitFor("? help")
	time.Sleep(300 * time.Millisecond) // else ESC and T read as alt+T
	s.keys("T")
	s.waitFor("theme: dark (saved to")
	got, _ := os.ReadFile(path)
	if string(got) != "# mine\ntheme: dark # T writes here\nkeymap:\n  env: [v]\n" {
		t.Errorf("the settings file now:\n%s", got)
	}
}

// A settings file with a mistake stops the demo with the place, exit 2.
func TestBrokenSettingsStopDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	home := t.TempDir()
	path := writeSettings(t, home, "theme: light\nkeymap:\n  qiut: [x]\n")
	s := startIn(t, home, 120, 30, "demo", "2>&1; echo exit=$?; sleep 60")
	scr := s.waitFor("exit=2")
	if !strings.Contains(strings.ReplaceAll(scr, "\n", ""), path+`:3:3: keymap: unknown action "qiut"`) {
		t.Errorf("no place in:\n%s", scr)
	}
}
