package apigw

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	ok := testConfig()
	if err := Validate(ok); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	cases := []struct {
		name     string
		edit     func(c *Config)
		wantPath string
		wantMsg  string
	}{
		{"no id", func(c *Config) { c.ID = "" }, "id", "needs an id"},
		{"no stages", func(c *Config) { c.Stages = nil }, "stages", "at least one stage"},
		{"stage with slash", func(c *Config) { c.Stages = []string{"a/b"} }, "stages[0]", "without '/'"},
		{"duplicate stage", func(c *Config) { c.Stages = []string{"prod", "prod"} }, "stages[1]", "listed twice"},
		{"bad method", func(c *Config) { c.Routes[0].Method = "FETCH" }, "routes[0].method", `unknown method "FETCH"`},
		{"relative path", func(c *Config) { c.Routes[0].Path = "pets" }, "routes[0].path", "must start with '/'"},
		{"greedy not last", func(c *Config) { c.Routes[2].Path = "/pets/{proxy+}/x" }, "routes[2].path", "must be the last segment"},
		{"partial param", func(c *Config) { c.Routes[2].Path = "/pets/id-{id}" }, "routes[2].path", "may not contain braces"},
		{"duplicate route", func(c *Config) { c.Routes[1].Method = "GET" }, "routes[1].path", "repeats routes[0]"},
		{"same shape other names", func(c *Config) {
			c.Routes = append(c.Routes, Route{Method: "GET", Path: "/x/{a}", Authorizer: AuthNone, Response: Response{Kind: KindEcho}},
				Route{Method: "GET", Path: "/x/{b}", Authorizer: AuthNone, Response: Response{Kind: KindEcho}})
		}, "routes[8].path", "repeats routes[7]"},
		{"no authorizer", func(c *Config) { c.Routes[0].Authorizer = "" }, "routes[0].authorizer", "missing authorizer"},
		{"bad authorizer", func(c *Config) { c.Routes[0].Authorizer = "IAM" }, "routes[0].authorizer", `unknown authorizer "IAM"`},
		{"no kind", func(c *Config) { c.Routes[0].Response.Kind = "" }, "routes[0].response.kind", "missing response kind"},
		{"bad kind", func(c *Config) { c.Routes[0].Response.Kind = "proxy" }, "routes[0].response.kind", `unknown response kind "proxy"`},
		{"bad status", func(c *Config) { c.Routes[4].Response.Status = 42 }, "routes[4].response.status", "not an HTTP status"},
		{"bad cookie resource", func(c *Config) { c.Routes[5].Response.Resource = "prod/*" }, "routes[5].response.resource", "must be a path"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			c.edit(&cfg)
			err := Validate(cfg)
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("got %v, want *ValidationError", err)
			}
			for _, fe := range ve.Errors {
				if fe.Path == c.wantPath && strings.Contains(fe.Msg, c.wantMsg) {
					return
				}
			}
			t.Fatalf("errors %v lack %s: %q", ve.Errors, c.wantPath, c.wantMsg)
		})
	}
	if _, err := New(testConfig(), Deps{Region: "us-east-1", Tokens: fakeTokens{}}); err == nil || !strings.Contains(err.Error(), "Deps.Credentials") {
		t.Errorf("IAM route without credentials: %v", err)
	}
}

