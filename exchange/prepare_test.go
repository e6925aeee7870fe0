package exchange

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/sign"
)

const prepareCollection = `
name: prepare tests
variables: [PETS_KEY]
auth:
  keys:
    type: static
    access_key_id_env: AK
    secret_access_key_env: SK
    session_token_env: ST
  ops:
    type: aws
    profile: staging
  pool:
    type: cognito
    user_pool_id: eu-west-1_Pool1
    client_id: abc
    identity_pool_id: eu-west-1:1a2b3c4d-0000-4000-8000-1234567890ab
requests:
  - name: post
    method: POST
    url: https://api.example.com/prod/items
    headers: {X-Trace: t1, Host: custom.example.com}
    body: {json: {a: 1}}
    auth: {mode: iam, profile: keys, region: us-west-2}
  - name: empty post
    method: POST
    url: https://api.example.com/prod/items
    auth: {mode: none}
  - name: region from profile
    method: GET
    url: https://api.example.com/prod/items
    auth: {mode: iam, profile: ops}
  - name: region from env
    method: GET
    url: https://api.example.com/prod/items
    auth: {mode: iam, profile: keys}
  - name: api key
    method: GET
    url: https://api.example.com/prod/items
    auth: {mode: api_key, api_key: "{{env.PETS_KEY}}"}
  - name: cognito iam
    method: GET
    url: https://api.example.com/prod/items
    auth: {mode: iam, profile: pool}
  - name: cognito token
    method: GET
    url: https://api.example.com/prod/items
    auth: {mode: access_token, profile: pool, bearer: true}
  - name: presigned
    method: GET
    url: https://bucket.s3.amazonaws.com/a b.txt
    auth: {mode: iam, profile: keys, region: us-east-1, presign: true, expires: 300, s3: true}
`

