package cognito

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// The hosted UI: the pages and endpoints Cognito serves on a user pool
// domain for OAuth 2.0 sign-in, reduced to what a CLI or a browser app using
// the authorization code grant with PKCE touches. The emulator has no
// federated providers: its sign-in page takes the pool's own users.

const (
	oauthPrefix = "/oauth2/"
	// codeLifetime is how long Cognito's authorization codes stay valid.
	codeLifetime = 5 * time.Minute
	maxFormBytes = 64 << 10
)

// authCode is what an authorization code stands for until it is redeemed.
type authCode struct {
	client      *appClient
	user        *user
	redirectURI string
	challenge   string // PKCE code_challenge (S256); "" when the client sent none
	created     time.Time
}

func isOAuthPath(p string) bool { return strings.HasPrefix(p, oauthPrefix) }

func (s *Service) serveOAuth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case "/oauth2/authorize":
		s.serveAuthorize(w, r)
	case "/oauth2/token":
		s.serveToken(w, r)
	default:
		http.Error(w, "Not Found: the emulator's hosted UI serves /oauth2/authorize and /oauth2/token", http.StatusNotFound)
	}
}

// authorizeRequest is the query of /oauth2/authorize, carried through the
// sign-in form as hidden fields.
type authorizeRequest struct {
	ClientID, RedirectURI, ResponseType, State, Scope string
	CodeChallenge, CodeChallengeMethod, IdentityHint  string

	client   *appClient
	redirect *url.URL
}

var pkcePattern = lazyre.New(`^[A-Za-z0-9._~-]{43,128}$`)

func readAuthorizeRequest(v url.Values) authorizeRequest {
	return authorizeRequest{
		ClientID:            v.Get("client_id"),
		RedirectURI:         v.Get("redirect_uri"),
		ResponseType:        v.Get("response_type"),
		State:               v.Get("state"),
		Scope:               v.Get("scope"),
		CodeChallenge:       v.Get("code_challenge"),
		CodeChallengeMethod: v.Get("code_challenge_method"),
		IdentityHint:        v.Get("identity_provider"),
	}
}

// loopbackRedirect accepts only http redirect URIs on the loopback
// interface: the emulator has no list of registered callback URLs, and a
// code must never be handed to another host.
func loopbackRedirect(raw string) (*url.URL, string) {
	if raw == "" {
		return nil, "redirect_uri is missing"
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Fragment != "" {
		return nil, "redirect_uri must be an absolute URL without a fragment"
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if u.Scheme != "http" || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return nil, "redirect_uri must be http://127.0.0.1:PORT/..., http://localhost:PORT/... or http://[::1]:PORT/... (the emulator hands codes only to loopback listeners)"
	}
	return u, ""
}

// check validates the request. Problems with the client or the redirect
// URI are shown on a page; the others go back to the redirect URI as an
// OAuth error, as the specification asks.
func (s *Service) check(a *authorizeRequest) (page string, redirectErr string) {
	c, ok := s.clients[a.ClientID] // fixed after New: no lock
	if a.ClientID == "" || !ok {
		return "invalid client_id: no app client " + a.ClientID + " in this emulator", ""
	}
	a.client = c
	u, msg := loopbackRedirect(a.RedirectURI)
	if u == nil {
		return "redirect_mismatch: " + msg, ""
	}
	a.redirect = u
	switch {
	case a.ResponseType != "code":
		return "", "unsupported_response_type"
	case a.IdentityHint != "" && a.IdentityHint != "COGNITO":
		return "", "invalid_request"
	case a.CodeChallenge == "" && a.CodeChallengeMethod != "":
		return "", "invalid_request"
	case a.CodeChallenge != "" && (a.CodeChallengeMethod != "S256" || !pkcePattern.MatchString(a.CodeChallenge)):
		return "", "invalid_request"
	}
	return "", ""
}

// redirect sends the browser back to the client with the given parameters
// added to the redirect URI's own query.
func (a *authorizeRequest) redirectWith(w http.ResponseWriter, r *http.Request, params url.Values) {
	u := *a.redirect
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	if a.State != "" {
		q.Set("state", a.State)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (s *Service) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	var v url.Values
	switch r.Method {
	case http.MethodGet:
		v = r.URL.Query()
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
				http.Error(w, fmt.Sprintf("sign-in form over %d bytes: refused", maxFormBytes), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "bad sign-in form: "+err.Error(), http.StatusBadRequest)
			return
		}
		v = r.PostForm
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "use GET to show the sign-in page and POST to sign in", http.StatusMethodNotAllowed)
		return
	}
	a := readAuthorizeRequest(v)
	page, redirectErr := s.check(&a)
	if page != "" {
		s.renderPage(w, http.StatusBadRequest, signInPage{Error: page})
		return
	}
	if redirectErr != "" {
		a.redirectWith(w, r, url.Values{"error": {redirectErr}})
		return
	}
	if r.Method == http.MethodGet {
		s.renderPage(w, http.StatusOK, signInPage{Req: a})
		return
	}
	username, password := v.Get("username"), v.Get("password")
	s.mu.Lock()
	u, ok := a.client.pool.users[username]
	var problem string
	switch {
	case username == "" || password == "":
		problem = "Enter your username and password."
	case !ok || subtle.ConstantTimeCompare([]byte(password), []byte(u.password)) != 1:
		problem = "Incorrect username or password."
	case u.status == statusForceChange:
		problem = "This user must set a new password first, which the emulator's sign-in page does not ask for: log in once with the API (sigscope login), then come back."
	case u.mfaType != "":
		problem = "This user has MFA, which the emulator's sign-in page does not ask for: sign in with the API (sigscope login) instead."
	}
	var code string
	if problem == "" {
		code = newUUID()
		s.pruneCodes()
		s.codes[code] = &authCode{client: a.client, user: u, redirectURI: a.RedirectURI, challenge: a.CodeChallenge, created: s.now()}
	}
	s.mu.Unlock()
	if problem != "" {
		s.renderPage(w, http.StatusOK, signInPage{Req: a, Error: problem, Username: username})
		return
	}
	a.redirectWith(w, r, url.Values{"code": {code}})
}

