package cognito

import (
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// exampleYAML is the shape the emulator's config file embeds.
const exampleYAML = `
user_pools:
  - id: us-east-1_Demo1
    name: demo
    clients:
      - id: 3n4b5urk1ft4fl3mg5e62d9ado
        name: web
        secret: ""
        auth_flows: [USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH]
    users:
      - username: demo
        password: "Passw0rd!"
        status: CONFIRMED
        attributes: {email: demo@example.com, email_verified: true}
        mfa: {type: totp, secret: JBSWY3DPEHPK3PXP}
      - username: texter
        password: "Passw0rd!"
        mfa: {type: sms, phone: "+15555550100"}
identity_pools:
  - id: us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab
    allow_unauthenticated: true
    user_pools: [us-east-1_Demo1]
token_lifetime: 90s
credential_lifetime: 2h
`

func TestConfigYAML(t *testing.T) {
	var cfg Config
	if err := yaml.Unmarshal([]byte(exampleYAML), &cfg); err != nil {
		t.Fatal(err)
	}
	if time.Duration(cfg.TokenLifetime) != 90*time.Second || time.Duration(cfg.CredentialLifetime) != 2*time.Hour {
		t.Errorf("lifetimes %s %s", cfg.TokenLifetime, cfg.CredentialLifetime)
	}
	u := cfg.UserPools[0].Users[0]
	if u.Attributes["email_verified"] != "true" || u.MFA == nil || u.MFA.Secret != "JBSWY3DPEHPK3PXP" {
		t.Errorf("user = %+v", u)
	}
	svc, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if svc.tokenTTL != 90*time.Second || svc.credTTL != 2*time.Hour || svc.opts.Region != "us-east-1" || svc.opts.AccountID != "000000000000" {
		t.Errorf("defaults: %s %s %q %q", svc.tokenTTL, svc.credTTL, svc.opts.Region, svc.opts.AccountID)
	}
	// Written back, durations stay readable strings.
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "token_lifetime: 1m30s") {
		t.Errorf("marshalled config:\n%s", out)
	}
	var back Config
	if err := yaml.Unmarshal(out, &back); err != nil || back.TokenLifetime != cfg.TokenLifetime {
		t.Errorf("round trip: %v", err)
	}

	if err := yaml.Unmarshal([]byte("token_lifetime: forever\n"), &cfg); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad duration: %v", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	svc, err := New(Config{UserPools: []UserPoolConfig{{ID: "eu-west-1_X", Clients: []ClientConfig{{ID: "c1"}}}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if svc.tokenTTL != time.Hour || svc.credTTL != time.Hour {
		t.Errorf("default lifetimes %s %s", svc.tokenTTL, svc.credTTL)
	}
	c := svc.clients["c1"]
	if !c.flows[flowSRP] || !c.flows[flowPassword] || !c.flows[flowRefresh] {
		t.Errorf("default flows %v", c.flows)
	}
}

