package exchange

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/sign"
)

// CredentialsFunc returns the AWS credentials of an auth profile (nil: the
// default AWS chain) and the region the profile names, if any.
type CredentialsFunc func(ctx context.Context, p *collections.Profile) (sign.Credentials, string, error)

// TokenFunc returns a Cognito user-pool token for a profile: the id token
// for mode id_token, the access token for access_token.
type TokenFunc func(ctx context.Context, p *collections.Profile, mode collections.AuthMode) (string, error)

// LoginRequiredError says that a Cognito profile has no usable cached
// login: the user must log in first.
type LoginRequiredError struct {
	Profile    string
	Need       string // "identity-pool AWS credentials", "an id token"...
	Collection string // the collection file, for the command to run
	Err        error  // what the session cache said
}

func (e *LoginRequiredError) Error() string {
	coll := e.Collection
	if coll == "" {
		coll = "COLLECTION"
	}
	reason := ""
	if e.Err != nil {
		// The cache's own advice to log in is said once, below.
		r, _, _ := strings.Cut(e.Err.Error(), ": run 'sigscope login")
		reason = " (" + r + ")"
	}
	return fmt.Sprintf("auth profile %q is a Cognito login and there is no usable cached session to take %s from%s: run `sigscope login %s` first", e.Profile, e.Need, reason, coll)
}

func (e *LoginRequiredError) Unwrap() error { return e.Err }

// PrepareOptions say how a resolved request is turned into wire bytes.
type PrepareOptions struct {
	// Jar supplies the Cookie header; nil, NoCookies or auth.cookies:
	// false send no cookie from a jar.
	Jar       *cookies.Jar
	NoCookies bool
	// Time is the signing time; zero means now.
	Time time.Time
	// UserAgent is sent unless the request sets one (SigV4 never signs it);
	// "" means "sigscope".
	UserAgent string
	// LookupEnv reads the variables static profiles name; nil: os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Credentials and Token replace the default sources (static keys from
	// the environment, AWS shared config, the Cognito session cache).
	Credentials CredentialsFunc
	Token       TokenFunc
	// CollectionPath names the collection file in the Cognito login cache
	// (with the request's environment); AuthOptions reach package auth.
	CollectionPath string
	AuthOptions    []auth.Option
}

// Prepared is a request ready to send: the wire bytes, and for SigV4 the
// full signing trace of exactly those bytes.
type Prepared struct {
	Resolved *collections.ResolvedRequest
	Target   Target
	Unsigned *sign.Request // before auth was applied (cookies included)
	Request  *sign.Request // what goes on the wire
	Wire     []byte
	Trace    *sign.Trace // iam mode only
	Mode     collections.AuthMode
	Region   string // iam mode
	Service  string // iam mode
	// CookiesSent are the jar's cookies in the Cookie header.
	CookiesSent []cookies.Entry
	// StoreCookies says whether Set-Cookie answers go into the jar.
	StoreCookies bool
	// Secrets are values that output must mask: tokens, the session token,
	// the API key. Cookie values are masked by the Cookie header's shape.
	Secrets []string
	Notes   []string

	signOpts *sign.Options // kept to re-sign same-host redirects
}

// Prepare builds the wire request of a resolved collection request: URL in
// wire form, headers in order, the Cookie header from the jar, then the
// authorization (SigV4 signs the request as it will be sent, Cookie header
// included, so the signature covers exactly the bytes on the wire).
func Prepare(ctx context.Context, rr *collections.ResolvedRequest, opts PrepareOptions) (*Prepared, error) {
	tg, err := BuildTarget(rr.URL, rr.Query)
	if err != nil {
		return nil, fmt.Errorf("request %q: %w", rr.Path, err)
	}
	req := &sign.Request{Method: rr.Method, Scheme: tg.Scheme, Host: tg.Host, Path: tg.Path, RawQuery: tg.RawQuery}
	hasHeader := func(name string) bool { _, ok := req.Get(name); return ok }
	for _, h := range rr.Headers {
		if strings.EqualFold(h.Key, "Host") {
			// A Host header names a virtual host while the URL says where to
			// connect, as curl's -H 'Host: …' does.
			req.Host = h.Value
			continue
		}
		req.Headers = append(req.Headers, sign.Header{Name: h.Key, Value: h.Value})
	}
	if rr.Body != nil {
		req.Body = rr.Body.Bytes
		if rr.Body.ContentType != "" && !hasHeader("Content-Type") {
			req.Headers = append(req.Headers, sign.Header{Name: "Content-Type", Value: rr.Body.ContentType})
		}
	}
	if len(req.Body) > 0 || bodyMethod(req.Method) {
		req.Set("Content-Length", strconv.Itoa(len(req.Body)))
	}
	if !hasHeader("User-Agent") {
		ua := opts.UserAgent
		if ua == "" {
			ua = "sigscope"
		}
		req.Headers = append(req.Headers, sign.Header{Name: "User-Agent", Value: ua})
	}

	p := &Prepared{Resolved: rr, Target: tg, Mode: rr.Auth.Mode}
	p.StoreCookies = opts.Jar != nil && !opts.NoCookies && rr.Auth.Cookies
	if p.StoreCookies {
		p.CookiesSent = opts.Jar.Match(cookies.Origin{Scheme: tg.Scheme, Host: req.Host, Path: req.Path}, time.Now())
		if len(p.CookiesSent) > 0 {
			addCookieHeader(req, cookies.Header(p.CookiesSent))
		}
	}
	p.Unsigned = req.Clone()

	if err := p.authorize(ctx, req, opts); err != nil {
		return nil, fmt.Errorf("request %q: %w", rr.Path, err)
	}
	if p.Wire, err = WireBytes(p.Request); err != nil {
		return nil, fmt.Errorf("request %q: %w", rr.Path, err)
	}
	return p, nil
}

func bodyMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "POST", "PUT", "PATCH":
		return true
	}
	return false
}

// addCookieHeader appends to a Cookie header the request already has, or
// adds one: a server reads one Cookie header.
func addCookieHeader(r *sign.Request, v string) {
	if old, ok := r.Get("Cookie"); ok && strings.TrimSpace(old) != "" {
		r.Set("Cookie", strings.TrimRight(old, "; ")+"; "+v)
		return
	}
	r.Set("Cookie", v)
}

func (p *Prepared) authorize(ctx context.Context, req *sign.Request, opts PrepareOptions) error {
	a := p.Resolved.Auth
	switch a.Mode {
	case collections.ModeNone, "":
		p.Request = req
		return nil
	case collections.ModeAPIKey:
		key := string(a.APIKey)
		if key == "" {
			return fmt.Errorf("auth mode api_key: the api_key template gave an empty key (set it in the auth block, e.g. api_key: \"{{env.MY_API_KEY}}\")")
		}
		req.Set("x-api-key", key)
		p.Secrets = append(p.Secrets, key)
		p.Request = req
		return nil
	case collections.ModeIDToken, collections.ModeAccessToken:
		tokens := opts.Token
		if tokens == nil {
			tokens = p.sources(opts).Token
		}
		tok, err := tokens(ctx, a.Profile, a.Mode)
		if err != nil {
			return err
		}
		p.Secrets = append(p.Secrets, tok)
		v := tok
		if a.Bearer {
			v = "Bearer " + tok
		} else {
			p.Notes = append(p.Notes, "the token is sent raw in Authorization, as API Gateway's Cognito authorizer expects (bearer: true adds \"Bearer \")")
		}
		req.Set("Authorization", v)
		p.Request = req
		return nil
	case collections.ModeIAM:
		return p.signIAM(ctx, req, opts)
	}
	return fmt.Errorf("auth mode %q: use iam, id_token, access_token, api_key or none", a.Mode)
}

