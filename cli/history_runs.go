package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

func newHistoryRunsCmd() *cobra.Command {
	var output string
	var limit int
	var diff bool
	cmd := &cobra.Command{
		Use:   "runs [--diff [RUN [RUN]]]",
		Short: "List the runs of `sigscope run` kept, or what changed between two",
		Long: `runs lists each 'sigscope run' the history kept, newest first: its id, how
many exchanges, how many failed an assertion or a capture (- for a run kept
before sigscope kept verdicts), how many were refused (4xx, 5xx, expected or
not) or got no answer. 'history list --run ID' lists one run's exchanges.

--diff compares two runs request by request: the last run against the one
before it, or the runs named (ids as listed, or last). It prints each
request whose status changed, and under it each assertion or capture whose
verdict changed (it held and fails now, or the reverse), with what was
expected and what came. Exit 1 when a check that held fails now, so a CI
job can gate on it; 0 otherwise.`,
		Example: `  sigscope history runs
  sigscope history runs --diff
  sigscope history list --run last`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", output))
			}
			if len(args) > 0 && !diff {
				return withCode(ExitUsage, fmt.Errorf("runs takes run ids with --diff only"))
			}
			s, err := openHistoryFor(true)
			if err != nil {
				return err
			}
			defer s.Close()
			if diff {
				return runsDiff(cmd, s, args, output)
			}
			runs, err := s.Runs(cmd.Context(), limit)
			if err != nil {
				return withCode(ExitError, err)
			}
			if output == "json" {
				if runs == nil {
					runs = []history.Run{}
				}
				return writeJSONValue(cmd.OutOrStdout(), runs)
			}
			if len(runs) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "no run kept: `sigscope run COLLECTION` keeps each of its exchanges")
				return nil
			}
			var b strings.Builder
			idW := len("RUN")
			for _, r := range runs {
				idW = max(idW, len(termsafe.Line(strings.TrimPrefix(r.Source, history.RunPrefix))))
			}
			fmt.Fprintf(&b, "%-*s  %-19s  %8s  %6s  %7s\n", idW, "RUN", "STARTED", "REQUESTS", "FAILED", "REFUSED")
			for _, r := range runs {
				failed := "-" // kept before sigscope kept verdicts
				if r.Checked > 0 {
					failed = fmt.Sprint(r.Failed)
				}
				fmt.Fprintf(&b, "%-*s  %-19s  %8d  %6s  %7d\n", idW, termsafe.Line(strings.TrimPrefix(r.Source, history.RunPrefix)),
					r.First.Local().Format("2006-01-02 15:04:05"), r.Entries, failed, r.Refused)
			}
			_, err = fmt.Fprint(cmd.OutOrStdout(), b.String())
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().IntVar(&limit, "limit", 20, "at most this many runs")
	cmd.Flags().BoolVar(&diff, "diff", false, "compare two runs request by request")
	return cmd
}

// runSource reads a run named by the user: its id, its whole source, or
// last (back counts older runs: 1 is the one before the last).
func runSource(ctx context.Context, s *history.Store, name string, back int) (string, error) {
	if name != "last" {
		if !strings.HasPrefix(name, history.RunPrefix) {
			name = history.RunPrefix + name
		}
		return name, nil
	}
	runs, err := s.Runs(ctx, back+1)
	if err != nil {
		return "", withCode(ExitError, err)
	}
	if len(runs) <= back {
		return "", withCode(ExitError, fmt.Errorf("the history keeps %d run(s): run a collection with `sigscope run` first", len(runs)))
	}
	return runs[back].Source, nil
}

func runsDiff(cmd *cobra.Command, s *history.Store, args []string, output string) error {
	ctx := cmd.Context()
	var a, b string
	var err error
	switch len(args) {
	case 0:
		if b, err = runSource(ctx, s, "last", 0); err == nil {
			a, err = runSource(ctx, s, "last", 1)
		}
	case 1:
		if a, err = runSource(ctx, s, args[0], 0); err == nil {
			b, err = runSource(ctx, s, "last", 0)
		}
	default:
		if a, err = runSource(ctx, s, args[0], 0); err == nil {
			b, err = runSource(ctx, s, args[1], 0)
		}
	}
	if err != nil {
		return err
	}
	changes, err := s.DiffRuns(ctx, a, b)
	if err != nil {
		return withCode(ExitError, err)
	}
	regression := regressionError(a, b, regressions(changes))
	if output == "json" {
		if changes == nil {
			changes = []history.RunChange{}
		}
		if err := writeJSONValue(cmd.OutOrStdout(), map[string]any{"before": a, "after": b, "changes": changes}); err != nil {
			return err
		}
		return regression
	}
	printRunDiff(cmd.OutOrStdout(), a, b, changes)
	return regression
}

// regressions counts the checks that held before and fail now.
func regressions(changes []history.RunChange) int {
	n := 0
	for _, c := range changes {
		for _, ch := range c.Checks {
			if ch.Before == history.VerdictPassed && ch.After == history.VerdictFailed {
				n++
			}
		}
	}
	return n
}

// regressionError is exit 1 when checks that held in run a fail in b.
func regressionError(a, b string, regressed int) error {
	if regressed == 0 {
		return nil
	}
	return withCode(ExitError, fmt.Errorf("%d check(s) that held in %s fail in %s", regressed,
		strings.TrimPrefix(a, history.RunPrefix), strings.TrimPrefix(b, history.RunPrefix)))
}

// printRunDiff writes what changed from run a to run b: each request
// whose status changed, and under it each check whose verdict changed.
func printRunDiff(w io.Writer, a, b string, changes []history.RunChange) {
	fmt.Fprintf(w, "%s → %s\n", termsafe.Line(strings.TrimPrefix(a, history.RunPrefix)), termsafe.Line(strings.TrimPrefix(b, history.RunPrefix)))
	if len(changes) == 0 {
		fmt.Fprintln(w, "  every request answered as before")
		return
	}
	word := func(st int) string {
		if st < 0 {
			return "not run"
		}
		return workbench.StatusWord(st, "", false)
	}
	verdict := func(v string) string {
		if v == history.VerdictAbsent {
			return "absent"
		}
		return v
	}
	for _, c := range changes {
		fmt.Fprintf(w, "  %-8s → %-8s  %s\n", word(c.Before), word(c.After), termsafe.Line(c.Request))
		for _, ch := range c.Checks {
			mark := map[string]string{history.VerdictPassed: "✓", history.VerdictFailed: "✗", history.VerdictAbsent: "-"}[ch.After]
			name := ch.Name
			if ch.Kind == history.CheckCapture {
				name = "capture " + name
			}
			line := fmt.Sprintf("      %s %s: %s → %s", mark, name, verdict(ch.Before), verdict(ch.After))
			switch {
			case ch.After == history.VerdictAbsent:
			case ch.Kind == history.CheckAssert && ch.Expected != "":
				line += fmt.Sprintf(" (expected %s, got %s)", ch.Expected, ch.Actual)
			case ch.Actual != "":
				line += " (" + ch.Actual + ")"
			}
			fmt.Fprintln(w, termsafe.Line(line))
		}
	}
}
