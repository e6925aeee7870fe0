// Package apigw emulates an Amazon API Gateway REST API on loopback: routes
// under /<stage>/, with AWS_IAM (SigV4, header or presigned query),
// COGNITO_USER_POOLS (raw id_token in Authorization) and NONE authorizers,
// and answers that echo the request, return a fixed body, or hand out and
// check CloudFront signed cookies.
//
// Signatures are recomputed with aws-sdk-go-v2's signer, never with
// sigscope's own, so that the two implementations check each other.
// SigV4a (AWS4-ECDSA-P256-SHA256) requests get the same canonical request
// from the SDK and are checked with the ECDSA public key this package
// derives from the secret on its own (sigv4a.go); their region set must
// include the gateway's region. The
// request is rebuilt from exactly the headers the client listed as signed,
// with their received values, the path as AWS reads it (dot segments
// removed and duplicate slashes merged, then encoded once more, as for
// every service but S3) and the query as received, read per RFC 3986. An
// X-Amz-Content-Sha256 that is a SHA-256, which the signature covers in
// place of the body, must be the body's. What the headers alone can
// refuse is refused before the body is read.
//
// Known differences from AWS, all due to rebuilding through the SDK signer:
//   - a signed "content-length: 0" cannot be reproduced (the signer only
//     signs a positive length), so such a request is reported as a mismatch;
//   - a request that dates itself with the Date header alone (no X-Amz-Date),
//     or that does not sign X-Amz-Date, is reported as a mismatch, because
//     the signer always signs X-Amz-Date;
//   - the query is decoded and re-encoded by Go's url.ParseQuery, after '+'
//     and ';' are escaped so that it reads them as AWS does.
//
// A COGNITO_USER_POOLS route takes the raw id_token in Authorization, as
// API Gateway REST APIs do; "Bearer <token>" is refused with 401.
package apigw

import (
	"crypto/rsa"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigscope/sigscope/emulator/awsauth"
	"github.com/sigscope/sigscope/emulator/iampolicy"
)

// MaxBody is API Gateway's payload limit.
const MaxBody = 10 << 20

// Credential is what the IAM authorizer needs to know about an access key.
type Credential struct {
	SecretAccessKey string
	SessionToken    string    // empty for long-term IAM user keys
	Expiration      time.Time // zero: never expires
	// Caller fills requestContext.identity in echo answers (caller, userArn,
	// cognitoIdentityId, cognitoIdentityPoolId, cognitoAuthenticationType...).
	Caller map[string]any

	// The IAM side of the key, for execute-api:Invoke policies. Principal
	// is who it belongs to (default: Caller's userArn and accountId; the
	// role of an assumed-role session is read from its ARN). Policies are
	// its identity policies; a role's come from Config.RolePolicies, by
	// role ARN, so that an identity pool's role gets its policy from the
	// API config. A key with neither (and Restricted false) may invoke
	// every method, as before policies existed.
	Principal  iampolicy.Principal
	Policies   []iampolicy.Named
	Restricted bool
	// Context adds condition keys of this caller, e.g. aws:PrincipalTag/team.
	Context map[string]string
}

// CredentialLookup finds the secret behind an access key id.
type CredentialLookup interface {
	LookupCredentials(accessKeyID string) (Credential, bool)
}

// TokenVerifier checks a Cognito user-pool token (authz_cognito.go).
type TokenVerifier interface {
	// VerifyUserPoolToken checks an id or access token's signature with
	// the key of the pool that issued it, and its expiry at now. It
	// returns the claims and the pool's id; an expired token that is
	// otherwise valid returns both with an error wrapping
	// jwt.ErrTokenExpired.
	VerifyUserPoolToken(token string, now time.Time) (claims map[string]any, poolID string, err error)
}

// Deps are the services a Gateway relies on.
type Deps struct {
	Region      string
	AccountID   string           // requestContext.accountId; default 123456789012
	Now         func() time.Time // default time.Now
	Credentials CredentialLookup // required by AWS_IAM routes
	Tokens      TokenVerifier    // required by COGNITO_USER_POOLS routes
	// CookieKey signs CloudFront cookies; nil: a fresh 2048-bit key.
	CookieKey *rsa.PrivateKey
	// CookieKeyPairID names CookieKey in CloudFront-Key-Pair-Id; default
	// derived from the key.
	CookieKeyPairID string
	// SecureCookies adds Secure to the cookies set (when serving TLS).
	SecureCookies bool
	Log           io.Writer // one line per request; nil: silent
}

