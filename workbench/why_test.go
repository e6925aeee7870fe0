package workbench

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/explain"
)

// whyBench opens the demo collection (examples/collections/demo.yaml,
// whose Permissions folder has a request per authorization answer)
// against a fresh built-in emulator, with the demo's keys and password.
func whyBench(t *testing.T) *Workbench {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := srv.Config
	env := map[string]string{
		"SIGSCOPE_DEMO_PASSWORD":          cfg.Cognito.UserPools[0].Users[0].Password,
		"SIGSCOPE_DEMO_ACCESS_KEY_ID":     cfg.Credentials[0].AccessKeyID,
		"SIGSCOPE_DEMO_SECRET_ACCESS_KEY": cfg.Credentials[0].SecretAccessKey,
	}
	wb, err := Open(filepath.Join("..", "examples", "collections", "demo.yaml"), Options{
		Vars: map[string]string{"emulator": srv.URL}, Trusted: true,
		Env: Env{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, CacheDir: t.TempDir(), UserAgent: "sigscope/test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// TestWhyWalksTheLayers: each request of the Permissions folder, through
// send, comes back with API Gateway's status, errortype and message, the
// emulator's verdict per layer, and a diagnosis naming the same layer.
func TestWhyWalksTheLayers(t *testing.T) {
	wb := whyBench(t)
	cases := []struct {
		request string
		status  int
		errType string
		message string
		refused string // "" when every layer passes
		detail  string // in the refusing (or last passing) layer's detail
		hint    string
	}{
		{"List pets", 200, "", "", "", `statement "AllButTeachingIAM" allows`, ""},
		{"Permissions/IAM: no statement allows (implicit deny)", 403, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/sigscope-demo-auth/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/teaching/iam", explain.LayerPolicy, "no statement allows", "refused by the IAM policies"},
		{"Permissions/IAM: a Deny matches (explicit deny)", 403, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/sigscope-demo-auth/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/teaching/iam-denied with an explicit deny", explain.LayerPolicy, `statement "NeverThis" denies`, `remove the Deny statement "NeverThis" from policy 1 of role arn:aws:iam::123456789012:role/sigscope-demo-auth`},
		{"Permissions/Resource policy: anonymous, no allow", 403, "AccessDeniedException", "User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/teaching/unlisted", explain.LayerPolicy, "no statement of the resource policy allows", "resource policy"},
		{"Permissions/Resource policy: anonymous, explicit deny", 403, "AccessDeniedException", "User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/teaching/blocked with an explicit deny", explain.LayerPolicy, `the API's resource policy, statement "NoBlocked" denies`, `remove the Deny statement "NoBlocked" from the API's resource policy`},
		{"Permissions/API key: wrong (Forbidden)", 403, "ForbiddenException", "Forbidden", explain.LayerAPIKey, "key no-plan is in no usage plan", "x-api-key"},
		{"Permissions/Lambda authorizer: no token (401)", 401, "UnauthorizedException", "Unauthorized", explain.LayerAuthorizer, "method.request.header.Authorization is missing or empty", "refused by the Lambda authorizer"},
		{"Permissions/Lambda authorizer: Allow, with its context", 200, "", "", "", "principalId demo-user", ""},
		{"Permissions/Lambda authorizer: Deny (explicit deny)", 403, "AccessDeniedException", "User is not authorized to access this resource with an explicit deny", explain.LayerAuthorizer, "statement 0 denies execute-api:Invoke", "decided to refuse this caller"},
		{"Permissions/Lambda authorizer: policy for GET only (POST refused)", 403, "AccessDeniedException", "User is not authorized to access this resource", explain.LayerAuthorizer, "no statement of the authorizer's policy allows execute-api:Invoke on arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/teaching/lambda", "a cached policy from another method"},
		{"Permissions/Lambda authorizer: broken output (500)", 500, "AuthorizerConfigurationException", "", explain.LayerAuthorizer, "the output has no principalId", "could not use the Lambda authorizer's answer"},
		{"Permissions/No such route (Missing Authentication Token)", 403, "MissingAuthenticationTokenException", "Missing Authentication Token", explain.LayerRoute, "no route matches GET /teaching/no-such-route", `it is the route, not a token: the request is signed, so API Gateway has no GET /teaching/no-such-route in stage "prod"`},
		{"Permissions/API key: missing (Forbidden)", 403, "ForbiddenException", "Forbidden", explain.LayerAPIKey, "no x-api-key header", "x-api-key"},
		{"Permissions/Cognito: no token (401)", 401, "UnauthorizedException", "Unauthorized", explain.LayerToken, "no Authorization header", "send the token in Authorization"},
		{"Permissions/Cognito: not a token (401)", 401, "UnauthorizedException", "Unauthorized", explain.LayerToken, "not a JWT", "Authorization is not a JWT"},
		{"Permissions/Cognito: access token where the method wants an id token (401)", 401, "UnauthorizedException", "Unauthorized", explain.LayerToken, "so it wants an id token", "wants the ID token"},
		{"Permissions/Cognito: id token where the method has scopes (401)", 401, "UnauthorizedException", "Unauthorized", explain.LayerToken, "so it wants an access token", "send the ACCESS token"},
		{"Permissions/Cognito: access token without the method's scope (401)", 401, "UnauthorizedException", "Unauthorized", explain.LayerToken, "has none of the method's authorization scopes (pets/read)", "OAuth 2.0 flows"},
		{"Permissions/Cognito: access token with the method's scope", 200, "", "", "", "an access token of demo", ""},
		{"Permissions/Cognito: token from another pool (401)", 401, "UnauthorizedException", "Unauthorized", explain.LayerToken, "this authorizer trusts us-east-1_Partner1", "provider ARNs"},
		{"Permissions/Cognito: expired token (401)", 401, "UnauthorizedException", "The incoming token has expired", explain.LayerToken, "the token expired at", "log in again"},
		{"Permissions/Command authorizer: Allow, with its context", 200, "", "", "", "principalId command-user", ""},
		{"Permissions/Command authorizer: Deny (explicit deny)", 403, "AccessDeniedException", "User is not authorized to access this resource with an explicit deny", explain.LayerAuthorizer, "denies execute-api:Invoke", "refused by the Lambda authorizer"},
		{"Permissions/Command authorizer: refuses the token (401)", 401, "UnauthorizedException", "Unauthorized", explain.LayerAuthorizer, "raised Unauthorized", "refused by the Lambda authorizer"},
		{"Permissions/Command authorizer: prints garbage (500)", 500, "AuthorizerConfigurationException", "", explain.LayerAuthorizer, "not a JSON object", "could not use the Lambda authorizer's answer"},
		{"Permissions/Command authorizer: times out (500)", 500, "AuthorizerConfigurationException", "", explain.LayerAuthorizer, "did not answer within 2s", "timeout"},
	}
	for _, c := range cases {
		t.Run(c.request, func(t *testing.T) {
			rep, oc := wb.Why(context.Background(), c.request, Run{})
			if oc != nil {
				defer oc.Close()
			}
			if rep == nil {
				t.Fatalf("no report: %v", oc.Err)
			}
			if rep.Status != c.status || rep.ErrorType != c.errType || rep.Refused != c.refused || rep.Source != "emulator" {
				t.Fatalf("%d %s refused %q (source %s), want %d %s %q", rep.Status, rep.ErrorType, rep.Refused, rep.Source, c.status, c.errType, c.refused)
			}
			if c.message != "" && rep.Message != c.message {
				t.Errorf("message %q, want %q", rep.Message, c.message)
			}
			if rep.OK() != (c.refused == "") {
				t.Errorf("OK %v", rep.OK())
			}
			details := ""
			for _, l := range rep.Layers {
				details += l.Layer + "=" + l.Verdict + ": " + l.Detail + "\n"
				if l.Title == "" {
					t.Errorf("layer %s has no title", l.Layer)
				}
			}
			if !strings.Contains(details, c.detail) {
				t.Errorf("layers lack %q:\n%s", c.detail, details)
			}
			if strings.Contains(details, "eyJ") {
				t.Errorf("a token is quoted in the layers:\n%s", details)
			}
			if c.refused == "" {
				return
			}
			d := rep.Diagnosis
			if d == nil || d.Layer != c.refused || !strings.Contains(d.Hint, c.hint) {
				t.Fatalf("diagnosis %+v: want layer %s and a hint with %q", d, c.refused, c.hint)
			}
			// send's hint is the same as the diagnosis's.
			if oc.Hint != d.Hint {
				t.Errorf("send's hint %q differs from the diagnosis's %q", oc.Hint, d.Hint)
			}
		})
	}
}

// TestWhyFromAnAWSAnswer: without the emulator's verdicts, the refusing
// layer is the one the diagnosis of AWS's answer names.
func TestWhyFromAnAWSAnswer(t *testing.T) {
	d, ok := explain.Explain(explain.Input{Body: []byte(`{"message":"User: arn:aws:iam::123456789012:user/carlos is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets"}`)})
	if !ok {
		t.Fatal("not explained")
	}
	layers := inferredLayers(403, &d)
	if len(layers) != 2 || layers[0].Layer != explain.LayerRoute || layers[0].Verdict != VerdictPass || layers[1].Layer != explain.LayerPolicy || layers[1].Verdict != VerdictRefused {
		t.Errorf("layers %+v: want the route passed, the policy refused", layers)
	}
	d, _ = explain.Explain(explain.Input{Body: []byte(`{"message":"Missing Authentication Token"}`)})
	if layers := inferredLayers(403, &d); len(layers) != 1 || layers[0].Verdict != VerdictRefused || layers[0].Layer != explain.LayerRoute {
		t.Errorf("layers %+v: want the route refused", layers)
	}
}

// TestWhyHeaderOnlyToLoopback: the layers are asked of the emulator on
// loopback, never of another host.
func TestWhyHeaderOnlyToLoopback(t *testing.T) {
	for host, want := range map[string]bool{"127.0.0.1:7466": true, "localhost": true, "[::1]:80": true, "abc.execute-api.us-east-1.amazonaws.com": false, "10.0.0.1:80": false} {
		if isLoopback(host) != want {
			t.Errorf("isLoopback(%q) = %v", host, !want)
		}
	}
}
