package auth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/cognito"
)

// loginSession logs user in with SRP and caches the session.
func (e *emu) loginSession(t *testing.T, p CognitoProfile, user string) *Session {
	t.Helper()
	l, err := NewLogin(p, user, e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	mustStep(t, l, Answer{Password: demoPassword}, StepDone)
	s, err := l.Session(e.key(""))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCredentialsSignARequest(t *testing.T) {
	e := startEmulator(t, nil)
	s := e.loginSession(t, e.profile(FlowSRP), "demo")
	c, err := s.Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" || c.SessionToken == "" || !c.CanExpire || !c.Expires.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("credentials: key %v, expires %s (can expire %v)", c.AccessKeyID != "", c.Expires, c.CanExpire)
	}
	if !strings.HasPrefix(s.IdentityID(), "us-east-1:") {
		t.Errorf("identity id %q", s.IdentityID())
	}
	status, body := e.signedGet(t, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	if status != http.StatusOK {
		t.Fatalf("signed GET /prod/pets: %d %.200s", status, body)
	}
	// The echo says who the gateway saw: an authenticated identity of the pool.
	if !strings.Contains(body, s.IdentityID()) || !strings.Contains(body, "authenticated") {
		t.Errorf("the gateway did not see identity %s: %.300s", s.IdentityID(), body)
	}
	// Credentials are cached: the same keys until they near expiry, also
	// for a later process reading the cache.
	again, err := CognitoSession(ctx, e.key("demo"), e.profile(FlowSRP), e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := again.Retrieve(ctx)
	if err != nil || c2.AccessKeyID != c.AccessKeyID || again.IdentityID() != s.IdentityID() {
		t.Errorf("cached credentials not reused (err %v)", err)
	}
	// A profile without an identity pool says what to add.
	p := e.profile(FlowSRP)
	p.IdentityPoolID = ""
	np, err := CognitoSession(ctx, e.key("demo"), p, e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := np.Credentials(ctx); err == nil || !strings.Contains(err.Error(), "identity_pool_id") {
		t.Errorf("no identity pool: %v", err)
	}
}

// TestExpiryWithoutNewLogin uses short lifetimes and the emulator's clock:
// credentials, then tokens, expire, and the session renews both with the
// refresh token, without a new login.
func TestExpiryWithoutNewLogin(t *testing.T) {
	e := startEmulator(t, func(c *emulator.Config) {
		c.Cognito.TokenLifetime = cognito.Duration(time.Minute)
		c.Cognito.CredentialLifetime = cognito.Duration(8 * time.Second)
	})
	s := e.loginSession(t, e.profile(FlowSRP), "demo")
	first, err := s.Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok1, _ := s.Tokens(ctx)

	// Within the first three quarters of their life the keys are reused.
	e.clock.Advance(5 * time.Second)
	same, _ := s.Credentials(ctx)
	if same.AccessKeyID != first.AccessKeyID {
		t.Error("credentials renewed while still fresh")
	}
	e.clock.Advance(4 * time.Second) // 9 s: past the 8 s lifetime
	if status, _ := e.signedGet(t, first.AccessKeyID, first.SecretAccessKey, first.SessionToken); status != http.StatusForbidden {
		t.Fatalf("expired credentials were accepted: %d", status)
	}
	second, err := s.Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessKeyID == first.AccessKeyID {
		t.Fatal("expired credentials were not renewed")
	}
	if status, body := e.signedGet(t, second.AccessKeyID, second.SecretAccessKey, second.SessionToken); status != http.StatusOK {
		t.Fatalf("renewed credentials: %d %.200s", status, body)
	}
	if tok, _ := s.Tokens(ctx); tok.IDToken != tok1.IDToken {
		t.Error("tokens refreshed while fresh")
	}

	// Past the id token's minute: renewing the credentials needs a valid
	// id token, so the session refreshes the tokens first.
	e.clock.Advance(2 * time.Minute)
	third, err := s.Credentials(ctx)
	if err != nil {
		t.Fatalf("credentials after the tokens expired: %v", err)
	}
	tok3, _ := s.Tokens(ctx)
	if tok3.IDToken == tok1.IDToken || !tok3.Expiry.After(e.clock.Now()) || tok3.RefreshToken != tok1.RefreshToken {
		t.Errorf("tokens not refreshed: new id token %v, expiry %s (now %s), refresh token kept %v",
			tok3.IDToken != tok1.IDToken, tok3.Expiry, e.clock.Now(), tok3.RefreshToken == tok1.RefreshToken)
	}
	if status, body := e.signedGet(t, third.AccessKeyID, third.SecretAccessKey, third.SessionToken); status != http.StatusOK {
		t.Fatalf("credentials after token refresh: %d %.200s", status, body)
	}
	// The refreshed tokens were written back: a later process sees them.
	later, err := CognitoSession(ctx, e.key("demo"), e.profile(FlowSRP), e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if tok, _ := later.Tokens(ctx); tok.IDToken != tok3.IDToken {
		t.Error("refreshed tokens were not cached")
	}
}

func TestRefreshRefused(t *testing.T) {
	e := startEmulator(t, nil)
	s := e.loginSession(t, e.profile(FlowSRP), "demo")
	// The emulator is restarted: its refresh tokens are forgotten.
	e2 := startEmulator(t, nil)
	p := e2.profile(FlowSRP)
	rec, err := e.store.load(e.key("demo"))
	if err != nil {
		t.Fatal(err)
	}
	rec.Endpoint = p.Endpoint
	rec.Tokens.Expiry = e.clock.Now().Add(-time.Second)
	if err := e.store.save(rec); err != nil {
		t.Fatal(err)
	}
	_, err = CognitoSession(ctx, e.key("demo"), p, e.opts()...)
	if !errors.Is(err, ErrNotLoggedIn) || !strings.Contains(err.Error(), "log in again") {
		t.Fatalf("refused refresh: want ErrNotLoggedIn saying to log in again, got %v", err)
	}
	tok, _ := s.Tokens(ctx)
	noSecrets(t, "the error", err.Error(), tok.RefreshToken, tok.IDToken, tok.AccessToken)
}

func TestGuestCredentials(t *testing.T) {
	e := startEmulator(t, nil)
	p := e.profile(FlowSRP)
	c, id, err := GuestCredentials(ctx, p, e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "us-east-1:") || c.AccessKeyID == "" {
		t.Fatalf("guest identity %q", id)
	}
	if status, body := e.signedGet(t, c.AccessKeyID, c.SecretAccessKey, c.SessionToken); status != http.StatusOK || !strings.Contains(body, "unauthenticated") {
		t.Fatalf("guest credentials: %d %.200s", status, body)
	}
	// The provider keeps its identity between renewals.
	prov := GuestProvider(p, e.opts()...)
	a, err := prov.Retrieve(ctx)
	if err != nil || a.AccessKeyID == "" {
		t.Fatalf("GuestProvider: %v", err)
	}

	// A pool without guest access says so.
	e2 := startEmulator(t, func(c *emulator.Config) { c.Cognito.IdentityPools[0].AllowUnauthenticated = false })
	_, _, err = GuestCredentials(ctx, e2.profile(FlowSRP), e2.opts()...)
	if err == nil || !strings.Contains(err.Error(), "does not allow guests") {
		t.Errorf("no guests: %v", err)
	}
}

func TestEnvCredentials(t *testing.T) {
	env := map[string]string{"K": "AKIDEXAMPLE", "S": "secret-key-value-0000"}
	getenv := func(n string) (string, bool) { v, ok := env[n]; return v, ok }
	p, err := EnvCredentials(getenv, "K", "S", "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Retrieve(ctx)
	if err != nil || c.AccessKeyID != "AKIDEXAMPLE" || c.SecretAccessKey != "secret-key-value-0000" || c.CanExpire {
		t.Fatalf("static: %v %v", c.AccessKeyID, err)
	}
	if _, err := EnvCredentials(getenv, "K", "MISSING", ""); err == nil || !strings.Contains(err.Error(), "MISSING not set") {
		t.Errorf("missing variable: %v", err)
	}
}

// TestSharedConfigNeverAsksIMDS points the SDK at an empty config: with
// IMDS off, the chain ends with a plain "no credentials" error instead of a
// call to 169.254.169.254.
func TestSharedConfigNeverAsksIMDS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	// If IMDS were asked, this server would hear about it.
	var hits atomic.Int32
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "no", http.StatusNotFound)
	}))
	t.Cleanup(imds.Close)
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	prov, _, err := SharedConfigCredentials(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = prov.Retrieve(ctx)
	if err == nil || !strings.Contains(err.Error(), "access disabled to EC2 IMDS") || hits.Load() != 0 {
		t.Fatalf("want a no-credentials error with IMDS disabled and no request to it (%d made), got %v", hits.Load(), err)
	}
	if _, _, err := ProfileCredentials(ctx, ""); err == nil || !strings.Contains(err.Error(), "no AWS credentials found") || hits.Load() != 0 {
		t.Fatalf("ProfileCredentials: %v (%d IMDS requests)", err, hits.Load())
	}
	os.WriteFile(dir+"/credentials", []byte("[ci]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = fromfile\n"), 0o600)
	prov, _, err = SharedConfigCredentials(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := prov.Retrieve(ctx); err != nil || c.AccessKeyID != "AKIDFROMFILE" {
		t.Fatalf("profile ci: %v %v", c.AccessKeyID, err)
	}
}
