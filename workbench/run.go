package workbench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/internal/cabundle"
	"github.com/sigscope/sigscope/sign"
)

// Run says how one request is prepared and sent. The auth mode is an
// option of the run, not an edit of the collection: switching it in the
// UI never dirties the file.
type Run struct {
	Mode        collections.AuthMode // "" keeps the collection's
	NoCookies   bool
	Time        time.Time // signing time; zero means the Env's clock
	Timeout     time.Duration
	CAFile      string
	Follow      bool
	ShowSecrets bool
	// SpoolDir is where bodies too big for memory are kept ("" the temp
	// directory): send makes one of its own to remove on every exit path.
	SpoolDir string
	// Username picks whose Cognito login signs (send --username); "" is
	// the profile's user, else the last one who logged in.
	Username string
	// Source names the face in the history: tui, send, demo, replay.
	Source string
	// Edit, when not nil, changes the resolved request before it is
	// prepared (the demo's deliberate mistakes, the TUI's unsaved edits).
	Edit func(*collections.ResolvedRequest)
}

// Preview is a request ready to send: resolved, authorized, signed, with
// the redactor for everything it holds.
type Preview struct {
	Prepared *exchange.Prepared
	Redact   *Redactor
	Jar      *cookies.Jar // nil when cookies are off for this request
	Warnings []string
	User     string // the Cognito user whose login signs, if any
}

// Preview resolves, authorizes and signs a request without sending it.
// A collection nobody confirmed is refused with an *UntrustedError.
func (w *Workbench) Preview(ctx context.Context, requestPath string, run Run) (*Preview, error) {
	if err := w.CheckTrust(); err != nil {
		return nil, err
	}
	// An error may quote a declared variable's value (a URL after
	// templating): masked like every other output.
	rr, err := w.resolveWithMode(requestPath, run.Mode)
	if err != nil {
		return nil, w.MaskError(err)
	}
	rr.Secrets = append(rr.Secrets, w.capturedSecrets()...)
	if run.Edit != nil {
		run.Edit(rr)
	}
	pv := &Preview{}
	if rr.Auth.Cookies && !run.NoCookies {
		j, err := w.jar(rr.Environment)
		if err != nil {
			// No cache, no jar: the request still goes, once warned.
			pv.Warnings = append(pv.Warnings, err.Error()+"; cookies are neither sent nor kept")
		} else {
			pv.Jar = j
		}
	}
	t := run.Time
	if t.IsZero() {
		t = w.Env.now()
	}
	src := w.sources(rr.Environment, w.caFile(run))
	var user string
	src.Username, src.Used = run.Username, &user
	p, err := exchange.Prepare(ctx, rr, exchange.PrepareOptions{
		Jar: pv.Jar, NoCookies: pv.Jar == nil, Time: t, UserAgent: w.Env.UserAgent,
		LookupEnv: w.Env.lookup, Credentials: src.Credentials, Token: src.Token, Guest: src.Guest,
	})
	if err != nil {
		return nil, w.MaskError(err)
	}
	if user != "" {
		p.Notes = append(p.Notes, fmt.Sprintf("the token or credentials came from the Cognito login of user %q", user))
	}
	pv.Prepared, pv.User = p, user
	pv.Redact = NewRedactor(run.ShowSecrets, p, nil)
	return pv, nil
}

// resolveWithMode resolves a request and gives it the run's auth mode,
// holding the document for reading only while it does.
func (w *Workbench) resolveWithMode(requestPath string, mode collections.AuthMode) (*collections.ResolvedRequest, error) {
	w.doc.RLock()
	defer w.doc.RUnlock()
	rr, err := w.resolve(requestPath)
	if err != nil {
		return nil, err
	}
	if mode != "" && mode != rr.Auth.Mode {
		return w.withMode(requestPath, rr, mode)
	}
	return rr, nil
}

func (w *Workbench) sources(env, caFile string) Sources {
	opts := append(w.Env.authOptions(), auth.WithCAFile(caFile))
	return Sources{LookupEnv: w.Env.lookup, CollectionPath: w.Coll.Path, Environment: env, AuthOptions: opts}
}

// caFile is the run's CA file, else AWS_CA_BUNDLE as the AWS CLI reads it:
// the same CAs for the request and for the Cognito calls behind it.
func (w *Workbench) caFile(run Run) string {
	if run.CAFile != "" {
		return run.CAFile
	}
	v, _ := w.Env.lookup(cabundle.EnvVar)
	return v
}

