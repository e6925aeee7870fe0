package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// craftedName is a collection file name that vi reads as an Ex command
// running the shell, were it given as an argument of its own.
const craftedName = "+!touch PWNED.yaml"

// TestEditorCommandKeepsTheFileANameOnly builds the editor's command for
// file names that would be a command or an option, with $VISUAL and
// $EDITOR as people set them: the file is always one absolute path, after
// "--" where the editor reads it, and every other argument is the user's
// or the line number.
func TestEditorCommandKeepsTheFileANameOnly(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("EDITOR_FLAGS", "-u NONE")
	for _, name := range []string{craftedName, "-c!touch PWNED.yaml", "--cmd=!touch PWNED.yaml"} {
		abs := filepath.Join(dir, name)
		for _, c := range []struct {
			visual, editor string
			want           []string
		}{
			{"", "", []string{"vi", "+7", "--", abs}},
			{"", "nano", []string{"nano", "+7", "--", abs}},
			{"nvim", "nano", []string{"nvim", "+7", "--", abs}},
			{"   ", "emacs -nw", []string{"emacs", "-nw", "+7", "--", abs}},
			{"code --wait", "", []string{"code", "--wait", abs}},
			{`"/opt/my editor/bin/vim.basic" -p`, "", []string{"/opt/my editor/bin/vim.basic", "-p", "+7", "--", abs}},
			{"vim $EDITOR_FLAGS", "", []string{"vim", "-u", "NONE", "+7", "--", abs}},
			{"micro", "", []string{"micro", "+7", abs}},
			{"hx", "", []string{"hx", abs}},
		} {
			cmd, err := editorCommand(c.visual, c.editor, name, 7)
			if err != nil {
				t.Fatalf("VISUAL=%q EDITOR=%q: %v", c.visual, c.editor, err)
			}
			if !slices.Equal(cmd.Args, c.want) {
				t.Errorf("VISUAL=%q EDITOR=%q, file %q:\n got %q\nwant %q", c.visual, c.editor, name, cmd.Args, c.want)
			}
			if last := cmd.Args[len(cmd.Args)-1]; !filepath.IsAbs(last) || strings.HasPrefix(last, "+") || strings.HasPrefix(last, "-") {
				t.Errorf("the file is given as %q", last)
			}
		}
	}
	// A value that does not split, or names no program, is said; nothing runs.
	for _, v := range []string{`vim "unterminated`, "vim $(touch PWNED)", "vim `touch PWNED`", "''"} {
		if cmd, err := editorCommand(v, "", craftedName, 1); err == nil {
			t.Errorf("VISUAL=%q: no error, command %q", v, cmd.Args)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
		t.Fatal("splitting $VISUAL ran a command")
	}
}

// TestEditorKeyOnACraftedFileName is the attack end to end: a folder
// holding "+!touch PWNED.yaml", opened as ".", the trust dialog declined,
// then E. The editor (a script recording its arguments, then vim itself
// when installed) is run as the UI would run it; it must get the file as
// one absolute path and no shell command may run.
func TestEditorKeyOnACraftedFileName(t *testing.T) {
	dir := t.TempDir()
	src := "name: Crafted\nrequests:\n  - name: List pets\n    method: GET\n    url: https://pets.test/pets\n"
	if err := os.WriteFile(filepath.Join(dir, craftedName), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	bin, record := t.TempDir(), filepath.Join(t.TempDir(), "argv")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + record + "'\n"
	if err := os.WriteFile(filepath.Join(bin, "vim"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}

	pressE := func(visual string) *exec.Cmd {
		t.Helper()
		t.Setenv("VISUAL", visual)
		var got *exec.Cmd
		execProcess = func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd { got = c; return nil }
		t.Cleanup(func() { execProcess = tea.ExecProcess })
		hs := newUntrustedHarness(t, Config{Paths: []string{"."}, Env: goldenEnv(t), Dark: true}, 160, 48)
		if !strings.Contains(hs.screen(), "Trust this collection?") {
			t.Fatalf("no trust dialog:\n%s", hs.screen())
		}
		hs.press("esc", "E")
		if got == nil {
			t.Fatalf("E started no editor:\n%s", hs.screen())
		}
		return got
	}

	cmd := pressE(filepath.Join(bin, "vim"))
	if err := cmd.Run(); err != nil {
		t.Fatalf("the editor script: %v", err)
	}
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	argv := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(argv) != 3 || !regexp.MustCompile(`^\+[0-9]+$`).MatchString(argv[0]) || argv[1] != "--" || argv[2] != filepath.Join(dir, craftedName) {
		t.Fatalf("the editor got %q; want +LINE, --, %s", argv, filepath.Join(dir, craftedName))
	}

	vim, err := exec.LookPath("vim")
	if err != nil {
		t.Skip("vim is not installed: the argument check above stands alone")
	}
	// Ex mode, reading its commands from an empty standard input: it
	// opens the file and ends, unless an argument ran a command first.
	cmd = pressE(vim + " -es -u NONE -i NONE -N")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vim %q: %v\n%s", cmd.Args, err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "PWNED.yaml")); err == nil {
		t.Fatalf("vim ran the file name as a command: %q", cmd.Args)
	}
}