func TestRouting(t *testing.T) {
	cfg := Config{ID: "x", Stages: []string{"v1"}, Routes: []Route{
		{Method: "GET", Path: "/", Authorizer: AuthNone, Response: Response{Kind: KindEcho}},
		{Method: "GET", Path: "/a/{id}", Authorizer: AuthNone, Response: Response{Kind: KindEcho}},
		{Method: "GET", Path: "/a/fixed", Authorizer: AuthNone, Response: Response{Kind: KindEcho}},
		{Method: "ANY", Path: "/a/{proxy+}", Authorizer: AuthNone, Response: Response{Kind: KindEcho}},
		{Method: "POST", Path: "/b/{id}", Authorizer: AuthNone, Response: Response{Kind: KindEcho}},
		{Method: "ANY", Path: "/b/{id}", Authorizer: AuthNone, Response: Response{Kind: KindEcho}},
		{Method: "PUT", Path: "/c", Authorizer: AuthNone, Response: Response{Kind: KindEcho}},
	}}
	g, err := New(cfg, Deps{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path string
		resource     string // "" = no route
		params       map[string]string
	}{
		{"GET", "/", "/", nil},
		{"GET", "/a/fixed", "/a/fixed", nil},
		{"GET", "/a/7", "/a/{id}", map[string]string{"id": "7"}},
		{"GET", "/a/x%20y", "/a/{id}", map[string]string{"id": "x y"}},
		// /a/{id} is the most specific resource and has no POST: as in API
		// Gateway, the request does not fall through to /a/{proxy+}.
		{"POST", "/a/7", "", nil},
		{"GET", "/a/7/8/9", "/a/{proxy+}", map[string]string{"proxy": "7/8/9"}},
		{"GET", "/a", "", nil},
		{"POST", "/b/1", "/b/{id}", map[string]string{"id": "1"}},
		{"DELETE", "/b/1", "/b/{id}", map[string]string{"id": "1"}},
		{"GET", "/c", "", nil},
		{"GET", "/c/", "", nil},
		{"PUT", "/c/", "/c", nil},
		{"GET", "/zzz", "", nil},
	}
	for _, c := range cases {
		m, ok := route(g.routes, c.method, splitWirePath(c.path))
		if c.resource == "" {
			if ok {
				t.Errorf("%s %s routed to %s, want none", c.method, c.path, m.route.Path)
			}
			continue
		}
		if !ok || m.route.Path != c.resource {
			t.Errorf("%s %s: got %v, want %s", c.method, c.path, m.route, c.resource)
			continue
		}
		for k, v := range c.params {
			if m.params[k] != v {
				t.Errorf("%s %s: param %s = %q, want %q", c.method, c.path, k, m.params[k], v)
			}
		}
	}
}

func TestPublicAndEcho(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	res := get(t, srv.URL+"/prod/public", nil)
	if res.status != 200 || res.message != "hello" || res.header.Get("x-amzn-ErrorType") != "" || !uuidRE.MatchString(res.header.Get("x-amzn-RequestId")) {
		t.Fatalf("public: %d %s %v", res.status, res.body, res.header)
	}

	body := "\xff\xfebinary"
	req := signed(t, "PUT", srv.URL+"/prod/pets/dir/a%20b?x=1&x=2&y=", body, tempCreds(), testRegion, "execute-api", testNow,
		map[string]string{"Content-Type": "application/octet-stream"})
	req.Header.Add("X-Multi", "one") // unsigned, added after signing
	req.Header.Add("X-Multi", "two")
	res = do(t, nil, req)
	if res.status != 200 {
		t.Fatalf("echo: %d %s", res.status, res.message)
	}
	e := res.json
	checks := map[string]any{
		"httpMethod":      "PUT",
		"resource":        "/pets/{proxy+}",
		"path":            "/pets/dir/a b",
		"rawPath":         "/prod/pets/dir/a%20b",
		"rawQuery":        "x=1&x=2&y=",
		"isBase64Encoded": true,
		"body":            base64.StdEncoding.EncodeToString([]byte(body)),
	}
	for k, want := range checks {
		if e[k] != want {
			t.Errorf("echo %s = %v, want %v", k, e[k], want)
		}
	}
	if got := jsonPath(e, "pathParameters", "proxy"); got != "dir/a b" {
		t.Errorf("pathParameters.proxy %v", got)
	}
	if got, _ := json.Marshal(jsonPath(e, "multiValueQueryStringParameters", "x")); string(got) != `["1","2"]` {
		t.Errorf("multi query x %s", got)
	}
	if got, _ := json.Marshal(jsonPath(e, "multiValueHeaders", "X-Multi")); string(got) != `["one","two"]` {
		t.Errorf("multi header %s", got)
	}
	if got := jsonPath(e, "multiValueHeaders", "X-Amz-Security-Token"); got == nil || strings.Contains(string(res.body), tempToken) {
		t.Errorf("session token must be echoed masked, got %v", got)
	}
	id := map[string]any{
		"accessKey": tempAKID, "cognitoIdentityId": "us-east-1:11111111-2222-3333-4444-555555555555",
		"cognitoIdentityPoolId": "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab", "cognitoAuthenticationType": "authenticated",
		"sourceIp": "127.0.0.1",
	}
	for k, want := range id {
		if got := jsonPath(e, "requestContext", "identity", k); got != want {
			t.Errorf("identity.%s = %v, want %v", k, got, want)
		}
	}
	if got := jsonPath(e, "requestContext", "stage"); got != "prod" {
		t.Errorf("stage %v", got)
	}
}

func TestCognitoAuthorizer(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	// A token that only looks expired (its signature is no pool's) is
	// merely Unauthorized: the signature is checked first.
	forged := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":`+jsonInt(testNow.Add(-time.Minute).Unix())+`}`)) + ".c2ln"
	cases := []struct {
		name   string
		auth   string
		status int
		msg    string
	}{
		{"raw id_token", goodIDToken, 200, ""},
		{"Bearer prefix is refused", "Bearer " + goodIDToken, 401, "Unauthorized"},
		{"missing", "", 401, "Unauthorized"},
		{"garbage", "not-a-token", 401, "Unauthorized"},
		{"expired", expiredIDToken, 401, "The incoming token has expired"},
		{"forged, past its exp", forged, 401, "Unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := map[string]string{}
			if c.auth != "" {
				hdr["Authorization"] = c.auth
			}
			res := get(t, srv.URL+"/prod/me", hdr)
			if res.status != c.status {
				t.Fatalf("status %d, want %d: %s", res.status, c.status, res.body)
			}
			if c.status == 200 {
				if got := jsonPath(res.json, "requestContext", "authorizer", "claims", "cognito:username"); got != "demo" {
					t.Errorf("claims: %v", got)
				}
				if strings.Contains(string(res.body), goodIDToken) {
					t.Errorf("id_token echoed in clear")
				}
				return
			}
			if res.message != c.msg || res.header.Get("x-amzn-ErrorType") != ErrUnauthorized {
				t.Errorf("got %q / %q", res.message, res.header.Get("x-amzn-ErrorType"))
			}
		})
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestBodyTooLarge(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	req, _ := http.NewRequest("POST", srv.URL+"/prod/pets", strings.NewReader(strings.Repeat("a", MaxBody+1)))
	res := do(t, nil, req)
	if res.status != 413 {
		t.Fatalf("status %d", res.status)
	}
}

// TestClaimsPassedAsStrings: a REST API's Cognito authorizer hands every
// claim on as a string: times in its date format, numbers and booleans as
// text, lists joined by commas.
func TestClaimsPassedAsStrings(t *testing.T) {
	got := claimsAsStrings(map[string]any{
		"exp": float64(1796102408), "iat": float64(1796098808), "email_verified": true,
		"custom:level": float64(3), "cognito:groups": []any{"admin", "users"}, "sub": "0000-sub",
	})
	want := map[string]string{
		"exp": "Tue Dec 01 05:20:08 UTC 2026", "iat": "Tue Dec 01 04:20:08 UTC 2026", "email_verified": "true",
		"custom:level": "3", "cognito:groups": "admin,users", "sub": "0000-sub",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %#v, want %q", k, got[k], w)
		}
	}
}
