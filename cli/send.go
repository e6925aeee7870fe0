package cli

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/workbench"
)

// Exit codes of send, beyond the shared ones.
const (
	ExitHTTPError = 3 // the server answered 4xx or 5xx
	ExitTransport = 4 // no complete answer: DNS, refused, timeout, TLS, broken connection, a body cut short
)

type sendFlags struct {
	env         string
	authMode    string
	vars        []string
	output      string
	showSigning bool
	include     bool
	showSecrets bool
	noCookies   bool
	follow      bool
	timeout     time.Duration
	caFile      string
	username    string
	yes         bool
	allowFiles  []string
	spoolDir    string
	keepSpool   bool // -o json named a spooled body file: it is the user's now
}

// stopSignals end a run as Ctrl-C does, its temporary files removed:
// SIGHUP is a closed terminal or a dropped SSH session, SIGQUIT Ctrl-\.
// Without a handler Go ends the process at once and leaves them behind.
// A signal ignored from the start (nohup's SIGHUP, a background job's
// SIGINT and SIGQUIT) stays ignored: handling it would undo the user's
// choice. SIGTERM is always handled, so the list is never empty (an
// empty list would mean every signal to signal.Notify).
func stopSignals() []os.Signal {
	sigs := []os.Signal{syscall.SIGTERM}
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGHUP, syscall.SIGQUIT} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	return sigs
}

// removeOnSignal removes dir and ends the process with 130 on any of
// stopSignals; the returned func stops watching.
func removeOnSignal(dir string) func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals()...)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			os.RemoveAll(dir)
			os.Exit(ExitInterrupted)
		case <-done:
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}

