package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configEnv is a process environment whose settings live under dir.
func configEnv(dir string, extra ...string) []string {
	return append([]string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "xdg"), "PATH=" + os.Getenv("PATH")}, extra...)
}

func TestConfigPathFollowsXDG(t *testing.T) {
	dir := t.TempDir()
	out, _, code := run(t, configEnv(dir), nil, "config", "--path")
	if want := filepath.Join(dir, "xdg", "sigscope", "config.yaml") + "\n"; code != 0 || out != want {
		t.Errorf("config --path: exit %d, %q; want %q", code, out, want)
	}
	out, _, _ = run(t, []string{"HOME=" + dir}, nil, "config", "--path")
	if want := filepath.Join(dir, ".config", "sigscope", "config.yaml") + "\n"; out != want {
		t.Errorf("without XDG_CONFIG_HOME: %q; want %q", out, want)
	}
	out, _, _ = run(t, configEnv(dir, "SIGSCOPE_CONFIG=/elsewhere/s.yaml"), nil, "config", "--path")
	if out != "/elsewhere/s.yaml\n" {
		t.Errorf("SIGSCOPE_CONFIG: %q", out)
	}
}

func TestConfigInitThenShow(t *testing.T) {
	dir := t.TempDir()
	env := configEnv(dir)
	if _, errOut, code := run(t, env, nil, "config", "--init"); code != 0 {
		t.Fatalf("config --init: exit %d: %s", code, errOut)
	}
	path := filepath.Join(dir, "xdg", "sigscope", "config.yaml")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the file: %v %v", fi, err)
	}
	if _, errOut, code := run(t, env, nil, "config", "--init"); code != 1 || !strings.Contains(errOut, "exists already") {
		t.Errorf("a second --init: exit %d, %s", code, errOut)
	}
	os.WriteFile(path, []byte("theme: light\neditor: nano\nkeymap:\n  quit: [ctrl+q]\n"), 0o600)
	out, errOut, code := run(t, env, nil, "config")
	if code != 0 {
		t.Fatalf("config: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"(read)", "theme    light", "editor   nano (settings)", "* quit", "ctrl+q", "  send", "enter"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

// A settings file with a mistake stops the UI and config with its line
// and column, exit 2.
func TestBrokenConfigStopsWithPlace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "xdg", "sigscope", "config.yaml")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("theme: light\nkeymap:\n  qiut: [x]\n"), 0o600)
	for _, args := range [][]string{{"config"}, {"../examples/collections/demo.yaml"}} {
		_, errOut, code := run(t, configEnv(dir), nil, args...)
		if code != 2 || !strings.Contains(errOut, path+`:3:3: keymap: unknown action "qiut"; did you mean "quit"?`) || !strings.Contains(errOut, "hint: fix the settings file") {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
}
