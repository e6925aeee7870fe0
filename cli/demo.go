package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/emulator"
	examples "github.com/sigscope/sigscope/examples/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/tui"
	"github.com/sigscope/sigscope/workbench"
)

func newDemoCmd() *cobra.Command {
	var keep, plain bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the built-in AWS emulator and walk through the demo collection",
		Long: `demo starts sigscope's AWS emulator on a free loopback port and runs the
bundled demo collection (examples/collections/demo.yaml) against it, as an
Amplify app would: it logs the demo user in with USER_SRP_AUTH, trades the
id token for identity-pool credentials, signs a request with SigV4 and shows
each step (canonical request, string-to-sign, signing key, signature), calls
the user-pool authorizer with the raw id token, collects CloudFront signed
cookies and sends them back, and finally shows two classic failures: a header
changed after signing, and a signature scoped to the wrong region.

In a terminal, demo opens the terminal UI on the demo collection, with the
demo user's name and password already in the login dialog (press L, then
enter). --plain, or a standard output that is not a terminal, prints the
walk-through instead.

No AWS account is needed; every key and password involved is public demo
data. The demo keeps its tokens and cookies in a temporary folder.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !plain && isTerminal(cmd.OutOrStdout()) {
				return runDemoTUI(cmd)
			}
			return runDemo(cmd, keep)
		},
	}
	cmd.Flags().BoolVar(&keep, "keep-running", false, "keep the emulator running after the walk-through, until Ctrl-C")
	cmd.Flags().BoolVar(&plain, "plain", false, "print the walk-through instead of opening the terminal UI")
	return cmd
}

// demo is one walk-through: the emulator, the collection and the state the
// requests share (login cache, cookie jar).
type demo struct {
	w        io.Writer
	srv      *emulator.Server
	cache    string // the demo's throw-away token cache
	wb       *workbench.Workbench
	env      map[string]string // the variables the collection's profiles name
	secrets  []string          // printed masked
	previews []*workbench.Preview
	step     int
	width    int // wrap prose at this many columns; 0: do not wrap (not a terminal)
}

func runDemo(cmd *cobra.Command, keep bool) error {
	// A signal ends the walk-through through ctx, so that the deferred
	// clean-up (the emulator, the temporary cache) runs.
	ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals()...)
	defer stop()
	d, cleanup, err := startDemo(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	srv, cache := d.srv, d.cache
	d.w = cmd.OutOrStdout()
	d.width = terminalWidth(d.w)
	d.wb, err = workbench.OpenBytes(examples.DemoPath, examples.Demo, workbench.Options{
		Vars:    map[string]string{"emulator": srv.URL},
		Env:     workbench.Env{LookupEnv: d.getenv, CacheDir: cache, UserAgent: "sigscope/" + Version},
		Trusted: true, // sigscope's own collection, not a file anyone could have written
	})
	if err != nil {
		return fmt.Errorf("the bundled demo collection: %w", err)
	}
	if h := openHistory(cmd.ErrOrStderr()); h != nil {
		defer h.Close()
		d.wb.Env.History = h
	}
	coll := d.wb.Coll
	d.printf("sigscope demo: the AWS emulator listens on %s; running the collection %q (%s).\n", srv.URL, coll.Name, examples.DemoPath)
	d.printf("Every key and password below is public demo data of the emulator.\n")

	for _, act := range []func(context.Context) error{d.login, d.listPets, d.whoAmI, d.cookieRoundTrip, d.changedHeader, d.wrongRegion} {
		if err := act(ctx); err != nil {
			return err
		}
	}
	d.printf("\nNext: 'sigscope emulator' runs the emulator on its own; 'sigscope login' and 'sigscope send' run this collection against it (see README); 'sigscope sign --help' signs any raw request.\n")
	if keep {
		d.printf("The emulator keeps running at %s; press Ctrl-C to stop it.\n", srv.URL)
		<-ctx.Done()
	}
	return nil
}

// runDemoTUI starts the emulator and opens the terminal UI on the demo
// collection against it.
func runDemoTUI(cmd *cobra.Command) error {
	st, err := loadSettings()
	if err != nil {
		return err
	}
	// In raw mode Ctrl-C is a key; a signal from outside (a closed
	// terminal's SIGHUP included) ends the UI through ctx, so that the
	// deferred clean-up runs.
	ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals()...)
	defer stop()
	d, cleanup, err := startDemo(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	srv, cache := d.srv, d.cache
	cfg := tui.Config{
		Data: examples.Demo, DataName: examples.DemoPath, DataFiles: examples.Files,
		Vars:     map[string]string{"emulator": srv.URL},
		Env:      workbench.Env{LookupEnv: d.getenv, CacheDir: cache, UserAgent: "sigscope/" + Version},
		Emulator: srv.URL, Username: "demo", Password: d.env["SIGSCOPE_DEMO_PASSWORD"], Dark: true, Settings: st,
		// The demo's emulator has no log on screen: the login dialog
		// shows the SMS and email codes it "sends" (demo data).
		DemoCode: func(pool, user string) (string, bool) {
			c, ok := srv.Cognito.LastCode(pool, user)
			return c.Code, ok
		},
	}
	closeHistory := withHistory(&cfg)
	defer closeHistory()
	return tui.Run(ctx, cfg, cmd.InOrStdin(), cmd.OutOrStdout())
}

// startDemo starts the emulator and a throw-away token cache for the
// demo, and gives the collection's profiles the emulator's demo user and
// IAM keys without touching the process environment. cleanup stops and
// removes both.
func startDemo(ctx context.Context) (d *demo, cleanup func(), err error) {
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("start the emulator: %w", err)
	}
	cache, err := os.MkdirTemp("", "sigscope-demo-")
	if err != nil {
		srv.Close()
		return nil, nil, fmt.Errorf("make the demo's token cache: %w", err)
	}
	cleanup = func() {
		os.RemoveAll(cache)
		srv.Close()
	}
	env, err := demoValues(srv.Config)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return &demo{srv: srv, cache: cache, env: env}, cleanup, nil
}

// demoValues are the environment variables the demo collection's profiles
// read, with the built-in emulator's public demo keys and password.
func demoValues(cfg *emulator.Config) (map[string]string, error) {
	if len(cfg.Credentials) == 0 || len(cfg.Cognito.UserPools) == 0 || len(cfg.Cognito.UserPools[0].Users) == 0 {
		return nil, fmt.Errorf("the emulator's built-in configuration lacks the demo IAM user or the demo user")
	}
	return map[string]string{
		"SIGSCOPE_DEMO_ACCESS_KEY_ID":     cfg.Credentials[0].AccessKeyID,
		"SIGSCOPE_DEMO_SECRET_ACCESS_KEY": cfg.Credentials[0].SecretAccessKey,
		"SIGSCOPE_DEMO_PASSWORD":          cfg.Cognito.UserPools[0].Users[0].Password,
	}, nil
}

func (d *demo) getenv(name string) (string, bool) {
	if v, ok := d.env[name]; ok {
		return v, true
	}
	return os.LookupEnv(name)
}

func (d *demo) heading(title string) {
	d.step++
	d.printf("\n━━ %d. %s\n", d.step, title)
}

// printf masks every secret the demo has met and wraps prose to the
// terminal's width.
func (d *demo) printf(format string, args ...any) {
	io.WriteString(d.w, d.safe(wrapWords(d.masked(fmt.Sprintf(format, args...)), d.width)))
}

// safe escapes what the gateway echoed when the output is a terminal.
func (d *demo) safe(s string) string {
	if d.width == 0 {
		return s
	}
	return termsafe.Text(s)
}

func (d *demo) masked(text string) string {
	return workbench.NewSecretsRedactor(d.secrets...).Known(text)
}

// block prints exact text (a canonical request) unwrapped: its bytes matter.
func (d *demo) block(label, text string) {
	d.printf("%s\n", label)
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		io.WriteString(d.w, d.safe(d.masked("   │"+line+"\n")))
	}
}

// terminalWidth is the width of w when it is a terminal, else 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width < 20 {
		return 0
	}
	return width
}

// wrapWords breaks lines longer than width at spaces, indenting the
// continuation like the line itself.
func wrapWords(text string, width int) string {
	if width <= 0 {
		return text
	}
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		col := 0
		for j, word := range strings.Split(line, " ") {
			n := utf8.RuneCountInString(word)
			if j > 0 {
				if col > len(indent) && col+1+n > width {
					b.WriteString("\n" + indent)
					col = len(indent)
				} else {
					b.WriteByte(' ')
					col++
				}
			}
			b.WriteString(word)
			col += n
		}
	}
	return b.String()
}

func (d *demo) login(ctx context.Context) error {
	d.heading("Log in to the user pool as Amplify does: USER_SRP_AUTH")
	target, err := d.wb.LoginTarget("app")
	if err != nil {
		return err
	}
	cp, password := target.Profile, target.Password
	d.secrets = append(d.secrets, password)
	l, err := target.Start("demo")
	if err != nil {
		return err
	}
	d.printf("User demo, user pool %s, app client %s.\n", cp.UserPoolID, cp.ClientID)
	d.printf("The password never leaves sigscope: InitiateAuth sends SRP_A, Cognito answers the PASSWORD_VERIFIER\nchallenge (salt, SRP_B, secret block), and sigscope answers with a claim signed by the SRP session key.\n")
	for step := l.Next(); step.Kind != auth.StepDone; {
		if step.Kind != auth.StepPassword {
			return fmt.Errorf("the demo user met an unexpected challenge: %s", step.Prompt)
		}
		if step, err = l.Answer(ctx, auth.Answer{Password: password}); err != nil {
			return fmt.Errorf("log in as demo: %w", err)
		}
	}
	tokens, _ := l.Tokens()
	d.secrets = append(d.secrets, tokens.IDToken, tokens.AccessToken, tokens.RefreshToken)
	claims, _ := tokens.IDClaims()
	d.printf("Logged in: id token for %v (%v), expires %s.\n", claims["cognito:username"], claims["email"], tokens.Expiry.UTC().Format(time.RFC3339))

	d.heading("Trade the id token for AWS credentials: the identity pool")
	sess, err := l.Session(target.Key)
	if err != nil {
		return err
	}
	creds, err := sess.Credentials(ctx)
	if err != nil {
		return fmt.Errorf("identity-pool credentials: %w", err)
	}
	d.secrets = append(d.secrets, creds.SecretAccessKey, creds.SessionToken)
	d.printf("GetId and GetCredentialsForIdentity with Logins {cognito-idp.%s.amazonaws.com/%s: <id token>}\n", cp.Region, cp.UserPoolID)
	d.printf("gave identity %s and temporary keys %s (secret and session token masked), until %s.\n",
		sess.IdentityID(), creds.AccessKeyID, creds.Expires.UTC().Format(time.RFC3339))
	return nil
}

// prepare resolves and signs a request of the collection; edit, when not
// nil, changes the resolved request first.
func (d *demo) prepare(ctx context.Context, name string, edit func(*collections.ResolvedRequest)) (*exchange.Prepared, error) {
	pv, err := d.wb.Preview(ctx, name, workbench.Run{Edit: edit})
	if err != nil {
		return nil, fmt.Errorf("request %q: %w", name, err)
	}
	d.secrets = append(d.secrets, pv.Prepared.Secrets...)
	d.previews = append(d.previews, pv)
	return pv.Prepared, nil
}

// send sends req, the request of the last preview or one changed after
// signing on purpose.
func (d *demo) send(ctx context.Context, req *sign.Request) (*exchange.Result, error) {
	pv := d.previews[len(d.previews)-1]
	oc := d.wb.SendRequest(ctx, pv, req, workbench.Run{Timeout: 10 * time.Second, Source: "demo"})
	res := oc.Result
	if res.Err != nil {
		return nil, fmt.Errorf("%s %s: %s", req.Method, req.Path, res.Err.Message)
	}
	return res, nil
}

func (d *demo) listPets(ctx context.Context) error {
	d.heading("\"List pets\": signed with SigV4 using those credentials")
	p, err := d.prepare(ctx, "List pets", nil)
	if err != nil {
		return err
	}
	steps := workbench.Steps(p.Trace)
	d.block("Canonical request: method, URI, sorted query, lower-case sorted headers, signed headers, payload hash", steps[0].Block)
	d.block("String to sign: algorithm, date, credential scope, SHA-256 of the canonical request", steps[1].Block)
	d.printf("Signing key: HMAC chain \"AWS4\"+secret → %s → %s → %s → aws4_request\n   %s (masked: it signs for the whole day)\n",
		p.Trace.CredentialScope[:8], p.Region, p.Service, secret.Mask(steps[2].Lines[3].Text))
	d.printf("Signature = HMAC(signing key, string to sign):\n   %s\n", steps[3].Digest)
	res, err := d.send(ctx, p.Request)
	if err != nil {
		return err
	}
	defer res.Close()
	d.printf("The gateway answered %s; its echo route says what it received and who called:\n", res.Response.StatusText)
	d.printf("%s\n", indent(prettyJSON(echoSummary(res.Response.Body), 24), "   "))
	return nil
}

func (d *demo) whoAmI(ctx context.Context) error {
	d.heading("\"Who am I\": the user-pool authorizer takes the raw id token, no signature")
	p, err := d.prepare(ctx, "Who am I", nil)
	if err != nil {
		return err
	}
	d.printf("Authorization: %s\n", d.maskedHeader(p.Request, "Authorization"))
	res, err := d.send(ctx, p.Request)
	if err != nil {
		return err
	}
	defer res.Close()
	var echo struct {
		RequestContext struct {
			Authorizer struct {
				Claims map[string]any `json:"claims"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	_ = json.Unmarshal(res.Response.Body, &echo)
	c := echo.RequestContext.Authorizer.Claims
	d.printf("The gateway answered %s; the authorizer passed on the claims cognito:username=%v, email=%v, token_use=%v.\n",
		res.Response.StatusText, c["cognito:username"], c["email"], c["token_use"])
	return nil
}

