package cli

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
)

// Exit codes of send, beyond the shared ones.
const (
	ExitHTTPError = 3 // the server answered 4xx or 5xx
	ExitTransport = 4 // no answer: DNS, refused, timeout, TLS, broken connection
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

Exit codes: 0 answer 2xx or 3xx, 1 bad input (collection, request, variables,
credentials, no login), 2 usage error, 3 answer 4xx or 5xx, 4 no answer
(DNS, connection refused, timeout, TLS failure, broken connection).`,
		Example: `  sigscope emulator &        # prints http://127.0.0.1:7466
  SIGSCOPE_DEMO_ACCESS_KEY_ID=AKIDSIGSCOPEDEMO0001 SIGSCOPE_DEMO_SECRET_ACCESS_KEY=... \
    sigscope send examples/collections/demo.yaml "teaching/Awkward path" \
      --var emulator=http://127.0.0.1:7466 --include --show-signing

  sigscope send api.yaml "pets/List pets" --env prod -o json | jq .response.status`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSend(cmd, f, args[0], args[1])
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.env, "env", "e", "", "environment of the collection (default: its default_environment, or its only one)")
	fl.StringVar(&f.authMode, "auth", "", "auth mode for this run instead of the collection's: iam, id_token, access_token, api_key or none")
	fl.StringArrayVar(&f.vars, "var", nil, "runtime variable k=v, taken literally (repeatable), e.g. --var emulator=http://127.0.0.1:7466")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text (the body) or json (everything)")
	fl.BoolVar(&f.showSigning, "show-signing", false, "print the canonical request and string-to-sign before the answer")
	fl.BoolVarP(&f.include, "include", "i", false, "print the status line and the response headers before the body")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print tokens, session tokens, API keys and cookie values in clear")
	fl.BoolVar(&f.noCookies, "no-cookies", false, "neither send cookies from the jar nor store the ones received")
	fl.BoolVarP(&f.follow, "follow", "L", false, "follow redirects of GET and HEAD requests (up to 10)")
	fl.DurationVar(&f.timeout, "timeout", exchange.DefaultTimeout, "limit for the whole exchange, redirects included")
	fl.StringVar(&f.caFile, "ca-file", "", "PEM file of a CA to trust besides the system's (the emulator's --tls CA)")
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
	if fi, err := os.Stat(collectionPath); err == nil && fi.IsDir() {
		return withCode(ExitError, fmt.Errorf("%s is a folder: give the collection file (one of its .yaml files)", collectionPath))
	}
	coll, err := collections.Load(collectionPath)
	if err != nil {
		return withCode(ExitError, err)
	}
	if f.authMode != "" {
		if err := coll.SetAuthMode(requestPath, collections.AuthMode(f.authMode)); err != nil {
			return withCode(ExitError, fmt.Errorf("--auth %s: %w", f.authMode, err))
		}
	}
	rr, err := coll.Resolve(requestPath, f.env, vars, os.LookupEnv)
	if err != nil {
		if _, given := vars["emulator"]; !given && strings.Contains(string(coll.Bytes()), "{{emulator}}") {
			err = fmt.Errorf("%w\nhint: this collection talks to the emulator: start `sigscope emulator` (it prints its URL) and pass --var emulator=http://127.0.0.1:PORT; send does not start one", err)
		}
		return withCode(ExitError, err)
	}

	var jar *cookies.Jar
	useJar := rr.Auth.Cookies && !f.noCookies
	if useJar {
		path, err := cookies.PathFor(coll.Path, rr.Environment)
		if err != nil {
			return withCode(ExitError, err)
		}
		if jar, err = cookies.Open(path); err != nil {
			return withCode(ExitError, err)
		}
	}
	ctx := cmd.Context()
	p, err := exchange.Prepare(ctx, rr, exchange.PrepareOptions{Jar: jar, NoCookies: !useJar, UserAgent: "sigscope/" + Version, CollectionPath: coll.Path})
	if err != nil {
		return withCode(ExitError, err)
	}
	opts := exchange.Options{Timeout: f.timeout, CAFile: f.caFile, FollowRedirects: f.follow, Resign: p.Resign}
	if p.StoreCookies {
		opts.Jar = jar
	}
	res := exchange.Send(ctx, p.Request, opts)

	var warnings []string
	if p.StoreCookies && len(res.Cookies) > 0 {
		if err := jar.Save(coll.Name, rr.Environment); err != nil {
			warnings = append(warnings, err.Error())
		}
	}
	out := &sendOutcome{flags: f, prepared: p, result: res, jar: jar, warnings: warnings}
	if res.Response != nil && res.Response.Status >= 400 && res.Response.BodyFile == "" {
		if m, ok := exchange.DiagnoseMismatch(res.Response.Body, p.Trace); ok {
			out.mismatch = &m
		} else {
			out.hint = exchange.ExplainError(res.Response.Status, res.Response.Body)
		}
	}
	out.mask = newSecretMask(f.showSecrets, p, res)
	if f.output == "json" {
		err = out.writeJSON(cmd.OutOrStdout())
	} else {
		err = out.writeText(cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	if res.Err == nil && (f.output != "json" || res.Response.BodyFile == "") {
		res.Close()
	}
	if err != nil {
		return withCode(ExitError, err)
	}
	return out.exit()
}

// exit turns the outcome into send's exit code and the line Main prints.
func (o *sendOutcome) exit() error {
	res := o.result
	if res.Err != nil {
		return withCode(ExitTransport, fmt.Errorf("no answer: %s\nhint: %s", res.Err.Error(), res.Err.Hint))
	}
	if res.Response.Status >= 400 {
		return withCode(ExitHTTPError, fmt.Errorf("%s %s answered %s", o.prepared.Request.Method, o.mask.text(o.prepared.Request.URL()), res.Response.StatusText))
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

// secretMask hides the secrets one exchange involved. Tokens, session
// tokens and API keys are replaced wherever they appear; cookie values are
// masked in Cookie and Set-Cookie lines, and elsewhere when long enough not
// to collide with ordinary text.
type secretMask struct {
	show bool
	repl *strings.Replacer
}

func newSecretMask(show bool, p *exchange.Prepared, res *exchange.Result) *secretMask {
	m := &secretMask{show: show}
	if show {
		return m
	}
	seen := map[string]bool{}
	var secrets []string
	add := func(s string, min int) {
		if len(s) >= min && !seen[s] {
			seen[s] = true
			secrets = append(secrets, s)
		}
	}
	for _, s := range p.Secrets {
		add(s, 1)
		add(sign.URIEncode(s), 1)
	}
	for _, c := range p.CookiesSent {
		add(c.Cookie.Value, 8)
	}
	for _, c := range res.Cookies {
		add(c.Cookie.Value, 8)
	}
	// Longest first, so that a secret inside another is not half-replaced.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	var pairs []string
	for _, s := range secrets {
		pairs = append(pairs, s, maskSecret(s))
	}
	if len(pairs) > 0 {
		m.repl = strings.NewReplacer(pairs...)
	}
	return m
}

func maskSecret(s string) string { return cookies.Mask(s) }

// text masks the known secrets in s, and the values of Cookie and
// Set-Cookie lines.
func (m *secretMask) text(s string) string {
	if m.show {
		return s
	}
	s = maskCookieLines(s)
	if m.repl != nil {
		s = m.repl.Replace(s)
	}
	return s
}

// known masks only the known secrets: for bodies, whose lines are the
// server's and not headers.
func (m *secretMask) known(s string) string {
	if m.show || m.repl == nil {
		return s
	}
	return m.repl.Replace(s)
}

// maskCookieLines masks the values of lines that are Cookie or Set-Cookie
// headers, in wire form ("Cookie: a=b"), display form ("Cookie:a=b") or
// canonical form ("cookie:a=b").
func maskCookieLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		cr := strings.HasSuffix(value, "\r")
		value = strings.TrimSuffix(value, "\r")
		lead := value[:len(value)-len(strings.TrimLeft(value, " "))]
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "cookie":
			value = lead + cookies.MaskCookieHeader(strings.TrimLeft(value, " "))
		case "set-cookie":
			value = lead + cookies.MaskSetCookie(strings.TrimLeft(value, " "))
		default:
			continue
		}
		if cr {
			value += "\r"
		}
		lines[i] = name + ":" + value
	}
	return strings.Join(lines, "\n")
}
