package sts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/sigscope/sigscope/emulator/awsauth"
	"github.com/sigscope/sigscope/internal/testkit"
)

var (
	alice = Identity{Credential: awsauth.Credential{SecretAccessKey: "aliceSecret/NotASecret+1"},
		Arn: "arn:aws:iam::123456789012:user/alice", UserID: "AIDAEXAMPLEALICE00001", Account: "123456789012"}
	guest = Identity{Credential: awsauth.Credential{SecretAccessKey: "guestSecret", SessionToken: "guestSessionToken"},
		Arn: "arn:aws:sts::123456789012:assumed-role/Cognito_Unauth_Role/CognitoIdentityCredentials", UserID: "AROAEXAMPLEROLE000001:CognitoIdentityCredentials", Account: "123456789012"}
	start = time.Date(2025, 3, 5, 9, 4, 5, 0, time.UTC)
)

type env struct {
	srv   *httptest.Server
	clock *testkit.Clock
	log   *testkit.Buffer
}

func newEnv(t *testing.T) *env {
	e := &env{clock: testkit.NewClock(start), log: &testkit.Buffer{}}
	// guest's credentials expire after an hour, as an identity pool's do.
	g := guest
	g.Expiration = start.Add(time.Hour)
	keys := map[string]Identity{"AKIDALICE": alice, "ASIAGUEST": g}
	svc, err := New(Options{Region: "us-east-1", Now: e.clock.Now, Log: e.log, Credentials: func(akid string) (Identity, bool) {
		id, ok := keys[akid]
		return id, ok
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(svc)
	t.Cleanup(e.srv.Close)
	return e
}

// client is aws-sdk-go-v2's STS client, an independent reader of the
// answers, signing at the time now gives.
func (e *env) client(akid, secret, token string, now func() time.Time) *awssts.Client {
	return awssts.New(awssts.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL), HTTPClient: e.srv.Client(), RetryMaxAttempts: 1,
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, token),
		HTTPSignerV4: clockSigner{v4.NewSigner(), now},
	})
}

type clockSigner struct {
	*v4.Signer
	now func() time.Time
}

func (c clockSigner) SignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) error {
	return c.Signer.SignHTTP(ctx, creds, r, payloadHash, service, region, c.now(), optFns...)
}

func TestGetCallerIdentity(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name             string
		akid, secret, tk string
		want             Identity
	}{
		{"static user", "AKIDALICE", alice.SecretAccessKey, "", alice},
		{"identity-pool credentials", "ASIAGUEST", guest.SecretAccessKey, guest.SessionToken, guest},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := e.client(c.akid, c.secret, c.tk, e.clock.Now).GetCallerIdentity(context.Background(), &awssts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.Arn) != c.want.Arn || aws.ToString(out.UserId) != c.want.UserID || aws.ToString(out.Account) != c.want.Account {
				t.Errorf("got %s %s %s, want %s %s %s", aws.ToString(out.Arn), aws.ToString(out.UserId), aws.ToString(out.Account), c.want.Arn, c.want.UserID, c.want.Account)
			}
		})
	}
	if !strings.Contains(e.log.String(), "sts POST GetCallerIdentity -> 200") {
		t.Errorf("log:\n%s", e.log)
	}
}

func TestRefusals(t *testing.T) {
	e := newEnv(t)
	skewed := func() time.Time { return e.clock.Now().Add(-6 * time.Minute) }
	for _, c := range []struct {
		name               string
		akid, secret, tk   string
		now                func() time.Time
		advance            time.Duration
		wantCode, wantMsgs string
	}{
		{"wrong secret", "AKIDALICE", "wrong", "", e.clock.Now, 0, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/\n"},
		{"unknown key", "AKIDNOBODY", "x", "", e.clock.Now, 0, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"session token missing", "ASIAGUEST", guest.SecretAccessKey, "", e.clock.Now, 0, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"clock 6 minutes slow", "AKIDALICE", alice.SecretAccessKey, "", skewed, 0, "SignatureDoesNotMatch", "Signature expired: 20250305T085805Z is now earlier than 20250305T085905Z (20250305T090405Z - 5 min.)"},
		{"expired credentials", "ASIAGUEST", guest.SecretAccessKey, guest.SessionToken, e.clock.Now, time.Hour, "ExpiredToken", "The security token included in the request is expired"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.clock.Advance(c.advance)
			_, err := e.client(c.akid, c.secret, c.tk, c.now).GetCallerIdentity(context.Background(), &awssts.GetCallerIdentityInput{})
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != c.wantCode || !strings.Contains(ae.ErrorMessage(), c.wantMsgs) {
				t.Fatalf("want %s %q, got %v", c.wantCode, c.wantMsgs, err)
			}
		})
	}
}

// TestWireShape checks the XML itself: the namespace, the RequestId that
// matches x-amzn-RequestId, an unsigned call and an unknown action.
func TestWireShape(t *testing.T) {
	e := newEnv(t)
	post := func(form string, sign bool) (int, http.Header, string) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if sign {
			sum := sha256Hex(form)
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDALICE", SecretAccessKey: alice.SecretAccessKey}, req, sum, "sts", "us-east-1", e.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		res, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}
	status, h, body := post("Action=GetCallerIdentity&Version=2011-06-15", true)
	var ok callerIdentityResponse
	if err := xml.Unmarshal([]byte(body), &ok); err != nil || status != 200 || h.Get("Content-Type") != "text/xml" {
		t.Fatalf("status %d %s: %v\n%s", status, h.Get("Content-Type"), err, body)
	}
	if ok.Xmlns != namespace || ok.RequestID != h.Get("x-amzn-RequestId") || ok.RequestID == "" {
		t.Errorf("xmlns %q, RequestId %q vs header %q", ok.Xmlns, ok.RequestID, h.Get("x-amzn-RequestId"))
	}
	for _, c := range []struct {
		name, form string
		sign       bool
		status     int
		code, msg  string
	}{
		{"unsigned", "Action=GetCallerIdentity&Version=2011-06-15", false, 403, "MissingAuthenticationToken", "Request is missing Authentication Token"},
		{"another action", "Action=AssumeRole&Version=2011-06-15", true, 400, "InvalidAction", "Could not find operation AssumeRole for version 2011-06-15"},
		{"another version", "Action=GetCallerIdentity&Version=2010-01-01", true, 400, "InvalidAction", "Could not find operation GetCallerIdentity for version 2010-01-01"},
		{"no action", "Version=2011-06-15", true, 400, "MissingAction", "Missing Action"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, h, body := post(c.form, c.sign)
			var er errorResponse
			if err := xml.Unmarshal([]byte(body), &er); err != nil {
				t.Fatalf("not STS's error XML: %v\n%s", err, body)
			}
			if status != c.status || er.Error.Type != "Sender" || er.Error.Code != c.code || !strings.HasPrefix(er.Error.Message, c.msg) || er.RequestID != h.Get("x-amzn-RequestId") {
				t.Errorf("status %d, error %+v, want %d %s %q", status, er, c.status, c.code, c.msg)
			}
		})
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
