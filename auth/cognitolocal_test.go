package auth

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/internal/testkit"
)

// The tests here log in against cognito-local (npm, 5.3.0), a Cognito user
// pool emulator that nobody here wrote. The tests expect its known quirks:
// no SRP, InvalidPasswordException for a wrong password, no ExpiresIn,
// sign-in by email with the sub as internal username, and refresh tokens
// issued after a challenge that cannot refresh.

// startCognitoLocal runs cognito-local on a free loopback port with its
// data in a temporary working directory, and returns its URL.
func startCognitoLocal(t *testing.T) string {
	t.Helper()
	node := peer.Command(t, "node")
	bin, err := filepath.Abs(filepath.Join("testdata", "cognito-local", "node_modules", "cognito-local", "lib", "bin", "start.js"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		peer.Missing(t, "cognito-local is not installed: run npm ci --prefix auth/testdata/cognito-local")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(node, bin)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port), "HOST=127.0.0.1", "DEBUG=")
	var out testkit.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start cognito-local: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return "http://" + addr
		}
		select {
		case <-exited:
			t.Fatalf("cognito-local exited before listening; its output (no secrets are configured yet):\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("cognito-local did not listen on %s within 30 s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// localPool provisions a pool, a client and users through cognito-local's
// admin API with the SDK, as an administrator would on AWS.
type localPool struct {
	endpoint, poolID, clientID string
	idp                        *cip.Client
}

func provision(t *testing.T, endpoint string) *localPool {
	t.Helper()
	idp := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("sigscope"), MfaConfiguration: ciptypes.UserPoolMfaTypeOptional})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	lp := &localPool{endpoint: endpoint, poolID: aws.ToString(pool.UserPool.Id), idp: idp}
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(lp.poolID), ClientName: aws.String("cli"),
		ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{ciptypes.ExplicitAuthFlowsTypeAllowUserPasswordAuth, ciptypes.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	lp.clientID = aws.ToString(client.UserPoolClient.ClientId)
	return lp
}

// user creates a user; permanent sets the password as the user's own, else
// it is temporary (FORCE_CHANGE_PASSWORD). cognito-local's pools sign in
// with the email by default, the internal username being the sub: the
// alias case of SECRET_HASH and USER_ID_FOR_SRP.
func (lp *localPool) user(t *testing.T, name, password string, permanent bool) {
	t.Helper()
	_, err := lp.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(lp.poolID), Username: aws.String(name), TemporaryPassword: aws.String(password),
		MessageAction: ciptypes.MessageActionTypeSuppress,
	})
	if err != nil {
		t.Fatalf("AdminCreateUser %s: %v", name, err)
	}
	if permanent {
		if _, err := lp.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
			UserPoolId: aws.String(lp.poolID), Username: aws.String(name), Password: aws.String(password), Permanent: true,
		}); err != nil {
			t.Fatalf("AdminSetUserPassword %s: %v", name, err)
		}
	}
}

func (lp *localPool) profile(flow Flow) CognitoProfile {
	return CognitoProfile{UserPoolID: lp.poolID, ClientID: lp.clientID, Flow: flow, Endpoint: lp.endpoint}
}

