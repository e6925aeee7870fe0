package apigw

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/emulator/iampolicy"
)

const (
	limitedAKID = "AKIDLIMITEDUSER00001"
	limitedKey  = "limitedUserSecretKey000000000000000000"
	roleAKID    = "ASIAROLESESSION00001"
	roleToken   = "FwoGZXIvYXdzROLESESSIONTOKEN"
	identityID  = "us-east-1:11111111-2222-3333-4444-555555555555"
	demoAPIKey  = "sigscopeTestApiKey0000000000000001"
	quotaAPIKey = "sigscopeTestApiKey0000000000000002"
)

// authzYAML is an API with every authorization layer, written as a user
// would write it in the emulator config.
const authzYAML = `
id: abc123
stages: [prod]
routes:
  - {method: ANY, path: "/pets/{proxy+}", authorizer: AWS_IAM, response: {kind: echo}}
  - {method: GET, path: /public, authorizer: NONE, response: {kind: static, body: {ok: true}}}
  - {method: GET, path: /blocked, authorizer: NONE, response: {kind: static, body: {ok: true}}}
  - {method: GET, path: /unlisted, authorizer: NONE, response: {kind: static, body: {ok: true}}}
  - {method: GET, path: /keyed, authorizer: NONE, api_key_required: true, response: {kind: echo}}
  - {method: ANY, path: /lambda, authorizer: CUSTOM, authorizer_name: tokens, response: {kind: echo}}
  - {method: GET, path: /tenant, authorizer: CUSTOM, authorizer_name: tenants, response: {kind: echo}}
resource_policy:
  Version: "2012-10-17"
  Statement:
    - {Sid: Public, Effect: Allow, Principal: "*", Action: "execute-api:Invoke", Resource: ["execute-api:/*/GET/public", "execute-api:/*/GET/keyed", "execute-api:/*/*/lambda", "execute-api:/*/GET/tenant"]}
    - {Sid: Demo, Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/demo"}, Action: "execute-api:Invoke", Resource: "execute-api:/*"}
    - {Sid: NoBlocked, Effect: Deny, Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*/GET/blocked"}
role_policies:
  "arn:aws:iam::123456789012:role/Cognito_Auth_Role":
    - '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*/pets/private/${cognito-identity.amazonaws.com:sub}/*"}}'
authorizers:
  - name: tokens
    type: TOKEN
    identity_source: method.request.header.Authorization
    validation_regex: "^Bearer [A-Za-z0-9-]+$"
    results:
      Bearer allow: {principal_id: user-1, effect: Allow, context: {tenant: acme, tier: 3}}
      Bearer deny: {principal_id: user-2, effect: Deny}
      Bearer get-only:
        principal_id: user-3
        policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/lambda"}]}
      Bearer broken: {response: '{"policyDocument": {"Version": "2012-10-17", "Statement": []}}'}
      Bearer bad-context: {principal_id: u, effect: Allow, context: {list: [1, 2]}}
  - name: tenants
    type: REQUEST
    identity_source: method.request.header.X-Tenant, method.request.querystring.key
    ttl: 0s
    results:
      acme,k1: {response: '{"principalId": "acme-user", "policyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}, "context": {"tenant": "acme"}}'}
api_keys:
  - {name: demo, value: ` + demoAPIKey + `}
  - {name: quota, value: ` + quotaAPIKey + `}
  - {name: orphan, value: sigscopeTestApiKey0000000000000003}
usage_plans:
  - {name: burst, keys: [demo], throttle: {rate: 0.001, burst: 2}}
  - {name: tiny, keys: [quota], quota: {limit: 1, period: DAY}}
`

type authzCreds struct{ fakeCreds }

