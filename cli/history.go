package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/atomicfile"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

// openHistory opens the user's history for a command that records. A
// history that cannot be used is one warning, and the command goes on
// without it; SIGSCOPE_HISTORY=off keeps none.
func openHistory(stderr io.Writer) *history.Store {
	path, err := history.DefaultPath(nil)
	if err != nil {
		warnNotKept(stderr, err)
		return nil
	}
	if path == "" {
		return nil
	}
	s, err := history.Open(path, history.Options{})
	if err != nil {
		warnNotKept(stderr, err)
		return nil
	}
	return s
}

// openHistoryFor opens the history for the history commands themselves:
// there, a history that cannot be used is the error.
func openHistoryFor(readOnly bool) (*history.Store, error) {
	path, err := history.DefaultPath(nil)
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	if path == "" {
		return nil, withCode(ExitError, errors.New("history is off (SIGSCOPE_HISTORY=off): unset it to keep and read exchanges"))
	}
	s, err := history.Open(path, history.Options{ReadOnly: readOnly})
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	return s, nil
}

type historyFlags struct {
	collection, request, status, since, before string
	run                                        string // a run's source, its id, or "last"
	limit                                      int
	output                                     string
}

func (f *historyFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.collection, "collection", "", "only this collection (its name, or its file's path)")
	fl.StringVar(&f.request, "request", "", "only this request (its path in the collection, or part of it)")
	fl.StringVar(&f.status, "status", "", "only these answers: 200, 2xx, 4xx, 5xx, error (no answer) or mismatch")
	fl.StringVar(&f.since, "since", "", "only newer than this: a duration (1h, 30m, 7d) or a date (2026-12-01, RFC 3339)")
	fl.StringVar(&f.before, "before", "", "only older than this: a duration or a date")
	fl.IntVar(&f.limit, "limit", 50, "at most this many entries, newest first")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	fl.StringVar(&f.run, "run", "", "only the exchanges of one `sigscope run`: its id (20261207T101500Z, as `history runs` lists) or last")
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions([]string{"2xx", "4xx", "5xx", "error", "mismatch"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
}

func (f *historyFlags) filter(now time.Time) (history.Filter, error) {
	if f.output != "text" && f.output != "json" {
		return history.Filter{}, withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", f.output))
	}
	if f.limit <= 0 {
		return history.Filter{}, withCode(ExitUsage, fmt.Errorf("--limit %d: give a positive number", f.limit))
	}
	if err := history.CheckStatus(f.status); err != nil {
		return history.Filter{}, withCode(ExitUsage, fmt.Errorf("--status: %w", err))
	}
	since, err := parseWhen(f.since, now)
	if err != nil {
		return history.Filter{}, withCode(ExitUsage, fmt.Errorf("--since: %w", err))
	}
	before, err := parseWhen(f.before, now)
	if err != nil {
		return history.Filter{}, withCode(ExitUsage, fmt.Errorf("--before: %w", err))
	}
	return history.Filter{Collection: f.collection, Request: f.request, Status: f.status, Since: since, Before: before, Limit: f.limit}, nil
}

// parseWhen reads a point in time: a duration back from now (90s, 1h,
// 7d) or a date (2026-12-01, 2026-12-01T10:00:00Z).
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: give a duration back from now (90m, 1h, 7d) or a date (2026-12-01, 2026-12-01T10:00:00Z)", s)
}

