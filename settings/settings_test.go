package settings

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

var testActions = []string{"send", "quit", "env", "theme", "help"}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}, "/x/cfg/sigscope/config.yaml"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/sigscope/config.yaml"},
		// A relative XDG_CONFIG_HOME is ignored, as the XDG rule says.
		{map[string]string{"XDG_CONFIG_HOME": "cfg", "HOME": "/home/u"}, "/home/u/.config/sigscope/config.yaml"},
	} {
		got, err := DefaultPath(env(c.env))
		if err != nil || got != c.want {
			t.Errorf("DefaultPath(%v) = %q, %v; want %q", c.env, got, err, c.want)
		}
	}
}

func TestParseReadsEveryKey(t *testing.T) {
	s, err := Parse("c.yaml", []byte(`
theme: light
editor: code --wait
pager: less -S
keymap:
  quit: [q, Ctrl+Q]
  env: ctrl+e
  help: []
`), testActions)
	if err != nil {
		t.Fatal(err)
	}
	if s.Theme != "light" || s.Editor != "code --wait" || s.Pager != "less -S" {
		t.Errorf("read %+v", s)
	}
	if k, _ := s.KeysFor("quit"); strings.Join(k, " ") != "q ctrl+q" {
		t.Errorf("quit keys %q", k)
	}
	if k, _ := s.KeysFor("env"); strings.Join(k, " ") != "ctrl+e" {
		t.Errorf("env keys %q", k)
	}
	if k, ok := s.KeysFor("help"); !ok || len(k) != 0 {
		t.Errorf("help: %q %v, want unbound", k, ok)
	}
	if _, ok := s.KeysFor("send"); ok {
		t.Error("send is not in the file")
	}
}

