package emulator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	if !c.Builtin() {
		t.Error("DefaultConfig must report Builtin")
	}
	if c.Region != "us-east-1" || len(c.Credentials) < 1 || !strings.HasPrefix(c.Credentials[0].AccessKeyID, "AKIDSIGSCOPEDEMO") {
		t.Errorf("region/credentials: %q %+v", c.Region, c.Credentials)
	}
	if len(c.Cognito.UserPools) != 1 || c.Cognito.UserPools[0].ID != "us-east-1_Demo1" {
		t.Fatalf("user pools: %+v", c.Cognito.UserPools)
	}
	up := c.Cognito.UserPools[0]
	if len(up.Clients) != 2 || up.Clients[0].ID != "3n4b5urk1ft4fl3mg5e62d9ado" || up.Clients[0].Secret != "" || up.Clients[1].Secret == "" {
		t.Errorf("clients: %+v", up.Clients)
	}
	users := map[string]string{}
	for _, u := range up.Users {
		kind := u.Status
		if u.MFA != nil {
			kind = u.MFA.Type
		}
		users[u.Username] = kind
	}
	want := map[string]string{"demo": "", "newbie": "FORCE_CHANGE_PASSWORD", "totp-user": "totp", "sms-user": "sms"}
	for name, kind := range want {
		if got, ok := users[name]; !ok || got != kind {
			t.Errorf("user %s: %q (present %v), want %q", name, got, ok, kind)
		}
	}
	if up.Users[0].Password != "Passw0rd!" || up.Users[0].Attributes["email"] != "demo@example.com" {
		t.Errorf("demo user: %+v", up.Users[0])
	}
	if len(c.Cognito.IdentityPools) != 1 || c.Cognito.IdentityPools[0].ID != "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab" || !c.Cognito.IdentityPools[0].AllowUnauthenticated {
		t.Errorf("identity pools: %+v", c.Cognito.IdentityPools)
	}
	if time.Duration(c.Cognito.TokenLifetime) != time.Hour || time.Duration(c.Cognito.CredentialLifetime) != time.Hour {
		t.Errorf("lifetimes %v %v", c.Cognito.TokenLifetime, c.Cognito.CredentialLifetime)
	}
	routes := map[string]string{}
	for _, r := range c.API.Routes {
		routes[r.Method+" "+r.Path] = r.Authorizer + " " + r.Response.Kind
	}
	wantRoutes := map[string]string{
		"GET /pets": "AWS_IAM echo", "POST /pets": "AWS_IAM echo", "ANY /pets/{proxy+}": "AWS_IAM echo",
		"GET /me": "COGNITO_USER_POOLS echo", "GET /public": "NONE static", "POST /login-cookies": "AWS_IAM set-cookies",
		"GET /private/{proxy+}": "NONE cookie-protected",
	}
	for k, v := range wantRoutes {
		if routes[k] != v {
			t.Errorf("route %s = %q, want %q", k, routes[k], v)
		}
	}
	if c.API.ID != "abc123" || len(c.API.Stages) != 1 || c.API.Stages[0] != "prod" {
		t.Errorf("api: %+v", c.API)
	}
}

// TestConfigErrors: each error names file:line of the offending key.
func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	good := string(DefaultConfigYAML())
	lineOf := func(text, needle string) int {
		i := strings.Index(text, needle)
		if i < 0 {
			t.Fatalf("setup: %q not in config", needle)
		}
		return strings.Count(text[:i], "\n") + 1
	}
	cases := []struct {
		name    string
		text    string
		at      string // the line holding this text is the one the error must name
		message string
	}{
		{"unknown top-level field", good + "regoin: us-east-1\n", "regoin:", "field regoin not found"},
		{"unknown route field", strings.Replace(good, "{method: GET, path: /me,", "{method: GET, pth: /me,", 1), "pth: /me", "field pth not found"},
		{"unknown user field", strings.Replace(good, "        password: \"Welcome1!\"", "        passwd: \"Welcome1!\"", 1), "passwd:", "field passwd not found"},
		{"syntax error", strings.Replace(good, "region: us-east-1", "region: [us-east-1", 1), "", "did not find expected"},
		{"bad duration", strings.Replace(good, "token_lifetime: 1h", "token_lifetime: forever", 1), "token_lifetime: forever", "duration"},
		{"missing region", strings.Replace(good, "region: us-east-1\n", "", 1), "", "region is missing"},
		{"bad region", strings.Replace(good, "region: us-east-1", "region: mars", 1), "region: mars", `region "mars" does not look like`},
		{"bad account", strings.Replace(good, `account_id: "123456789012"`, `account_id: "12"`, 1), "account_id:", "12 digits"},
		{"bad access key", strings.Replace(good, "access_key_id: AKIDSIGSCOPEDEMO0001", "access_key_id: short", 1), "access_key_id: short", "16 to 128"},
		{"no secret", strings.Replace(good, "    secret_access_key: sigscopeDemoSecretKey0000/NotASecret+0001\n", "", 1), "- access_key_id: AKIDSIGSCOPEDEMO0001", "secret_access_key is missing"},
		{"bad arn", strings.Replace(good, "arn: arn:aws:iam::123456789012:user/sigscope-demo", "arn: nope", 1), "arn: nope", "must look like arn:aws:iam"},
		{"pool in another region", strings.Replace(good, "  - id: us-east-1_Demo1", "  - id: eu-west-1_Demo1", 1), "- id: eu-west-1_Demo1", "not in region us-east-1"},
		{"bad route method", strings.Replace(good, "{method: POST, path: /pets,", "{method: FETCH, path: /pets,", 1), "method: FETCH", `unknown method "FETCH"`},
		{"bad authorizer", strings.Replace(good, "authorizer: COGNITO_USER_POOLS", "authorizer: COGNITO", 1), "authorizer: COGNITO", `unknown authorizer "COGNITO"`},
		{"bad response kind", strings.Replace(good, "response: {kind: cookie-protected}", "response: {kind: cookies}", 1), "response: {kind: cookies}", `unknown response kind "cookies"`},
		{"empty", "", "", "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".yaml")
			if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+":") {
				t.Errorf("error does not start with %s:LINE: %q", path, msg)
			}
			if c.at != "" {
				want := path + ":" + itoa(lineOf(c.text, c.at)) + ": "
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not name line %s", msg, want)
				}
			}
			if !strings.Contains(msg, c.message) {
				t.Errorf("error %q lacks %q", msg, c.message)
			}
		})
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

// TestCognitoErrorsLocated: errors only cognito.New finds are reported by
// Start with the file:line of the item.
func TestCognitoErrorsLocated(t *testing.T) {
	good := string(DefaultConfigYAML())
	text := strings.Replace(good, "        status: FORCE_CHANGE_PASSWORD", "        status: BOGUS", 1)
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	_, err = Start(context.Background(), Options{Config: cfg, Addr: "127.0.0.1:0"})
	if err == nil {
		t.Fatal("started with a bad user status")
	}
	want := path + ":" + itoa(strings.Count(text[:strings.Index(text, "- username: newbie")], "\n")+1) + ": "
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "BOGUS") {
		t.Errorf("error %q, want prefix %q and the bad status", err, want)
	}
}

func itoa(n int) string {
	b := []byte{}
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