func newSendCmd() *cobra.Command {
	f := &sendFlags{}
	cmd := &cobra.Command{
		Use:   "send COLLECTION REQUEST [--env NAME] [--auth MODE] [--var k=v]... [-o text|json] [--show-signing] [--include]",
		Short: "Send one request of a collection, signed, and show the answer",
		Long: `Send resolves REQUEST (a name, or a folder path such as "pets/List pets") in
the COLLECTION file, authorizes it (SigV4, a Cognito id or access token, an API
key, or nothing), sends it and prints the answer's body.

The request goes out exactly as it was signed: the path and query are built once
in wire form and written byte for byte by sigscope's own HTTP/1.1 client.
--include prints the status line and headers first; --show-signing prints the
canonical request and string-to-sign first. -o json prints one object: the
request as sent, the signing trace, the response (body as text, base64 when
binary, or the path of a temporary file when larger than 8 MiB; -o json leaves
that file for you to remove), cookies, TLS details and timings.

When the server answers that the signature does not match, send compares the
canonical request the server computed with the one it signed and prints the
first line that differs, with a hint (on stderr; a "mismatch" field in json).

Cookies: Set-Cookie answers are kept in a jar per collection and environment,
saved under the user cache directory (sigscope/cookies, mode 0600), and the
matching cookies are sent with later requests (the Cookie header is added
before signing, so the signature covers it). --no-cookies, or auth.cookies:
false in the collection, turns the jar off for a request. Redirects are followed
with --follow (GET and HEAD, 10 hops; a hop to another host is never re-signed).

Session tokens, user-pool tokens, API keys and cookie values are masked in the
output unless --show-secrets is given (also where the server echoes them).

The emulator: a collection that uses {{emulator}} (as the demo does) needs
--var emulator=http://127.0.0.1:PORT. send does not start an emulator: run
'sigscope emulator' in another terminal and pass the URL it prints (add
--ca-file with the CA it prints when started with --tls).

An answer cut short (the server sent the status, the headers and part of the
body, then closed the connection or went silent past --timeout) is printed as
far as it came, marked incomplete: on stderr ("incomplete answer: ...", with
the byte count), and in json as "incomplete" in the response and the "error".

A collection is anyone's file: the first time one is used (and again when
the environment variables it declares or the hosts it talks to change), send
lists them and asks to confirm (y/N) in a terminal; --yes confirms for
scripts. Without --yes and without a terminal, send refuses and says what the
collection would read and where it would send it. The answer is remembered per
collection file under the user cache directory (sigscope/trust).

Exit codes: 0 answer 2xx or 3xx, 1 bad input (collection, request, variables,
credentials, no login), 2 usage error, 3 answer 4xx or 5xx, 4 no answer
(DNS, connection refused, timeout, TLS failure, broken connection) or an
incomplete one.`,
		Example: `  sigscope emulator &        # prints http://127.0.0.1:7466
  SIGSCOPE_DEMO_ACCESS_KEY_ID=AKIDSIGSCOPEDEMO0001 SIGSCOPE_DEMO_SECRET_ACCESS_KEY=... \
    sigscope send examples/collections/demo.yaml "teaching/Awkward path" \
      --var emulator=http://127.0.0.1:7466 --include --show-signing

  sigscope send api.yaml "pets/List pets" --env prod -o json | jq .response.status`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Bodies too big for memory go to a folder of this run's own,
			// removed on every exit path: Ctrl-C, SIGTERM and SIGHUP included.
			spool, err := os.MkdirTemp("", "sigscope-send-")
			if err != nil {
				return fmt.Errorf("make a folder for large bodies: %w", err)
			}
			f.spoolDir = spool
			stop := removeOnSignal(spool)
			defer stop()
			err = runSend(cmd, f, args[0], args[1])
			if !f.keepSpool {
				os.RemoveAll(spool)
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.env, "env", "e", "", "environment of the collection (default: its default_environment, or its only one)")
	fl.StringVar(&f.authMode, "auth", "", "auth mode for this run instead of the collection's: iam, id_token, access_token, api_key, guest or none")
	fl.StringArrayVar(&f.vars, "var", nil, "runtime variable k=v, taken literally (repeatable), e.g. --var emulator=http://127.0.0.1:7466")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text (the body) or json (everything)")
	fl.BoolVar(&f.showSigning, "show-signing", false, "print the canonical request and string-to-sign before the answer")
	fl.BoolVarP(&f.include, "include", "i", false, "print the status line and the response headers before the body")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print tokens, session tokens, API keys and cookie values in clear")
	fl.BoolVar(&f.noCookies, "no-cookies", false, "neither send cookies from the jar nor store the ones received")
	fl.BoolVarP(&f.follow, "follow", "L", false, "follow redirects of GET and HEAD requests (up to 10)")
	fl.DurationVar(&f.timeout, "timeout", exchange.DefaultTimeout, "limit for the whole exchange, redirects included")
	fl.StringVar(&f.caFile, "ca-file", "", "PEM file of a CA to trust besides the system's (the emulator's --tls CA; default: $AWS_CA_BUNDLE)")
	fl.StringVarP(&f.username, "username", "u", "", "whose Cognito login to use (default: the profile's username, else the last user who logged in)")
	fl.StringArrayVar(&f.allowFiles, "allow-file", nil, "a file outside the collection's folder its body may read (repeatable); a collection reads only files beside it otherwise")
	fl.BoolVar(&f.yes, "yes", false, "trust the collection's environment variables and hosts without being asked (remembered until they change)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("auth", cobra.FixedCompletions(authModes, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

var authModes = []string{"iam", "id_token", "access_token", "api_key", "none"}

func runSend(cmd *cobra.Command, f *sendFlags, collectionPath, requestPath string) error {
	if f.output != "text" && f.output != "json" {
		return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", f.output))
	}
	if f.authMode != "" && !containsString(authModes, f.authMode) {
		return withCode(ExitUsage, fmt.Errorf("--auth %q: use one of %s", f.authMode, strings.Join(authModes, ", ")))
	}
	if f.timeout <= 0 {
		return withCode(ExitUsage, fmt.Errorf("--timeout %s: give a positive duration such as 10s", f.timeout))
	}
	vars, err := parseVars(f.vars)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	wb, err := workbench.Open(collectionPath, workbench.Options{AllowFiles: f.allowFiles, Environment: f.env, Vars: vars, Env: workbench.OSEnv("sigscope/" + Version)})
	if err != nil {
		return withCode(ExitError, err)
	}
	if _, _, err := wb.Coll.AuthOf(requestPath); err != nil {
		return withCode(ExitError, fmt.Errorf("resolve: %w", err)) // a typo, before any question
	}
	if err := confirmTrust(newAnswers(cmd.InOrStdin(), cmd.ErrOrStderr()), wb, f.yes); err != nil {
		return err
	}
	if h, closeHistory := openSendHistory(cmd.ErrOrStderr()); h != nil {
		defer closeHistory()
		wb.Env.History = h
	}
	run := workbench.Run{Mode: collections.AuthMode(f.authMode), NoCookies: f.noCookies, Timeout: f.timeout, CAFile: f.caFile, Follow: f.follow, ShowSecrets: f.showSecrets, Username: f.username, SpoolDir: f.spoolDir, Source: "send"}
	oc := wb.Send(cmd.Context(), requestPath, run)
	if oc.Err != nil {
		if f.authMode != "" && !workbench.IsLoginRequired(oc.Err) && strings.HasPrefix(oc.Err.Error(), "auth mode") {
			return withCode(ExitError, fmt.Errorf("--auth %s: %w", f.authMode, oc.Err))
		}
		if oc.Preview == nil && wb.NeedsEmulator() && strings.Contains(oc.Err.Error(), `"emulator"`) {
			return withCode(ExitError, fmt.Errorf("%w\nhint: this collection talks to the emulator: start `sigscope emulator` (it prints its URL) and pass --var emulator=http://127.0.0.1:PORT; send does not start one", oc.Err))
		}
		return withCode(ExitError, oc.Err)
	}
	return printOutcome(cmd, f, oc)
}

// printOutcome writes a send's answer as send prints it (also replay's)
// and turns it into the exit code.
func printOutcome(cmd *cobra.Command, f *sendFlags, oc *workbench.Outcome) error {
	var err error
	p, res := oc.Preview.Prepared, oc.Result
	out := &sendOutcome{flags: f, prepared: p, result: res, jar: oc.Preview.Jar, warnings: oc.Warnings, mismatch: oc.Mismatch, hint: oc.Hint, mask: oc.Redact()}
	if f.output == "json" {
		err = out.writeJSON(cmd.OutOrStdout())
	} else {
		err = out.writeText(cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	if f.output != "json" || res.Response == nil || res.Response.BodyFile == "" {
		res.Close()
	} else {
		f.keepSpool = true // -o json leaves a spooled body to the user
	}
	if err != nil {
		return withCode(ExitError, err)
	}
	return out.exit()
}

// exit turns the outcome into send's exit code and the line Main prints.
func (o *sendOutcome) exit() error {
	res := o.result
	if r := res.Response; res.Err != nil && r != nil {
		// What arrived was printed; say where it stopped.
		return withCode(ExitTransport, fmt.Errorf("incomplete answer: %s %s answered %s, then %s\nhint: %s", o.prepared.Request.Method, o.mask.Text(o.prepared.Request.URL()), r.StatusText, r.Incomplete, res.Err.Hint))
	}
	if res.Err != nil {
		return withCode(ExitTransport, fmt.Errorf("no answer: %s\nhint: %s", res.Err.Error(), res.Err.Hint))
	}
	if res.Response.Status >= 400 {
		return withCode(ExitHTTPError, fmt.Errorf("%s %s answered %s", o.prepared.Request.Method, o.mask.Text(o.prepared.Request.URL()), res.Response.StatusText))
	}
	return nil
}

// parseVars reads --var k=v flags; the value is taken literally.
func containsString(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
