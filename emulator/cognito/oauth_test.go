package cognito

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// browser plays the user's browser against the hosted UI: it never follows
// redirects, so the test sees where the code would go.
type browser struct {
	t    *testing.T
	e    *env
	http *http.Client
}

func newBrowser(t *testing.T, e *env) *browser {
	c := *e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: t, e: e, http: &c}
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, string(data)
}

// pkce returns a verifier and its S256 challenge, computed here from RFC 7636.
func pkce(seed string) (verifier, challenge string) {
	verifier = strings.Repeat(seed, 64)[:64]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

const callback = "http://127.0.0.1:49152/callback"

func authorizeQuery(client, challenge string) url.Values {
	return url.Values{
		"client_id": {client}, "redirect_uri": {callback}, "response_type": {"code"}, "state": {"st4te-xyz"},
		"scope": {"openid email"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
	}
}

// signIn submits the sign-in form and returns the code from the redirect.
func (b *browser) signIn(q url.Values, username, password string) string {
	b.t.Helper()
	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("username", username)
	form.Set("password", password)
	res, page := b.do(http.MethodPost, "/oauth2/authorize", form)
	if res.StatusCode != http.StatusFound {
		b.t.Fatalf("sign-in: status %d, want a 302; page: %.300s", res.StatusCode, page)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		b.t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != callback {
		b.t.Fatalf("redirected to %s, want %s", got, callback)
	}
	if loc.Query().Get("state") != "st4te-xyz" {
		b.t.Fatalf("state not returned: %q", loc.Query().Get("state"))
	}
	code := loc.Query().Get("code")
	if code == "" {
		b.t.Fatalf("no code in the redirect (error=%q)", loc.Query().Get("error"))
	}
	return code
}

func (b *browser) token(form url.Values, basicUser, basicPass string) (int, map[string]any) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(basicUser, basicPass)
	}
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		b.t.Fatalf("token endpoint: status %d, body is not JSON: %v", res.StatusCode, err)
	}
	return res.StatusCode, out
}

func TestHostedUICodeFlowWithPKCE(t *testing.T) {
	e := newEnv(t, testConfig())
	b := newBrowser(t, e)
	verifier, challenge := pkce("abcdefgh")
	q := authorizeQuery(webClient, challenge)

	res, page := b.do(http.MethodGet, "/oauth2/authorize?"+q.Encode(), nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `<form method="post" action="/oauth2/authorize">`) ||
		!strings.Contains(page, `name="password" type="password"`) || !strings.Contains(page, `value="`+challenge+`"`) {
		t.Fatalf("authorize page: status %d, no sign-in form carrying the request:\n%.400s", res.StatusCode, page)
	}

	// A wrong password shows the form again, with no redirect.
	form := url.Values{}
	for k, v := range q {
		form[k] = v
	}
	form.Set("username", "demo")
	form.Set("password", "wrong")
	res, page = b.do(http.MethodPost, "/oauth2/authorize", form)
	if res.StatusCode != http.StatusOK || res.Header.Get("Location") != "" || !strings.Contains(page, "Incorrect username or password.") {
		t.Fatalf("wrong password: status %d, location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if strings.Contains(page, "wrong") {
		t.Error("the page echoes the password")
	}

	exchange := func(code, verifier string) (int, map[string]any) {
		return b.token(url.Values{"grant_type": {"authorization_code"}, "client_id": {webClient}, "code": {code},
			"redirect_uri": {callback}, "code_verifier": {verifier}}, "", "")
	}
	// A wrong verifier fails, and burns the code.
	code := b.signIn(q, "demo", demoPassword)
	other, _ := pkce("zyxwvuts")
	if status, out := exchange(code, other); status != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier: %d %v", status, out["error"])
	}
	if status, out := exchange(code, verifier); status != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Fatalf("reused code: %d %v", status, out["error"])
	}
	// A different redirect_uri fails too.
	code = b.signIn(q, "demo", demoPassword)
	status, out := b.token(url.Values{"grant_type": {"authorization_code"}, "client_id": {webClient}, "code": {code},
		"redirect_uri": {"http://127.0.0.1:49153/callback"}, "code_verifier": {verifier}}, "", "")
	if status != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Fatalf("other redirect_uri: %d %v", status, out["error"])
	}

	code = b.signIn(q, "demo", demoPassword)
	status, out = exchange(code, verifier)
	if status != http.StatusOK {
		t.Fatalf("exchange: %d %v", status, out["error"])
	}
	if out["token_type"] != "Bearer" || out["expires_in"] != float64(tokenLifetime/time.Second) {
		t.Errorf("token_type %v, expires_in %v", out["token_type"], out["expires_in"])
	}
	keys := e.fetchJWKS(t, poolID)
	idTok, _ := out["id_token"].(string)
	claims := e.verifyWithJWKS(t, keys, idTok)
	if claims["cognito:username"] != "demo" || claims["aud"] != webClient || claims["token_use"] != "id" {
		t.Errorf("id token claims: username %v aud %v use %v", claims["cognito:username"], claims["aud"], claims["token_use"])
	}
	refresh, _ := out["refresh_token"].(string)
	if refresh == "" {
		t.Fatal("no refresh_token")
	}

	e.clock.Advance(2 * time.Hour) // the id token has expired; the refresh token has not
	status, out = b.token(url.Values{"grant_type": {"refresh_token"}, "client_id": {webClient}, "refresh_token": {refresh}}, "", "")
	if status != http.StatusOK || out["refresh_token"] != nil {
		t.Fatalf("refresh: %d %v (a refresh answers no new refresh token)", status, out["error"])
	}
	newID, _ := out["id_token"].(string)
	if c := e.verifyWithJWKS(t, keys, newID); c["cognito:username"] != "demo" {
		t.Errorf("refreshed id token for %v", c["cognito:username"])
	}
	status, out = b.token(url.Values{"grant_type": {"refresh_token"}, "client_id": {webClient}, "refresh_token": {"nope"}}, "", "")
	if status != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Fatalf("bad refresh token: %d %v", status, out["error"])
	}
}

