package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

const twoPools = `name: Two pools
environments:
  dev: {region: eu-west-1, pool: eu-west-1_Dev1}
auth:
  web:
    type: cognito
    user_pool_id: "{{pool}}"
    client_id: webclient123
    client_secret_env: WEB_CLIENT_SECRET
    endpoint: "{{emulator}}"
  admin:
    type: cognito
    region: "{{region}}"
    user_pool_id: eu-west-1_Admin2
    client_id: adminclient456
    flow: password
    username: root
  keys: {type: static, access_key_id_env: K, secret_access_key_env: S}
requests:
  - {name: ping, method: GET, url: "https://example.com/ping", auth: {mode: none}}
`

func loadCollection(t *testing.T, text string) *collections.Collection {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := collections.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestResolveCognitoProfile(t *testing.T) {
	c := loadCollection(t, twoPools)
	vars := map[string]string{"emulator": "http://127.0.0.1:7466"}
	env := map[string]string{"WEB_CLIENT_SECRET": "s3cr3t-value-for-web-client"}
	getenv := func(n string) (string, bool) { v, ok := env[n]; return v, ok }

	// Two cognito profiles and defaults that name none: the caller must choose.
	if _, _, err := ResolveCognitoProfile(c, "", "", vars, getenv); err == nil || !strings.Contains(err.Error(), "several cognito auth profiles (web, admin)") {
		t.Fatalf("ambiguous: %v", err)
	}
	p, envName, err := ResolveCognitoProfile(c, "web", "", vars, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if envName != "dev" || p.UserPoolID != "eu-west-1_Dev1" || p.Endpoint != "http://127.0.0.1:7466" || p.Region != "eu-west-1" || p.Flow != "srp" {
		t.Errorf("web: env %q, %+v", envName, p)
	}
	cp, err := CognitoProfileFrom(p, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cp.ClientSecret != env["WEB_CLIENT_SECRET"] || strings.Contains(cp.String(), env["WEB_CLIENT_SECRET"]) {
		t.Error("the client secret is not read, or is shown by String")
	}
	// An unset secret variable is an error only where the secret is needed
	// (TestClientSecretReadOnlyWhenNeeded): loading the profile names it.
	if cp, err := CognitoProfileFrom(p, func(string) (string, bool) { return "", false }); err != nil || cp.UnsetSecretEnv != "WEB_CLIENT_SECRET" {
		t.Errorf("unset secret variable: %+v %v", cp, err)
	}
	a, _, err := ResolveCognitoProfile(c, "admin", "", nil, getenv)
	if err != nil || a.Region != "eu-west-1" || a.Username != "root" || a.Flow != "password" {
		t.Errorf("admin: %+v %v", a, err)
	}
	if _, _, err := ResolveCognitoProfile(c, "keys", "", vars, getenv); err == nil || !strings.Contains(err.Error(), "is of type static") {
		t.Errorf("static profile: %v", err)
	}
	if _, _, err := ResolveCognitoProfile(c, "nope", "", vars, getenv); err == nil || !strings.Contains(err.Error(), "profiles: web, admin, keys") {
		t.Errorf("unknown profile: %v", err)
	}
	// {{emulator}} unset: the collection's error names the place.
	if _, _, err := ResolveCognitoProfile(c, "web", "", nil, getenv); err == nil || !strings.Contains(err.Error(), "c.yaml:") || !strings.Contains(err.Error(), "emulator") {
		t.Errorf("unset variable: %v", err)
	}

	// With defaults naming a cognito profile, that one is taken.
	c = loadCollection(t, strings.Replace(twoPools, "requests:", "defaults: {auth: {mode: iam, profile: admin}}\nrequests:", 1))
	if p, _, err := ResolveCognitoProfile(c, "", "", vars, getenv); err != nil || p.Name != "admin" {
		t.Errorf("defaults: %v %v", p, err)
	}
}

func TestCognitoProfileFromHostedFields(t *testing.T) {
	p := &collections.Profile{Name: "sso", Type: collections.ProfileCognito, Region: "eu-west-1", UserPoolID: "eu-west-1_Abc", ClientID: "abc",
		Flow: "hosted", Domain: "https://myapp.auth.eu-west-1.amazoncognito.com", IdentityProvider: "Google", Scopes: "openid email", RedirectPort: "8765"}
	cp, err := CognitoProfileFrom(p, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	if cp.Flow != FlowHosted || cp.Domain != p.Domain || cp.IdentityProvider != "Google" || len(cp.Scopes) != 2 || cp.RedirectPort != 8765 {
		t.Errorf("hosted fields not carried over: %+v", cp)
	}
	p.RedirectPort = "http"
	if _, err := CognitoProfileFrom(p, func(string) (string, bool) { return "", false }); err == nil {
		t.Error("a bad redirect_port was accepted")
	}
}

// TestClientSecretReadOnlyWhenNeeded: a profile whose client_secret_env is
// not set still gives a profile (a fresh cached token needs no secret);
// a login, which needs it, names the variable.
func TestClientSecretReadOnlyWhenNeeded(t *testing.T) {
	p := &collections.Profile{Name: "web", Type: collections.ProfileCognito, Region: "us-east-1",
		UserPoolID: "us-east-1_Demo1", ClientID: "client123", ClientSecretEnv: "WEB_CLIENT_SECRET"}
	cp, err := CognitoProfileFrom(p, func(string) (string, bool) { return "", false })
	if err != nil || cp.UnsetSecretEnv != "WEB_CLIENT_SECRET" {
		t.Fatalf("profile without the secret: %+v, %v", cp, err)
	}
	if _, err := NewLogin(cp, "demo"); err == nil || !strings.Contains(err.Error(), "client_secret_env names WEB_CLIENT_SECRET") {
		t.Fatalf("login without the secret: %v", err)
	}
	cp, err = CognitoProfileFrom(p, func(string) (string, bool) { return "s3cr3t", true })
	if err != nil || cp.ClientSecret != "s3cr3t" || cp.UnsetSecretEnv != "" {
		t.Fatalf("profile with the secret: %v", err)
	}
}

// TestPlainHTTPOnlyToLoopback: a Cognito endpoint or hosted UI domain in
// plain http is refused unless it is this machine.
func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	base := CognitoProfile{UserPoolID: "us-east-1_Demo1", ClientID: "client123"}
	for _, c := range []struct {
		endpoint, domain string
		ok               bool
	}{
		{"http://127.0.0.1:7466", "", true},
		{"http://localhost:7466", "", true},
		{"http://[::1]:7466", "", true},
		{"https://cognito.example.com", "", true},
		{"http://attacker.example.com", "", false},
		{"http://10.0.0.5:7466", "", false},
		{"", "http://evil.example.com", false},
		{"", "https://myapp.auth.us-east-1.amazoncognito.com", true},
	} {
		p := base
		p.Endpoint, p.Domain = c.endpoint, c.domain
		err := p.Validate()
		if (err == nil) != c.ok {
			t.Errorf("endpoint %q domain %q: %v", c.endpoint, c.domain, err)
		}
		if err != nil && !strings.Contains(err.Error(), "use https") {
			t.Errorf("message: %v", err)
		}
	}
}
