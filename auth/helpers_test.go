package auth

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/cognito"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/sign"
)

// The demo pool of the emulator's built-in configuration.
const (
	demoPool      = "us-east-1_Demo1"
	webClient     = "3n4b5urk1ft4fl3mg5e62d9ado"
	secretClient  = "7s8c1o2p3e4d5e6m7o8s9e0c1r"
	demoSecret    = "sigscopedemoclientsecret0000notarealsecret00000001"
	srpOnly       = "srp0n1yc1ient00000000000a1"
	demoIDPool    = "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab"
	demoPassword  = "Passw0rd!"
	totpSecretB32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
)

// emu is an in-process emulator with a settable clock, and a token store
// in a temporary directory.
type emu struct {
	srv   *emulator.Server
	clock *testkit.Clock
	log   *testkit.Buffer
	store *Store
}

// testUsers are added to the built-in demo pool for the challenges the
// built-in configuration does not show.
func testUsers() []cognito.UserConfig {
	return []cognito.UserConfig{
		{Username: "mailer", Password: demoPassword, Attributes: map[string]string{"email": "mailer@example.com"}, MFA: &cognito.MFAConfig{Type: "email"}},
		{Username: "chooser", Password: demoPassword, Attributes: map[string]string{"email": "chooser@example.com"},
			MFA: &cognito.MFAConfig{Type: "sms,totp,email", Secret: totpSecretB32, Phone: "+15555550101"}},
		{Username: "setup", Password: demoPassword, MFA: &cognito.MFAConfig{Type: "totp-setup"}},
		{Username: "newbie2", Password: "Welcome1!", Status: "FORCE_CHANGE_PASSWORD", MFA: &cognito.MFAConfig{Type: "totp-setup"}},
	}
}

func startEmulator(t *testing.T, mutate func(*emulator.Config)) *emu {
	t.Helper()
	cfg := emulator.DefaultConfig()
	pool := &cfg.Cognito.UserPools[0]
	pool.Users = append(pool.Users, testUsers()...)
	pool.Clients = append(pool.Clients, cognito.ClientConfig{ID: srpOnly, Name: "srp-only", AuthFlows: []string{"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH"}})
	if mutate != nil {
		mutate(cfg)
	}
	e := &emu{clock: testkit.NewClock(time.Now().UTC().Truncate(time.Second)), log: &testkit.Buffer{}, store: &Store{Dir: t.TempDir() + "/tokens"}}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := emulator.Start(ctx, emulator.Options{Config: cfg, Log: e.log, Now: e.clock.Now})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		cancel()
	})
	e.srv = srv
	return e
}

func (e *emu) profile(flow Flow) CognitoProfile {
	return CognitoProfile{UserPoolID: demoPool, ClientID: webClient, IdentityPoolID: demoIDPool, Flow: flow, Endpoint: e.srv.URL}
}

func (e *emu) opts() []Option {
	return []Option{WithClock(e.clock.Now), WithStore(e.store)}
}

func (e *emu) key(user string) CacheKey {
	return CacheKey{Collection: "/collections/demo.yaml", Environment: "local", UserPoolID: demoPool, Username: user}
}

func totp(t *testing.T, secretB32 string, at time.Time) string { return testkit.TOTP(t, secretB32, at) }

var codeLine = regexp.MustCompile(`(?:SMS|Email) to ([^ ]+): your code is ([0-9]{6})`)

// lastCode returns the last code the emulator "sent" to dest.
func (e *emu) lastCode(t *testing.T, dest string) string {
	t.Helper()
	var code string
	for _, m := range codeLine.FindAllStringSubmatch(e.log.String(), -1) {
		if m[1] == dest {
			code = m[2]
		}
	}
	if code == "" {
		t.Fatalf("no code sent to %s in the emulator log", dest)
	}
	return code
}

// mustLogin drives a login with the password and the given answers.
func mustStep(t *testing.T, l *Login, a Answer, want StepKind) Step {
	t.Helper()
	st, err := l.Answer(context.Background(), a)
	if err != nil {
		t.Fatalf("answer at %s: %v", l.Next().Kind, err)
	}
	if st.Kind != want {
		t.Fatalf("next step %s (%s), want %s", st.Kind, st.Challenge, want)
	}
	return st
}

// signedGet signs GET /prod/pets with creds using sign.Sign at the
// emulator's time and sends it; it returns the status and body.
func (e *emu) signedGet(t *testing.T, accessKey, secretKey, token string) (int, string) {
	t.Helper()
	host := strings.TrimPrefix(e.srv.URL, "http://")
	req := &sign.Request{Method: "GET", Scheme: "http", Host: host, Path: "/prod/pets", RawQuery: "limit=1",
		Headers: []sign.Header{{Name: "Host", Value: host}}}
	tr, err := sign.Sign(req, sign.Options{
		Credentials: sign.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey, SessionToken: token},
		Region:      "us-east-1", Service: "execute-api", Time: e.clock.Now(),
	})
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	hr, err := http.NewRequest(tr.Signed.Method, "http://"+tr.Signed.Host+tr.Signed.Path+"?"+tr.Signed.RawQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range tr.Signed.Headers {
		if strings.EqualFold(h.Name, "Host") {
			continue
		}
		hr.Header.Add(h.Name, h.Value)
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// noSecrets fails when text holds any of the secrets in clear.
func noSecrets(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains a secret in clear (%s)", what, secret.Mask(s))
		}
	}
}