// Gateway serves one REST API.
type Gateway struct {
	cfg     Config
	deps    Deps
	region  string
	now     func() time.Time
	stages  map[string]bool
	routes  []*compiledRoute
	signer  *v4.Signer
	cookies *cookieSigner
	kept    *budget // bytes of bodies held for echo answers
	logMu   sync.Mutex

	storesMu sync.Mutex
	stores   map[string]*store // the store routes' items, by path

	resourcePolicy *iampolicy.Named
	authorizers    map[string]*lambdaAuthorizer
	keys           *apiKeys
}

// New checks cfg and builds the gateway.
func New(cfg Config, deps Deps) (*Gateway, error) {
	if err := Validate(cfg); err != nil {
		return nil, err
	}
	if deps.Region == "" {
		return nil, errors.New("apigw: Deps.Region is required")
	}
	g := &Gateway{cfg: cfg, deps: deps, region: deps.Region, now: deps.Now, stages: map[string]bool{}, signer: v4.NewSigner(), kept: newBudget(keptBodies)}
	if g.now == nil {
		g.now = time.Now
	}
	if g.deps.AccountID == "" {
		g.deps.AccountID = "123456789012"
	}
	for _, s := range cfg.Stages {
		g.stages[s] = true
	}
	g.resourcePolicy = g.compileResourcePolicy()
	g.authorizers = compileAuthorizers(cfg.Authorizers, g.now)
	g.keys = compileAPIKeys(cfg.APIKeys, cfg.UsagePlans, g.now)
	needCookies := false
	for i, rt := range cfg.Routes {
		segs, _ := parsePath(rt.Path)
		g.routes = append(g.routes, &compiledRoute{Route: rt, method: strings.ToUpper(rt.Method), segs: segs, shape: shapeOf(segs)})
		switch rt.Authorizer {
		case AuthIAM:
			if deps.Credentials == nil {
				return nil, fmt.Errorf("apigw: routes[%d] (%s %s) uses AWS_IAM but Deps.Credentials is nil", i, rt.Method, rt.Path)
			}
		case AuthCognito:
			if deps.Tokens == nil {
				return nil, fmt.Errorf("apigw: routes[%d] (%s %s) uses COGNITO_USER_POOLS but Deps.Tokens is nil", i, rt.Method, rt.Path)
			}
		}
		if rt.Response.Kind == KindSetCookies || rt.Response.Kind == KindCookieProtected {
			needCookies = true
		}
	}
	if needCookies {
		cs, err := newCookieSigner(deps.CookieKey, deps.CookieKeyPairID)
		if err != nil {
			return nil, fmt.Errorf("apigw: cookie key: %w", err)
		}
		g.cookies = cs
	}
	return g, nil
}

// Config returns the configuration the gateway serves.
func (g *Gateway) Config() Config { return g.cfg }

// CookieKeyPairID is the key pair id put in CloudFront-Key-Pair-Id cookies
// (empty when no route uses cookies).
func (g *Gateway) CookieKeyPairID() string {
	if g.cookies == nil {
		return ""
	}
	return g.cookies.keyPairID
}

// reqCtx is what an authorized request carries to its response.
type reqCtx struct {
	requestID string
	stage     string
	match     match
	body      []byte
	identity  map[string]any // IAM caller
	claims    map[string]any // Cognito claims
	// authorizer is a Lambda authorizer's principalId and context.
	authorizer map[string]any
	decision   string // the policy evaluation's reason, for the log
	apiKey     *apiKey
	why        *whyTrail // the layers' verdicts, when asked (authz_layers.go)
}

