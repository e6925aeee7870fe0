package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The hosted UI sign-in: OAuth 2.0 authorization code with PKCE (RFC 7636,
// S256) through the system browser, the code delivered to a listener on
// the loopback interface (RFC 8252).

func (p CognitoProfile) hostedDomain() string {
	d := p.Domain
	if d == "" {
		d = p.Endpoint
	}
	return strings.TrimRight(d, "/")
}

// errInvalidGrant is the token endpoint refusing a code or refresh token.
var errInvalidGrant = errors.New("invalid_grant")

// HostedLogin is one sign-in through the hosted UI. Show URL to the person
// (OpenBrowser opens it), then Wait for the browser to come back.
type HostedLogin struct {
	p           CognitoProfile
	o           options
	lns         []net.Listener // 127.0.0.1 and, where the machine has it, [::1]
	srv         *http.Server
	state       string
	verifier    string
	redirectURI string
	authURL     string
	result      chan hostedResult
	once        sync.Once
	tokens      *Tokens
}

type hostedResult struct {
	code string
	err  error
}

// StartHostedLogin listens on 127.0.0.1 and [::1] (RedirectPort, or any
// port free on both; 127.0.0.1 alone where the machine has no ::1) and
// builds the authorization URL with a fresh state and PKCE verifier.
// With AWS the redirect URI is http://localhost:PORT/callback, the only
// plain-http callback Cognito accepts; register it on the app client. With
// an emulator endpoint it is http://127.0.0.1:PORT/callback.
func StartHostedLogin(ctx context.Context, p CognitoProfile, opts ...Option) (*HostedLogin, error) {
	if p.Flow == "" {
		p.Flow = FlowHosted
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("cognito profile: %w", err)
	}
	domain := p.hostedDomain()
	if domain == "" {
		return nil, errors.New("the hosted UI needs the user pool's domain: pass --domain https://<prefix>.auth.<region>.amazoncognito.com (see the user pool's Domain page)")
	}
	if u, err := url.Parse(domain); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("hosted UI domain %q: want https://<prefix>.auth.<region>.amazoncognito.com or a custom domain", domain)
	}
	o := buildOptions(opts)
	lns, err := listenLoopbacks(ctx, p.RedirectPort)
	if err != nil {
		return nil, err
	}
	host := "localhost"
	if p.Endpoint != "" {
		host = "127.0.0.1"
	}
	port := lns[0].Addr().(*net.TCPAddr).Port
	h := &HostedLogin{
		p: p, o: o, lns: lns,
		state:       randomURLSafe(16),
		verifier:    randomURLSafe(32),
		redirectURI: fmt.Sprintf("http://%s:%d/callback", host, port),
		result:      make(chan hostedResult, 1),
	}
	sum := sha256.Sum256([]byte(h.verifier))
	scopes := p.Scopes
	if len(scopes) == 0 {
		scopes = []string{"openid"}
	}
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {p.ClientID},
		"redirect_uri":          {h.redirectURI},
		"state":                 {h.state},
		"scope":                 {strings.Join(scopes, " ")},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	if p.IdentityProvider != "" {
		q.Set("identity_provider", p.IdentityProvider)
	}
	h.authURL = domain + "/oauth2/authorize?" + q.Encode()
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", h.callback)
	h.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range lns {
		go h.srv.Serve(ln)
	}
	return h, nil
}

// freePortTries bounds the search for a port free on both loopbacks.
const freePortTries = 10

