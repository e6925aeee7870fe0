package cli

import (
	"context"
	"fmt"
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
many exchanges, how many were refused (4xx, 5xx) or got no answer.
'history list --run ID' lists one run's exchanges.

--diff compares two runs request by request and prints each request whose
status changed: the last run against the one before it, or the runs named
(ids as listed, or last).`,
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
			fmt.Fprintf(&b, "%-18s  %-19s  %8s  %8s\n", "RUN", "STARTED", "REQUESTS", "REFUSED")
			for _, r := range runs {
				fmt.Fprintf(&b, "%-18s  %-19s  %8d  %8d\n", termsafe.Line(strings.TrimPrefix(r.Source, history.RunPrefix)),
					r.First.Local().Format("2006-01-02 15:04:05"), r.Entries, r.Refused)
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
	if output == "json" {
		if changes == nil {
			changes = []history.RunChange{}
		}
		return writeJSONValue(cmd.OutOrStdout(), map[string]any{"before": a, "after": b, "changes": changes})
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "%s → %s\n", termsafe.Line(strings.TrimPrefix(a, history.RunPrefix)), termsafe.Line(strings.TrimPrefix(b, history.RunPrefix)))
	if len(changes) == 0 {
		fmt.Fprintln(w, "  every request answered as before")
		return nil
	}
	word := func(st int) string {
		if st < 0 {
			return "not run"
		}
		return workbench.StatusWord(st, "", false)
	}
	for _, c := range changes {
		fmt.Fprintf(w, "  %-8s → %-8s  %s\n", word(c.Before), word(c.After), termsafe.Line(c.Request))
	}
	return nil
}