func TestHostedUICodeExpires(t *testing.T) {
	e := newEnv(t, testConfig())
	b := newBrowser(t, e)
	verifier, challenge := pkce("k")
	code := b.signIn(authorizeQuery(webClient, challenge), "demo", demoPassword)
	e.clock.Advance(codeLifetime + time.Second)
	status, out := b.token(url.Values{"grant_type": {"authorization_code"}, "client_id": {webClient}, "code": {code},
		"redirect_uri": {callback}, "code_verifier": {verifier}}, "", "")
	if status != http.StatusBadRequest || out["error"] != "invalid_grant" {
		t.Fatalf("expired code: %d %v", status, out["error"])
	}
}

func TestHostedUIClientSecret(t *testing.T) {
	e := newEnv(t, testConfig())
	b := newBrowser(t, e)
	verifier, challenge := pkce("s")
	form := func(code string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {verifier}}
	}
	code := b.signIn(authorizeQuery(secretClient, challenge), "alice", demoPassword)
	if status, out := b.token(form(code), secretClient, "not-the-secret"); status != http.StatusUnauthorized || out["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", status, out["error"])
	}
	f := form(code)
	f.Set("client_id", secretClient) // no secret at all
	if status, out := b.token(f, "", ""); status != http.StatusUnauthorized || out["error"] != "invalid_client" {
		t.Fatalf("missing secret: %d %v", status, out["error"])
	}
	// The failed client authentications did not burn the code.
	if status, out := b.token(form(code), secretClient, clientSecret); status != http.StatusOK {
		t.Fatalf("Basic auth with the secret: %d %v", status, out["error"])
	}
}

