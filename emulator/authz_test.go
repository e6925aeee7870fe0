package emulator

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/emulator/apigw"
)

// TestDemoAuthorizationAnswers sends the demo config's teaching routes
// the requests that produce each of API Gateway's authorization answers.
func TestDemoAuthorizationAnswers(t *testing.T) {
	srv := startDefault(t, Options{})
	cfg := DefaultConfig()
	demo := aws.Credentials{AccessKeyID: cfg.Credentials[0].AccessKeyID, SecretAccessKey: cfg.Credentials[0].SecretAccessKey}
	ro := aws.Credentials{AccessKeyID: cfg.Credentials[1].AccessKeyID, SecretAccessKey: cfg.Credentials[1].SecretAccessKey}
	arn := "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/"
	hc := &http.Client{}
	withHeader := func(r *http.Request, k, v string) *http.Request { r.Header.Set(k, v); return r }
	cases := []struct {
		name    string
		req     *http.Request
		status  int
		errType string
		msg     string
	}{
		{"demo user, no policies", signedReq(t, "GET", srv.APIURL()+"/teaching/iam", demo), 200, "", ""},
		{"read-only user reads pets", signedReq(t, "GET", srv.APIURL()+"/pets", ro), 200, "", ""},
		{"read-only user, implicit deny", signedReq(t, "GET", srv.APIURL()+"/teaching/iam", ro), 403, apigw.ErrAccessDenied,
			"User: arn:aws:iam::123456789012:user/sigscope-readonly is not authorized to perform: execute-api:Invoke on resource: " + arn + "GET/teaching/iam"},
		{"read-only user, explicit deny", signedReq(t, "GET", srv.APIURL()+"/teaching/iam-denied", ro), 403, apigw.ErrAccessDenied,
			"User: arn:aws:iam::123456789012:user/sigscope-readonly is not authorized to perform: execute-api:Invoke on resource: " + arn + "GET/teaching/iam-denied with an explicit deny"},
		{"unsigned, open route", mustReq(t, "GET", srv.APIURL()+"/public"), 200, "", ""},
		{"anonymous, explicit deny", mustReq(t, "GET", srv.APIURL()+"/teaching/blocked"), 403, apigw.ErrAccessDenied,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arn + "GET/teaching/blocked with an explicit deny"},
		{"anonymous, no allow", mustReq(t, "GET", srv.APIURL()+"/teaching/unlisted"), 403, apigw.ErrAccessDenied,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arn + "GET/teaching/unlisted"},
		{"no route", mustReq(t, "GET", srv.APIURL()+"/teaching/nowhere"), 403, apigw.ErrMissingToken, apigw.MsgMissingToken},
		{"API key missing", mustReq(t, "GET", srv.APIURL()+"/teaching/keyed"), 403, apigw.ErrForbidden, "Forbidden"},
		{"API key without a plan", withHeader(mustReq(t, "GET", srv.APIURL()+"/teaching/keyed"), "x-api-key", "sigscopeDemoApiKey0000NotASecret0003"), 403, apigw.ErrForbidden, "Forbidden"},
		{"API key", withHeader(mustReq(t, "GET", srv.APIURL()+"/teaching/keyed"), "x-api-key", "sigscopeDemoApiKey0000NotASecret0001"), 200, "", ""},
		{"throttled key, first", withHeader(mustReq(t, "GET", srv.APIURL()+"/teaching/keyed"), "x-api-key", "sigscopeDemoApiKey0000NotASecret0002"), 200, "", ""},
		{"throttled key, second", withHeader(mustReq(t, "GET", srv.APIURL()+"/teaching/keyed"), "x-api-key", "sigscopeDemoApiKey0000NotASecret0002"), 429, apigw.ErrTooManyRequests, "Too Many Requests"},
		{"authorizer: no token", mustReq(t, "GET", srv.APIURL()+"/teaching/lambda"), 401, apigw.ErrUnauthorized, "Unauthorized"},
		{"authorizer: allow", withHeader(mustReq(t, "GET", srv.APIURL()+"/teaching/lambda"), "Authorization", "Bearer allow-me"), 200, "", ""},
		{"authorizer: deny", withHeader(mustReq(t, "GET", srv.APIURL()+"/teaching/lambda"), "Authorization", "Bearer deny-me"), 403, apigw.ErrAccessDenied, "User is not authorized to access this resource with an explicit deny"},
		{"authorizer: other method", withHeader(mustReq(t, "POST", srv.APIURL()+"/teaching/lambda"), "Authorization", "Bearer get-only"), 403, apigw.ErrAccessDenied, "User is not authorized to access this resource"},
		{"authorizer: broken output", withHeader(mustReq(t, "GET", srv.APIURL()+"/teaching/lambda"), "Authorization", "Bearer broken"), 500, apigw.ErrAuthorizerConfig, ""},
	}
	for _, c := range cases {
		a := send(t, hc, c.req)
		if a.status != c.status || a.header.Get("x-amzn-ErrorType") != c.errType || (c.msg != "" && a.json["message"] != c.msg) {
			t.Errorf("%s: %d %s %s\nwant %d %s %q", c.name, a.status, a.header.Get("x-amzn-ErrorType"), a.raw, c.status, c.errType, c.msg)
		}
		if c.name == "authorizer: allow" && field(a.json, "requestContext", "authorizer", "tenant") != "demo" {
			t.Errorf("the authorizer's context is not in the echo: %s", a.raw)
		}
	}
}