func prepareEnv(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func prep(t *testing.T, name string, env map[string]string, po PrepareOptions) (*Prepared, error) {
	t.Helper()
	c, err := collections.LoadBytes("prepare.yaml", []byte(prepareCollection))
	if err != nil {
		t.Fatal(err)
	}
	rr, err := c.Resolve(name, "", nil, prepareEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	po.LookupEnv = prepareEnv(env)
	if po.Credentials == nil {
		po.Credentials = staticCredentials(po.LookupEnv)
	}
	if po.Time.IsZero() {
		po.Time = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	}
	return Prepare(context.Background(), rr, po)
}

var keys = map[string]string{"AK": "AKIDEXAMPLE", "SK": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "ST": "session-token-value-123456"}

func TestPrepareSignedPost(t *testing.T) {
	jar := cookies.NewJar()
	jar.Store(cookies.Origin{Scheme: "https", Host: "custom.example.com", Path: "/prod/login"}, []string{"sid=abc; Path=/prod"}, time.Now())
	p, err := prep(t, "post", keys, PrepareOptions{Jar: jar, UserAgent: "sigscope/test"})
	if err != nil {
		t.Fatal(err)
	}
	r := p.Request
	if r.Host != "custom.example.com" || p.Target.Host != "api.example.com" {
		t.Errorf("Host header %q, connect to %q", r.Host, p.Target.Host)
	}
	for name, want := range map[string]string{
		"Content-Type": "application/json", "Content-Length": "7", "User-Agent": "sigscope/test",
		"Cookie": "sid=abc", "X-Trace": "t1", "X-Amz-Security-Token": keys["ST"], "X-Amz-Date": "20260501T120000Z",
	} {
		if got, _ := r.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if p.Region != "us-west-2" || p.Service != "execute-api" || !strings.Contains(p.Trace.CredentialScope, "/us-west-2/execute-api/") {
		t.Errorf("region %q service %q scope %q", p.Region, p.Service, p.Trace.CredentialScope)
	}
	// Signed: what the jar sent and the length; never the User-Agent.
	for _, h := range []string{"cookie", "content-length", "content-type", "host", "x-trace"} {
		if !strings.Contains(";"+p.Trace.SignedHeaders+";", ";"+h+";") {
			t.Errorf("%s not signed: %s", h, p.Trace.SignedHeaders)
		}
	}
	if strings.Contains(p.Trace.SignedHeaders, "user-agent") {
		t.Errorf("user-agent signed")
	}
	if len(p.Secrets) != 1 || p.Secrets[0] != keys["ST"] {
		t.Errorf("secrets to mask: %d", len(p.Secrets))
	}
	if !strings.HasPrefix(string(p.Wire), "POST /prod/items HTTP/1.1\r\nHost: custom.example.com\r\n") || !strings.HasSuffix(string(p.Wire), "\r\n\r\n{\"a\":1}") {
		t.Errorf("wire %q", p.Wire)
	}
	// The trace verifies against the request that goes out.
	v, err := sign.Verify(sign.VerifyInput{Request: p.Request, SecretAccessKey: keys["SK"]})
	if err != nil || !v.Match {
		t.Errorf("the request sent does not verify: %v %+v", err, v)
	}
}

func TestPrepareHeadersAndModes(t *testing.T) {
	p, err := prep(t, "empty post", nil, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cl, _ := p.Request.Get("Content-Length"); cl != "0" || p.Trace != nil {
		t.Errorf("empty POST: Content-Length %q", cl)
	}
	if ua, _ := p.Request.Get("User-Agent"); ua != "sigscope" {
		t.Errorf("User-Agent %q", ua)
	}

	p, err = prep(t, "api key", map[string]string{"PETS_KEY": "key-1234567890"}, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := p.Request.Get("x-api-key"); k != "key-1234567890" || len(p.Secrets) != 1 {
		t.Errorf("x-api-key %q", k)
	}
	if _, err := prep(t, "api key", map[string]string{"PETS_KEY": ""}, PrepareOptions{}); err == nil || !strings.Contains(err.Error(), "empty key") {
		t.Errorf("empty api key: %v", err)
	}

	var asked collections.AuthMode
	p, err = prep(t, "cognito token", nil, PrepareOptions{Token: func(_ context.Context, pr *collections.Profile, m collections.AuthMode) (string, error) {
		asked = m
		return "eyJ.access.token", nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := p.Request.Get("Authorization"); a != "Bearer eyJ.access.token" || asked != collections.ModeAccessToken {
		t.Errorf("Authorization %q for mode %s", a, asked)
	}
}

func TestPrepareRegionAndCredentialErrors(t *testing.T) {
	// Region from the aws profile's shared config when the request names none.
	fake := func(_ context.Context, p *collections.Profile) (sign.Credentials, string, error) {
		if p == nil || p.AWSProfile != "staging" {
			t.Errorf("credentials asked for %+v", p)
		}
		return sign.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, "ap-southeast-2", nil
	}
	p, err := prep(t, "region from profile", nil, PrepareOptions{Credentials: fake})
	if err != nil || p.Region != "ap-southeast-2" {
		t.Errorf("region %v: %v", p, err)
	}
	// Then the environment.
	env := map[string]string{"AK": "AKID", "SK": "secret", "AWS_REGION": "ca-central-1"}
	if p, err := prep(t, "region from env", env, PrepareOptions{}); err != nil || p.Region != "ca-central-1" {
		t.Errorf("region from env: %v", err)
	}
	delete(env, "AWS_REGION")
	if _, err := prep(t, "region from env", env, PrepareOptions{}); err == nil || !strings.Contains(err.Error(), "no region") {
		t.Errorf("no region: %v", err)
	}
	// Without a source, a mode that needs one is refused.
	if _, err := prep(t, "cognito token", nil, PrepareOptions{}); err == nil || !strings.Contains(err.Error(), "no token source") {
		t.Errorf("no token source: %v", err)
	}
}

func TestPreparePresignedS3(t *testing.T) {
	p, err := prep(t, "presigned", keys, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Request.Path != "/a%20b.txt" || p.Service != "s3" || p.Trace.Mode != "query" {
		t.Errorf("path %q service %q mode %q", p.Request.Path, p.Service, p.Trace.Mode)
	}
	for _, want := range []string{"X-Amz-Expires=300", "X-Amz-Signature=", "X-Amz-Security-Token="} {
		if !strings.Contains(p.Request.RawQuery, want) {
			t.Errorf("query lacks %s: %s", want, p.Request.RawQuery)
		}
	}
	if _, ok := p.Request.Get("Authorization"); ok {
		t.Errorf("presigned request carries an Authorization header")
	}
}