func (d *demo) maskedHeader(r *sign.Request, name string) string {
	v, _ := r.Get(name)
	return secret.Mask(v)
}

func (d *demo) cookieRoundTrip(ctx context.Context) error {
	d.heading("Cookies: CloudFront signed cookies, which Amplify's API client would drop")
	p, err := d.prepare(ctx, "Get cookies", nil)
	if err != nil {
		return err
	}
	res, err := d.send(ctx, p.Request)
	if err != nil {
		return err
	}
	defer res.Close()
	d.printf("POST /prod/login-cookies answered %s with %d Set-Cookie headers:\n", res.Response.StatusText, len(res.Cookies))
	var got []cookies.Cookie
	for _, rc := range res.Cookies {
		d.secrets = append(d.secrets, rc.Cookie.Value)
		d.printf("   %s=%s; %s\n", rc.Cookie.Name, secret.Mask(rc.Cookie.Value), rc.Cookie.Attributes())
		got = append(got, rc.Cookie)
	}
	if cf, ok := cookies.FindCloudFront(got); ok {
		d.printf("CloudFront policy: resource %s, valid until %s.\n", cf.Resource, cf.Expires.UTC().Format(time.RFC3339))
	}
	p, err = d.prepare(ctx, "Private report", nil)
	if err != nil {
		return err
	}
	res2, err := d.send(ctx, p.Request)
	if err != nil {
		return err
	}
	defer res2.Close()
	d.printf("\"Private report\" (no signature) went out with %d cookies from the jar and got %s:\n   %s\n",
		len(p.CookiesSent), res2.Response.StatusText, strings.TrimSpace(string(res2.Response.Body)))
	return nil
}

