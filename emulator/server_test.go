package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"

	"github.com/sigscope/sigscope/internal/peer"
)

const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func startDefault(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	srv, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

type answer struct {
	status int
	header http.Header
	json   map[string]any
	raw    string
}

func send(t *testing.T, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	_ = json.Unmarshal(b, &a.json)
	return a
}

func field(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, _ := cur.(map[string]any)
		cur = mm[k]
	}
	return cur
}

func signedReq(t *testing.T, method, url string, creds aws.Credentials) *http.Request {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, emptySHA, "execute-api", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestEndToEnd runs the demo: a static IAM user, a Cognito login whose
// id_token passes the user-pool authorizer, identity-pool credentials that
// pass the IAM authorizer, and CloudFront cookies, all through one listener,
// driven by the AWS SDK's own Cognito clients.
func TestEndToEnd(t *testing.T) {
	srv := startDefault(t, Options{})
	cfg := DefaultConfig()
	static := aws.Credentials{AccessKeyID: cfg.Credentials[0].AccessKeyID, SecretAccessKey: cfg.Credentials[0].SecretAccessKey}
	hc := &http.Client{}

	if a := send(t, hc, mustReq(t, "GET", srv.APIURL()+"/public")); a.status != 200 || !uuidLike(a.header.Get("x-amzn-RequestId")) {
		t.Fatalf("public: %d %s", a.status, a.raw)
	}
	if a := send(t, hc, mustReq(t, "GET", srv.APIURL()+"/pets")); a.status != 403 || a.json["message"] != "Missing Authentication Token" {
		t.Fatalf("unsigned: %d %s", a.status, a.raw)
	}
	a := send(t, hc, signedReq(t, "GET", srv.APIURL()+"/pets", static))
	if a.status != 200 || field(a.json, "requestContext", "identity", "userArn") != "arn:aws:iam::123456789012:user/sigscope-demo" {
		t.Fatalf("static IAM: %d %s", a.status, a.raw)
	}

	ctx := context.Background()
	idToken, _ := demoTokens(t, srv)

	me := mustReq(t, "GET", srv.APIURL()+"/me")
	me.Header.Set("Authorization", idToken)
	if a := send(t, hc, me); a.status != 200 || field(a.json, "requestContext", "authorizer", "claims", "email") != "demo@example.com" {
		t.Fatalf("/me with id_token: %d", a.status)
	}
	me.Header.Set("Authorization", "Bearer "+idToken)
	if a := send(t, hc, me); a.status != 401 || a.json["message"] != "Unauthorized" {
		t.Fatalf("/me with Bearer: %d %s", a.status, a.raw)
	}

	ident := cognitoidentity.New(cognitoidentity.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	logins := map[string]string{"cognito-idp.us-east-1.amazonaws.com/us-east-1_Demo1": idToken}
	id, err := ident.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String("us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab"), Logins: logins})
	if err != nil {
		t.Fatalf("GetId: %v", err)
	}
	cr, err := ident.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	temp := aws.Credentials{AccessKeyID: aws.ToString(cr.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(cr.Credentials.SecretKey), SessionToken: aws.ToString(cr.Credentials.SessionToken)}
	a = send(t, hc, signedReq(t, "DELETE", srv.APIURL()+"/pets/7", temp))
	if a.status != 200 {
		t.Fatalf("identity-pool credentials: %d", a.status)
	}
	for k, want := range map[string]any{
		"accessKey": temp.AccessKeyID, "cognitoIdentityId": aws.ToString(id.IdentityId),
		"cognitoIdentityPoolId": "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab", "cognitoAuthenticationType": "authenticated",
		"cognitoAuthenticationProvider": "cognito-idp.us-east-1.amazonaws.com/us-east-1_Demo1",
	} {
		if got := field(a.json, "requestContext", "identity", k); got != want {
			t.Errorf("identity.%s = %v, want %v", k, got, want)
		}
	}
	noToken := temp
	noToken.SessionToken = ""
	if a := send(t, hc, signedReq(t, "GET", srv.APIURL()+"/pets", noToken)); a.status != 403 || a.json["message"] != "The security token included in the request is invalid." {
		t.Fatalf("identity-pool key without token: %d", a.status)
	}

	// Guest credentials.
	gid, err := ident.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String("us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab")})
	if err != nil {
		t.Fatalf("guest GetId: %v", err)
	}
	gcr, err := ident.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: gid.IdentityId})
	if err != nil {
		t.Fatalf("guest credentials: %v", err)
	}
	guest := aws.Credentials{AccessKeyID: aws.ToString(gcr.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(gcr.Credentials.SecretKey), SessionToken: aws.ToString(gcr.Credentials.SessionToken)}
	if a := send(t, hc, signedReq(t, "GET", srv.APIURL()+"/pets", guest)); a.status != 200 || field(a.json, "requestContext", "identity", "cognitoAuthenticationType") != "unauthenticated" {
		t.Fatalf("guest: %d", a.status)
	}

	// Cookies.
	jar, _ := cookiejar.New(nil)
	cc := &http.Client{Jar: jar}
	if a := send(t, cc, signedReq(t, "POST", srv.APIURL()+"/login-cookies", static)); a.status != 200 || len(a.header.Values("Set-Cookie")) != 4 {
		t.Fatalf("login-cookies: %d %v", a.status, a.header.Values("Set-Cookie"))
	}
	if a := send(t, cc, mustReq(t, "GET", srv.APIURL()+"/private/report.pdf")); a.status != 200 {
		t.Fatalf("private with cookies: %d %s", a.status, a.raw)
	}
	if a := send(t, hc, mustReq(t, "GET", srv.APIURL()+"/private/report.pdf")); a.status != 403 {
		t.Fatalf("private without cookies: %d", a.status)
	}

	// JWKS is Cognito's, on the same listener.
	if a := send(t, hc, mustReq(t, "GET", srv.URL+"/us-east-1_Demo1/.well-known/jwks.json")); a.status != 200 || a.json["keys"] == nil {
		t.Fatalf("jwks: %d %s", a.status, a.raw)
	}

	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := hc.Get(srv.URL + "/prod/public"); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func mustReq(t *testing.T, method, url string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func uuidLike(s string) bool { return len(s) == 36 && strings.Count(s, "-") == 4 }

func TestTLS(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	srv := startDefault(t, Options{TLS: true, CAFile: caFile})
	if srv.CAFile != caFile || !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %s CAFile %s", srv.URL, srv.CAFile)
	}
	st, err := os.Stat(caFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("CA file: %v %v", err, st)
	}
	pemBytes, _ := os.ReadFile(caFile)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("CA file holds no PEM certificate")
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "https://"))
	for _, host := range []string{"127.0.0.1", "localhost"} {
		if a := send(t, hc, mustReq(t, "GET", "https://"+net.JoinHostPort(host, port)+"/prod/public")); a.status != 200 {
			t.Errorf("https via %s: %d", host, a.status)
		}
	}
	cfg := DefaultConfig()
	static := aws.Credentials{AccessKeyID: cfg.Credentials[0].AccessKeyID, SecretAccessKey: cfg.Credentials[0].SecretAccessKey}
	a := send(t, hc, signedReq(t, "POST", srv.APIURL()+"/login-cookies", static))
	for _, sc := range a.header.Values("Set-Cookie") {
		if !strings.Contains(sc, "; Secure") {
			t.Errorf("cookie without Secure over TLS: %s", sc)
		}
	}
	// An untrusting client is refused.
	if _, err := http.Get(srv.URL + "/prod/public"); err == nil {
		t.Error("TLS accepted without the emulator CA")
	}

	// curl verifies the certificate with --cacert and signs with --aws-sigv4.
	curl := peer.Command(t, "curl")
	out, err := exec.Command(curl, "-sS", "--cacert", caFile, "--aws-sigv4", "aws:amz:us-east-1:execute-api",
		"--user", static.AccessKeyID+":"+static.SecretAccessKey, "-w", "\n%{http_code}", srv.APIURL()+"/pets").CombinedOutput()
	if err != nil || !strings.HasSuffix(string(out), "\n200") {
		t.Fatalf("curl over TLS: %v\n%s", err, out)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.1.2.3:0", "example.com:80", "nonsense"} {
		if _, err := Start(context.Background(), Options{Addr: addr}); err == nil || !strings.Contains(err.Error(), addr) {
			t.Errorf("Start(%q) = %v, want a refusal naming the address", addr, err)
		}
	}
	srv := startDefault(t, Options{Addr: "localhost:0"})
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("localhost: %s", srv.URL)
	}
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Start(context.Background(), Options{Addr: ln.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("got %v", err)
	}
}

func TestContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := Start(ctx, Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-srv.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop when its context ended")
	}
}

// TestIdentityPoolCredentialsExpire: credentials from the identity pool stop
// working after credential_lifetime with API Gateway's "expired" answer.
func TestIdentityPoolCredentialsExpire(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := startDefault(t, Options{Now: clock})
	ctx := context.Background()
	creds := identityPoolCredentials(t, srv, nil)
	sign := func(at time.Time) *http.Request {
		req, _ := http.NewRequest("GET", srv.APIURL()+"/pets", nil)
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptySHA, "execute-api", "us-east-1", at); err != nil {
			t.Fatal(err)
		}
		return req
	}
	if a := send(t, http.DefaultClient, sign(clock())); a.status != 200 {
		t.Fatalf("fresh credentials: %d", a.status)
	}
	mu.Lock()
	now = now.Add(61 * time.Minute)
	mu.Unlock()
	a := send(t, http.DefaultClient, sign(clock()))
	if a.status != 403 || a.json["message"] != "The security token included in the request is expired" || a.header.Get("x-amzn-ErrorType") != "ExpiredTokenException" {
		t.Fatalf("after an hour: %d %v", a.status, a.json["message"])
	}
}