// withMode gives a resolved request another auth mode. A request that had
// a mode keeps its profile, region and service; one that had none (or
// whose profile cannot serve the mode) takes the collection's.
func (w *Workbench) withMode(requestPath string, rr *collections.ResolvedRequest, mode collections.AuthMode) (*collections.ResolvedRequest, error) {
	if !contains(modeNames, string(mode)) {
		return nil, fmt.Errorf("auth mode %q: use one of %s", mode, strings.Join(modeNames, ", "))
	}
	if rr.Auth.Mode == collections.ModeNone || rr.Auth.Mode == "" {
		// Nothing was resolved for auth: resolve again on a copy that has
		// the mode, leaving the open document untouched.
		c, err := collections.LoadBytes(w.Coll.Path, w.Coll.Bytes())
		if err != nil {
			return nil, err
		}
		if err := c.SetAuthMode(requestPath, mode); err != nil {
			return nil, err
		}
		if rr, err = c.Resolve(requestPath, w.Environment(), w.Vars(), w.Env.lookup); err != nil {
			return nil, err
		}
	}
	rr.Auth.Mode = mode
	switch mode {
	case collections.ModeIDToken, collections.ModeAccessToken:
		if rr.Auth.Profile == nil || rr.Auth.Profile.Type != collections.ProfileCognito {
			p, _, err := auth.ResolveCognitoProfile(w.Coll, "", w.Environment(), w.Vars(), w.Env.lookup)
			if err != nil {
				return nil, fmt.Errorf("auth mode %s: %w", mode, err)
			}
			rr.Auth.Profile = p
		}
	case collections.ModeGuest:
		if rr.Auth.Profile == nil || rr.Auth.Profile.Type != collections.ProfileCognito || rr.Auth.Profile.IdentityPoolID == "" {
			p, _, err := auth.ResolveCognitoProfile(w.Coll, "", w.Environment(), w.Vars(), w.Env.lookup)
			if err != nil {
				return nil, fmt.Errorf("auth mode guest: %w", err)
			}
			if p.IdentityPoolID == "" {
				return nil, fmt.Errorf("auth mode guest: auth profile %q has no identity_pool_id: guest credentials come from the identity pool's unauthenticated role", p.Name)
			}
			rr.Auth.Profile = p
		}
		if rr.Auth.Region == "" {
			rr.Auth.Region = rr.Auth.Profile.Region
		}
	case collections.ModeAPIKey:
		if rr.Auth.APIKey == "" {
			return nil, fmt.Errorf("auth mode api_key: request %q has no api_key in its auth block", requestPath)
		}
	}
	return rr, nil
}

var modeNames = []string{"iam", "id_token", "access_token", "api_key", "guest", "none"}

// Modes lists the auth modes a request can be switched to, in the order
// the UI cycles them: only those the collection has a profile for.
func (w *Workbench) Modes(requestPath string) []collections.AuthMode {
	w.doc.RLock()
	defer w.doc.RUnlock()
	var cognito, aws, guest bool
	for _, name := range w.Coll.AuthProfiles() {
		typ, _ := w.Coll.ProfileType(name)
		switch typ {
		case collections.ProfileCognito:
			cognito = true
			aws = true // identity-pool credentials
			if p, _, err := w.Coll.ResolveProfile(name, w.Environment(), w.Vars(), w.Env.lookup); err == nil && p.IdentityPoolID != "" {
				guest = true // the identity pool's unauthenticated role
			}
		case collections.ProfileAWS, collections.ProfileStatic:
			aws = true
		}
	}
	var apiKey bool
	if rr, err := w.resolve(requestPath); err == nil {
		apiKey = rr.Auth.APIKey != ""
		if rr.Auth.Mode == collections.ModeIAM {
			aws = true
		}
	}
	var out []collections.AuthMode
	add := func(ok bool, m collections.AuthMode) {
		if ok {
			out = append(out, m)
		}
	}
	add(aws, collections.ModeIAM)
	add(cognito, collections.ModeIDToken)
	add(cognito, collections.ModeAccessToken)
	add(apiKey, collections.ModeAPIKey)
	add(guest, collections.ModeGuest)
	add(true, collections.ModeNone)
	return out
}