func (d *demo) changedHeader(ctx context.Context) error {
	d.heading("A signature mismatch: Content-Type changed after signing")
	p, err := d.prepare(ctx, "Create pet", nil)
	if err != nil {
		return err
	}
	sent := p.Request.Clone()
	sent.Set("Content-Type", "application/json; charset=utf-8")
	d.printf("\"Create pet\" was signed with 'Content-Type: application/json' and sent with '; charset=utf-8'\nappended, as some HTTP clients do on their own.\n")
	res, err := d.send(ctx, sent)
	if err != nil {
		return err
	}
	defer res.Close()
	m, ok := explain.Diagnose(res.Response.Body, p.Trace)
	if !ok || m.First == nil {
		return fmt.Errorf("the emulator did not answer with a signature mismatch: %s", res.Response.StatusText)
	}
	d.printf("The gateway answered %s:\n   %s\n", res.Response.StatusText, m.Message)
	d.block("and the canonical request it computed from what it received:", m.ServerCanonicalRequest)
	d.printf("sigscope compared it with what it signed: %s line %d (%s) differs\n   signed:   %s\n   received: %s\nHint: %s\n",
		m.First.Step, m.First.Line, m.First.Part, m.First.Ours, m.First.Theirs, m.Hint)
	return nil
}

func (d *demo) wrongRegion(ctx context.Context) error {
	d.heading("A signature scoped to the wrong region")
	p, err := d.prepare(ctx, "teaching/Wrong region (deliberate mismatch)", nil)
	if err != nil {
		return err
	}
	d.printf("Signed for %s while the stage is in us-east-1: credential scope %s\n", p.Region, p.Trace.CredentialScope)
	res, err := d.send(ctx, p.Request)
	if err != nil {
		return err
	}
	defer res.Close()
	d.printf("The gateway answered %s: %s\n", res.Response.StatusText, strings.TrimSpace(string(res.Response.Body)))
	if hint := explain.Hint(res.Response.Status, res.Response.Body); hint != "" {
		d.printf("Hint: %s\n", hint)
	}
	return nil
}