// listenLoopbacks binds the redirect port on 127.0.0.1 and on [::1]. The
// browser resolves localhost to either, so a port held on the other
// loopback by another program (or another local user) would receive the
// authorization code. A machine without ::1 gets 127.0.0.1 alone. With
// port 0 it looks for a port free on both.
func listenLoopbacks(ctx context.Context, port int) ([]net.Listener, error) {
	var lc net.ListenConfig
	for try := 1; ; try++ {
		v4, err := lc.Listen(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return nil, fmt.Errorf("listen for the hosted UI's redirect on 127.0.0.1:%d: %w", port, err)
		}
		got := v4.Addr().(*net.TCPAddr).Port
		v6, err := lc.Listen(ctx, "tcp", net.JoinHostPort("::1", strconv.Itoa(got)))
		if err == nil {
			return []net.Listener{v4, v6}, nil
		}
		if !hasIPv6Loopback(ctx) {
			return []net.Listener{v4}, nil
		}
		v4.Close()
		if port == 0 && try < freePortTries {
			continue
		}
		return nil, fmt.Errorf("listen for the hosted UI's redirect on [::1]:%d: %w: the port is taken on ::1 (by another program or user), and a browser opening http://localhost:%d/callback may go there and hand it the sign-in code; stop that program or choose another redirect_port", got, err, got)
	}
}

// hasIPv6Loopback reports whether this machine can listen on ::1 at all.
func hasIPv6Loopback(ctx context.Context) bool {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

func randomURLSafe(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// URL is the authorization URL to open in a browser.
func (h *HostedLogin) URL() string { return h.authURL }

// RedirectURI is the callback the hosted UI sends the browser back to.
func (h *HostedLogin) RedirectURI() string { return h.redirectURI }

// callback receives the browser. A request whose state does not match is
// answered 400 and otherwise ignored: it did not come from this login.
func (h *HostedLogin) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(h.state)) != 1 {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "<!DOCTYPE html><title>sigscope</title><p>This sign-in answer does not belong to the login sigscope started (state mismatch). Start the login again.</p>\n")
		return
	}
	var res hostedResult
	switch {
	case q.Get("error") != "":
		res.err = hostedError(q.Get("error"), q.Get("error_description"))
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "<!DOCTYPE html><title>sigscope</title><p>Sign-in failed. Return to sigscope for details.</p>\n")
	case q.Get("code") == "":
		res.err = errors.New("the hosted UI came back without a code")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "<!DOCTYPE html><title>sigscope</title><p>Sign-in failed: no code. Return to sigscope.</p>\n")
	default:
		res.code = q.Get("code")
		io.WriteString(w, "<!DOCTYPE html><title>sigscope</title><p>Signed in. You can close this tab and return to sigscope.</p>\n")
	}
	h.once.Do(func() { h.result <- res })
}

func hostedError(code, desc string) error {
	plain := map[string]string{
		"access_denied":             "the sign-in was cancelled or refused",
		"redirect_mismatch":         "the redirect URI is not a callback URL of the app client: add it on the app client's Login pages",
		"invalid_request":           "the hosted UI refused the request",
		"unauthorized_client":       "the app client may not use the authorization code grant: enable it in the app client's OAuth settings",
		"invalid_scope":             "a requested scope is not allowed for the app client: check --scope against the client's allowed OAuth scopes",
		"unsupported_response_type": "the hosted UI does not offer the code flow for this client",
		"server_error":              "the hosted UI (or the identity provider) failed",
	}[code]
	if plain == "" {
		plain = "the hosted UI refused the sign-in"
	}
	if desc != "" {
		return fmt.Errorf("%s (error=%s: %s)", plain, code, desc)
	}
	return fmt.Errorf("%s (error=%s)", plain, code)
}

// Wait blocks until the browser comes back (or ctx ends), then exchanges
// the code for tokens with the PKCE verifier.
func (h *HostedLogin) Wait(ctx context.Context) (Tokens, error) {
	defer h.Close()
	var res hostedResult
	select {
	case res = <-h.result:
	case <-ctx.Done():
		return Tokens{}, fmt.Errorf("waiting for the browser to sign in: %w", ctx.Err())
	}
	if res.err != nil {
		return Tokens{}, res.err
	}
	t, err := tokenRequest(ctx, h.p, h.o, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {res.code},
		"redirect_uri":  {h.redirectURI},
		"code_verifier": {h.verifier},
	})
	if err != nil {
		return Tokens{}, err
	}
	h.tokens = &t
	return t, nil
}

