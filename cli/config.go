package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/settings"
	"github.com/sigscope/sigscope/tui"
)

func newConfigCmd() *cobra.Command {
	var path, initFile bool
	cmd := &cobra.Command{
		Use:   "config [--path | --init]",
		Short: "Show the settings file (theme, keymap, editor, pager) and what is in effect",
		Long: `config prints what the settings file sets and what is in effect: the
theme, the editor E opens a collection with, the pager P shows a response
body with, and every key of the terminal UI with the action it runs.

The file is $XDG_CONFIG_HOME/sigscope/config.yaml (by default
~/.config/sigscope/config.yaml); SIGSCOPE_CONFIG names another. It is
optional. --init writes one with every key commented out, readable by you
only. A file with a mistake (an unknown key, action or key name) is an
error with its line and column here and when the terminal UI starts
(exit code 2), so that a typo never goes unnoticed.`,
		Example: `  sigscope config --path
  sigscope config --init && $EDITOR "$(sigscope config --path)"
  sigscope config`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := settingsPath()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch {
			case path && initFile:
				return withCode(ExitUsage, fmt.Errorf("--path and --init: give one"))
			case path:
				fmt.Fprintln(out, termsafe.Text(p))
				return nil
			case initFile:
				if err := settings.Init(p); err != nil {
					return err
				}
				fmt.Fprintf(out, "wrote %s (every key commented out)\n", termsafe.Text(p))
				return nil
			}
			s, err := loadSettings()
			if err != nil {
				return err
			}
			printSettings(out, s)
			return nil
		},
	}
	cmd.Flags().BoolVar(&path, "path", false, "print the settings file's path and nothing else")
	cmd.Flags().BoolVar(&initFile, "init", false, "write a settings file with every key commented out (never over an existing one)")
	return cmd
}

// settingsPath is SIGSCOPE_CONFIG, else the XDG place.
func settingsPath() (string, error) {
	if p := os.Getenv("SIGSCOPE_CONFIG"); p != "" {
		return p, nil
	}
	return settings.DefaultPath(os.Getenv)
}

// loadSettings reads the settings file for the terminal UI and config;
// one with a mistake is refused with exit code 2, as a linter would.
func loadSettings() (*settings.Settings, error) {
	p, err := settingsPath()
	if err != nil {
		return nil, err
	}
	s, err := settings.Load(p, tui.Actions())
	if err == nil {
		err = tui.KeymapConflicts(s)
	}
	if err != nil {
		return nil, withCode(ExitUsage, fmt.Errorf("%w\nhint: fix the settings file (sigscope config checks it), or set SIGSCOPE_CONFIG to another file", err))
	}
	return s, nil
}

func printSettings(w io.Writer, s *settings.Settings) {
	safe := termsafe.Text
	state := "not there: the defaults below hold ('sigscope config --init' writes one)"
	if s.Exists {
		state = "read"
	}
	fmt.Fprintf(w, "settings %s (%s)\n", safe(s.Path), state)
	theme := s.Theme
	if theme == "" {
		theme = "(not set: from the terminal's background, else dark)"
	}
	fmt.Fprintf(w, "theme    %s\n", theme)
	fmt.Fprintf(w, "editor   %s\n", safe(firstSet([2]string{s.Editor, "settings"}, [2]string{os.Getenv("VISUAL"), "$VISUAL"}, [2]string{os.Getenv("EDITOR"), "$EDITOR"}, [2]string{"vi", "default"})))
	fmt.Fprintf(w, "pager    %s\n", safe(firstSet([2]string{s.Pager, "settings"}, [2]string{os.Getenv("PAGER"), "$PAGER"}, [2]string{"less", "default"})))
	fmt.Fprintf(w, "\nkeys of the terminal UI (* set by the settings file):\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  action\tkeys\twhat")
	for _, a := range tui.ActionKeys(s) {
		mark := " "
		if _, ok := s.KeysFor(a[0]); ok {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s %s\t%s\t%s\n", mark, a[0], safe(a[1]), a[2])
	}
	tw.Flush()
}

// firstSet is the first value given, with where it came from.
func firstSet(choices ...[2]string) string {
	for _, c := range choices {
		if strings.TrimSpace(c[0]) != "" {
			return c[0] + " (" + c[1] + ")"
		}
	}
	return ""
}
