package exchange

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/rawhttp"
	"github.com/sigscope/sigscope/sign"
)

// testCollection exercises each auth mode against the emulator's default
// routes.
const testCollection = `
name: exchange tests
environments:
  local:
    base_url: "{{emulator}}/prod"
    region: us-east-1
auth:
  keys:
    type: static
    access_key_id_env: TEST_ACCESS_KEY_ID
    secret_access_key_env: TEST_SECRET_ACCESS_KEY
  pool:
    type: cognito
    user_pool_id: us-east-1_Demo1
    client_id: 3n4b5urk1ft4fl3mg5e62d9ado
    identity_pool_id: us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab
    endpoint: "{{emulator}}"
defaults:
  auth: {mode: iam, profile: keys}
requests:
  - name: list
    method: GET
    url: "{{base_url}}/pets"
    query: {limit: "10", type: [dog, cat]}
  - name: create
    method: POST
    url: "{{base_url}}/pets"
    headers: {Content-Type: application/json}
    body: {json: {name: Rex}}
  - name: me
    method: GET
    url: "{{base_url}}/me"
    auth: {mode: id_token, profile: pool}
  - name: me bearer
    method: GET
    url: "{{base_url}}/me"
    auth: {mode: id_token, profile: pool, bearer: true}
  - name: list as user
    method: GET
    url: "{{base_url}}/pets"
    auth: {mode: iam, profile: pool}
  - name: login cookies
    method: POST
    url: "{{base_url}}/login-cookies"
  - name: report
    method: GET
    url: "{{base_url}}/private/report.txt"
    auth: {mode: none}
  - name: awkward
    method: GET
    url: "{{base_url}}/pets/Mr Whiskers/ñandú/!'()*;:@&=+$,/a%2Fb%2fc/x y?x=1&enc=%2F%20&sp=a b"
    query:
      q: café & crème
      reserved: "!'()*;:@&=+$,"
      "sp ace": "a b"
  - name: plus
    method: GET
    url: "{{base_url}}/pets?a+b=c+d&e%2Bf=g%2Bh&i%20j=k%20l"
    query:
      "m n": "o p"
      "q+r": "s+t"
`

type env struct {
	srv  *emulator.Server
	coll *collections.Collection
	vars map[string]string
	keys map[string]string
}

func startEmulator(t *testing.T, opts emulator.Options) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := emulator.Start(ctx, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); cancel() })
	coll, err := collections.LoadBytes("exchange-test.yaml", []byte(testCollection))
	if err != nil {
		t.Fatal(err)
	}
	cred := srv.Config.Credentials[0]
	return &env{srv: srv, coll: coll, vars: map[string]string{"emulator": srv.URL},
		keys: map[string]string{"TEST_ACCESS_KEY_ID": cred.AccessKeyID, "TEST_SECRET_ACCESS_KEY": cred.SecretAccessKey}}
}

func (e *env) lookup(k string) (string, bool) { v, ok := e.keys[k]; return v, ok }

func (e *env) prepare(t *testing.T, name string, po PrepareOptions) *Prepared {
	t.Helper()
	rr, err := e.coll.Resolve(name, "", e.vars, e.lookup)
	if err != nil {
		t.Fatalf("resolve %s: %v", name, err)
	}
	po.LookupEnv = e.lookup
	if po.Credentials == nil {
		po.Credentials = staticCredentials(e.lookup)
	}
	p, err := Prepare(context.Background(), rr, po)
	if err != nil {
		t.Fatalf("prepare %s: %v", name, err)
	}
	return p
}

func (e *env) send(t *testing.T, p *Prepared, opts Options) *Result {
	t.Helper()
	opts.Resign = p.Resign
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	res := Send(context.Background(), p.Request, opts)
	t.Cleanup(func() { res.Close() })
	if res.Err != nil {
		t.Fatalf("send %s: %v (%s)", p.Resolved.Path, res.Err, res.Err.Hint)
	}
	return res
}

func jsonBody(t *testing.T, res *Result) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(res.Response.Body, &m); err != nil {
		t.Fatalf("body is not JSON: %v: %.300s", err, res.Response.Body)
	}
	return m
}