// ServeHTTP routes, authorizes and answers one request.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := &reqCtx{requestID: newRequestID()}
	w.Header().Set("x-amzn-RequestId", rc.requestID)
	if r.Header.Get(HeaderWhy) != "" {
		w = g.traceLayers(w, r, rc)
	}
	status, errType := g.serve(w, r, rc)
	if errType != "" {
		errType = " " + errType
	}
	if rc.decision != "" && errType != "" {
		errType += " (" + rc.decision + ")"
	}
	g.logRequest(r, status, errType)
}

// logRequest writes the line of one request, "apigw GET /prod/pets ->
// 200", as logf would, without fmt's reflection on every request.
func (g *Gateway) logRequest(r *http.Request, status int, suffix string) {
	if g.deps.Log == nil {
		return
	}
	line := make([]byte, 0, 64+len(suffix))
	line = append(line, "apigw "...)
	line = append(line, r.Method...)
	line = append(line, ' ')
	line = append(line, r.URL.EscapedPath()...)
	line = append(line, " -> "...)
	line = strconv.AppendInt(line, int64(status), 10)
	line = append(line, suffix...)
	line = append(line, '\n')
	g.logMu.Lock()
	defer g.logMu.Unlock()
	_, _ = g.deps.Log.Write(line)
}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request, rc *reqCtx) (int, string) {
	fail := func(e *apiError) (int, string) {
		writeError(w, e)
		return e.status, e.errType
	}
	stage, rest := splitStage(serverPath(r))
	if !g.stages[stage] {
		return fail(errMissingToken())
	}
	m, ok := route(g.routes, r.Method, splitWirePath(rest))
	if !ok {
		return fail(errMissingToken())
	}
	rc.stage, rc.match = stage, m
	for k, v := range m.route.ProxyHeaders {
		r.Header.Set(k, v)
	}
	if r.ContentLength > MaxBody {
		return fail(errTooLarge())
	}
	// Whatever the headers alone can refuse is refused before the body is
	// read, so that a refused request costs no body.
	var iam *iamCheck
	switch m.route.Authorizer {
	case AuthIAM:
		var e *apiError
		if iam, e = g.checkIAMHeaders(r); e != nil {
			return fail(e)
		}
	case AuthCognito:
		claims, e := g.authorizeCognito(w, r, rc)
		if e != nil {
			return fail(e)
		}
		rc.claims = claims
	case AuthCustom:
		ctx, e := g.authorizeLambda(w, r, rc)
		if e != nil {
			return fail(e)
		}
		rc.authorizer = ctx
	}
	// An unsigned caller meets the resource policy now; a signed one once
	// its signature is checked.
	if iam == nil {
		if e := g.authorizePolicies(w, r, rc, nil); e != nil {
			return fail(e)
		}
	}
	body, e := g.readBody(r, m.route.Response.Kind == KindEcho || m.route.Response.Kind == KindStore)
	if e != nil {
		return fail(e)
	}
	defer body.release()
	rc.body = body.data
	if iam != nil {
		id, e := g.verifyIAM(r, iam, body.sha256)
		if e != nil {
			return fail(e)
		}
		rc.identity = id
		if e := g.authorizePolicies(w, r, rc, &iam.cred); e != nil {
			return fail(e)
		}
	}
	// API keys and usage plans come after authorization, as in API Gateway.
	if m.route.APIKeyRequired {
		key, e := g.keys.check(r.Header.Get("X-Api-Key"))
		if e != nil {
			return fail(e)
		}
		rc.apiKey = key
	}
	if e := g.respond(w, r, rc); e != nil {
		return fail(e)
	}
	return http.StatusOK, ""
}

// splitStage cuts "/prod/pets/1" into "prod" and "/pets/1".
func splitStage(p string) (stage, rest string) {
	p = strings.TrimPrefix(p, "/")
	stage, rest, _ = strings.Cut(p, "/")
	return stage, "/" + rest
}

// iamCheck is what the headers of an AWS_IAM request established before
// its body is read.
type iamCheck struct {
	in   *sigInput
	cred Credential
	now  time.Time
}

