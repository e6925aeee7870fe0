package emulator

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator/apigw"
)

// TestDemoCognitoAndCommandAnswers sends the demo config's Cognito and
// command-authorizer teaching routes real tokens of the demo pool and the
// requests that produce each 401, 403 and 500 (AWS's "Integrate a REST API
// with an Amazon Cognito user pool" and the knowledge-center pages
// api-gateway-401-error-unauthorized and api-gateway-lambda-authorizer-errors).
func TestDemoCognitoAndCommandAnswers(t *testing.T) {
	srv := startDefault(t, Options{})
	id, access := demoTokens(t, srv)
	cases := []struct {
		name, path, auth string
		status           int
		errType, msg     string
	}{
		{"id token", "/me", id, 200, "", ""},
		{"no token", "/me", "", 401, apigw.ErrUnauthorized, apigw.MsgUnauthorized},
		{"Bearer id token", "/me", "Bearer " + id, 401, apigw.ErrUnauthorized, apigw.MsgUnauthorized},
		{"not a token", "/me", "not-a-jwt", 401, apigw.ErrUnauthorized, apigw.MsgUnauthorized},
		{"access token, method without scopes", "/me", access, 401, apigw.ErrUnauthorized, apigw.MsgUnauthorized},
		{"id token, method with scopes", "/teaching/cognito-scoped", id, 401, apigw.ErrUnauthorized, apigw.MsgUnauthorized},
		{"access token without the scope", "/teaching/cognito-scoped", access, 401, apigw.ErrUnauthorized, apigw.MsgUnauthorized},
		{"access token with the scope", "/teaching/cognito-admin-scope", access, 200, "", ""},
		{"another pool", "/teaching/cognito-other-pool", id, 401, apigw.ErrUnauthorized, apigw.MsgUnauthorized},
		{"expired", "/teaching/cognito-expired", id, 401, apigw.ErrUnauthorized, apigw.MsgTokenExpired},
		{"command: allow", "/teaching/lambda-command", "Bearer cmd-allow", 200, "", ""},
		{"command: deny", "/teaching/lambda-command", "Bearer cmd-deny", 403, apigw.ErrAccessDenied, "User is not authorized to access this resource with an explicit deny"},
		{"command: refuses", "/teaching/lambda-command", "Bearer someone", 401, apigw.ErrUnauthorized, apigw.MsgUnauthorized},
		{"command: garbage", "/teaching/lambda-command", "Bearer cmd-garbage", 500, apigw.ErrAuthorizerConfig, ""},
	}
	hc := &http.Client{}
	for _, c := range cases {
		req := mustReq(t, "GET", srv.APIURL()+c.path)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		a := send(t, hc, req)
		if a.status != c.status || a.header.Get("x-amzn-ErrorType") != c.errType || (c.msg != "" && a.json["message"] != c.msg) {
			t.Errorf("%s: %d %s %s\nwant %d %s %q", c.name, a.status, a.header.Get("x-amzn-ErrorType"), a.raw, c.status, c.errType, c.msg)
		}
		if c.auth != "" && strings.Contains(a.header.Get(apigw.HeaderDecision), c.auth) {
			t.Errorf("%s: the decision header quotes the token", c.name)
		}
		if c.name == "command: allow" && field(a.json, "requestContext", "authorizer", "tenant") != "demo" {
			t.Errorf("the command's context is not in the echo: %s", a.raw)
		}
	}
}