func newHistoryCmd() *cobra.Command {
	f := &historyFlags{}
	cmd := &cobra.Command{
		Use:   "history [list|show|search|diff|replay|export|clear]",
		Short: "List, search, compare and replay the exchanges sigscope made",
		Long: `Every request sent with send, the demo or the terminal UI is kept in one
SQLite database: $XDG_DATA_HOME/sigscope/history.db, else
~/.local/share/sigscope/history.db (SIGSCOPE_HISTORY=PATH moves it,
SIGSCOPE_HISTORY=off keeps nothing). It holds the request as sent, its
canonical request and string to sign, the answer, cookies, timings and
sigscope's diagnosis, and never a credential: keys, session tokens,
passwords, tokens, API keys and cookie values are masked before anything is
written (tokens keep a fingerprint and their public claims, signatures a
fingerprint). Bodies over 1 MiB are kept truncated; the oldest entries go
beyond 10,000 entries or 500 MiB.

Without a subcommand, history lists the newest entries.`,
		Example: `  sigscope history --status 4xx --since 1h
  sigscope history show 42
  sigscope history diff 42          # against the last success of the same request
  sigscope history search "charset=utf-8"
  sigscope history replay 42
  sigscope history export --har last-hour.har --since 1h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runHistoryList(cmd, f, "") },
	}
	f.add(cmd)
	cmd.AddCommand(newHistoryListCmd(), newHistoryShowCmd(), newHistorySearchCmd(), newHistoryDiffCmd(),
		newHistoryReplayCmd(), newHistoryExportCmd(), newHistoryClearCmd(), newHistoryRunsCmd())
	return cmd
}

func newHistoryListCmd() *cobra.Command {
	f := &historyFlags{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the newest exchanges, filtered",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runHistoryList(cmd, f, "") },
	}
	f.add(cmd)
	return cmd
}

func newHistorySearchCmd() *cobra.Command {
	f := &historyFlags{}
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find exchanges by words in their URL, headers, bodies, canonical request or diagnosis",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHistoryList(cmd, f, strings.Join(args, " "))
		},
	}
	f.add(cmd)
	return cmd
}

func runHistoryList(cmd *cobra.Command, f *historyFlags, text string) error {
	filter, err := f.filter(time.Now())
	if err != nil {
		return err
	}
	filter.Text = text
	if path, _ := history.DefaultPath(nil); path != "" && !history.Exists(path) {
		if f.output == "json" {
			return writeJSONValue(cmd.OutOrStdout(), []history.Summary{})
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "no exchange kept yet: send a request and it is kept in %s\n", termsafe.Line(path))
		return nil
	}
	s, err := openHistoryFor(true)
	if err != nil {
		return err
	}
	defer s.Close()
	if f.run != "" {
		if filter.Source, err = runSource(cmd.Context(), s, f.run, 0); err != nil {
			return err
		}
	}
	list, err := s.List(cmd.Context(), filter)
	if err != nil {
		return withCode(ExitError, err)
	}
	out := cmd.OutOrStdout()
	if f.output == "json" {
		if list == nil {
			list = []history.Summary{}
		}
		return writeJSONValue(out, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "no exchange kept matches (send a request, or widen the filter)")
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%6s  %-19s  %-6s  %-6s  %-8s  %s\n", "ID", "TIME", "STATUS", "METHOD", "TOOK", "COLLECTION › REQUEST")
	for _, e := range list {
		fmt.Fprintf(&b, "%6d  %-19s  %-6s  %-6s  %-8s  %s › %s%s\n", e.ID, e.Time.Local().Format("2006-01-02 15:04:05"),
			workbench.StatusWord(e.Status, e.Error, e.Mismatch), termsafe.Line(e.Method), workbench.RoundDuration(e.Duration),
			termsafe.Line(e.Collection), termsafe.Line(e.Request), envSuffix(e.Environment, e.Mode))
	}
	_, err = io.WriteString(out, b.String())
	return err
}

func envSuffix(env, mode string) string {
	var parts []string
	if env != "" {
		parts = append(parts, env)
	}
	if mode != "" {
		parts = append(parts, mode)
	}
	if len(parts) == 0 {
		return ""
	}
	return "  (" + termsafe.Line(strings.Join(parts, ", ")) + ")"
}

func writeJSONValue(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// entryArg reads an entry id argument.
func entryArg(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, withCode(ExitUsage, fmt.Errorf("%q is no history entry id: give the number `sigscope history` lists", s))
	}
	return id, nil
}

func getEntry(ctx context.Context, s *history.Store, arg string) (*history.Entry, error) {
	id, err := entryArg(arg)
	if err != nil {
		return nil, err
	}
	e, err := s.Get(ctx, id)
	if err != nil {
		return nil, withCode(ExitError, err)
	}
	workbench.ScrubEntry(e)
	return e, nil
}

func newHistoryExportCmd() *cobra.Command {
	f := &historyFlags{}
	var har string
	cmd := &cobra.Command{
		Use:   "export --har FILE [filters]",
		Short: "Write the exchanges that match as a HAR 1.2 file (secrets masked as in the history)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if har == "" {
				return withCode(ExitUsage, errors.New("export needs --har FILE (- for standard output)"))
			}
			filter, err := f.filter(time.Now())
			if err != nil {
				return err
			}
			s, err := openHistoryFor(true)
			if err != nil {
				return err
			}
			defer s.Close()
			list, err := s.List(cmd.Context(), filter)
			if err != nil {
				return withCode(ExitError, err)
			}
			entries := make([]*history.Entry, 0, len(list))
			for i := len(list) - 1; i >= 0; i-- { // oldest first, as a browser's HAR
				e, err := s.Get(cmd.Context(), list[i].ID)
				if err != nil {
					return withCode(ExitError, err)
				}
				workbench.ScrubEntry(e)
				entries = append(entries, e)
			}
			data, err := history.HAR(entries, "sigscope "+Version)
			if err != nil {
				return withCode(ExitError, err)
			}
			if har == "-" {
				_, err = cmd.OutOrStdout().Write(data)
				return err
			}
			if err := atomicfile.Write(har, data, 0o600); err != nil {
				return withCode(ExitError, fmt.Errorf("write %s: %w", har, err))
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d exchanges to %s\n", len(entries), termsafe.Line(har))
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&har, "har", "", "the HAR file to write (- for standard output)")
	return cmd
}

func newHistoryClearCmd() *cobra.Command {
	var before, output string
	var yes bool
	cmd := &cobra.Command{
		Use:   "clear [--before DATE] [--yes]",
		Short: "Delete exchanges: all of them, or those older than --before",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := parseWhen(before, time.Now())
			if err != nil {
				return withCode(ExitUsage, fmt.Errorf("--before: %w", err))
			}
			if output != "text" && output != "json" {
				return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", output))
			}
			s, err := openHistoryFor(false)
			if err != nil {
				return err
			}
			defer s.Close()
			n, err := s.Count(cmd.Context(), history.Filter{Before: t})
			if err != nil {
				return withCode(ExitError, err)
			}
			if n == 0 {
				if output == "json" {
					return writeJSONValue(cmd.OutOrStdout(), map[string]int64{"deleted": 0})
				}
				fmt.Fprintln(cmd.ErrOrStderr(), "nothing to delete")
				return nil
			}
			if !yes {
				in := newAnswers(cmd.InOrStdin(), cmd.ErrOrStderr())
				what := fmt.Sprintf("all %d entries", n)
				if !t.IsZero() {
					what = fmt.Sprintf("%d entries older than %s", n, t.Local().Format(time.RFC3339))
				}
				if !in.tty {
					return withCode(ExitError, fmt.Errorf("this deletes %s of %s: pass --yes to confirm", what, s.Path()))
				}
				ans, err := in.line(fmt.Sprintf("Delete %s of %s? [y/N]", what, s.Path()), "not confirmed: nothing was deleted")
				if err != nil {
					return withCode(ExitError, err)
				}
				if a := strings.ToLower(ans); a != "y" && a != "yes" {
					return withCode(ExitError, errors.New("not confirmed: nothing was deleted"))
				}
			}
			deleted, err := s.Clear(cmd.Context(), t)
			if err != nil {
				return withCode(ExitError, err)
			}
			if output == "json" {
				return writeJSONValue(cmd.OutOrStdout(), map[string]int64{"deleted": deleted})
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "deleted %d entries\n", deleted)
			return nil
		},
	}
	cmd.Flags().StringVar(&before, "before", "", "only entries older than this: a date (2026-12-01) or a duration back from now (7d)")
	cmd.Flags().BoolVar(&yes, "yes", false, "delete without being asked")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json ({\"deleted\": N})")
	return cmd
}

// fileExists says whether a collection recorded in an entry is still where
// it was.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