func TestHostedUIRefusals(t *testing.T) {
	e := newEnv(t, testConfig())
	b := newBrowser(t, e)
	_, challenge := pkce("r")

	// Redirect URIs off the loopback interface never receive anything.
	for _, bad := range []string{"https://evil.example/cb", "http://10.0.0.1/cb", "http://127.0.0.1.evil.example/cb", "http://127.0.0.1:1/cb#frag", ""} {
		q := authorizeQuery(webClient, challenge)
		q.Set("redirect_uri", bad)
		res, page := b.do(http.MethodGet, "/oauth2/authorize?"+q.Encode(), nil)
		if res.StatusCode != http.StatusBadRequest || res.Header.Get("Location") != "" || !strings.Contains(page, "redirect_mismatch") {
			t.Errorf("redirect_uri %q: status %d, location %q", bad, res.StatusCode, res.Header.Get("Location"))
		}
	}
	q := authorizeQuery("nosuchclient", challenge)
	if res, page := b.do(http.MethodGet, "/oauth2/authorize?"+q.Encode(), nil); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "invalid client_id") {
		t.Errorf("unknown client: status %d", res.StatusCode)
	}

	// Other problems go back to the client as OAuth errors, with the state.
	for name, mutate := range map[string]func(url.Values){
		"implicit grant": func(q url.Values) { q.Set("response_type", "token") },
		"plain PKCE":     func(q url.Values) { q.Set("code_challenge_method", "plain") },
		"short PKCE":     func(q url.Values) { q.Set("code_challenge", "abc") },
	} {
		q := authorizeQuery(webClient, challenge)
		mutate(q)
		res, _ := b.do(http.MethodGet, "/oauth2/authorize?"+q.Encode(), nil)
		loc, _ := url.Parse(res.Header.Get("Location"))
		if res.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("error") == "" || loc.Query().Get("state") != "st4te-xyz" {
			t.Errorf("%s: status %d, location %q", name, res.StatusCode, res.Header.Get("Location"))
		}
	}

	// Users who owe a challenge are told to use the API.
	for _, user := range []string{"totp", "newbie"} {
		pw := demoPassword
		if user == "newbie" {
			pw = "Temp0rary!"
		}
		form := authorizeQuery(webClient, challenge)
		form.Set("username", user)
		form.Set("password", pw)
		res, page := b.do(http.MethodPost, "/oauth2/authorize", form)
		if res.StatusCode != http.StatusOK || res.Header.Get("Location") != "" || !strings.Contains(page, "sigscope login") {
			t.Errorf("%s: status %d, location %q", user, res.StatusCode, res.Header.Get("Location"))
		}
	}

	if status, out := b.token(url.Values{"grant_type": {"password"}, "client_id": {webClient}}, "", ""); status != http.StatusBadRequest || out["error"] != "unsupported_grant_type" {
		t.Errorf("password grant: %d %v", status, out["error"])
	}
	if res, _ := b.do(http.MethodGet, "/oauth2/userInfo", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown hosted UI path: %d", res.StatusCode)
	}
}

// TestBodyCaps: the Cognito API and the hosted UI's forms refuse bodies
// over their limits with 413 rather than reading them.
func TestBodyCaps(t *testing.T) {
	e := newEnv(t, testConfig())
	big := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + strings.Repeat("a", maxBodyBytes) + `"}`
	r := e.raw(t, http.MethodPost, "/", targetIDP+"InitiateAuth", big)
	if r.status != http.StatusRequestEntityTooLarge || r.body["__type"] != "SerializationException" || !strings.Contains(r.body["message"].(string), "over") {
		t.Errorf("API call over %d bytes: %d %v", maxBodyBytes, r.status, r.body)
	}

	b := newBrowser(t, e)
	_, challenge := pkce("big")
	form := authorizeQuery(webClient, challenge)
	form.Set("username", "demo")
	form.Set("password", strings.Repeat("p", maxFormBytes))
	if res, page := b.do(http.MethodPost, "/oauth2/authorize", form); res.StatusCode != http.StatusRequestEntityTooLarge || res.Header.Get("Location") != "" {
		t.Errorf("sign-in form over %d bytes: %d %q", maxFormBytes, res.StatusCode, page)
	}
	tok := url.Values{"grant_type": {"refresh_token"}, "client_id": {webClient}, "refresh_token": {strings.Repeat("r", maxFormBytes)}}
	if status, out := b.token(tok, "", ""); status != http.StatusBadRequest || out["error"] != "invalid_request" {
		t.Errorf("token form over %d bytes: %d %v", maxFormBytes, status, out)
	}
}
