package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

type whyFlags struct {
	env, authMode, output, emulator, caFile, username string
	vars                                              []string
	timeout                                           time.Duration
	yes                                               bool
}

func newWhyCmd() *cobra.Command {
	f := &whyFlags{}
	cmd := &cobra.Command{
		Use:   "why COLLECTION REQUEST [--env E] [--var k=v]... [--emulator[=CONFIG]] [-o text|json]",
		Short: "Send one request and say which layer of API Gateway let it through or refused it, and why",
		Long: `Why sends REQUEST of COLLECTION once and prints the verdict of each layer
API Gateway passes it through, in order: the route (stage, path, method),
then the signature (AWS_IAM), the Cognito authorizer's token or the Lambda
authorizer, then the IAM policies (the caller's identity policies and the
API's resource policy), then the API key and its usage plan. The first
layer that refuses is explained: for a policy, the principal, the ARN the
request needed, the statement that denied or the absence of any allow, and
the smallest statement that would allow it.

Against sigscope's emulator (--emulator starts the built-in demo, or
--emulator=CONFIG yours; or --var emulator=URL of one running) every layer
reports its own verdict: why adds the header X-Sigscope-Why to the request
after signing, which the signature does not cover and the emulator answers
with each layer's verdict. The verdicts name principals, statements, user
pools, scopes and API key names, never a token or key value. Against AWS,
which says only the refusal, the refusing layer is read from the answer.

A request that needs a Cognito login logs in with the profile's username
and password_env, as 'sigscope run' does.

Exit codes: 0 every layer let the request through, 1 a layer refused it
(or bad input), 2 usage error, 4 no answer.`,
		Example: `  sigscope why examples/collections/demo.yaml "Permissions/IAM: no statement allows (implicit deny)" --emulator --yes
  sigscope why examples/collections/demo.yaml "Permissions/Cognito: access token without the method's scope (401)" --emulator --yes -o json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWhy(cmd, f, args[0], args[1])
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.env, "env", "e", "", "environment of the collection (default: its default_environment, or its only one)")
	fl.StringVar(&f.authMode, "auth", "", "auth mode for this run instead of the collection's: iam, id_token, access_token, api_key, guest or none")
	fl.StringArrayVar(&f.vars, "var", nil, "runtime variable k=v, taken literally (repeatable)")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	fl.StringVar(&f.emulator, "emulator", "", "start the built-in emulator for the request (or --emulator=CONFIG for yours)")
	fl.Lookup("emulator").NoOptDefVal = builtinEmulator
	fl.DurationVar(&f.timeout, "timeout", exchange.DefaultTimeout, "limit for the exchange")
	fl.StringVar(&f.caFile, "ca-file", "", "PEM file of a CA to trust besides the system's (the emulator's --tls CA)")
	fl.StringVarP(&f.username, "username", "u", "", "whose Cognito login to use (default: the profile's username)")
	fl.BoolVar(&f.yes, "yes", false, "trust the collection's environment variables and hosts without being asked")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runWhy(cmd *cobra.Command, f *whyFlags, collectionPath, requestPath string) error {
	if f.output != "text" && f.output != "json" {
		return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", f.output))
	}
	if f.authMode != "" && !containsString(modeNamesWithGuest, f.authMode) {
		return withCode(ExitUsage, fmt.Errorf("--auth %q: use one of %s", f.authMode, strings.Join(modeNamesWithGuest, ", ")))
	}
	vars, err := parseVars(f.vars)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals()...)
	defer stop()
	wb, closeEmulator, err := openWithEmulator(ctx, collectionPath, f.emulator, f.env, vars)
	if err != nil {
		return withCode(ExitError, err)
	}
	defer closeEmulator()
	if _, _, err := wb.Coll.AuthOf(requestPath); err != nil {
		return withCode(ExitError, fmt.Errorf("resolve: %w", err))
	}
	if wb.NeedsEmulator() {
		return withCode(ExitError, fmt.Errorf("collection %s talks to the emulator ({{emulator}}): add --emulator to start one, or pass --var emulator=http://127.0.0.1:PORT of one running", collectionPath))
	}
	if err := confirmTrust(newAnswers(cmd.InOrStdin(), cmd.ErrOrStderr()), wb, f.yes); err != nil {
		return err
	}
	if h := openHistory(cmd.ErrOrStderr()); h != nil {
		defer h.Close()
		wb.Env.History = h
	}
	run := workbench.Run{Mode: collections.AuthMode(f.authMode), Timeout: f.timeout, CAFile: f.caFile, Username: f.username, Source: "why"}
	rep, oc := wb.Why(ctx, requestPath, run)
	if oc != nil {
		defer oc.Close()
	}
	if rep == nil {
		if oc != nil && oc.Result != nil && oc.Result.Err != nil {
			return withCode(ExitTransport, fmt.Errorf("no answer: %s\nhint: %s", oc.Result.Err.Error(), oc.Result.Err.Hint))
		}
		return withCode(ExitError, oc.Err)
	}
	if oc.Result != nil && oc.Result.Response == nil && oc.Result.Err != nil {
		return withCode(ExitTransport, fmt.Errorf("no answer: %s\nhint: %s", oc.Result.Err.Error(), oc.Result.Err.Hint))
	}
	if f.output == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return withCode(ExitError, err)
		}
	} else {
		writeWhyText(cmd.OutOrStdout(), rep)
	}
	if !rep.OK() {
		return withCode(ExitError, fmt.Errorf("%s refused %s", explain.LayerTitle(rep.Refused), requestPath))
	}
	return nil
}

var modeNamesWithGuest = []string{"iam", "id_token", "access_token", "api_key", "guest", "none"}

// writeWhyText prints a layer a line, then the refusal's explanation.
func writeWhyText(w io.Writer, rep *workbench.WhyReport) {
	fmt.Fprintf(w, "%s %s -> %d %s\n", rep.Method, termsafe.Line(rep.URL), rep.Status, termsafe.Line(rep.ErrorType))
	if rep.Message != "" {
		fmt.Fprintf(w, "AWS said: %s\n", termsafe.Line(rep.Message))
	}
	if rep.Source == "answer" {
		fmt.Fprintf(w, "(no emulator verdicts: read from the answer alone)\n")
	}
	fmt.Fprintln(w)
	marks := map[string]string{workbench.VerdictPass: "✓", workbench.VerdictRefused: "✗", workbench.VerdictSkipped: "–", workbench.VerdictUnreached: "·", workbench.VerdictUnknown: "?"}
	for _, l := range rep.Layers {
		line := fmt.Sprintf("  %s %-10s %-9s", marks[l.Verdict], l.Layer, l.Verdict)
		if l.Detail != "" {
			line += " " + termsafe.Line(l.Detail)
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	d := rep.Diagnosis
	if d == nil || rep.Refused == "" {
		return
	}
	fmt.Fprintf(w, "\n%s refused: %s\n", termsafe.Line(rep.Refused), d.Describe())
	if d.Hint != "" {
		fmt.Fprintf(w, "hint: %s\n", termsafe.Line(d.Hint))
	}
	for i, c := range d.Causes {
		if i == 2 {
			fmt.Fprintf(w, "  (%d more: sigscope explain)\n", len(d.Causes)-i)
			break
		}
		fmt.Fprintf(w, "  %d. %s\n", i+1, termsafe.Line(c.Title))
		if c.Evidence != "" {
			fmt.Fprintf(w, "     why: %s\n", termsafe.Line(c.Evidence))
		}
		fmt.Fprintf(w, "     fix: %s\n", termsafe.Line(c.Fix))
	}
}