// Session caches the tokens of a finished hosted sign-in under key (an
// empty Username is the token's cognito:username).
func (h *HostedLogin) Session(key CacheKey) (*Session, error) {
	if h.tokens == nil {
		return nil, errors.New("the hosted sign-in is not done yet")
	}
	return saveLogin(key, h.p, h.o, *h.tokens)
}

// Close stops the redirect listener.
func (h *HostedLogin) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return h.srv.Shutdown(ctx)
}

func (s *Session) refreshHosted(ctx context.Context, refreshToken string) (Tokens, error) {
	p := s.p
	if s.rec.Domain != "" {
		p.Domain = s.rec.Domain
	}
	return tokenRequest(ctx, p, s.o, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}})
}

// tokenRequest calls the hosted UI's /oauth2/token. The client
// authenticates with HTTP Basic when it has a secret, else by client_id.
func tokenRequest(ctx context.Context, p CognitoProfile, o options, form url.Values) (Tokens, error) {
	if err := p.needSecret(); err != nil {
		return Tokens{}, err
	}
	endpoint := p.hostedDomain() + "/oauth2/token"
	form.Set("client_id", p.ClientID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return Tokens{}, fmt.Errorf("token endpoint %s: %w", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if p.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(p.ClientID), url.QueryEscape(p.ClientSecret))
	}
	res, err := o.httpClient().Do(req)
	if err != nil {
		return Tokens{}, fmt.Errorf("cannot reach the token endpoint %s: %w", endpoint, rootCause(err))
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Tokens{}, fmt.Errorf("token endpoint %s: read the answer: %w", endpoint, err)
	}
	var out struct {
		IDToken      string `json:"id_token"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int64  `json:"expires_in"`
		TokenType    string `json:"token_type"`
		Error        string `json:"error"`
		Description  string `json:"error_description"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return Tokens{}, fmt.Errorf("token endpoint %s answered %s that is not JSON: is the domain right?", endpoint, res.Status)
	}
	if res.StatusCode != http.StatusOK || out.Error != "" {
		return Tokens{}, tokenEndpointError(form.Get("grant_type"), res.StatusCode, out.Error, out.Description)
	}
	if out.IDToken == "" || out.AccessToken == "" {
		return Tokens{}, fmt.Errorf("token endpoint %s answered no id or access token: request the openid scope", endpoint)
	}
	t := Tokens{IDToken: out.IDToken, AccessToken: out.AccessToken, RefreshToken: out.RefreshToken, TokenType: out.TokenType}
	t.setExpiry(o.now(), out.ExpiresIn)
	return t, nil
}

func tokenEndpointError(grant string, status int, code, desc string) error {
	var plain string
	switch code {
	case "invalid_grant":
		if grant == "refresh_token" {
			plain = "the refresh token is no longer accepted: sign in again"
		} else {
			plain = "the authorization code was refused (expired, used already, or the PKCE verifier or redirect URI differs): sign in again"
		}
	case "invalid_client":
		plain = "the token endpoint did not accept the app client: check client_id and the client secret (client_secret_env)"
	case "unauthorized_client":
		plain = "the app client may not use this grant: enable the authorization code grant in its OAuth settings"
	default:
		plain = "the token endpoint refused the request"
	}
	msg := fmt.Sprintf("%s (HTTP %d, error=%s", plain, status, code)
	if desc != "" {
		msg += ": " + desc
	}
	msg += ")"
	if code == "invalid_grant" {
		return fmt.Errorf("%s: %w", msg, errInvalidGrant)
	}
	return errors.New(msg)
}

// OpenBrowser asks the desktop to open u in the default browser
// (xdg-open, open, or the Windows URL handler). It does not wait for the
// browser; an error means no browser could be started, and the caller
// should print the URL instead.
func OpenBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open a browser: %w", err)
	}
	go cmd.Wait() // reap it
	return nil
}