func (p *Prepared) signIAM(ctx context.Context, req *sign.Request, opts PrepareOptions) error {
	a := p.Resolved.Auth
	credsFn := opts.Credentials
	if credsFn == nil {
		credsFn = p.sources(opts).Credentials
	}
	creds, profileRegion, err := credsFn(ctx, a.Profile)
	if err != nil {
		return err
	}
	p.Secrets = append(p.Secrets, creds.SessionToken)
	// Region: the request's (auth.region, the region variable), then the
	// profile's, then the environment's.
	region := a.Region
	if region == "" {
		region = profileRegion
	}
	if region == "" {
		region = firstEnv(opts.LookupEnv, "AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if region == "" {
		return fmt.Errorf("auth mode iam: no region: set auth.region or a region variable in the collection, a region in the profile, or AWS_REGION")
	}
	service := a.Service
	if service == "" {
		service = "execute-api"
	}
	so := sign.Options{
		Credentials: creds, Region: region, Service: service, Time: opts.Time,
		Presign: a.Presign, Expires: a.Expires, S3: a.S3, UnsignedPayload: a.UnsignedPayload,
	}
	if so.Time.IsZero() {
		so.Time = time.Now()
	}
	tr, err := sign.Sign(req, so)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	p.Trace, p.Request, p.Region, p.Service, p.signOpts = tr, tr.Signed, region, service, &so
	return nil
}

// Resign signs a redirect hop to the same host with the same credentials,
// at the current time. ok is false when the request was not signed.
func (p *Prepared) Resign(r *sign.Request) (signed *sign.Request, ok bool, err error) {
	if p.signOpts == nil {
		return r, false, nil
	}
	so := *p.signOpts
	so.Time = time.Now()
	tr, err := sign.Sign(r, so)
	if err != nil {
		return nil, false, err
	}
	return tr.Signed, true, nil
}

func firstEnv(lookup func(string) (string, bool), names ...string) string {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	for _, n := range names {
		if v, ok := lookup(n); ok && v != "" {
			return v
		}
	}
	return ""
}

func (p *Prepared) sources(opts PrepareOptions) Sources {
	return Sources{LookupEnv: opts.LookupEnv, CollectionPath: opts.CollectionPath, Environment: p.Resolved.Environment, AuthOptions: opts.AuthOptions}
}

// Sources are where credentials and tokens come from by default: static
// keys from the environment variables a static profile names, the AWS
// shared config for an aws profile (and for no profile at all), and the
// cached login of a Cognito profile (sigscope login), refreshed as needed.
type Sources struct {
	LookupEnv      func(string) (string, bool) // nil: os.LookupEnv
	CollectionPath string
	Environment    string
	AuthOptions    []auth.Option
}

// Credentials returns the AWS credentials of a profile and its region.
func (s Sources) Credentials(ctx context.Context, p *collections.Profile) (sign.Credentials, string, error) {
	lookupEnv := s.LookupEnv
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	if p == nil {
		return awsProfile(ctx, "", "the default AWS credentials")
	}
	switch p.Type {
	case collections.ProfileStatic:
		get := func(what, name string, required bool) (string, error) {
			if name == "" {
				if required {
					return "", fmt.Errorf("auth profile %q: no %s_env set in the collection", p.Name, what)
				}
				return "", nil
			}
			v, ok := lookupEnv(name)
			if (!ok || v == "") && required {
				return "", fmt.Errorf("auth profile %q: environment variable %s is not set (it holds the %s)", p.Name, name, strings.ReplaceAll(what, "_", " "))
			}
			return v, nil
		}
		var c sign.Credentials
		var err error
		if c.AccessKeyID, err = get("access_key_id", p.AccessKeyIDEnv, true); err != nil {
			return c, "", err
		}
		if c.SecretAccessKey, err = get("secret_access_key", p.SecretAccessKeyEnv, true); err != nil {
			return c, "", err
		}
		if c.SessionToken, err = get("session_token", p.SessionTokenEnv, false); err != nil {
			return c, "", err
		}
		return c, p.Region, nil
	case collections.ProfileAWS:
		c, region, err := awsProfile(ctx, p.AWSProfile, fmt.Sprintf("auth profile %q", p.Name))
		if p.Region != "" {
			region = p.Region
		}
		return c, region, err
	case collections.ProfileCognito:
		sess, err := s.session(ctx, p, "identity-pool AWS credentials")
		if err != nil {
			return sign.Credentials{}, "", err
		}
		c, err := sess.Retrieve(ctx)
		if err != nil {
			return sign.Credentials{}, "", s.loginError(p, "identity-pool AWS credentials", err)
		}
		return sign.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, p.Region, nil
	}
	return sign.Credentials{}, "", fmt.Errorf("auth profile %q: type %q cannot give AWS credentials", p.Name, p.Type)
}

// Token returns the id or access token of a Cognito profile's cached login.
func (s Sources) Token(ctx context.Context, p *collections.Profile, mode collections.AuthMode) (string, error) {
	if p == nil {
		return "", fmt.Errorf("auth mode %s needs a Cognito auth profile (auth.profile)", mode)
	}
	if p.Type != collections.ProfileCognito {
		return "", fmt.Errorf("auth mode %s: auth profile %q is of type %s; a user-pool token needs a cognito profile", mode, p.Name, p.Type)
	}
	need := "an id token"
	if mode == collections.ModeAccessToken {
		need = "an access token"
	}
	sess, err := s.session(ctx, p, need)
	if err != nil {
		return "", err
	}
	t, err := sess.Tokens(ctx)
	if err != nil {
		return "", s.loginError(p, need, err)
	}
	if mode == collections.ModeAccessToken {
		return t.AccessToken, nil
	}
	return t.IDToken, nil
}

func (s Sources) session(ctx context.Context, p *collections.Profile, need string) (*auth.Session, error) {
	if s.CollectionPath == "" {
		return nil, &LoginRequiredError{Profile: p.Name, Need: need}
	}
	lookupEnv := s.LookupEnv
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	cp, err := auth.CognitoProfileFrom(p, lookupEnv)
	if err != nil {
		return nil, fmt.Errorf("auth profile %q: %w", p.Name, err)
	}
	coll := s.CollectionPath
	if abs, err := filepath.Abs(coll); err == nil {
		coll = abs
	}
	// An empty Username means the user who logged in last.
	key := auth.CacheKey{Collection: coll, Environment: s.Environment, UserPoolID: cp.UserPoolID}
	sess, err := auth.CognitoSession(ctx, key, cp, s.AuthOptions...)
	if err != nil {
		return nil, s.loginError(p, need, err)
	}
	return sess, nil
}

func (s Sources) loginError(p *collections.Profile, need string, err error) error {
	if errors.Is(err, auth.ErrNotLoggedIn) {
		return &LoginRequiredError{Profile: p.Name, Need: need, Collection: s.CollectionPath, Err: err}
	}
	return fmt.Errorf("auth profile %q: %w", p.Name, err)
}

func awsProfile(ctx context.Context, name, what string) (sign.Credentials, string, error) {
	c, region, err := auth.ProfileCredentials(ctx, name)
	if err != nil {
		return sign.Credentials{}, "", fmt.Errorf("%s: %w", what, err)
	}
	return sign.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, region, nil
}

// IsLoginRequired reports whether err asks the user to log in first.
func IsLoginRequired(err error) bool {
	var le *LoginRequiredError
	return errors.As(err, &le)
}
