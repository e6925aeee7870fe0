package apigw

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// commandGateway serves an API whose Lambda authorizers are this test
// binary playing sigscope's sample authorizer (TestMain).
func commandGateway(t *testing.T, ttl string) *httptest.Server {
	t.Helper()
	var cfg Config
	y := `
id: abc123
stages: [prod]
routes:
  - {method: ANY, path: /cmd, authorizer: CUSTOM, authorizer_name: cmd, response: {kind: echo}}
  - {method: ANY, path: /req, authorizer: CUSTOM, authorizer_name: req, response: {kind: echo}}
authorizers:
  - {name: cmd, type: TOKEN, command: [` + jsonQuote(os.Args[0]) + `, emulator, sample-authorizer], timeout: 10s, ttl: ` + ttl + `}
  - {name: req, type: REQUEST, identity_source: "method.request.header.Authorization, method.request.querystring.tenant", command: [` + jsonQuote(os.Args[0]) + `, emulator, sample-authorizer], timeout: 10s, ttl: 0s}
`
	if err := yaml.Unmarshal([]byte(y), &cfg); err != nil {
		t.Fatal(err)
	}
	g, err := New(cfg, Deps{Region: testRegion, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return srv
}

func jsonQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestCommandAuthorizer: a local command plays the Lambda, and its answers
// come out as API Gateway's: AWS's "Output from an API Gateway Lambda
// authorizer" (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html)
// and the 403/500 of https://repost.aws/knowledge-center/api-gateway-lambda-authorizer-errors.
func TestCommandAuthorizer(t *testing.T) {
	srv := commandGateway(t, "0s")
	cases := []struct {
		name, path, token string
		status            int
		errType, msg      string
		reason            string
	}{
		{"allow", "/cmd", "Bearer cmd-allow", 200, "", "", ""},
		{"deny", "/cmd", "Bearer cmd-deny", 403, ErrAccessDenied, MsgAuthorizerDenied + msgExplicitDeny, "statement 0 denies execute-api:Invoke"},
		{"raises Unauthorized", "/cmd", "Bearer nobody", 401, ErrUnauthorized, MsgUnauthorized, "raised Unauthorized"},
		{"no token", "/cmd", "", 401, ErrUnauthorized, MsgUnauthorized, "missing or empty"},
		{"garbage", "/cmd", "Bearer cmd-garbage", 500, ErrAuthorizerConfig, "", "not a JSON object"},
		{"timeout", "/cmd", "Bearer cmd-slow", 500, ErrAuthorizerConfig, "", "did not answer within 10s"},
		{"REQUEST: allow", "/req?tenant=demo", "Bearer cmd-allow", 200, "", "", ""},
		{"REQUEST: a source missing", "/req", "Bearer cmd-allow", 401, ErrUnauthorized, MsgUnauthorized, "method.request.querystring.tenant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := map[string]string{HeaderWhy: "1"}
			if c.token != "" {
				hdr["Authorization"] = c.token
			}
			res := get(t, srv.URL+"/prod"+c.path, hdr)
			if res.status != c.status || res.header.Get("x-amzn-ErrorType") != c.errType {
				t.Fatalf("%d %s %s, want %d %s", res.status, res.header.Get("x-amzn-ErrorType"), res.body, c.status, c.errType)
			}
			if c.status == 200 {
				if jsonPath(res.json, "requestContext", "authorizer", "principalId") != "command-user" || jsonPath(res.json, "requestContext", "authorizer", "source") != "command" {
					t.Errorf("the command's principalId and context are not in the echo: %s", res.body)
				}
				return
			}
			if c.status == 500 {
				// API Gateway's body for AuthorizerConfigurationException.
				if strings.TrimSpace(string(res.body)) != `{"message":null}` {
					t.Errorf("body %s, want {\"message\":null}", res.body)
				}
			} else if res.message != c.msg {
				t.Errorf("message %q, want %q", res.message, c.msg)
			}
			if d := res.header.Get(HeaderDecision); !strings.Contains(d, c.reason) {
				t.Errorf("decision %q lacks %q", d, c.reason)
			}
			if l := res.header.Get(HeaderLayers); !strings.Contains(l, `"layer":"authorizer","verdict":"refused"`) || (c.token != "" && strings.Contains(l, c.token)) {
				t.Errorf("layers %s: want the authorizer refused, no token quoted", l)
			}
		})
	}
}

// TestCommandAuthorizerCache: a command's result is cached by token for
// the TTL, as a Lambda's is (authorizerResultTtlInSeconds).
func TestCommandAuthorizerCache(t *testing.T) {
	srv := commandGateway(t, "5m")
	hdr := map[string]string{HeaderWhy: "1", "Authorization": "Bearer cmd-allow"}
	first := get(t, srv.URL+"/prod/cmd", hdr)
	second := get(t, srv.URL+"/prod/cmd", hdr)
	if first.status != 200 || second.status != 200 {
		t.Fatalf("%d %d", first.status, second.status)
	}
	if strings.Contains(first.header.Get(HeaderLayers), "cached result") || !strings.Contains(second.header.Get(HeaderLayers), "cached result") {
		t.Errorf("want the second answer from the cache:\n%s\n%s", first.header.Get(HeaderLayers), second.header.Get(HeaderLayers))
	}
}

// TestCommandEventShapes: the events are AWS's TOKEN and REQUEST inputs
// ("Input to an API Gateway Lambda authorizer",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
func TestCommandEventShapes(t *testing.T) {
	g := &Gateway{cfg: Config{ID: "abc123"}, region: testRegion, deps: Deps{AccountID: "123456789012"}, stages: map[string]bool{"prod": true}}
	r := httptest.NewRequest("GET", "http://127.0.0.1/prod/pets/7?tenant=a&tenant=b", nil)
	r.Header.Set("Authorization", "Bearer t")
	rt := &compiledRoute{Route: Route{Method: "GET", Path: "/pets/{id}"}}
	rc := &reqCtx{requestID: "rid", stage: "prod", match: match{route: rt, params: map[string]string{"id": "7"}}}
	tok := g.commandEvent(&lambdaAuthorizer{LambdaAuthorizer: LambdaAuthorizer{Type: "TOKEN"}}, "Bearer t", r, rc)
	want := map[string]any{"type": "TOKEN", "authorizationToken": "Bearer t", "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/7"}
	if b, w := mustJSON(t, tok), mustJSON(t, want); b != w {
		t.Errorf("TOKEN event %s, want %s", b, w)
	}
	req := g.commandEvent(&lambdaAuthorizer{LambdaAuthorizer: LambdaAuthorizer{Type: "REQUEST"}}, "", r, rc)
	for _, k := range []string{"type", "methodArn", "resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext"} {
		if _, ok := req[k]; !ok {
			t.Errorf("REQUEST event lacks %s", k)
		}
	}
	if req["resource"] != "/pets/{id}" || req["path"] != "/pets/7" || req["queryStringParameters"].(map[string]string)["tenant"] != "b" ||
		len(req["multiValueQueryStringParameters"].(map[string][]string)["tenant"]) != 2 || req["pathParameters"].(map[string]string)["id"] != "7" {
		t.Errorf("REQUEST event %s", mustJSON(t, req))
	}
	if rctx := req["requestContext"].(map[string]any); rctx["apiId"] != "abc123" || rctx["stage"] != "prod" || rctx["resourcePath"] != "/pets/{id}" {
		t.Errorf("requestContext %v", rctx)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCommandConfigErrors: a command authorizer is checked when the
// config loads.
func TestCommandConfigErrors(t *testing.T) {
	for _, c := range []struct{ auth, want string }{
		{`{name: a, type: TOKEN, command: [x], results: {t: {effect: Allow}}}`, "results or a command, not both"},
		{`{name: a, type: TOKEN, command: [""]}`, "the program to run"},
		{`{name: a, type: TOKEN, command: [x], timeout: 31s}`, "at most 30s"},
		{`{name: a, type: TOKEN, results: {t: {effect: Allow}}, timeout: 1s}`, "timeout is for a command authorizer"},
	} {
		var cfg Config
		if err := yaml.Unmarshal([]byte("id: a\nstages: [prod]\nauthorizers:\n  - "+c.auth+"\n"), &cfg); err != nil {
			t.Fatal(err)
		}
		if err := Validate(cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.auth, err, c.want)
		}
	}
}