// prettyJSON indents a JSON body and keeps at most maxLines lines.
func prettyJSON(body []byte, maxLines int) string {
	var v any
	text := string(body)
	if json.Unmarshal(body, &v) == nil {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // a query's '&' stays readable
		enc.SetIndent("", "  ")
		if enc.Encode(v) == nil {
			text = b.String()
		}
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > maxLines {
		lines = append(lines[:maxLines], fmt.Sprintf("… (%d more lines)", len(lines)-maxLines))
	}
	return strings.Join(lines, "\n")
}

// echoSummary keeps the parts of the emulator's echo answer that tell the
// story: the request as received and the caller the signature proved.
func echoSummary(body []byte) []byte {
	var echo map[string]any
	if json.Unmarshal(body, &echo) != nil {
		return body
	}
	summary := map[string]any{}
	for _, k := range []string{"httpMethod", "path", "rawQuery"} {
		if v, ok := echo[k]; ok {
			summary[k] = v
		}
	}
	if rc, ok := echo["requestContext"].(map[string]any); ok {
		if id, ok := rc["identity"].(map[string]any); ok {
			caller := map[string]any{}
			for _, k := range []string{"cognitoAuthenticationType", "cognitoIdentityId", "userArn"} {
				if v, ok := id[k]; ok && v != nil {
					caller[k] = v
				}
			}
			summary["requestContext.identity"] = caller
		}
	}
	out, err := json.Marshal(summary)
	if err != nil {
		return body
	}
	return out
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