func field(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

func TestIAMRequestAccepted(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	p := e.prepare(t, "list", PrepareOptions{})
	if p.Trace == nil || p.Region != "us-east-1" || p.Service != "execute-api" {
		t.Fatalf("not signed as expected: trace %v region %q service %q", p.Trace != nil, p.Region, p.Service)
	}
	res := e.send(t, p, Options{})
	if res.Response.Status != 200 {
		t.Fatalf("status %d: %s", res.Response.Status, res.Response.Body)
	}
	m := jsonBody(t, res)
	if field(m, "requestContext", "authorizationType") != "AWS_IAM" || field(m, "requestContext", "identity", "userArn") != "arn:aws:iam::123456789012:user/sigscope-demo" {
		t.Errorf("echo: %v", m["requestContext"])
	}
	if got := field(m, "rawQuery"); got != "limit=10&type=dog&type=cat" {
		t.Errorf("rawQuery = %v", got)
	}
	// What was written is what Prepare rendered, and it starts with the
	// request line of the signed request.
	if !bytes.Equal(res.Wire, p.Wire) || !bytes.HasPrefix(res.Wire, []byte("GET /prod/pets?limit=10&type=dog&type=cat HTTP/1.1\r\nHost: "+strings.TrimPrefix(e.srv.URL, "http://")+"\r\n")) {
		t.Errorf("wire: %q", res.Wire)
	}
	if !strings.Contains(string(res.Wire), "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDSIGSCOPEDEMO0001/") {
		t.Errorf("no SigV4 Authorization on the wire: %q", res.Wire)
	}
	if res.Timings.Total <= 0 || res.Timings.FirstByte <= 0 || res.Timings.Connect <= 0 {
		t.Errorf("timings not measured: %+v", res.Timings)
	}
	if !res.SkewKnown || res.ClockSkew.Abs() > 2*time.Second || len(res.Warnings) != 0 {
		t.Errorf("clock skew against the in-process emulator: %v known=%v warnings %q", res.ClockSkew, res.SkewKnown, res.Warnings)
	}
	if got, _ := res.Response.Header("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
}

func idToken(t *testing.T, srv *emulator.Server) string {
	t.Helper()
	idp := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	out, err := idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("3n4b5urk1ft4fl3mg5e62d9ado"),
		AuthParameters: map[string]string{"USERNAME": "demo", "PASSWORD": "Passw0rd!"},
	})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	return aws.ToString(out.AuthenticationResult.IdToken)
}

func TestIDTokenAccepted(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	tok := idToken(t, e.srv)
	tokens := func(_ context.Context, p *collections.Profile, mode collections.AuthMode) (string, error) {
		if p == nil || p.Name != "pool" || mode != collections.ModeIDToken {
			t.Errorf("token asked for profile %v mode %s", p, mode)
		}
		return tok, nil
	}
	p := e.prepare(t, "me", PrepareOptions{Token: tokens})
	if got, _ := p.Request.Get("Authorization"); got != tok || p.Trace != nil {
		t.Fatalf("Authorization is not the raw id token (len %d vs %d), trace %v", len(got), len(tok), p.Trace != nil)
	}
	if len(p.Secrets) != 1 || p.Secrets[0] != tok {
		t.Errorf("the token is not listed among the secrets to mask")
	}
	res := e.send(t, p, Options{})
	if res.Response.Status != 200 {
		t.Fatalf("status %d: %s", res.Response.Status, res.Response.Body)
	}
	if got := field(jsonBody(t, res), "requestContext", "authorizer", "claims", "email"); got != "demo@example.com" {
		t.Errorf("claims email = %v", got)
	}
	// The Cognito authorizer of a REST API wants the raw token: with the
	// bearer option the emulator, like API Gateway, says 401.
	res = e.send(t, e.prepare(t, "me bearer", PrepareOptions{Token: tokens}), Options{})
	if res.Response.Status != 401 {
		t.Errorf("Bearer token: status %d", res.Response.Status)
	}
}