func TestConfigErrors(t *testing.T) {
	base := func() Config { return testConfig() }
	for _, c := range []struct {
		name   string
		mutate func(*Config)
		want   []string
	}{
		{"empty pool id", func(c *Config) { c.UserPools[1].ID = "" }, []string{"user_pools[1]: id is empty"}},
		{"bad pool id", func(c *Config) { c.UserPools[1].ID = "Demo1" }, []string{"user_pools[1] (Demo1): id \"Demo1\""}},
		{"duplicate pool", func(c *Config) { c.UserPools[1].ID = poolID }, []string{"user_pools[1] (us-east-1_Demo1): duplicate id, already used by user_pools[0]"}},
		{"empty client id", func(c *Config) { c.UserPools[0].Clients[1].ID = "" }, []string{"user_pools[0].clients[1]: id is empty"}},
		{"duplicate client across pools", func(c *Config) { c.UserPools[1].Clients[0].ID = webClient },
			[]string{"user_pools[1].clients[0] (" + webClient + "): duplicate client id, already used by user_pools[0].clients[0]"}},
		{"unknown flow", func(c *Config) { c.UserPools[0].Clients[0].AuthFlows = []string{"CUSTOM_AUTH"} }, []string{"user_pools[0].clients[0] (" + webClient + "): auth_flows: unknown flow \"CUSTOM_AUTH\""}},
		{"empty username", func(c *Config) { c.UserPools[0].Users[1].Username = "" }, []string{"user_pools[0].users[1]: username is empty"}},
		{"duplicate username", func(c *Config) { c.UserPools[0].Users[1].Username = "demo" }, []string{"user_pools[0].users[1] (demo): duplicate username, already used by users[0]"}},
		{"empty password", func(c *Config) { c.UserPools[0].Users[0].Password = "" }, []string{"user_pools[0].users[0] (demo): password is empty"}},
		{"bad status", func(c *Config) { c.UserPools[0].Users[0].Status = "DISABLED" }, []string{"user_pools[0].users[0] (demo): status \"DISABLED\""}},
		{"bad confirmation code", func(c *Config) { c.UserPools[0].ConfirmationCode = "12345" }, []string{"user_pools[0] (us-east-1_Demo1): confirmation_code \"12345\": want six digits"}},
		{"short password policy", func(c *Config) { c.UserPools[0].PasswordPolicy = &PasswordPolicyConfig{MinimumLength: 4} }, []string{"user_pools[0] (us-east-1_Demo1): password_policy.minimum_length 4: Cognito allows 6 to 99"}},
		{"bad totp secret", func(c *Config) { c.UserPools[0].Users[2].MFA.Secret = "not-base32!" }, []string{"user_pools[0].users[2] (totp): mfa.secret: not base32"}},
		{"empty totp secret", func(c *Config) { c.UserPools[0].Users[2].MFA.Secret = "" }, []string{"user_pools[0].users[2] (totp): mfa.secret: empty"}},
		{"bad phone", func(c *Config) { c.UserPools[0].Users[3].MFA.Phone = "555-0100" }, []string{"user_pools[0].users[3] (sms): mfa.phone \"555-0100\""}},
		{"bad mfa type", func(c *Config) { c.UserPools[0].Users[3].MFA.Type = "email" }, []string{"user_pools[0].users[3] (sms): mfa.type \"email\""}},
		{"reserved attribute", func(c *Config) { c.UserPools[0].Users[0].Attributes["aud"] = "x" }, []string{"user_pools[0].users[0] (demo): attributes: \"aud\""}},
		{"unknown user pool in identity pool", func(c *Config) { c.IdentityPools[1].UserPools = []string{"us-east-1_Ghost"} },
			[]string{"identity_pools[1] (" + idPoolNoGuest + "): user_pools: \"us-east-1_Ghost\" is not a configured user pool"}},
		{"empty identity pool id", func(c *Config) { c.IdentityPools[0].ID = "" }, []string{"identity_pools[0]: id is empty"}},
		{"duplicate identity pool", func(c *Config) { c.IdentityPools[1].ID = idPoolGuest }, []string{"identity_pools[1] (" + idPoolGuest + "): duplicate id"}},
		{"negative lifetime", func(c *Config) { c.TokenLifetime = Duration(-time.Second) }, []string{"token_lifetime: must be positive"}},
		{"several problems at once", func(c *Config) {
			c.UserPools[0].Users[0].Password = ""
			c.IdentityPools[0].ID = ""
		}, []string{"users[0] (demo): password is empty", "identity_pools[0]: id is empty"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := base()
			c.mutate(&cfg)
			_, err := New(cfg, Options{})
			if err == nil {
				t.Fatal("New accepted the config")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), demoPassword) || strings.Contains(err.Error(), clientSecret) {
				t.Error("the error quotes a password or secret")
			}
		})
	}
}