// pruneCodes forgets expired codes; the caller holds s.mu.
func (s *Service) pruneCodes() {
	for c, ac := range s.codes {
		if s.now().Sub(ac.created) > codeLifetime {
			delete(s.codes, c)
		}
	}
}

type signInPage struct {
	Req      authorizeRequest
	Error    string
	Username string
}

// signInTemplate is parsed on the first sign-in page, not at the start of
// every sigscope command (issue 21).
var signInTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("signin").Parse(signInHTML))
})

const signInHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - sigscope emulator</title></head>
<body>
<h1>Sign in</h1>
<p>Hosted UI of the sigscope emulator (demo users only; nothing here is real).</p>
{{if .Error}}<p role="alert" id="error">{{.Error}}</p>{{end}}
{{if .Req.ClientID}}<form method="post" action="/oauth2/authorize">
<input type="hidden" name="client_id" value="{{.Req.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.Req.RedirectURI}}">
<input type="hidden" name="response_type" value="{{.Req.ResponseType}}">
<input type="hidden" name="state" value="{{.Req.State}}">
<input type="hidden" name="scope" value="{{.Req.Scope}}">
<input type="hidden" name="code_challenge" value="{{.Req.CodeChallenge}}">
<input type="hidden" name="code_challenge_method" value="{{.Req.CodeChallengeMethod}}">
<label>Username <input name="username" autocomplete="username" value="{{.Username}}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>{{end}}
</body></html>
`

func (s *Service) renderPage(w http.ResponseWriter, status int, p signInPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	signInTemplate().Execute(w, p)
}

type tokenResponse struct {
	IDToken      string `json:"id_token"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int64  `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

func oauthError(w http.ResponseWriter, status int, code string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="cognito"`)
	}
	writeJSON(w, status, "application/json", map[string]string{"error": code})
}

// clientFromRequest authenticates the client at the token endpoint: HTTP
// Basic (client_id:client_secret, form-encoded as RFC 6749 2.3.1 says) or
// client_id (and client_secret) in the form.
func (s *Service) clientFromRequest(r *http.Request) (*appClient, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	c, ok := s.clients[id]
	if !ok {
		return nil, false
	}
	if c.secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) != 1 {
		return nil, false
	}
	return c, true
}

func (s *Service) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	c, ok := s.clientFromRequest(r)
	if !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	f := r.PostForm
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Get("grant_type") {
	case "authorization_code":
		s.redeemCode(w, c, f)
	case "refresh_token":
		s.refreshGrant(w, c, f.Get("refresh_token"))
	case "":
		oauthError(w, http.StatusBadRequest, "invalid_request")
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
	}
}

// redeemCode exchanges an authorization code once; the caller holds s.mu.
func (s *Service) redeemCode(w http.ResponseWriter, c *appClient, f url.Values) {
	code := f.Get("code")
	ac, ok := s.codes[code]
	if code == "" || !ok {
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	// A code is single-use even when the exchange fails, so a stolen code
	// replayed after a failed attempt gets nothing.
	delete(s.codes, code)
	if ac.client != c || ac.redirectURI != f.Get("redirect_uri") || s.now().Sub(ac.created) > codeLifetime {
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	if ac.challenge != "" {
		v := f.Get("code_verifier")
		sum := sha256.Sum256([]byte(v))
		want := base64.RawURLEncoding.EncodeToString(sum[:])
		if !pkcePattern.MatchString(v) || subtle.ConstantTimeCompare([]byte(want), []byte(ac.challenge)) != 1 {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
	}
	now := s.now()
	originJTI := newUUID()
	toks, err := s.issueTokens(c, ac.user, now, originJTI)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error")
		return
	}
	refresh := opaqueToken(96)
	s.refresh[refresh] = &refreshGrant{client: c, user: ac.user, authTime: now, originJTI: originJTI, expires: now.Add(refreshLifetime)}
	writeJSON(w, http.StatusOK, "application/json", tokenResponse{
		IDToken: toks.id, AccessToken: toks.access, RefreshToken: refresh,
		ExpiresIn: int64(s.tokenTTL / time.Second), TokenType: "Bearer",
	})
}

// refreshGrant issues new id and access tokens; the caller holds s.mu.
func (s *Service) refreshGrant(w http.ResponseWriter, c *appClient, token string) {
	g, ok := s.refresh[token]
	if token == "" || !ok || g.client != c || !s.now().Before(g.expires) {
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	toks, err := s.issueTokens(c, g.user, g.authTime, g.originJTI)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error")
		return
	}
	writeJSON(w, http.StatusOK, "application/json", tokenResponse{
		IDToken: toks.id, AccessToken: toks.access,
		ExpiresIn: int64(s.tokenTTL / time.Second), TokenType: "Bearer",
	})
}
