package apigw

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"gopkg.in/yaml.v3"
)

// poolTokens is a verifier holding a few well-signed tokens by name: the
// gateway's checks, not JWT parsing, are under test here (the emulator's
// cognito package verifies real tokens; emulator/authz_cognito_test.go
// sends those).
type poolTokens map[string]struct {
	claims map[string]any
	pool   string
}

func (p poolTokens) VerifyUserPoolToken(tok string, now time.Time) (map[string]any, string, error) {
	t, ok := p[tok]
	if !ok {
		return nil, "", fmt.Errorf("signature is no pool's")
	}
	if exp, _ := t.claims["exp"].(float64); now.Unix() >= int64(exp) {
		return t.claims, t.pool, fmt.Errorf("verify: %w", jwt.ErrTokenExpired)
	}
	return t.claims, t.pool, nil
}

const cognitoYAML = `
id: abc123
stages: [prod]
routes:
  - {method: GET, path: /me, authorizer: COGNITO_USER_POOLS, response: {kind: echo}}
  - {method: GET, path: /scoped, authorizer: COGNITO_USER_POOLS, authorization_scopes: [pets/read, pets/write], response: {kind: echo}}
  - {method: GET, path: /partner, authorizer: COGNITO_USER_POOLS, user_pools: [us-east-1_Partner1], response: {kind: echo}}
  - {method: GET, path: /late, authorizer: COGNITO_USER_POOLS, token_clock_ahead: 2h, response: {kind: echo}}
`

// TestCognitoAuthorizerScopesPoolsExpiry: API Gateway's rule, from AWS's
// "Integrate a REST API with an Amazon Cognito user pool": no scopes on
// the method, an id token; scopes, an access token carrying one. Every
// other token is 401 Unauthorized, a good one past exp 401 "The incoming
// token has expired" (https://repost.aws/knowledge-center/api-gateway-401-error-unauthorized).
func TestCognitoAuthorizerScopesPoolsExpiry(t *testing.T) {
	var cfg Config
	if err := yaml.Unmarshal([]byte(cognitoYAML), &cfg); err != nil {
		t.Fatal(err)
	}
	exp := float64(testNow.Add(time.Hour).Unix())
	toks := poolTokens{
		"i.d.token":    {map[string]any{"token_use": "id", "cognito:username": "demo", "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Demo1", "exp": exp}, "us-east-1_Demo1"},
		"a.admin.only": {map[string]any{"token_use": "access", "username": "demo", "scope": "aws.cognito.signin.user.admin", "exp": exp}, "us-east-1_Demo1"},
		"a.pets.read":  {map[string]any{"token_use": "access", "username": "demo", "scope": "openid pets/read", "exp": exp}, "us-east-1_Demo1"},
		"p.artner.id":  {map[string]any{"token_use": "id", "cognito:username": "p", "exp": exp}, "us-east-1_Partner1"},
		"o.ld.id":      {map[string]any{"token_use": "id", "exp": float64(testNow.Add(-time.Minute).Unix())}, "us-east-1_Demo1"},
	}
	g, err := New(cfg, Deps{Region: testRegion, Now: func() time.Time { return testNow }, Tokens: toks})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, path, token string
		status            int
		msg, reason       string
	}{
		{"id token, no scopes", "/me", "i.d.token", 200, "", ""},
		{"missing", "/me", "", 401, MsgUnauthorized, "no Authorization header"},
		{"Bearer", "/me", "Bearer i.d.token", 401, MsgUnauthorized, `starts with "Bearer "`},
		{"malformed", "/me", "not-a-jwt", 401, MsgUnauthorized, "not a JWT"},
		{"forged", "/me", "x.y.z", 401, MsgUnauthorized, "not that of a user pool"},
		{"access token, no scopes", "/me", "a.admin.only", 401, MsgUnauthorized, "an access token: this method has no authorization scopes, so it wants an id token"},
		{"id token, scopes", "/scoped", "i.d.token", 401, MsgUnauthorized, "an id token: this method has authorization scopes (pets/read pets/write)"},
		{"access token lacking the scopes", "/scoped", "a.admin.only", 401, MsgUnauthorized, "scope (aws.cognito.signin.user.admin) has none of the method's authorization scopes (pets/read pets/write)"},
		{"access token with one scope", "/scoped", "a.pets.read", 200, "", ""},
		{"other pool", "/partner", "i.d.token", 401, MsgUnauthorized, "from user pool us-east-1_Demo1; this authorizer trusts us-east-1_Partner1"},
		{"trusted pool", "/partner", "p.artner.id", 200, "", ""},
		{"expired", "/me", "o.ld.id", 401, MsgTokenExpired, "the token expired at"},
		{"judged late", "/late", "i.d.token", 401, MsgTokenExpired, "token_clock_ahead"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := map[string]string{HeaderWhy: "1"}
			if c.token != "" {
				hdr["Authorization"] = c.token
			}
			res := get(t, srv.URL+"/prod"+c.path, hdr)
			if res.status != c.status {
				t.Fatalf("status %d, want %d: %s", res.status, c.status, res.body)
			}
			layers := res.header.Get(HeaderLayers)
			if c.token != "" && strings.Contains(layers+res.header.Get(HeaderDecision), c.token) {
				t.Errorf("the token is quoted in the verdicts: %s", layers)
			}
			if c.status == 200 {
				if !strings.Contains(layers, `"layer":"token","verdict":"pass"`) {
					t.Errorf("layers %s: want the token layer passed", layers)
				}
				return
			}
			if res.message != c.msg || res.header.Get("x-amzn-ErrorType") != ErrUnauthorized {
				t.Errorf("answer %q %q, want %q %s", res.header.Get("x-amzn-ErrorType"), res.message, c.msg, ErrUnauthorized)
			}
			if got := res.header.Get(HeaderDecision); !strings.Contains(got, c.reason) {
				t.Errorf("decision %q lacks %q", got, c.reason)
			}
			if !strings.Contains(layers, `"layer":"token","verdict":"refused"`) || !strings.Contains(layers, `"layer":"policy","verdict":"unreached"`) {
				t.Errorf("layers %s: want token refused, policy unreached", layers)
			}
		})
	}
}

// TestCognitoRouteValidation: the settings are for Cognito routes only
// and name real pool ids.
func TestCognitoRouteValidation(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{`{method: GET, path: /x, authorizer: NONE, authorization_scopes: [a], response: {kind: echo}}`, "are for COGNITO_USER_POOLS routes"},
		{`{method: GET, path: /x, authorizer: COGNITO_USER_POOLS, user_pools: [Demo1], response: {kind: echo}}`, "is not a user pool id"},
		{`{method: GET, path: /x, authorizer: COGNITO_USER_POOLS, authorization_scopes: ["a b"], response: {kind: echo}}`, "one word"},
	} {
		var cfg Config
		if err := yaml.Unmarshal([]byte("id: a\nstages: [prod]\nroutes:\n  - "+c.yaml+"\n"), &cfg); err != nil {
			t.Fatal(err)
		}
		if err := Validate(cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.yaml, err, c.want)
		}
	}
}
