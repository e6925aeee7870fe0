package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

func newHistoryShowCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one exchange as it was: request, SigV4 steps, answer, cookies, timings, diagnosis",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", output))
			}
			s, err := openHistoryFor(true)
			if err != nil {
				return err
			}
			defer s.Close()
			e, err := getEntry(cmd.Context(), s, args[0])
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONValue(cmd.OutOrStdout(), entryJSON(e))
			}
			_, err = io.WriteString(cmd.OutOrStdout(), termsafe.Text(workbench.EntryText(e)))
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

// jsonBody is a kept body for people reading JSON: text as text, binary
// as base64.
type jsonBody struct {
	Text      *string `json:"text,omitempty"`
	Base64    []byte  `json:"base64,omitempty"`
	Size      int64   `json:"size"`
	Truncated bool    `json:"truncated,omitempty"`
	Binary    bool    `json:"binary,omitempty"`
	MimeType  string  `json:"mime_type,omitempty"`
}

func bodyJSON(b history.Body) jsonBody {
	j := jsonBody{Size: b.Size, Truncated: b.Truncated, Binary: b.Binary, MimeType: b.MimeType}
	if b.Binary {
		j.Base64 = b.Data
	} else if len(b.Data) > 0 {
		s := string(b.Data)
		j.Text = &s
	}
	return j
}

type historyEntryJSON struct {
	*history.Entry
	RequestBody  jsonBody `json:"request_body"`
	ResponseBody jsonBody `json:"response_body"`
}

func entryJSON(e *history.Entry) historyEntryJSON {
	return historyEntryJSON{Entry: e, RequestBody: bodyJSON(e.RequestBody), ResponseBody: bodyJSON(e.ResponseBody)}
}

func newHistoryDiffCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "diff ID [ID2]",
		Short: "Compare two exchanges: request, canonical request, string to sign, answer (ID2 defaults to the last success of the same request)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", output))
			}
			s, err := openHistoryFor(true)
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			b, err := getEntry(ctx, s, args[0])
			if err != nil {
				return err
			}
			var a *history.Entry
			if len(args) == 2 {
				if a, err = getEntry(ctx, s, args[1]); err != nil {
					return err
				}
			} else if a, err = s.LastSuccess(ctx, b.Collection, b.Request, b.ID); err != nil {
				return withCode(ExitError, fmt.Errorf("#%d %s › %s: no earlier success to compare with (%w); give the second ID", b.ID, termsafe.Line(b.Collection), termsafe.Line(b.Request), err))
			}
			if output == "json" {
				return writeJSONValue(cmd.OutOrStdout(), diffJSON(a, b))
			}
			_, err = io.WriteString(cmd.OutOrStdout(), termsafe.Text(workbench.DiffText(a, b)))
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

type sectionDiffJSON struct {
	Title string             `json:"title"`
	Same  bool               `json:"same"`
	Lines []history.DiffLine `json:"lines,omitempty"`
}

func diffJSON(a, b *history.Entry) map[string]any {
	var secs []sectionDiffJSON
	for _, d := range workbench.SectionDiffs(a, b) {
		secs = append(secs, sectionDiffJSON{Title: d.Title, Same: d.Same, Lines: d.Lines})
	}
	return map[string]any{"old": a.ID, "new": b.ID, "sections": secs}
}

func newHistoryReplayCmd() *cobra.Command {
	f := &sendFlags{}
	var exact bool
	var collection string
	cmd := &cobra.Command{
		Use:   "replay ID [--exact]",
		Short: "Send an exchange again: resolved and signed afresh, or --exact the same bytes while the signature is valid",
		Long: `Replay sends a kept request again, from the collection it came from, in the
same environment and auth mode, signed afresh with today's credentials.

--exact resends the very bytes that were sent. The history keeps no secret,
so sigscope rebuilds them at the recorded signing time with the current
credentials and tokens, and sends them only when they come out identical
(the same credentials and tokens, by fingerprint, the same cookies and
body) and the signature is still valid (15 minutes after X-Amz-Date); else
it says what differs.

Output and exit codes are send's.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openHistoryFor(false)
			if err != nil {
				return err
			}
			defer s.Close()
			e, err := getEntry(cmd.Context(), s, args[0])
			if err != nil {
				return err
			}
			path := collection
			if path == "" {
				path = e.CollectionPath
			}
			if path == "" || !fileExists(path) {
				return withCode(ExitError, fmt.Errorf("#%d came from the collection %q at %s, which is not there any more: pass --collection PATH", e.ID, termsafe.Line(e.Collection), termsafe.Line(e.CollectionPath)))
			}
			vars, err := parseVars(f.vars)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			wb, err := workbench.Open(path, workbench.Options{AllowFiles: f.allowFiles, Vars: vars, Env: workbench.OSEnv("sigscope/" + Version)})
			if err != nil {
				return withCode(ExitError, err)
			}
			in := newAnswers(cmd.InOrStdin(), cmd.ErrOrStderr())
			if err := confirmTrust(in, wb, f.yes); err != nil {
				return err
			}
			if err := confirmReplayChanges(in, wb.ReplayChanges(e), e.ID, f.yes); err != nil {
				return err
			}
			wb.Env.History = s
			oc := wb.Replay(cmd.Context(), e, exact, workbench.Run{Timeout: f.timeout, CAFile: f.caFile, ShowSecrets: f.showSecrets, Follow: f.follow})
			if oc.Err != nil {
				return withCode(ExitError, oc.Err)
			}
			if oc.HistoryID != 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "sigscope: replayed #%d as #%d\n", e.ID, oc.HistoryID)
			}
			return printOutcome(cmd, f, oc)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&exact, "exact", false, "resend the recorded bytes (rebuilt without any stored secret) while the signature is valid")
	fl.StringVar(&collection, "collection", "", "the collection file, when it moved since the exchange")
	fl.StringArrayVar(&f.vars, "var", nil, "runtime variable k=v (repeatable), e.g. --var emulator=http://127.0.0.1:7466")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text (the body) or json (everything)")
	fl.BoolVarP(&f.include, "include", "i", false, "print the status line and the response headers before the body")
	fl.BoolVar(&f.showSigning, "show-signing", false, "print the canonical request and string-to-sign before the answer")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print tokens, session tokens, API keys and cookie values in clear")
	fl.BoolVarP(&f.follow, "follow", "L", false, "follow redirects of GET and HEAD requests (up to 10)")
	fl.DurationVar(&f.timeout, "timeout", exchange.DefaultTimeout, "limit for the whole exchange, redirects included")
	fl.StringVar(&f.caFile, "ca-file", "", "PEM file of a CA to trust besides the system's (default: $AWS_CA_BUNDLE)")
	fl.StringArrayVar(&f.allowFiles, "allow-file", nil, "a file outside the collection's folder its body may read (repeatable)")
	fl.BoolVar(&f.yes, "yes", false, "trust the collection's environment variables and hosts without being asked")
	return cmd
}

// confirmReplayChanges asks before a replay goes somewhere other than
// where the exchange was recorded (another file with the same name:,
// another host): the request would carry this session's credentials
// there. --yes accepts; without a terminal the replay stops and says why.
func confirmReplayChanges(in *answers, changes []string, id int64, yes bool) error {
	if len(changes) == 0 || yes {
		return nil
	}
	summary := fmt.Sprintf("#%d would not be replayed where it was recorded:\n  %s", id, strings.Join(changes, "\n  "))
	return askYes(in, termsafe.Text(summary), "Replay it there?", "Pass --yes to replay it all the same", "not confirmed: nothing was sent")
}