func (f authzCreds) LookupCredentials(id string) (Credential, bool) {
	switch id {
	case limitedAKID:
		p := iampolicy.MustParse(`{"Version":"2012-10-17","Statement":[
			{"Sid":"ReadPets","Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/*"},
			{"Sid":"NoSecrets","Effect":"Deny","Action":"execute-api:*","Resource":"arn:aws:execute-api:*:*:abc123/*/*/pets/secret*"}]}`)
		return Credential{SecretAccessKey: limitedKey, Caller: map[string]any{"userArn": "arn:aws:iam::123456789012:user/limited", "accountId": "123456789012"},
			Policies: []iampolicy.Named{{Name: "user limited inline policy", Policy: p}}}, true
	case roleAKID:
		return Credential{SecretAccessKey: tempKey, SessionToken: roleToken, Expiration: f.now.Add(time.Hour), Caller: map[string]any{
			"userArn": "arn:aws:sts::123456789012:assumed-role/Cognito_Auth_Role/CognitoIdentityCredentials", "accountId": "123456789012",
			"cognitoIdentityId": identityID, "cognitoAuthenticationType": "authenticated",
		}}, true
	}
	return f.fakeCreds.LookupCredentials(id)
}

func newAuthzServer(t *testing.T) (*Gateway, *httptest.Server) {
	t.Helper()
	var cfg Config
	if err := yaml.Unmarshal([]byte(authzYAML), &cfg); err != nil {
		t.Fatal(err)
	}
	g, err := New(cfg, Deps{Region: testRegion, Now: func() time.Time { return testNow }, Credentials: authzCreds{fakeCreds{testNow}}, Tokens: fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv
}

const arnBase = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/"

// TestPolicyAnswers: each answer of the policy layer, with AWS's status,
// x-amzn-ErrorType and message (API Gateway Developer Guide, "Control
// access to a REST API with IAM permissions"; AWS re:Post knowledge
// center "How do I troubleshoot HTTP 403 Forbidden errors when using a
// Lambda authorizer with an API Gateway REST API?").
func TestPolicyAnswers(t *testing.T) {
	_, srv := newAuthzServer(t)
	limited := aws.Credentials{AccessKeyID: limitedAKID, SecretAccessKey: limitedKey}
	role := aws.Credentials{AccessKeyID: roleAKID, SecretAccessKey: tempKey, SessionToken: roleToken}
	cases := []struct {
		name         string
		method, path string
		creds        *aws.Credentials
		status       int
		errType, msg string
		decision     string
	}{
		{"identity policy allows", "GET", "/pets/1", &limited, 200, "", "", ""},
		{"implicit deny", "DELETE", "/pets/1", &limited, 403, ErrAccessDenied,
			"User: arn:aws:iam::123456789012:user/limited is not authorized to perform: execute-api:Invoke on resource: " + arnBase + "DELETE/pets/1", "no statement allows"},
		{"explicit deny", "GET", "/pets/secret-1", &limited, 403, ErrAccessDenied,
			"User: arn:aws:iam::123456789012:user/limited is not authorized to perform: execute-api:Invoke on resource: " + arnBase + "GET/pets/secret-1 with an explicit deny", `"NoSecrets"`},
		{"unrestricted key, resource policy allows the user", "DELETE", "/pets/1", ptr(staticCreds()), 200, "", "", ""},
		{"role policy with the identity's sub", "GET", "/pets/private/" + identityID + "/notes", &role, 200, "", "", ""},
		{"role policy, another identity's path", "GET", "/pets/private/us-east-1:other/notes", &role, 403, ErrAccessDenied,
			"User: arn:aws:sts::123456789012:assumed-role/Cognito_Auth_Role/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: " + arnBase + "GET/pets/private/us-east-1:other/notes", "no statement allows"},
		{"anonymous, resource policy allows", "GET", "/public", nil, 200, "", "", ""},
		{"anonymous, explicit deny", "GET", "/blocked", nil, 403, ErrAccessDenied,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arnBase + "GET/blocked with an explicit deny", `"NoBlocked"`},
		{"anonymous, no allow", "GET", "/unlisted", nil, 403, ErrAccessDenied,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arnBase + "GET/unlisted", "no statement of the resource policy allows"},
		{"no such route", "GET", "/nowhere", nil, 403, ErrMissingToken, MsgMissingToken, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var req *http.Request
			if c.creds != nil {
				req = signed(t, c.method, srv.URL+"/prod"+c.path, "", *c.creds, testRegion, "execute-api", testNow, nil)
			} else {
				req, _ = http.NewRequest(c.method, srv.URL+"/prod"+c.path, nil)
			}
			res := do(t, nil, req)
			checkAnswer(t, res, c.status, c.errType, c.msg)
			if c.decision != "" && !strings.Contains(res.header.Get(HeaderDecision), c.decision) {
				t.Errorf("%s = %q, want it to say %q", HeaderDecision, res.header.Get(HeaderDecision), c.decision)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func checkAnswer(t *testing.T, res result, status int, errType, msg string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	if got := res.header.Get("x-amzn-ErrorType"); got != errType {
		t.Errorf("x-amzn-ErrorType %q, want %q", got, errType)
	}
	if msg != "" && res.message != msg {
		t.Errorf("message\n got %q\nwant %q", res.message, msg)
	}
}

// TestLambdaAuthorizerAnswers: 401 for a missing or malformed token or one
// the Lambda refuses, 403 for its Deny or a policy not covering the
// method, 500 for an output API Gateway cannot use, and the context in
// the echo (AWS re:Post knowledge center: "Why do I get API Gateway 401
// Unauthorized errors after I create a Lambda authorizer?" and "How do I
// troubleshoot HTTP 403 Forbidden errors when using a Lambda authorizer
// with an API Gateway REST API?").
func TestLambdaAuthorizerAnswers(t *testing.T) {
	_, srv := newAuthzServer(t)
	cases := []struct {
		name, method, path string
		hdr                map[string]string
		status             int
		errType, msg       string
	}{
		{"no token", "GET", "/lambda", nil, 401, ErrUnauthorized, MsgUnauthorized},
		{"fails the validation regex", "GET", "/lambda", map[string]string{"Authorization": "Basic allow"}, 401, ErrUnauthorized, MsgUnauthorized},
		{"the Lambda says Unauthorized", "GET", "/lambda", map[string]string{"Authorization": "Bearer unknown"}, 401, ErrUnauthorized, MsgUnauthorized},
		{"explicit deny", "GET", "/lambda", map[string]string{"Authorization": "Bearer deny"}, 403, ErrAccessDenied, "User is not authorized to access this resource with an explicit deny"},
		{"policy for another method", "POST", "/lambda", map[string]string{"Authorization": "Bearer get-only"}, 403, ErrAccessDenied, "User is not authorized to access this resource"},
		{"policy for this method", "GET", "/lambda", map[string]string{"Authorization": "Bearer get-only"}, 200, "", ""},
		{"output without principalId", "GET", "/lambda", map[string]string{"Authorization": "Bearer broken"}, 500, ErrAuthorizerConfig, ""},
		{"context value that is a list", "GET", "/lambda", map[string]string{"Authorization": "Bearer bad-context"}, 500, ErrAuthorizerConfig, ""},
		{"REQUEST: a source missing", "GET", "/tenant", map[string]string{"X-Tenant": "acme"}, 401, ErrUnauthorized, MsgUnauthorized},
		{"REQUEST: both sources", "GET", "/tenant?key=k1", map[string]string{"X-Tenant": "acme"}, 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+"/prod"+c.path, nil)
			for k, v := range c.hdr {
				req.Header.Set(k, v)
			}
			res := do(t, nil, req)
			checkAnswer(t, res, c.status, c.errType, c.msg)
			if c.status == 500 && string(res.body) != `{"message":null}` {
				t.Errorf("body %s, want {\"message\":null}", res.body)
			}
		})
	}
	res := get(t, srv.URL+"/prod/lambda", map[string]string{"Authorization": "Bearer allow"})
	checkAnswer(t, res, 200, "", "")
	auth, _ := jsonPath(res.json, "requestContext", "authorizer").(map[string]any)
	if auth["principalId"] != "user-1" || auth["tenant"] != "acme" || auth["tier"] != float64(3) {
		t.Errorf("requestContext.authorizer = %v", auth)
	}
}

// TestAuthorizerCache: while its TTL lasts the cached output answers,
// even after the configured result changed.
func TestAuthorizerCache(t *testing.T) {
	g, srv := newAuthzServer(t)
	hdr := map[string]string{"Authorization": "Bearer allow"}
	checkAnswer(t, get(t, srv.URL+"/prod/lambda", hdr), 200, "", "")
	la := g.authorizers["tokens"]
	la.Results = map[string]AuthorizerResult{"Bearer allow": {PrincipalID: "x", Effect: "Deny"}}
	checkAnswer(t, get(t, srv.URL+"/prod/lambda", hdr), 200, "", "")
	la.mu.Lock()
	la.cache = map[string]cachedResult{}
	la.mu.Unlock()
	checkAnswer(t, get(t, srv.URL+"/prod/lambda", hdr), 403, ErrAccessDenied, MsgAuthorizerDenied+msgExplicitDeny)
}

// TestAPIKeyAnswers: 403 Forbidden for a missing, wrong or plan-less key;
// 429 for throttle and quota (API Gateway Developer Guide: "Usage plans
// and API keys for REST APIs"; "Throttle requests to your REST APIs").
func TestAPIKeyAnswers(t *testing.T) {
	_, srv := newAuthzServer(t)
	forbidden := func(hdr map[string]string) {
		t.Helper()
		res := get(t, srv.URL+"/prod/keyed", hdr)
		checkAnswer(t, res, 403, ErrForbidden, MsgForbidden)
	}
	forbidden(nil)
	forbidden(map[string]string{"x-api-key": "sigscopeTestApiKey9999999999999999"})
	forbidden(map[string]string{"x-api-key": "sigscopeTestApiKey0000000000000003"})
	key := map[string]string{"x-api-key": demoAPIKey}
	res := get(t, srv.URL+"/prod/keyed", key)
	checkAnswer(t, res, 200, "", "")
	if got := jsonPath(res.json, "requestContext", "identity", "apiKey"); got != "sigs…" {
		t.Errorf("identity.apiKey = %v, want it masked", got)
	}
	if strings.Contains(string(res.body), demoAPIKey) {
		t.Errorf("the echo shows the API key in clear: %s", res.body)
	}
	checkAnswer(t, get(t, srv.URL+"/prod/keyed", key), 200, "", "")
	checkAnswer(t, get(t, srv.URL+"/prod/keyed", key), 429, ErrTooManyRequests, MsgTooManyRequests)
	q := map[string]string{"x-api-key": quotaAPIKey}
	checkAnswer(t, get(t, srv.URL+"/prod/keyed", q), 200, "", "")
	checkAnswer(t, get(t, srv.URL+"/prod/keyed", q), 429, ErrLimitExceeded, MsgLimitExceeded)
}

func TestAuthzConfigErrors(t *testing.T) {
	cases := map[string]string{
		`{id: a, stages: [p], routes: [{method: GET, path: /x, authorizer: CUSTOM, response: {kind: echo}}]}`:    "authorizer_name",
		`{id: a, stages: [p], routes: [], authorizers: [{name: t, type: JWT}]}`:                                  `type "JWT"`,
		`{id: a, stages: [p], routes: [], authorizers: [{name: t, type: REQUEST, identity_source: "header.X"}]}`: "not an identity source",
		`{id: a, stages: [p], routes: [], authorizers: [{name: t, type: TOKEN, results: {x: {}}}]}`:              "exactly one of effect, policy or response",
		`{id: a, stages: [p], routes: [], api_keys: [{name: k, value: short}]}`:                                  "at least 20 characters",
		`{id: a, stages: [p], routes: [], usage_plans: [{name: u, keys: [nope]}]}`:                               `no API key named "nope"`,
		`{id: a, stages: [p], routes: [], usage_plans: [{name: u, quota: {limit: 1, period: YEAR}}]}`:            `period "YEAR"`,
	}
	for src, want := range cases {
		var cfg Config
		if err := yaml.Unmarshal([]byte(src), &cfg); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		err := Validate(cfg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(%s) = %v, want %q", src, err, want)
		}
	}
	var cfg Config
	err := yaml.Unmarshal([]byte("id: a\nresource_policy: {Statement: {Effect: Maybe, Action: '*'}}\n"), &cfg)
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "Effect") {
		t.Errorf("a bad resource policy: %v, want its line and the field", err)
	}
}
