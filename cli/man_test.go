package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sigscope/sigscope/internal/buildinfo"
	"github.com/sigscope/sigscope/internal/peer"
)

// TestManPagesRenderClean writes the pages as `sigscope man DIR` does and
// has groff read each with every warning on: a page per visible command,
// none that groff complains about, each naming its command's options.
func TestManPagesRenderClean(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"man", dir}, strings.NewReader(""), &stdout, &stderr); code != ExitOK {
		t.Fatalf("sigscope man %s: exit %d\n%s", dir, code, stderr.String())
	}

	want := map[string]*cobra.Command{}
	for _, c := range manCommands(newRoot(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})) {
		want[manPageName(c)] = c
	}
	for _, name := range []string{"sigscope.1", "sigscope-send.1", "sigscope-history-show.1", "sigscope-completion-zsh.1", "sigscope-man.1"} {
		if want[name] == nil {
			t.Errorf("no page %s among %d", name, len(want))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d files written, %d commands", len(entries), len(want))
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "authorizer") || strings.Contains(e.Name(), "help") {
			t.Errorf("a page for a hidden or help command: %s", e.Name())
		}
	}

	groff := peer.Command(t, "groff")
	for name, c := range want {
		path := filepath.Join(dir, name)
		text := renderMan(t, groff, path)
		title := strings.ReplaceAll(c.CommandPath(), " ", "-")
		if !strings.Contains(text, title+" - "+firstWords(c.Short)) {
			t.Errorf("%s: no NAME line %q in\n%s", name, title+" - "+firstWords(c.Short), text)
		}
		c.NonInheritedFlags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && !strings.Contains(text, "--"+f.Name) {
				t.Errorf("%s: option --%s missing", name, f.Name)
			}
		})
	}
}

// TestManPageKeepsExamplesAndText: text that troff would take as requests
// or escapes (a leading dot or quote, backslashes, non-ASCII) comes out as
// written, and an indented example stays one line per command.
func TestManPageKeepsExamplesAndText(t *testing.T) {
	groff := peer.Command(t, "groff")
	c := &cobra.Command{
		Use:   "odd [FILE]",
		Short: "A command with awkward help",
		Long: `First paragraph, folded
over two lines.
.SH this line starts with a dot
'and this one with a quote
A path C:\Users\me\n and a café → naïve ~home ^caret` + "`tick`" + `

  sigscope send api.yaml "pets/List pets" --env prod -o json | jq .response.status
  sigscope   man   |   man -l -`,
		Run: func(*cobra.Command, []string) {},
	}
	c.Flags().StringP("env", "e", "dev", "the environment")
	c.Flags().Bool("plain", false, "print plainly")
	path := filepath.Join(t.TempDir(), "odd.1")
	var b strings.Builder
	if err := writeManPage(&b, c, manPageHeader{date: "2026-12-08", source: "sigscope test"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	text := renderMan(t, groff, path)
	// Prose is filled to the page's width: compared word by word.
	words := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"First paragraph, folded over two lines.",
		".SH this line starts with a dot",
		"'and this one with a quote",
		`A path C:\Users\me\n and a café → naïve ~home ^caret` + "`tick`",
		`-e, --env string`,
		`(default "dev")`,
		"2026-12-08",
		"sigscope test",
	} {
		if !strings.Contains(words, want) {
			t.Errorf("rendered page lacks %q:\n%s", want, text)
		}
	}
	// Examples are not filled: a line each, spaces kept, indented.
	for _, want := range []string{
		`sigscope send api.yaml "pets/List pets" --env prod -o json | jq .response.status`,
		"sigscope   man   |   man -l -",
	} {
		found := false
		for _, l := range strings.Split(text, "\n") {
			if strings.TrimSpace(l) == want && strings.HasPrefix(l, "        ") {
				found = true
			}
		}
		if !found {
			t.Errorf("rendered page lacks the indented example line %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "(default false)") {
		t.Errorf("a false default is mentioned:\n%s", text)
	}
}

// TestManWithoutDirPrintsTheMainPage: `sigscope man | man -l -`.
func TestManWithoutDirPrintsTheMainPage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"man"}, strings.NewReader(""), &stdout, &stderr); code != ExitOK {
		t.Fatalf("sigscope man: exit %d\n%s", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), `.TH "SIGSCOPE" 1 `) || !strings.Contains(stdout.String(), ".SH COMMANDS") {
		t.Fatalf("sigscope man printed:\n%s", stdout.String())
	}
	cmd := exec.Command(peer.Command(t, "man"), "-l", "-")
	cmd.Stdin = &stdout
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(normalizeDashes(string(out)), "sigscope demo") {
		t.Errorf("man -l -: %v\n%s", err, out)
	}
}

func TestManHeaderDate(t *testing.T) {
	info := buildinfo.Info{Version: "v1.2.3", Date: "2026-12-07T20:56:40Z"}
	if h := manHeader(info, "1700000000"); h.date != "2023-11-14" || h.source != "sigscope v1.2.3" {
		t.Errorf("SOURCE_DATE_EPOCH: %+v", h)
	}
	if h := manHeader(info, ""); h.date != "2026-12-07" {
		t.Errorf("commit date: %+v", h)
	}
	if h := manHeader(buildinfo.Info{Version: "dev"}, "not a number"); len(h.date) != len("2006-01-02") {
		t.Errorf("no date known: %+v", h)
	}
}

// renderMan formats a page with groff, failing on any warning.
func renderMan(t *testing.T, groff, path string) string {
	t.Helper()
	cmd := exec.Command(groff, "-ww", "-man", "-Tutf8", path)
	cmd.Env = append(os.Environ(), "GROFF_NO_SGR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("groff -ww -man %s: %v\n%s", filepath.Base(path), err, stderr.String())
	}
	return normalizeDashes(stripOverstrike(stdout.String()))
}

// stripOverstrike removes grotty's bold and underline (c\bc, _\bc).
func stripOverstrike(s string) string {
	r := []rune(s)
	var out []rune
	for i := 0; i < len(r); i++ {
		if i+2 < len(r) && r[i+1] == '\b' {
			continue
		}
		if r[i] == '\b' {
			continue
		}
		out = append(out, r[i])
	}
	return string(out)
}

// normalizeDashes maps the minus sign and hyphen groff may print for \-
// to the ASCII hyphen-minus (some installations map them, some do not).
func normalizeDashes(s string) string {
	return strings.NewReplacer("\u2212", "-", "\u2010", "-").Replace(s)
}

// firstWords is the start of a short description, before the renderer
// may wrap it.
func firstWords(s string) string {
	f := strings.Fields(s)
	if len(f) > 3 {
		f = f[:3]
	}
	return strings.Join(f, " ")
}
