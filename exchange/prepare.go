package exchange

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// Credentials and Token are where AWS credentials and Cognito tokens
	// come from (workbench's Sources: static keys from the environment,
	// AWS shared config, the Cognito session cache). A request whose auth
	// mode needs one that is nil is refused.
	Credentials CredentialsFunc
	Token       TokenFunc
	// Guest gives the guest (unauthenticated) credentials of a cognito
	// profile's identity pool, for auth mode guest.
	Guest CredentialsFunc
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
	// Values from the environment are secrets wherever the template put
	// them (a header, the query, the body).
	p.Secrets = append(p.Secrets, rr.Secrets...)
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
	slices.Sort(p.Secrets)
	p.Secrets = slices.Compact(p.Secrets)
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
		if opts.Token == nil {
			return fmt.Errorf("auth mode %s: no token source given", a.Mode)
		}
		tok, err := opts.Token(ctx, a.Profile, a.Mode)
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
	case collections.ModeIAM, collections.ModeGuest:
		return p.signIAM(ctx, req, opts)
	}
	return fmt.Errorf("auth mode %q: use iam, id_token, access_token, api_key, guest or none", a.Mode)
}

func (p *Prepared) signIAM(ctx context.Context, req *sign.Request, opts PrepareOptions) error {
	a := p.Resolved.Auth
	source := opts.Credentials
	if a.Mode == collections.ModeGuest {
		source = opts.Guest // the same signature, the identity pool's guest role
	}
	if source == nil {
		return fmt.Errorf("auth mode %s: no credential source given", a.Mode)
	}
	creds, profileRegion, err := source(ctx, a.Profile)
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
	if region == "" && len(a.RegionSet) == 0 { // SigV4a signs for its region set alone
		return fmt.Errorf("auth mode iam: no region: set auth.region or a region variable in the collection, a region in the profile, or AWS_REGION")
	}
	service := a.Service
	if service == "" {
		service = "execute-api"
	}
	so := sign.Options{
		Credentials: creds, Region: region, Service: service, Time: opts.Time,
		Presign: a.Presign, Expires: a.Expires, S3: a.S3, UnsignedPayload: a.UnsignedPayload,
		// SigV4a signs for auth.region_set, or the region alone.
		Algorithm: a.Algorithm, RegionSet: a.RegionSet,
	}
	if so.Time.IsZero() {
		so.Time = time.Now()
	}
	tr, err := sign.SignFor(req, so)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	p.Trace, p.Request, p.Region, p.Service, p.signOpts = tr, tr.Signed, region, service, &so
	if !strings.EqualFold(req.Host, p.Target.Host) {
		p.Notes = append(p.Notes, fmt.Sprintf("signed for host %s (the Host header) while the connection goes to %s: the signature is good at %s, where whoever receives this request could replay it until it expires", req.Host, p.Target.Host, req.Host))
	}
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
	tr, err := sign.SignFor(r, so)
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