// checkIAMHeaders runs the AWS_IAM checks that need no body, in AWS's
// order: signature syntax, date and skew, credential scope, known key.
func (g *Gateway) checkIAMHeaders(r *http.Request) (*iamCheck, *apiError) {
	in, e := readSigInput(r)
	if e != nil {
		return nil, e
	}
	now := g.now()
	if e := checkTime(in, now); e != nil {
		return nil, e
	}
	if e := checkScope(in, g.region); e != nil {
		return nil, e
	}
	cred, ok := g.deps.Credentials.LookupCredentials(in.akid)
	if !ok {
		return nil, errForbidden(ErrUnrecognizedClient, MsgInvalidToken)
	}
	return &iamCheck{in: in, cred: cred, now: now}, nil
}

// verifyIAM checks the signature over the body whose SHA-256 is bodySHA,
// then the session token, and returns the caller's identity.
func (g *Gateway) verifyIAM(r *http.Request, c *iamCheck, bodySHA string) (map[string]any, *apiError) {
	in, cred, now := c.in, c.cred, c.now
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		payloadHash = bodySHA
	}
	var exp awsauth.Recomputed
	var err error
	match := false
	if in.algorithm == sigAlgorithmV4a {
		exp, match, err = g.recomputeV4a(r, in, payloadHash, cred.SecretAccessKey)
	} else {
		exp, err = g.recompute(r, in, payloadHash, cred.SecretAccessKey)
		match = subtle.ConstantTimeCompare([]byte(exp.Signature), []byte(in.signature)) == 1
	}
	if err != nil {
		return nil, &apiError{status: http.StatusInternalServerError, errType: "InternalServerErrorException", message: "Internal server error"}
	}
	if !match {
		return nil, errForbidden(ErrInvalidSignature, "%s", mismatchMessage(exp))
	}
	// A signed X-Amz-Content-Sha256 vouches for the body only if the body
	// is the one it hashes.
	if isSHA256Hex(payloadHash) && !strings.EqualFold(payloadHash, bodySHA) {
		return nil, errForbidden(ErrInvalidSignature, "%s", msgBodyNotSigned)
	}
	// A session token must be the one issued with these credentials, and
	// long-term keys take none.
	if subtle.ConstantTimeCompare([]byte(in.token), []byte(cred.SessionToken)) != 1 {
		return nil, errForbidden(ErrUnrecognizedClient, MsgInvalidToken)
	}
	if !cred.Expiration.IsZero() && !now.Before(cred.Expiration) {
		return nil, errForbidden(ErrExpiredToken, MsgExpiredToken)
	}
	// Room for the echo's sourceIp, userAgent, apiKey and apiKeyId too.
	id := make(map[string]any, 13)
	id["accessKey"] = in.akid
	for _, k := range [...]string{"accountId", "caller", "cognitoAuthenticationProvider", "cognitoAuthenticationType",
		"cognitoIdentityId", "cognitoIdentityPoolId", "user", "userArn"} {
		id[k] = nil
	}
	for k, v := range cred.Caller {
		id[k] = v
	}
	return id, nil
}

// claimsAsStrings is what a REST API's Cognito authorizer hands on: every
// claim a string. Times (exp, iat, auth_time) are written like
// "Tue Dec 01 05:40:08 UTC 2026", numbers and booleans as their text, and
// lists (cognito:groups) joined with commas.
func claimsAsStrings(claims map[string]any) map[string]any {
	out := make(map[string]any, len(claims))
	for k, v := range claims {
		switch x := v.(type) {
		case string:
			out[k] = x
		case float64:
			if k == "exp" || k == "iat" || k == "auth_time" {
				out[k] = time.Unix(int64(x), 0).UTC().Format("Mon Jan 02 15:04:05 MST 2006")
			} else {
				out[k] = strconv.FormatFloat(x, 'f', -1, 64)
			}
		case json.Number:
			out[k] = x.String()
		case bool:
			out[k] = strconv.FormatBool(x)
		case []any:
			parts := make([]string, len(x))
			for i, p := range x {
				parts[i] = fmt.Sprint(p)
			}
			out[k] = strings.Join(parts, ",")
		case nil:
			out[k] = ""
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}

func (g *Gateway) logf(format string, args ...any) {
	if g.deps.Log == nil {
		return
	}
	g.logMu.Lock()
	defer g.logMu.Unlock()
	fmt.Fprintf(g.deps.Log, format+"\n", args...)
}
