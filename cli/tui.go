package cli

import (
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/tui"
	"github.com/sigscope/sigscope/workbench"
)

// rootFlags are the terminal UI's flags: `sigscope [PATH...]`.
type rootFlags struct {
	env  string
	vars []string
}

func addRootRun(root *cobra.Command) {
	f := &rootFlags{}
	root.Use = "sigscope [COLLECTION|FOLDER]..."
	root.Args = cobra.ArbitraryArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		return runTUI(cmd, f, args)
	}
	root.Flags().StringVarP(&f.env, "env", "e", "", "environment of the collections (default: each one's default)")
	root.Flags().StringArrayVar(&f.vars, "var", nil, "runtime variable k=v, taken literally (repeatable)")
}

// runTUI opens the terminal UI on collection files or folders; with none,
// on the collections in the current folder, or the start screen.
func runTUI(cmd *cobra.Command, f *rootFlags, args []string) error {
	vars, err := parseVars(f.vars)
	if err != nil {
		return err
	}
	for _, a := range args {
		if _, err := os.Stat(a); err != nil {
			return withCode(ExitUsage, fmt.Errorf("%q is neither a command nor a collection file or folder (see 'sigscope --help')", a))
		}
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	// A settings file with a mistake stops here, as a linter would: a
	// key that silently did nothing would be worse.
	st, err := loadSettings()
	if err != nil {
		return err
	}
	if !isTerminal(cmd.OutOrStdout()) {
		return withCode(ExitUsage, fmt.Errorf("the terminal UI needs a terminal: for scripts use 'sigscope send' (see 'sigscope --help')"))
	}
	cfg := tui.Config{Paths: args, Environment: f.env, Vars: vars, Env: workbench.OSEnv("sigscope/" + Version), Dark: true, Settings: st}
	closeHistory := withHistory(&cfg)
	defer closeHistory()
	// A closed terminal (SIGHUP) or a kill ends the program through ctx,
	// so that the bodies it spooled to temporary files are removed.
	ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals()...)
	defer stop()
	return tui.Run(ctx, cfg, cmd.InOrStdin(), probeFirstFrame(cmd.OutOrStdout()))
}

// withHistory gives the UI the user's history to record into and read,
// opened by the UI after its first frame (lateHistory); one that cannot
// be opened is a warning in the status line. SIGSCOPE_HISTORY=off (or no
// place for it) is known at once.
func withHistory(cfg *tui.Config) (closeIt func()) {
	path, err := history.DefaultPath(nil)
	if err != nil {
		cfg.Warnings = append(cfg.Warnings, termsafe.Line(err.Error())+"; this run is not kept")
		return func() {}
	}
	if path == "" {
		return func() {}
	}
	h := newLateHistory()
	cfg.Env.History, cfg.History, cfg.OpenHistory = h, h, h.open
	return h.close
}
