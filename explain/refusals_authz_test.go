package explain

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/iampolicy"
	"github.com/sigscope/sigscope/sign"
)

// emulatorAnswer sends a request to the emulator and returns its whole
// raw answer, as `explain` reads one, and the request as sent.
func emulatorAnswer(t *testing.T, srv *emulator.Server, method, path string, creds *aws.Credentials, hdr map[string]string) ([]byte, *sign.Request) {
	t.Helper()
	req, err := http.NewRequest(method, srv.APIURL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if creds != nil {
		const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		if err := v4.NewSigner().SignHTTP(context.Background(), *creds, req, emptySHA, "execute-api", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var raw strings.Builder
	fmt.Fprintf(&raw, "HTTP/1.1 %s\r\n", resp.Status)
	for k, vs := range resp.Header {
		for _, v := range vs {
			fmt.Fprintf(&raw, "%s: %s\r\n", k, v)
		}
	}
	raw.WriteString("\r\n")
	raw.Write(body)
	u, _ := url.Parse(srv.APIURL() + path)
	sent := &sign.Request{Method: method, Scheme: "http", Host: u.Host, Path: u.EscapedPath(), RawQuery: u.RawQuery}
	for k, vs := range req.Header {
		for _, v := range vs {
			sent.Headers = append(sent.Headers, sign.Header{Name: k, Value: v})
		}
	}
	return []byte(raw.String()), sent
}

// TestAuthzAnswersFromTheEmulator explains each authorization answer the
// emulator gives: the layer that refused, the reason, and for a policy
// deny the ARN checked against the request and the statement to add.
func TestAuthzAnswersFromTheEmulator(t *testing.T) {
	srv, err := emulator.Start(context.Background(), emulator.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := emulator.DefaultConfig()
	ro := &aws.Credentials{AccessKeyID: cfg.Credentials[1].AccessKeyID, SecretAccessKey: cfg.Credentials[1].SecretAccessKey}
	cases := []struct {
		name     string
		method   string
		path     string
		creds    *aws.Credentials
		hdr      map[string]string
		kind     Kind
		cause    string
		evidence []string
		hint     string
	}{
		{"implicit deny", "GET", "/teaching/iam", ro, nil, KindAccessDenied, CausePermission,
			[]string{"no statement allows arn:aws:iam::123456789012:user/sigscope-readonly", "the emulator says: no statement allows", "the ARN is this request's (stage prod, GET /teaching/iam)"}, `add to the caller's identity policy (arn:aws:iam::123456789012:user/sigscope-readonly): { "Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/teaching/iam" }`},
		{"explicit deny", "GET", "/teaching/iam-denied", ro, nil, KindAccessDenied, CausePermission,
			[]string{"a Deny statement matches", `statement "NeverThis" denies`}, `remove the Deny statement "NeverThis" from policy 1 of user sigscope-readonly`},
		{"anonymous explicit", "GET", "/teaching/blocked", nil, nil, KindAccessDenied, CauseResourcePolicy,
			[]string{"one of its Deny statements matches", `statement "NoBlocked"`}, `explicitly denies unsigned callers this method: remove the Deny statement "NoBlocked" from the API's resource policy`},
		{"anonymous implicit", "GET", "/teaching/unlisted", nil, nil, KindAccessDenied, CauseResourcePolicy,
			[]string{"none of its statements allows"}, `add to the API's resource policy: { "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/teaching/unlisted" }`},
		{"no route", "GET", "/teaching/nowhere", nil, nil, KindMissingToken, CauseRoute, nil, "it is the route, not a token"},
		{"API key", "GET", "/teaching/keyed", nil, nil, KindAPIKey, CauseAPIKey, []string{"the request sent no x-api-key header"}, "x-api-key"},
		{"authorizer 401", "GET", "/teaching/lambda", nil, nil, KindUnauthorized, CauseAuthorizer,
			[]string{"the emulator says: authorizer demo-tokens: the identity source method.request.header.Authorization is missing or empty"}, "refused by the Lambda authorizer"},
		{"authorizer deny", "GET", "/teaching/lambda", nil, map[string]string{"Authorization": "Bearer deny-me"}, KindAuthorizerDenied, CauseAuthorizer, []string{"a Deny that matches"}, "Lambda authorizer"},
		{"authorizer other method", "POST", "/teaching/lambda", nil, map[string]string{"Authorization": "Bearer get-only"}, KindAuthorizerDenied, CauseAuthorizer, []string{"no statement allows"}, "cached policy"},
		{"authorizer 500", "GET", "/teaching/lambda", nil, map[string]string{"Authorization": "Bearer broken"}, KindAuthorizerConfig, CauseAuthorizer, []string{"AuthorizerConfigurationException"}, "principalId"},
		{"throttled", "GET", "/teaching/keyed", nil, map[string]string{"x-api-key": "sigscopeDemoApiKey0000NotASecret0002"}, KindThrottled, CauseUsagePlan, []string{"throttle"}, "backoff"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.kind == KindThrottled {
				emulatorAnswer(t, srv, c.method, c.path, c.creds, c.hdr) // the one request the plan allows
			}
			raw, sent := emulatorAnswer(t, srv, c.method, c.path, c.creds, c.hdr)
			d, ok := Explain(Input{Body: raw, Request: sent})
			if !ok || d.Kind != c.kind {
				t.Fatalf("kind %q (ok %v), want %q\n%s", d.Kind, ok, c.kind, raw)
			}
			if len(d.Causes) == 0 || d.Causes[0].ID != c.cause || !d.Causes[0].Certain {
				t.Fatalf("causes %v, want %s first and certain", causeIDs(d.Causes), c.cause)
			}
			for _, ev := range c.evidence {
				if !strings.Contains(d.Causes[0].Evidence, ev) {
					t.Errorf("evidence %q lacks %q", d.Causes[0].Evidence, ev)
				}
			}
			if !strings.Contains(d.Hint, c.hint) {
				t.Errorf("hint %q lacks %q", d.Hint, c.hint)
			}
			// An unsigned caller's denial does not say the signature is valid.
			if d.Kind == KindAccessDenied && strings.HasPrefix(c.name, "anonymous") != strings.Contains(d.Describe(), "an unsigned caller") {
				t.Errorf("described as %q", d.Describe())
			}
			// The fix agrees with the hint: a Deny is removed, never
			// answered with an Allow.
			if fix := d.Causes[0].Fix; strings.Contains(c.name, "explicit") && (!strings.Contains(fix, "remove the Deny statement") || strings.Contains(fix, "allow the action")) {
				t.Errorf("fix %q: want the Deny statement removed", fix)
			}
			// So does the title: a Deny refuses, no Allow is missing.
			if title := d.Causes[0].Title; c.cause == CausePermission && strings.Contains(c.name, "explicit") != strings.Contains(title, "Deny statement") {
				t.Errorf("title %q for %s", title, c.name)
			}
		})
	}
}

// TestMinimalStatement: the statement printed for an implicit deny is
// valid policy JSON that allows exactly the denied call.
func TestMinimalStatement(t *testing.T) {
	for _, msg := range []string{
		"User: arn:aws:iam::123456789012:user/carlos is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets",
		"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/",
		"User: arn:aws:sts::123456789012:assumed-role/Cognito_Auth_Role/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:a1b2c3d4e5/prod/POST/pets because no identity-based policy allows the execute-api:Invoke action",
	} {
		d, ok := Explain(Input{Body: []byte(`{"message":"` + msg + `"}`)})
		if !ok || len(d.Causes) == 0 {
			t.Fatalf("%s: not explained", msg)
		}
		fix := d.Causes[0].Fix
		i := strings.Index(fix, ": {")
		if i < 0 || !strings.HasPrefix(fix, "add to ") {
			t.Fatalf("fix %q: want where, then the statement", fix)
		}
		where, stJSON := fix[:i], fix[i+2:]
		if strings.Contains(fix, "\n") {
			t.Errorf("fix %q: want one line (the UI escapes line breaks)", fix)
		}
		p, err := iampolicy.Parse([]byte(`{"Version":"2012-10-17","Statement":` + stJSON + `}`))
		if err != nil {
			t.Fatalf("the statement does not parse: %v\n%s", err, stJSON)
		}
		pd, _ := ReadPolicyDenial(msg)
		arn := strings.Replace(pd.Resource, "********", "12345678", 1)
		principal := iampolicy.Principal{ARN: pd.Principal, Account: "123456789012"}
		if pd.Principal == "anonymous" {
			principal = iampolicy.Principal{}
		}
		req := iampolicy.Request{Principal: principal, Action: "execute-api:Invoke", Resource: arn, Context: iampolicy.Context{}}
		named := iampolicy.Named{Name: "fix", Policy: p}
		in := iampolicy.Input{Request: req, Identity: []iampolicy.Named{named}}
		if pd.Principal == "anonymous" {
			in = iampolicy.Input{Request: req, Resource: &named}
		}
		if r := iampolicy.Authorize(in); r.Decision != iampolicy.Allowed {
			t.Errorf("%s: the printed statement does not allow it: %s\n%s", msg, r.Reason, stJSON)
		}
		if strings.Contains(msg, "assumed-role") && !strings.Contains(where, "arn:aws:iam::123456789012:role/Cognito_Auth_Role") {
			t.Errorf("a role session's fix names the role: %q", where)
		}
		if strings.Contains(msg, "because") && !strings.Contains(d.Causes[0].Evidence, "because no identity-based policy") {
			t.Errorf("AWS's reason is not quoted: %q", d.Causes[0].Evidence)
		}
	}
}

// TestDenialARNAgainstRequest: an ARN that is not the request's is said.
func TestDenialARNAgainstRequest(t *testing.T) {
	msg := `{"message":"User: arn:aws:iam::123456789012:user/carlos is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/pets"}`
	d, _ := Explain(Input{Body: []byte(msg), Request: &sign.Request{Method: "POST", Host: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets"}})
	found := false
	for _, c := range d.Causes {
		if c.ID == CauseARNMismatch && strings.Contains(c.Evidence, "method GET, the request's is POST") {
			found = true
		}
	}
	if !found {
		t.Errorf("causes %+v: want the method difference named", d.Causes)
	}
	// A custom domain's base path hides the stage: the path still agrees.
	d, _ = Explain(Input{Body: []byte(msg), Request: &sign.Request{Method: "GET", Host: "api.example.com", Path: "/pets"}})
	for _, c := range d.Causes {
		if c.ID == CauseARNMismatch {
			t.Errorf("a custom domain's path read as another request's: %s", c.Evidence)
		}
	}
}

// TestDenialOfAnotherService: IAM's newer wording (Cognito's Admin* calls
// answer it, 400 AccessDeniedException: "… because no identity-based
// policy allows the ACTION action", "… with an explicit deny in an
// identity-based policy"; IAM User Guide, "Troubleshoot access denied
// error messages") is read as the gateway's is: the statement to add for
// the action and resource it names, and for a Deny the kind of policy it
// is in, never an API's resource policy.
func TestDenialOfAnotherService(t *testing.T) {
	pool := "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Demo1"
	implicit := `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/user-reader is not authorized to perform: cognito-idp:AdminCreateUser on resource: ` + pool + ` because no identity-based policy allows the cognito-idp:AdminCreateUser action"}`
	d, ok := Explain(Input{Body: []byte(implicit)})
	want := `add to the caller's identity policy (arn:aws:iam::123456789012:user/user-reader): { "Effect": "Allow", "Action": "cognito-idp:AdminCreateUser", "Resource": "` + pool + `" }`
	if !ok || d.Kind != KindAccessDenied || d.Layer != LayerPolicy || len(d.Causes) == 0 || d.Causes[0].Fix != want {
		t.Fatalf("implicit: %+v\nwant the fix %s", d, want)
	}
	explicit := `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/user-reader is not authorized to perform: cognito-idp:AdminDeleteUser on resource: ` + pool + ` with an explicit deny in an identity-based policy"}`
	d, ok = Explain(Input{Body: []byte(explicit)})
	if !ok || d.Kind != KindAccessDenied || len(d.Causes) == 0 {
		t.Fatalf("explicit: %+v", d)
	}
	fix := d.Causes[0].Fix
	if !strings.Contains(fix, "in the caller's identity policies (arn:aws:iam::123456789012:user/user-reader), and remove it or narrow it") || strings.Contains(fix, "API's resource policy") || !strings.Contains(fix, "cognito-idp:AdminDeleteUser on "+pool) {
		t.Errorf("explicit fix %q", fix)
	}
}