// TestDemoRolePolicy: the demo's authenticated role may call everything
// but /teaching/iam (implicit deny) and /teaching/iam-denied (a Deny).
func TestDemoRolePolicy(t *testing.T) {
	srv := startDefault(t, Options{})
	idToken, _ := demoTokens(t, srv)
	creds := identityPoolCredentials(t, srv, map[string]string{"cognito-idp.us-east-1.amazonaws.com/us-east-1_Demo1": idToken})
	hc := &http.Client{}
	who := "User: arn:aws:sts::123456789012:assumed-role/sigscope-demo-auth/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc123/prod/"
	for path, want := range map[string]string{"/pets": "", "/store/pets": "", "/teaching/iam": who + "GET/teaching/iam", "/teaching/iam-denied": who + "GET/teaching/iam-denied with an explicit deny"} {
		a := send(t, hc, signedReq(t, "GET", srv.APIURL()+path, creds))
		switch {
		case want == "" && a.status != 200:
			t.Errorf("%s: %d %s", path, a.status, a.raw)
		case want != "" && (a.status != 403 || a.json["message"] != want):
			t.Errorf("%s: %d %s\nwant %s", path, a.status, a.raw, want)
		}
	}
}

// TestRolePolicies: a policy given to an identity pool's role in the API
// config (role_policies, by role ARN) applies to its credentials.
func TestRolePolicies(t *testing.T) {
	cfg := DefaultConfig()
	guestRole := "arn:aws:iam::123456789012:role/sigscope-demo-guest" // the demo pool's unauthenticated role
	doc := apigw.PolicyDoc{}
	if err := unmarshalPolicy(&doc, `{"Version":"2012-10-17","Statement":{"Sid":"GuestsRead","Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/*"}}`); err != nil {
		t.Fatal(err)
	}
	cfg.API.RolePolicies = map[string][]apigw.PolicyDoc{guestRole: {doc}}
	srv := startDefault(t, Options{Config: cfg})
	guest := identityPoolCredentials(t, srv, nil)
	hc := &http.Client{}
	if a := send(t, hc, signedReq(t, "GET", srv.APIURL()+"/pets", guest)); a.status != 200 {
		t.Errorf("guest GET: %d %s", a.status, a.raw)
	}
	a := send(t, hc, signedReq(t, "DELETE", srv.APIURL()+"/pets/1", guest))
	want := "User: arn:aws:sts::123456789012:assumed-role/sigscope-demo-guest/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc123/prod/DELETE/pets/1"
	if a.status != 403 || a.json["message"] != want {
		t.Errorf("guest DELETE: %d %s\nwant %s", a.status, a.raw, want)
	}
}

func unmarshalPolicy(d *apigw.PolicyDoc, text string) error {
	return yaml.Unmarshal([]byte(text), d)
}

// identityPoolCredentials gets the demo identity pool's credentials: a
// guest's without logins, else the logged-in user's.
func identityPoolCredentials(t *testing.T, srv *Server, logins map[string]string) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	ident := cognitoidentity.New(cognitoidentity.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	id, err := ident.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String("us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab"), Logins: logins})
	if err != nil {
		t.Fatalf("GetId: %v", err)
	}
	cr, err := ident.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	return aws.Credentials{AccessKeyID: aws.ToString(cr.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(cr.Credentials.SecretKey), SessionToken: aws.ToString(cr.Credentials.SessionToken)}
}