func TestCookiesFromLoginToPrivate(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	jar := cookies.NewJar()

	// Without cookies the private route refuses.
	res := e.send(t, e.prepare(t, "report", PrepareOptions{Jar: jar}), Options{Jar: jar})
	if res.Response.Status != 403 {
		t.Fatalf("private without cookies: %d %s", res.Response.Status, res.Response.Body)
	}

	p := e.prepare(t, "login cookies", PrepareOptions{Jar: jar})
	res = e.send(t, p, Options{Jar: jar})
	if res.Response.Status != 200 {
		t.Fatalf("login-cookies: %d %s", res.Response.Status, res.Response.Body)
	}
	if len(res.Cookies) != 4 {
		t.Fatalf("%d Set-Cookie parsed, want 4 (session and three CloudFront cookies)", len(res.Cookies))
	}
	var got []cookies.Cookie
	for _, c := range res.Cookies {
		if !c.Stored {
			t.Errorf("%s not stored: %s %s", c.Cookie.Name, c.Reason, c.Err)
		}
		if !c.Cookie.HttpOnly || c.Cookie.SameSite != "Lax" || c.Cookie.Expires.IsZero() {
			t.Errorf("%s attributes: %s", c.Cookie.Name, c.Cookie.Attributes())
		}
		got = append(got, c.Cookie)
	}
	cf, ok := cookies.FindCloudFront(got)
	if !ok || len(cf.Problems) != 0 {
		t.Fatalf("CloudFront cookies not recognized: %+v", cf.Problems)
	}
	if want := e.srv.URL + "/prod/private/*"; cf.Resource != want {
		t.Errorf("policy resource %q, want %q", cf.Resource, want)
	}
	if d := time.Until(cf.Expires); d < 55*time.Minute || d > 61*time.Minute {
		t.Errorf("policy expires in %v, want about the route's 1h lifetime", d)
	}

	p = e.prepare(t, "report", PrepareOptions{Jar: jar})
	if len(p.CookiesSent) != 4 {
		t.Errorf("%d cookies sent, want 4", len(p.CookiesSent))
	}
	res = e.send(t, p, Options{Jar: jar})
	if res.Response.Status != 200 {
		t.Fatalf("private with cookies: %d %s", res.Response.Status, res.Response.Body)
	}
	if ck, _ := p.Request.Get("Cookie"); !strings.Contains(ck, "CloudFront-Policy=") || !strings.Contains(string(res.Wire), "\r\nCookie: ") {
		t.Errorf("Cookie header not on the wire")
	}

	// NoCookies (--no-cookies) sends none, and the door stays shut.
	p = e.prepare(t, "report", PrepareOptions{Jar: jar, NoCookies: true})
	if _, ok := p.Request.Get("Cookie"); ok || p.StoreCookies {
		t.Errorf("NoCookies still uses the jar")
	}
	if res = e.send(t, p, Options{}); res.Response.Status != 403 {
		t.Errorf("private with cookies off: %d", res.Response.Status)
	}
}

// TestCookieHeaderIsSigned checks the choice of adding the Cookie header
// before signing: the IAM authorizer accepts it, and it is a signed header.
func TestCookieHeaderIsSigned(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	jar := cookies.NewJar()
	e.send(t, e.prepare(t, "login cookies", PrepareOptions{Jar: jar}), Options{Jar: jar})
	p := e.prepare(t, "list", PrepareOptions{Jar: jar})
	if !strings.Contains(p.Trace.SignedHeaders, "cookie") {
		t.Fatalf("cookie not signed: %s", p.Trace.SignedHeaders)
	}
	if res := e.send(t, p, Options{Jar: jar}); res.Response.Status != 200 {
		t.Errorf("signed request with cookies: %d %s", res.Response.Status, res.Response.Body)
	}
}

func TestMismatchThroughTamperingProxy(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	upstream := strings.TrimPrefix(e.srv.URL, "http://")
	proxy := testkit.TamperingProxy(t, upstream, "Content-Type: application/json", "Content-Type: application/json; charset=utf-8")
	p := e.prepare(t, "create", PrepareOptions{})
	res := e.send(t, p, Options{Addr: proxy})
	if res.Response.Status != 403 {
		t.Fatalf("status %d through the tampering proxy: %s", res.Response.Status, res.Response.Body)
	}
	m, ok := explain.Diagnose(res.Response.Body, p.Trace)
	if !ok || m.First == nil {
		t.Fatalf("not read as a mismatch: %s", res.Response.Body)
	}
	if m.First.Step != "canonical request" || m.First.Part != "canonical headers" {
		t.Errorf("step %q part %q", m.First.Step, m.First.Part)
	}
	if m.First.Ours != "content-type:application/json" || m.First.Theirs != "content-type:application/json; charset=utf-8" {
		t.Errorf("differing line: signed %q, server %q", m.First.Ours, m.First.Theirs)
	}
	if !strings.Contains(m.Hint, `"content-type"`) || !strings.Contains(m.Hint, "changed it after signing") {
		t.Errorf("hint: %s", m.Hint)
	}
	// The same request straight to the emulator is accepted.
	if res := e.send(t, e.prepare(t, "create", PrepareOptions{}), Options{}); res.Response.Status != 200 {
		t.Errorf("without the proxy: %d %s", res.Response.Status, res.Response.Body)
	}
}