func TestCognitoLocal(t *testing.T) {
	endpoint := startCognitoLocal(t)
	lp := provision(t, endpoint)
	store := &Store{Dir: t.TempDir()}
	opts := []Option{WithStore(store)}
	key := func(user string) CacheKey {
		return CacheKey{Collection: "/c/local.yaml", Environment: "cognito-local", UserPoolID: lp.poolID, Username: user}
	}

	t.Run("USER_PASSWORD_AUTH and refresh", func(t *testing.T) {
		lp.user(t, "alice@example.com", "Passw0rd!alice", true)
		l, err := NewLogin(lp.profile(FlowPassword), "alice@example.com", opts...)
		if err != nil {
			t.Fatal(err)
		}
		// cognito-local's answer to a wrong password is InvalidPasswordException.
		_, err = l.Answer(ctx, Answer{Password: "Wr0ng!pass"})
		var ae *Error
		if !errors.As(err, &ae) || ae.Code != "InvalidPasswordException" || !strings.HasPrefix(ae.Plain, `wrong password for user "alice@example.com"`) {
			t.Fatalf("wrong password: %v", err)
		}
		mustStep(t, l, Answer{Password: "Passw0rd!alice"}, StepDone)
		tok, _ := l.Tokens()
		c, err := tok.IDClaims()
		if err != nil {
			t.Fatal(err)
		}
		internal := c.String("cognito:username")
		if c.String("email") != "alice@example.com" || internal == "" || internal == "alice@example.com" || c.String("iss") != endpoint+"/"+lp.poolID {
			t.Errorf("id token: email %q, cognito:username %q, iss %q", c.String("email"), internal, c.String("iss"))
		}
		if st := l.Next(); st.Username != internal {
			t.Errorf("done as %q, want the internal username %q", st.Username, internal)
		}
		// No ExpiresIn from cognito-local: the expiry comes from the exp claim.
		if !tok.Expiry.Equal(c.Time("exp")) || tok.Expiry.Before(time.Now().Add(time.Hour)) {
			t.Errorf("expiry %s, exp claim %s", tok.Expiry, c.Time("exp"))
		}
		s, err := l.Session(key(""))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // a new iat, so the refreshed token differs
		if err := s.Refresh(ctx); err != nil {
			t.Fatalf("refresh: %v", err)
		}
		tok2, _ := s.Tokens(ctx)
		if tok2.IDToken == tok.IDToken || tok2.RefreshToken != tok.RefreshToken || tok2.Username() != internal {
			t.Errorf("refresh: new id token %v, refresh token kept %v, user %q", tok2.IDToken != tok.IDToken, tok2.RefreshToken == tok.RefreshToken, tok2.Username())
		}
	})

	t.Run("no SRP", func(t *testing.T) {
		l, _ := NewLogin(lp.profile(FlowSRP), "alice@example.com", opts...)
		_, err := l.Answer(ctx, Answer{Password: "Passw0rd!alice"})
		if err == nil || !strings.Contains(err.Error(), "does not support USER_SRP_AUTH") || !strings.Contains(err.Error(), "--flow password") {
			t.Fatalf("SRP against cognito-local: %v", err)
		}
	})

	t.Run("NEW_PASSWORD_REQUIRED", func(t *testing.T) {
		lp.user(t, "bob@example.com", "Temp0rary!bob", false)
		l, _ := NewLogin(lp.profile(FlowPassword), "bob@example.com", opts...)
		st := mustStep(t, l, Answer{Password: "Temp0rary!bob"}, StepNewPassword)
		if st.UserAttributes["email"] != "bob@example.com" {
			t.Errorf("user attributes %v", st.UserAttributes)
		}
		mustStep(t, l, Answer{NewPassword: "Br4ndNew!bob"}, StepDone)
		s, err := l.Session(key(""))
		if err != nil {
			t.Fatal(err)
		}
		// cognito-local does not keep refresh tokens issued after a
		// challenge: the refresh is refused, and the user is told to log in.
		if err := s.Refresh(ctx); !errors.Is(err, ErrNotLoggedIn) || !strings.Contains(err.Error(), "log in again") {
			t.Errorf("refresh after a challenge: %v", err)
		}
		l, _ = NewLogin(lp.profile(FlowPassword), "bob@example.com", opts...)
		mustStep(t, l, Answer{Password: "Br4ndNew!bob"}, StepDone)
	})

	t.Run("SOFTWARE_TOKEN_MFA", func(t *testing.T) {
		lp.user(t, "carol@example.com", "Passw0rd!carol", true)
		l, _ := NewLogin(lp.profile(FlowPassword), "carol@example.com", opts...)
		mustStep(t, l, Answer{Password: "Passw0rd!carol"}, StepDone)
		tok, _ := l.Tokens()
		// Carol adds an authenticator app, as she would in an app's settings.
		assoc, err := lp.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(tok.AccessToken)})
		if err != nil {
			t.Fatalf("AssociateSoftwareToken: %v", err)
		}
		secretB32 := aws.ToString(assoc.SecretCode)
		if _, err := lp.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: aws.String(tok.AccessToken), UserCode: aws.String(totp(t, secretB32, time.Now()))}); err != nil {
			t.Fatalf("VerifySoftwareToken: %v", err)
		}
		if _, err := lp.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: aws.String(tok.AccessToken),
			SoftwareTokenMfaSettings: &ciptypes.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
			t.Fatalf("SetUserMFAPreference: %v", err)
		}

		l, _ = NewLogin(lp.profile(FlowPassword), "carol@example.com", opts...)
		st := mustStep(t, l, Answer{Password: "Passw0rd!carol"}, StepMFACode)
		if st.Challenge != MFATOTP {
			t.Fatalf("challenge %s", st.Challenge)
		}
		// A code from far in the future is refused; the step may be answered again.
		far := totp(t, secretB32, time.Now().Add(time.Hour))
		if _, err := l.Answer(ctx, Answer{Code: far}); err == nil || l.Next().Kind != StepMFACode || !strings.Contains(err.Error(), "the code is wrong") {
			t.Fatalf("wrong code: step %s, %v", l.Next().Kind, err)
		}
		mustStep(t, l, Answer{Code: totp(t, secretB32, time.Now())}, StepDone)
	})
}
