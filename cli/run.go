package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/workbench"
)

type runFlags struct {
	env, authMode, data, junit, output, emulator, caFile string
	vars                                                 []string
	bail, yes, showSecrets, noCookies, diff              bool
	repeat                                               int
	timeout                                              time.Duration
}

// builtinEmulator is --emulator without a file: the built-in demo.
const builtinEmulator = "builtin"

func newRunCmd() *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "run COLLECTION [FOLDER|REQUEST]... [--env E] [--var k=v] [--data FILE] [--bail] [--repeat N] [--junit FILE] [-o text|json|tap] [--diff] [--emulator[=CONFIG]]",
		Short: "Run a collection's requests in order, with its captures and assertions",
		Long: `Run sends the requests of COLLECTION in file order (all of them, or the
folders and requests named), takes each answer's capture: values into variables
for the requests after it, and checks its assert: entries. A request without a
status assertion must answer below 400, so a refused signature fails the run,
with the debugger's hint.

One line per request (status, time, assertions), then each failed assertion
as expected against actual with its file:line, and a summary. -o json prints
the whole run as one object, -o tap the TAP 13 stream; --junit FILE writes
JUnit XML as GitLab, Jenkins and GitHub's test reporters read it.

--data FILE runs once per row of a CSV file (its first line names the
variables) or a JSON array of objects, the row's values as variables;
--repeat N runs each pass N times; --bail stops at the first failure.

--emulator starts sigscope's own emulator for the run (the built-in demo, the
configuration in .emulator.yaml beside the collection when there is one, or
--emulator=CONFIG) and gives it to the collection as {{emulator}}; with the
built-in demo the collection's demo profiles get its public demo keys and
password, so a CI job needs only the binary. Cognito profiles log in by
themselves when they name a username and password_env.

The trust confirmation applies as for send: --yes for CI.

--diff compares the run, when it is over, with the previous run of the same
collection in the history (as 'history runs --diff'), and exits 1 when a check
that held then fails now.

Exit codes: 0 every assertion held, 1 one failed (or bad input), 2 usage
error, 4 a request got no answer (before 1: a run that could not reach its
API says so), 130 interrupted (Ctrl-C; the lines so far, the summary and
--junit are still written).`,
		Example: `  sigscope run examples/collections/demo.yaml "QA smoke" --emulator --yes
  sigscope run api.yaml pets --env staging --junit report.xml --yes
  sigscope run api.yaml "Create pet" --data pets.csv -o tap`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, f, args[0], args[1:])
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.env, "env", "e", "", "environment of the collection (default: its default_environment, or its only one)")
	fl.StringVar(&f.authMode, "auth", "", "auth mode for every request instead of the collection's: iam, id_token, access_token, api_key or none")
	fl.StringArrayVar(&f.vars, "var", nil, "runtime variable k=v, taken literally (repeatable)")
	fl.StringVar(&f.data, "data", "", "CSV or JSON file: one pass per row, its columns as variables")
	fl.BoolVar(&f.bail, "bail", false, "stop at the first request that fails or gets no answer")
	fl.BoolVar(&f.diff, "diff", false, "after the run, compare it with the collection's previous run; exit 1 when a check that held fails now")
	fl.IntVar(&f.repeat, "repeat", 1, "run each pass N times")
	fl.StringVar(&f.junit, "junit", "", "write JUnit XML to FILE")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, json or tap")
	fl.StringVar(&f.emulator, "emulator", "", "start the built-in emulator for the run (or --emulator=CONFIG for yours)")
	fl.Lookup("emulator").NoOptDefVal = builtinEmulator
	fl.StringVar(&f.caFile, "ca-file", "", "PEM file of a CA to trust besides the system's")
	fl.BoolVar(&f.yes, "yes", false, "trust the collection's environment variables and hosts without being asked")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print tokens and captured secrets in clear")
	fl.BoolVar(&f.noCookies, "no-cookies", false, "neither send cookies from the jar nor store the ones received")
	fl.DurationVar(&f.timeout, "timeout", exchange.DefaultTimeout, "limit for each exchange")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json", "tap"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runRun(cmd *cobra.Command, f *runFlags, collectionPath string, sel []string) error {
	switch {
	case f.output != "text" && f.output != "json" && f.output != "tap":
		return withCode(ExitUsage, fmt.Errorf("--output %q: use text, json or tap", f.output))
	case f.authMode != "" && !containsString(authModes, f.authMode):
		return withCode(ExitUsage, fmt.Errorf("--auth %q: use one of %s", f.authMode, strings.Join(authModes, ", ")))
	case f.repeat < 1:
		return withCode(ExitUsage, fmt.Errorf("--repeat %d: give 1 or more", f.repeat))
	case f.timeout <= 0:
		return withCode(ExitUsage, fmt.Errorf("--timeout %s: give a positive duration such as 10s", f.timeout))
	}
	vars, err := parseVars(f.vars)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	var rows []map[string]string
	if f.data != "" {
		if rows, err = readDataRows(f.data); err != nil {
			return withCode(ExitError, err)
		}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals()...)
	defer stop()
	wb, closeEmulator, err := openWithEmulator(ctx, collectionPath, f.emulator, f.env, vars)
	if err != nil {
		return withCode(ExitError, err)
	}
	defer closeEmulator()
	if _, err := wb.Selected(sel); err != nil {
		if f.emulator == builtinEmulator && len(sel) > 0 && isFile(sel[0]) {
			// `--emulator cfg.yaml` reads cfg.yaml as a folder to run.
			err = fmt.Errorf("%w (to start the emulator with the configuration %s, write --emulator=%s)", err, sel[0], sel[0])
		}
		return withCode(ExitError, err) // a typo, before any question
	}
	if wb.NeedsEmulator() {
		return withCode(ExitError, fmt.Errorf("collection %s talks to the emulator ({{emulator}}): add --emulator to start one for the run, or pass --var emulator=http://127.0.0.1:PORT of one running", collectionPath))
	}
	if err := confirmTrust(newAnswers(cmd.InOrStdin(), cmd.ErrOrStderr()), wb, f.yes); err != nil {
		return err
	}
	h := openHistory(cmd.ErrOrStderr())
	if h != nil {
		defer h.Close()
		wb.Env.History = h
	}
	spool, err := os.MkdirTemp("", "sigscope-run-")
	if err != nil {
		return withCode(ExitError, fmt.Errorf("make a folder for large bodies: %w", err))
	}
	defer os.RemoveAll(spool)
	source := workbench.RunSource(time.Now(), "")
	o := workbench.SuiteOptions{Select: sel, Rows: rows, Repeat: f.repeat, Bail: f.bail,
		Run: workbench.Run{Mode: collections.AuthMode(f.authMode), NoCookies: f.noCookies, Timeout: f.timeout, CAFile: f.caFile,
			ShowSecrets: f.showSecrets, SpoolDir: spool, Source: source}}
	rep := newRunReport(cmd.OutOrStdout(), f.output, f.showSecrets, wb.Coll.Name)
	total, err := wb.StepCount(o)
	if err != nil {
		return withCode(ExitError, err)
	}
	progress := newRunProgress(cmd.OutOrStdout(), cmd.ErrOrStderr(), f.output, total)
	o.Starting = progress.starting
	res, err := wb.RunSuite(ctx, o, func(s workbench.StepResult) {
		progress.result(s, func() { rep.step(s) })
		if s.Outcome != nil && s.Outcome.Result != nil {
			s.Outcome.Result.Close()
		}
	})
	progress.finish()
	if err != nil {
		return withCode(ExitError, err)
	}
	rep.summary(res)
	if f.junit != "" {
		if err := writeJUnit(f.junit, wb.Coll.Name, res); err != nil {
			return withCode(ExitError, err)
		}
	}
	var regression error
	if f.diff {
		// The comparison goes to stdout with the text output, to stderr
		// beside JSON or TAP (which must stay one document).
		w := cmd.OutOrStdout()
		if f.output != "text" {
			w = cmd.ErrOrStderr()
		}
		regression = diffWithPrevious(ctx, w, cmd.ErrOrStderr(), h, source, wb)
	}
	switch {
	case res.Stopped == workbench.Stopped:
		// As a shell reports a process ended by Ctrl-C; what ran is
		// printed and in the JUnit file.
		return withCode(ExitInterrupted, fmt.Errorf("interrupted after %d of %d request(s)", len(res.Steps), total))
	case res.NoAnswer > 0:
		return withCode(ExitTransport, fmt.Errorf("%d request(s) got no answer", res.NoAnswer))
	case res.Failed > 0:
		msg := fmt.Sprintf("%d request(s) failed their assertions", res.Failed)
		if regression != nil {
			msg += "; " + regression.Error() // --diff: which of them held last run
		}
		return withCode(ExitError, errors.New(msg))
	}
	return regression
}