// TestAwkwardTargetArrivesAsSigned sends spaces, unicode, reserved
// characters and encoded slashes in the path and query; the emulator echoes
// the raw request-target it received and accepts the signature.
func TestAwkwardTargetArrivesAsSigned(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	p := e.prepare(t, "awkward", PrepareOptions{})
	// Worked out by hand from the URL in the collection: space %20,
	// ñ C3 B1, ú C3 BA, reserved characters and %2F / %2f kept.
	wantPath := "/prod/pets/Mr%20Whiskers/%C3%B1and%C3%BA/!'()*;:@&=+$,/a%2Fb%2fc/x%20y"
	wantQuery := "x=1&enc=%2F%20&sp=a%20b" +
		"&q=caf%C3%A9%20%26%20cr%C3%A8me" +
		"&reserved=%21%27%28%29%2A%3B%3A%40%26%3D%2B%24%2C" +
		"&sp%20ace=a%20b"
	if p.Request.Path != wantPath || p.Request.RawQuery != wantQuery {
		t.Fatalf("signed target:\n  %s?%s\nwant\n  %s?%s", p.Request.Path, p.Request.RawQuery, wantPath, wantQuery)
	}
	res := e.send(t, p, Options{})
	if res.Response.Status != 200 {
		m, _ := explain.Diagnose(res.Response.Body, p.Trace)
		t.Fatalf("status %d: %s (%+v)", res.Response.Status, res.Response.Body, m)
	}
	m := jsonBody(t, res)
	if m["rawPath"] != p.Request.Path {
		t.Errorf("path received %q, signed %q", m["rawPath"], p.Request.Path)
	}
	if m["rawQuery"] != p.Request.RawQuery {
		t.Errorf("query received %q, signed %q", m["rawQuery"], p.Request.RawQuery)
	}
	if got := field(m, "path"); got != "/pets/Mr Whiskers/ñandú/!'()*;:@&=+$,/a/b/c/x y" {
		t.Errorf("decoded path %q", got)
	}
}

// TestPlusSpaceAndEscapesAccepted: a literal '+', %2B, %20 and a space in
// query keys and values, sent exactly as signed, pass the emulator, which
// reads the raw query as AWS servers do ('+' is a plus).
func TestPlusSpaceAndEscapesAccepted(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	p := e.prepare(t, "plus", PrepareOptions{})
	if !strings.Contains(p.Request.RawQuery, "a+b=c+d") {
		t.Fatalf("the URL's own '+' was not sent as written: %s", p.Request.RawQuery)
	}
	wantCanonical := "a%2Bb=c%2Bd&e%2Bf=g%2Bh&i%20j=k%20l&m%20n=o%20p&q%2Br=s%2Bt"
	if p.Trace.Query.Output != wantCanonical {
		t.Fatalf("canonical query %s\nwant              %s", p.Trace.Query.Output, wantCanonical)
	}
	res := e.send(t, p, Options{})
	if res.Response.Status != 200 {
		m, _ := explain.Diagnose(res.Response.Body, p.Trace)
		t.Fatalf("status %d: %s (%+v)", res.Response.Status, res.Response.Body, m)
	}
	if got := jsonBody(t, res)["rawQuery"]; got != p.Request.RawQuery {
		t.Errorf("query received %q, signed %q", got, p.Request.RawQuery)
	}
}

// TestChunkedBodySignedAsDecoded: a raw request with a chunked body,
// signed from its text, passes the emulator (which, like AWS, hashes the
// payload after removing the framing). The framing goes out as written.
func TestChunkedBodySignedAsDecoded(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	u, _ := url.Parse(e.srv.URL)
	raw := "POST /prod/pets HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"7\r\n{\"name\"\r\n7\r\n:\"Rex\"}\r\n0\r\n\r\n"
	parsed, err := rawhttp.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	req, err := sign.FromRaw(parsed, "http")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sign.Sign(req, sign.Options{
		Credentials: sign.Credentials{AccessKeyID: e.keys["TEST_ACCESS_KEY_ID"], SecretAccessKey: e.keys["TEST_SECRET_ACCESS_KEY"]},
		Region:      "us-east-1", Service: "execute-api", Time: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Payload.Size != len(`{"name":"Rex"}`) {
		t.Fatalf("payload of %d bytes: the framing was hashed", tr.Payload.Size)
	}
	// The request as written, with the signer's headers before the blank line.
	date, _ := tr.Signed.Get("X-Amz-Date")
	head, body, _ := strings.Cut(raw, "\r\n\r\n")
	wire := head + "\r\nX-Amz-Date: " + date + "\r\nAuthorization: " + tr.Authorization + "\r\nConnection: close\r\n\r\n" + body
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(wire)); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("status %d: %s", res.StatusCode, b)
	}
}