// Outcome is one send: the request as sent with its trace, the answer,
// cookies, timings, the diagnosis of an error answer and sigscope's own
// warnings. Err is set when nothing could be sent (resolve, credentials,
// signing); a transport failure is Result.Err (with Result.Response too
// when the answer was cut short: exchange.KindIncomplete).
type Outcome struct {
	Preview  *Preview
	Result   *exchange.Result
	Mismatch *explain.Diagnosis // when the answer says the signature does not match
	Hint     string             // for error answers that are not a mismatch
	// Diagnosis is explain's whole reading of an error answer it knows,
	// mismatch or not (the same as Mismatch for one): its kind, the
	// server's message and the likely causes, which Hint sums up.
	Diagnosis *explain.Diagnosis
	Warnings  []string
	Err       error
	// HistoryID is the entry the exchange was kept as (0 without history).
	HistoryID int64
}

// Redact is the outcome's redactor (a pass-through when nothing was
// prepared).
func (o *Outcome) Redact() *Redactor {
	if o.Preview != nil && o.Preview.Redact != nil {
		return o.Preview.Redact
	}
	return &Redactor{show: true}
}

// Close releases the response's spooled body, if any.
func (o *Outcome) Close() {
	if o.Result != nil { // an answer cut short may have spooled its part too
		o.Result.Close()
	}
}

// Send prepares and sends a request, keeps the cookies it got, and
// diagnoses an error answer.
func (w *Workbench) Send(ctx context.Context, requestPath string, run Run) *Outcome {
	return w.send(ctx, requestPath, run, nil)
}

// send is Send; when preparing the request says a login is needed and
// login is given, it logs in and prepares again (a run), so that the
// history keeps the exchange and not the login it waited for.
func (w *Workbench) send(ctx context.Context, requestPath string, run Run, login func(error) error) *Outcome {
	pv, err := w.Preview(ctx, requestPath, run)
	if login != nil && IsLoginRequired(err) {
		if err = login(err); err == nil {
			pv, err = w.Preview(ctx, requestPath, run)
		}
	}
	if err != nil {
		out := &Outcome{Err: err}
		if _, untrusted := IsUntrusted(err); !untrusted {
			w.record(ctx, requestPath, run, out)
		}
		return out
	}
	return w.SendPreview(ctx, pv, run)
}

// SendPreview sends a request already previewed, exactly as signed.
func (w *Workbench) SendPreview(ctx context.Context, pv *Preview, run Run) *Outcome {
	return w.SendRequest(ctx, pv, pv.Prepared.Request, run)
}

// SendRequest sends req (the previewed request, or one changed after
// signing on purpose, as the demo's mismatch does) and diagnoses it
// against the preview's trace.
func (w *Workbench) SendRequest(ctx context.Context, pv *Preview, req *sign.Request, run Run) *Outcome {
	p := pv.Prepared
	opts := exchange.Options{Timeout: run.Timeout, CAFile: w.caFile(run), FollowRedirects: run.Follow, Resign: p.Resign, Now: w.Env.Now, Secrets: p.Secrets, SpoolDir: run.SpoolDir}
	// The connection goes to the URL's host: a Host header names the
	// virtual host only, it never moves the request (and its token)
	// elsewhere.
	opts.Addr = exchange.DialAddr(p.Target.Scheme, p.Target.Host)
	if p.StoreCookies {
		opts.Jar = pv.Jar
	}
	res := exchange.Send(ctx, req, opts)
	out := &Outcome{Preview: pv, Result: res, Warnings: append([]string{}, pv.Warnings...)}
	if p.StoreCookies && len(res.Cookies) > 0 {
		if err := pv.Jar.Save(w.Coll.Name, p.Resolved.Environment); err != nil {
			out.Warnings = append(out.Warnings, err.Error())
		}
	}
	if r := res.Response; r != nil && r.Status >= 400 && r.BodyFile == "" {
		date, _ := r.Header("Date")
		errType, _ := r.Header("x-amzn-ErrorType")
		decision, _ := r.Header("X-Sigscope-Authz-Decision") // the emulator's deciding statement
		if d, ok := explain.Explain(explain.Input{Body: r.Body, Status: r.Status, Date: date, ErrorType: errType, Trace: p.Trace, Request: req, AuthzDecision: decision}); ok {
			out.Diagnosis = &d
			if d.Kind == explain.KindMismatch {
				out.Mismatch = &d
			} else {
				out.Hint = d.Hint
			}
		}
	}
	pv.Redact = NewRedactor(run.ShowSecrets, p, res)
	w.record(ctx, p.Resolved.Path, run, out)
	return out
}