// startRunEmulator starts the emulator a run asked for and, for the
// built-in demo, the public demo values its demo profiles read.
// openWithEmulator opens the collection for run and why. With --emulator
// it starts the emulator first: the collection's {{emulator}} points at it
// unless --var gave one, and the variables the emulator's users need
// (passwords, keys) are read from it before the process environment.
// closeEmulator stops it; it is a no-op without one.
func openWithEmulator(ctx context.Context, collectionPath, emulatorConfig, envName string, vars map[string]string) (wb *workbench.Workbench, closeEmulator func(), err error) {
	closeEmulator = func() {}
	lookup := os.LookupEnv
	if emulatorConfig == builtinEmulator {
		emulatorConfig = besideEmulatorConfig(collectionPath)
	}
	if emulatorConfig != "" {
		srv, env, err := startRunEmulator(ctx, emulatorConfig)
		if err != nil {
			return nil, closeEmulator, err
		}
		closeEmulator = func() { srv.Close() }
		if _, given := vars["emulator"]; !given {
			vars["emulator"] = srv.URL
		}
		lookup = func(name string) (string, bool) {
			if v, ok := env[name]; ok {
				return v, true
			}
			return os.LookupEnv(name)
		}
	}
	envIn := workbench.OSEnv("sigscope/" + Version)
	envIn.LookupEnv = lookup
	wb, err = workbench.Open(collectionPath, workbench.Options{Environment: envName, Vars: vars, Env: envIn})
	if err != nil {
		closeEmulator()
		return nil, func() {}, err
	}
	return wb, closeEmulator, nil
}

// BesideConfig is the emulator configuration --emulator (without a
// file) takes from beside the collection, when there is one: a team keeps
// its users, pools and routes with the collection they test. A hidden
// name, so that opening the folder as collections (every *.yaml in it)
// does not read it as one.
const BesideConfig = ".emulator.yaml"

// besideEmulatorConfig is the configuration beside the collection, or the
// built-in one.
func besideEmulatorConfig(collectionPath string) string {
	if p := filepath.Join(filepath.Dir(collectionPath), BesideConfig); isFile(p) {
		return p
	}
	return builtinEmulator
}

func startRunEmulator(ctx context.Context, config string) (*emulator.Server, map[string]string, error) {
	opts := emulator.Options{}
	if config != builtinEmulator {
		cfg, err := emulator.LoadConfig(config)
		if err != nil {
			return nil, nil, fmt.Errorf("--emulator=%s: %w", config, err)
		}
		opts.Config = cfg
	}
	srv, err := emulator.Start(ctx, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("start the emulator: %w", err)
	}
	if config != builtinEmulator {
		return srv, nil, nil
	}
	env, err := demoValues(srv.Config)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return srv, env, nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
