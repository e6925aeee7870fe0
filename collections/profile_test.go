package collections

import (
	"strings"
	"testing"
)

func TestResolveProfile(t *testing.T) {
	c, err := LoadBytes("p.yaml", []byte(`name: P
default_environment: dev
environments:
  dev: {region: us-east-1, ep: "http://127.0.0.1:1"}
  prod: {region: eu-west-1, ep: "https://cognito-idp.eu-west-1.amazonaws.com"}
auth:
  app: {type: cognito, region: "{{region}}", user_pool_id: us-east-1_Demo1, client_id: abc, endpoint: "{{ep}}", username: "{{user}}"}
  keys: {type: static, access_key_id_env: A, secret_access_key_env: B}
defaults: {auth: {mode: iam, profile: keys}}
requests: []
`))
	if err != nil {
		t.Fatal(err)
	}
	p, env, err := c.ResolveProfile("app", "prod", map[string]string{"user": "alice"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if env != "prod" || p.Region != "eu-west-1" || p.Endpoint != "https://cognito-idp.eu-west-1.amazonaws.com" || p.Username != "alice" || p.Type != ProfileCognito {
		t.Errorf("resolved %+v in %q", p, env)
	}
	if _, _, err := c.ResolveProfile("app", "", nil, nil); err == nil || !strings.Contains(err.Error(), "user") {
		t.Errorf("an unknown variable must be reported with its name: %v", err)
	}
	if _, _, err := c.ResolveProfile("ap", "", nil, nil); err == nil || !strings.Contains(err.Error(), `did you mean "app"`) {
		t.Errorf("unknown profile: %v", err)
	}
	if typ, ok := c.ProfileType("keys"); !ok || typ != ProfileStatic {
		t.Errorf("ProfileType(keys) = %q, %v", typ, ok)
	}
	if c.DefaultAuthProfile() != "keys" {
		t.Errorf("DefaultAuthProfile = %q", c.DefaultAuthProfile())
	}
}

func TestHostedUIProfile(t *testing.T) {
	src := `name: H
auth:
  sso: {type: cognito, user_pool_id: eu-west-1_Abc, client_id: abc, flow: hosted,
        domain: "https://myapp.auth.eu-west-1.amazoncognito.com", identity_provider: Google,
        scopes: openid email, redirect_port: "8765"}
requests: []
`
	c, err := LoadBytes("h.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := c.ResolveProfile("sso", "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Flow != "hosted" || p.Domain != "https://myapp.auth.eu-west-1.amazoncognito.com" || p.IdentityProvider != "Google" || p.Scopes != "openid email" || p.RedirectPort != "8765" {
		t.Errorf("hosted profile %+v", p)
	}
	bad := strings.Replace(src, `"8765"`, `"99999"`, 1)
	if _, err := LoadBytes("h.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "h.yaml:5:") || !strings.Contains(err.Error(), "redirect_port") {
		t.Errorf("bad redirect_port: %v", err)
	}
}