// Every mistake is reported at once, at its line and column.
func TestParseErrorsNamePlace(t *testing.T) {
	_, err := Parse("/cfg/config.yaml", []byte(`theme: blue
thme: dark
keymap:
  qiut: [x]
  quit: [ctlr+q, "shift+/"]
  send: [q]
  env: [f99]
`), testActions)
	var es collections.Errors
	if !errors.As(err, &es) {
		t.Fatalf("want collections.Errors, got %v", err)
	}
	got := err.Error()
	for _, want := range []string{
		`/cfg/config.yaml:1:8: theme "blue": want dark or light`,
		`/cfg/config.yaml:2:1: unknown key "thme"; did you mean "theme"?`,
		`/cfg/config.yaml:4:3: keymap: unknown action "qiut"; did you mean "quit"?`,
		`/cfg/config.yaml:5:10: keymap: quit: "ctlr+q" is not a key: unknown modifier "ctlr"`,
		`/cfg/config.yaml:5:18: keymap: quit: "shift+/" is not a key`,
		`/cfg/config.yaml:7:9: keymap: env: "f99" is not a key`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	if len(es) != 6 {
		t.Errorf("%d errors, want 6:\n%s", len(es), got)
	}
}

func TestParseRefusesAKeyForTwoActions(t *testing.T) {
	_, err := Parse("c.yaml", []byte("keymap:\n  quit: [x]\n  send: [X, x]\n"), testActions)
	if err == nil || !strings.Contains(err.Error(), "c.yaml:3:13: keymap: x is given to both quit and send") {
		t.Fatalf("got %v", err)
	}
}

func TestParseBadYAMLNamesLine(t *testing.T) {
	_, err := Parse("c.yaml", []byte("theme: dark\nkeymap: [\n"), testActions)
	if err == nil || !strings.HasPrefix(err.Error(), "c.yaml:") || !strings.Contains(err.Error(), "YAML syntax") {
		t.Fatalf("got %v", err)
	}
}

func TestNormalizeKey(t *testing.T) {
	for in, want := range map[string]string{
		"q": "q", "T": "T", "shift+t": "T", "?": "?", "Ctrl+S": "ctrl+s", "control+s": "ctrl+s",
		"alt+ctrl+x": "ctrl+alt+x", "ctrl+T": "ctrl+t", "ctrl+shift+t": "ctrl+shift+t", "shift+tab": "shift+tab", "Enter": "enter",
		"return": "enter", "PageDown": "pgdown", "escape": "esc", " ": "space", "ctrl++": "ctrl++", "+": "+",
		"F5": "f5", "cmd+k": "super+k", "0": "0", "é": "é",
	} {
		got, err := NormalizeKey(in)
		if err != nil || got != want {
			t.Errorf("NormalizeKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ctrl+", "hello", "ctrl+hello", "\x1b", "foo+x", "shift+1"} {
		if got, err := NormalizeKey(bad); err == nil {
			t.Errorf("NormalizeKey(%q) = %q, want an error", bad, got)
		}
	}
}

func TestLoadMissingFileIsEmpty(t *testing.T) {
	s, err := Load(filepath.Join(t.TempDir(), "none.yaml"), testActions)
	if err != nil || s.Exists || s.Theme != "" || len(s.Keymap) != 0 {
		t.Fatalf("got %+v, %v", s, err)
	}
}

func TestSetThemeKeepsCommentsAndKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	orig := "# my settings\ntheme: dark   # switched with T\neditor: nvim\nkeymap:\n  # leave q alone\n  quit: [q, ctrl+q]\n"
	if err := os.WriteFile(path, []byte(orig), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := SetTheme(path, "light", testActions); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := strings.Replace(orig, "theme: dark", "theme: light", 1)
	if string(got) != want {
		t.Errorf("file now:\n%s\nwant:\n%s", got, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the file's own 0640", fi.Mode().Perm())
	}
}

func TestSetThemeAddsALine(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ in, want string }{
		"block":    {"editor: vim # mine", "editor: vim # mine\ntheme: light\n"},
		"comments": {"# nothing yet\n", "# nothing yet\ntheme: light\n"},
		"quoted":   {"theme: \"dark\"\n", "theme: \"light\"\n"},
		"flow":     {"{editor: vim}\n", ""},
	} {
		path := filepath.Join(dir, name+".yaml")
		os.WriteFile(path, []byte(c.in), 0o600)
		if err := SetTheme(path, "light", testActions); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _ := os.ReadFile(path)
		if c.want != "" && string(got) != c.want {
			t.Errorf("%s: file now %q, want %q", name, got, c.want)
		}
		s, err := Load(path, testActions)
		if err != nil || s.Theme != "light" || (name == "flow" && s.Editor != "vim") {
			t.Errorf("%s: reads back %+v, %v", name, s, err)
		}
	}
}

func TestSetThemeCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sigscope", "config.yaml")
	if err := SetTheme(path, "dark", testActions); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(got) != "theme: dark\n" || fi.Mode().Perm() != 0o600 {
		t.Errorf("file %q mode %v", got, fi.Mode().Perm())
	}
}

// A broken file is left as it is: the user's text is never lost.
func TestSetThemeLeavesBrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	orig := "theme: dark\nthme: x\n"
	os.WriteFile(path, []byte(orig), 0o600)
	err := SetTheme(path, "light", testActions)
	if err == nil || !strings.Contains(err.Error(), path+":2:1: unknown key") {
		t.Fatalf("got %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("file changed: %q", got)
	}
}

func TestInitWritesCommentedDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sigscope", "config.yaml")
	if err := Init(path); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	s, err := Load(path, testActions)
	if err != nil || !s.Exists || s.Theme != "" || len(s.Keymap) != 0 {
		t.Errorf("the default file reads %+v, %v; want nothing set", s, err)
	}
	// Each commented example reads as settings once uncommented.
	var lines []string
	for _, l := range strings.Split(DefaultFile, "\n") {
		if k, _, ok := strings.Cut(strings.TrimPrefix(l, "# "), ":"); ok && strings.HasPrefix(l, "# ") && (slices.Contains(Keys, k) || strings.HasPrefix(l, "#   ")) {
			lines = append(lines, strings.TrimPrefix(l, "# "))
		}
	}
	if _, err := Parse("default", []byte(strings.Join(lines, "\n")), append(testActions, "env")); err != nil {
		t.Errorf("the examples do not read: %v\n%s", err, strings.Join(lines, "\n"))
	}
	if err := Init(path); err == nil {
		t.Error("Init wrote over an existing file")
	}
}
