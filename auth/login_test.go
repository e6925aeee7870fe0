package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/secret"
)

var ctx = context.Background()

func TestSRPLoginSavesSession(t *testing.T) {
	e := startEmulator(t, nil)
	l, err := NewLogin(e.profile(FlowSRP), "demo", e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if st := l.Next(); st.Kind != StepPassword || !strings.Contains(st.Prompt, "demo") {
		t.Fatalf("first step %s %q, want the password of demo", st.Kind, st.Prompt)
	}
	st := mustStep(t, l, Answer{Password: demoPassword}, StepDone)
	if st.Username != "demo" {
		t.Errorf("done as %q", st.Username)
	}
	tok, ok := l.Tokens()
	if !ok {
		t.Fatal("no tokens")
	}
	id, err := tok.IDClaims()
	if err != nil {
		t.Fatal(err)
	}
	if id.String("cognito:username") != "demo" || id.String("email") != "demo@example.com" || id.String("token_use") != "id" {
		t.Errorf("id claims: %v %v %v", id["cognito:username"], id["email"], id["token_use"])
	}
	// The emulator's tokens last an hour from its clock.
	if want := e.clock.Now().Add(time.Hour); !tok.Expiry.Equal(want) {
		t.Errorf("expiry %s, want %s", tok.Expiry, want)
	}
	noSecrets(t, "Tokens.String", tok.String()+tok.GoString(), tok.IDToken, tok.AccessToken, tok.RefreshToken)

	s, err := l.Session(e.key(""))
	if err != nil {
		t.Fatal(err)
	}
	if s.Username() != "demo" {
		t.Errorf("session user %q", s.Username())
	}
	// The cache file: 0600 in 0700 directories, holding the tokens.
	var files []string
	filepath.WalkDir(e.store.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		if d.IsDir() && fi.Mode().Perm() != 0o700 {
			t.Errorf("directory %s has mode %v, want 0700", p, fi.Mode().Perm())
		}
		if !d.IsDir() {
			files = append(files, p)
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("file %s has mode %v, want 0600", p, fi.Mode().Perm())
			}
		}
		return nil
	})
	if len(files) != 1 || !strings.HasSuffix(files[0], ".json") || !strings.Contains(files[0], "/demo-") {
		t.Fatalf("cache files %v, want one demo-<hash>/<hash>.json", files)
	}

	// A later process finds the login through the same key, with or
	// without the username.
	for _, k := range []CacheKey{e.key("demo"), e.key("")} {
		again, err := CognitoSession(ctx, k, e.profile(FlowSRP), e.opts()...)
		if err != nil {
			t.Fatalf("CognitoSession(%+v): %v", k, err)
		}
		got, err := again.Tokens(ctx)
		if err != nil || got.IDToken != tok.IDToken {
			t.Errorf("cached tokens differ (err %v)", err)
		}
	}
	// Another environment, user or client is not logged in.
	for name, k := range map[string]CacheKey{"env": {Collection: "/collections/demo.yaml", Environment: "prod", Username: "demo"}, "user": e.key("alice")} {
		if _, err := CognitoSession(ctx, k, e.profile(FlowSRP), e.opts()...); !errors.Is(err, ErrNotLoggedIn) || !strings.Contains(err.Error(), "sigscope login") {
			t.Errorf("%s: want ErrNotLoggedIn saying to log in, got %v", name, err)
		}
	}
	other := e.profile(FlowSRP)
	other.ClientID = secretClient
	if _, err := CognitoSession(ctx, e.key("demo"), other, e.opts()...); !errors.Is(err, ErrNotLoggedIn) || !strings.Contains(err.Error(), secretClient) {
		t.Errorf("changed client: want ErrNotLoggedIn naming the client, got %v", err)
	}
}

func TestPasswordLogin(t *testing.T) {
	e := startEmulator(t, nil)
	l, err := NewLogin(e.profile(FlowPassword), "demo", e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	mustStep(t, l, Answer{Password: demoPassword}, StepDone)
	tok, _ := l.Tokens()
	if tok.Username() != "demo" || tok.RefreshToken == "" {
		t.Errorf("username %q, refresh token present %v", tok.Username(), tok.RefreshToken != "")
	}
}

func TestWrongPasswordStartsOver(t *testing.T) {
	e := startEmulator(t, nil)
	for _, flow := range []Flow{FlowSRP, FlowPassword} {
		l, err := NewLogin(e.profile(flow), "demo", e.opts()...)
		if err != nil {
			t.Fatal(err)
		}
		st, err := l.Answer(ctx, Answer{Password: "Wr0ngPassword!"})
		var ae *Error
		if !errors.As(err, &ae) || ae.Code != "NotAuthorizedException" || !strings.HasPrefix(ae.Plain, `wrong password for user "demo"`) {
			t.Fatalf("%s: want a plain NotAuthorizedException, got %v", flow, err)
		}
		if st.Kind != StepPassword {
			t.Errorf("%s: after a wrong password the step is %s", flow, st.Kind)
		}
		noSecrets(t, "the error", err.Error(), "Wr0ngPassword!")
		// The same Login accepts the right password next.
		mustStep(t, l, Answer{Password: demoPassword}, StepDone)
	}
	l, _ := NewLogin(e.profile(FlowSRP), "nobody", e.opts()...)
	_, err := l.Answer(ctx, Answer{Password: demoPassword})
	if err == nil || !strings.Contains(err.Error(), `user "nobody" does not exist in pool us-east-1_Demo1`) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := l.Answer(ctx, Answer{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty password: %v", err)
	}
}

func TestFlowNotEnabledIsExplained(t *testing.T) {
	e := startEmulator(t, nil)
	p := e.profile(FlowPassword)
	p.ClientID = srpOnly
	l, err := NewLogin(p, "demo", e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Answer(ctx, Answer{Password: demoPassword})
	want := "USER_PASSWORD_AUTH is not enabled for this app client: enable ALLOW_USER_PASSWORD_AUTH in the app client's authentication flows, or use SRP (--flow srp)"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	// SRP works for that client.
	p.Flow = FlowSRP
	l, _ = NewLogin(p, "demo", e.opts()...)
	mustStep(t, l, Answer{Password: demoPassword}, StepDone)
}

func TestClientSecret(t *testing.T) {
	e := startEmulator(t, nil)
	p := e.profile(FlowSRP)
	p.ClientID = secretClient
	// Without the secret: the fix names client_secret_env.
	l, _ := NewLogin(p, "demo", e.opts()...)
	_, err := l.Answer(ctx, Answer{Password: demoPassword})
	if err == nil || !strings.Contains(err.Error(), "has a secret") || !strings.Contains(err.Error(), "client_secret_env") {
		t.Fatalf("missing secret: %v", err)
	}
	p.ClientSecret = "wrong-secret-0000000000000000000000000000000000000"
	l, _ = NewLogin(p, "demo", e.opts()...)
	_, err = l.Answer(ctx, Answer{Password: demoPassword})
	if err == nil || !strings.Contains(err.Error(), "SECRET_HASH does not match") {
		t.Fatalf("wrong secret: %v", err)
	}
	noSecrets(t, "the error", err.Error(), p.ClientSecret)

	for _, flow := range []Flow{FlowSRP, FlowPassword} {
		p.Flow = flow
		p.ClientSecret = demoSecret
		l, _ = NewLogin(p, "totp-user", e.opts()...)
		mustStep(t, l, Answer{Password: demoPassword}, StepMFACode)
		mustStep(t, l, Answer{Code: totp(t, totpSecretB32, e.clock.Now())}, StepDone)
		s, err := l.Session(e.key(""))
		if err != nil {
			t.Fatal(err)
		}
		// Refresh hashes the internal username from the id token.
		if err := s.Refresh(ctx); err != nil {
			t.Fatalf("%s: refresh with SECRET_HASH: %v", flow, err)
		}
	}
	if s := p.String() + p.GoString(); strings.Contains(s, demoSecret) {
		t.Error("CognitoProfile's String shows the client secret")
	}
}

func TestNewPasswordRequired(t *testing.T) {
	e := startEmulator(t, nil)
	l, _ := NewLogin(e.profile(FlowSRP), "newbie", e.opts()...)
	st := mustStep(t, l, Answer{Password: "Welcome1!"}, StepNewPassword)
	if st.Challenge != "NEW_PASSWORD_REQUIRED" || st.UserAttributes["email"] != "newbie@example.com" {
		t.Errorf("challenge %s, attributes %v", st.Challenge, st.UserAttributes)
	}
	// A password the policy refuses may be typed again.
	st, err := l.Answer(ctx, Answer{NewPassword: "short"})
	var ae *Error
	if !errors.As(err, &ae) || !ae.Retry || !strings.Contains(ae.Plain, "password policy") || st.Kind != StepNewPassword {
		t.Fatalf("weak password: step %s, err %v", st.Kind, err)
	}
	mustStep(t, l, Answer{NewPassword: "N3wPassword!"}, StepDone)
	// The new password is the password now.
	l, _ = NewLogin(e.profile(FlowPassword), "newbie", e.opts()...)
	mustStep(t, l, Answer{Password: "N3wPassword!"}, StepDone)
}

func TestNewPasswordThenMFASetup(t *testing.T) {
	e := startEmulator(t, nil)
	l, _ := NewLogin(e.profile(FlowSRP), "newbie2", e.opts()...)
	mustStep(t, l, Answer{Password: "Welcome1!"}, StepNewPassword)
	st := mustStep(t, l, Answer{NewPassword: "N3wPassword!"}, StepTOTPSetup)
	if st.TOTPSecret == "" || !strings.HasPrefix(st.TOTPURI, "otpauth://totp/AWSCognito:newbie2?") {
		t.Fatalf("setup step without a secret or URI: %q", st.Prompt)
	}
	mustStep(t, l, Answer{Code: totp(t, st.TOTPSecret, e.clock.Now())}, StepDone)
}

func TestSoftwareTokenMFA(t *testing.T) {
	e := startEmulator(t, nil)
	l, _ := NewLogin(e.profile(FlowSRP), "totp-user", e.opts()...)
	st := mustStep(t, l, Answer{Password: demoPassword}, StepMFACode)
	if st.Challenge != MFATOTP || !strings.Contains(st.Prompt, "authenticator") {
		t.Errorf("challenge %s, prompt %q", st.Challenge, st.Prompt)
	}
	right := totp(t, totpSecretB32, e.clock.Now())
	wrong := totp(t, totpSecretB32, e.clock.Now().Add(10*time.Minute))
	st, err := l.Answer(ctx, Answer{Code: wrong})
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "CodeMismatchException" || !ae.Retry || st.Kind != StepMFACode {
		t.Fatalf("wrong code: step %s, err %v", st.Kind, err)
	}
	mustStep(t, l, Answer{Code: " " + right + "\n"}, StepDone)
}

func TestSMSMFA(t *testing.T) {
	e := startEmulator(t, nil)
	l, _ := NewLogin(e.profile(FlowPassword), "sms-user", e.opts()...)
	st := mustStep(t, l, Answer{Password: demoPassword}, StepMFACode)
	if st.Challenge != MFASMS || st.Medium != "SMS" || st.Destination != "+*******0100" || st.Prompt != "Code sent by SMS to +*******0100" {
		t.Errorf("SMS step: %+v", st)
	}
	mustStep(t, l, Answer{Code: e.lastCode(t, "+15555550100")}, StepDone)
}

func TestEmailOTP(t *testing.T) {
	e := startEmulator(t, nil)
	l, _ := NewLogin(e.profile(FlowSRP), "mailer", e.opts()...)
	st := mustStep(t, l, Answer{Password: demoPassword}, StepMFACode)
	if st.Challenge != MFAEmail || st.Medium != "EMAIL" || st.Prompt != "Code sent by email to m***@e***" {
		t.Errorf("email step: %+v", st)
	}
	mustStep(t, l, Answer{Code: e.lastCode(t, "mailer@example.com")}, StepDone)
}

func TestSelectMFAType(t *testing.T) {
	e := startEmulator(t, nil)
	for _, c := range []struct {
		choice string
		code   func() string
	}{
		{MFAEmail, func() string { return e.lastCode(t, "chooser@example.com") }},
		{MFASMS, func() string { return e.lastCode(t, "+15555550101") }},
		{MFATOTP, func() string { return totp(t, totpSecretB32, e.clock.Now()) }},
	} {
		l, _ := NewLogin(e.profile(FlowSRP), "chooser", e.opts()...)
		st := mustStep(t, l, Answer{Password: demoPassword}, StepSelectMFA)
		if strings.Join(st.MFAChoices, ",") != "SMS_MFA,SOFTWARE_TOKEN_MFA,EMAIL_OTP" {
			t.Errorf("choices %v", st.MFAChoices)
		}
		if _, err := l.Answer(ctx, Answer{MFAType: "VOICE"}); err == nil || l.Next().Kind != StepSelectMFA {
			t.Errorf("an unknown choice was accepted or ended the step: %v", err)
		}
		st = mustStep(t, l, Answer{MFAType: c.choice}, StepMFACode)
		if st.Challenge != c.choice {
			t.Errorf("chose %s, asked for %s", c.choice, st.Challenge)
		}
		mustStep(t, l, Answer{Code: c.code()}, StepDone)
	}
}

func TestMFASetup(t *testing.T) {
	e := startEmulator(t, nil)
	l, _ := NewLogin(e.profile(FlowSRP), "setup", e.opts()...)
	st := mustStep(t, l, Answer{Password: demoPassword}, StepTOTPSetup)
	if len(st.TOTPSecret) != 32 || !strings.Contains(st.TOTPURI, "secret="+st.TOTPSecret) || !strings.Contains(st.TOTPURI, "issuer=AWSCognito") {
		t.Fatalf("setup step: secret of %d characters, URI %s", len(st.TOTPSecret), secret.Mask(st.TOTPURI))
	}
	wrong := totp(t, st.TOTPSecret, e.clock.Now().Add(time.Hour))
	got, err := l.Answer(ctx, Answer{Code: wrong})
	var ae *Error
	if !errors.As(err, &ae) || !ae.Retry || got.Kind != StepTOTPSetup || !strings.Contains(ae.Plain, "authenticator") {
		t.Fatalf("wrong setup code: step %s, err %v", got.Kind, err)
	}
	mustStep(t, l, Answer{Code: totp(t, st.TOTPSecret, e.clock.Now()), DeviceName: "test phone"}, StepDone)

	// The next login asks for a code from the authenticator just set up.
	e.clock.Advance(time.Minute)
	l, _ = NewLogin(e.profile(FlowPassword), "setup", e.opts()...)
	mustStep(t, l, Answer{Password: demoPassword}, StepMFACode)
	mustStep(t, l, Answer{Code: totp(t, st.TOTPSecret, e.clock.Now())}, StepDone)
}

func TestLoginSessionExpires(t *testing.T) {
	e := startEmulator(t, nil)
	l, _ := NewLogin(e.profile(FlowSRP), "totp-user", e.opts()...)
	mustStep(t, l, Answer{Password: demoPassword}, StepMFACode)
	e.clock.Advance(4 * time.Minute) // Cognito sessions last 3 minutes
	st, err := l.Answer(ctx, Answer{Code: totp(t, totpSecretB32, e.clock.Now())})
	if err == nil || !strings.Contains(err.Error(), "the login session expired") || st.Kind != StepPassword {
		t.Fatalf("expired session: step %s, err %v", st.Kind, err)
	}
}

func TestProfileValidation(t *testing.T) {
	for _, c := range []struct {
		p    CognitoProfile
		want string
	}{
		{CognitoProfile{ClientID: "x"}, "user_pool_id is empty"},
		{CognitoProfile{UserPoolID: "Demo1", ClientID: "x"}, `user_pool_id "Demo1"`},
		{CognitoProfile{UserPoolID: demoPool}, "client_id is empty"},
		{CognitoProfile{UserPoolID: demoPool, ClientID: "x", Flow: "magic"}, `flow "magic"`},
		{CognitoProfile{UserPoolID: demoPool, ClientID: "x", Endpoint: "{{emulator}}"}, "is a {{variable}} in it unset?"},
		{CognitoProfile{UserPoolID: demoPool, ClientID: "x", IdentityPoolID: "abc"}, "identity_pool_id"},
	} {
		if _, err := NewLogin(c.p, "demo"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.p, err, c.want)
		}
	}
	p := CognitoProfile{UserPoolID: demoPool, ClientID: "x"}
	if _, err := NewLogin(p, " "); err == nil || !strings.Contains(err.Error(), "--username") {
		t.Errorf("no username: %v", err)
	}
	p.Flow = FlowHosted
	if _, err := NewLogin(p, "demo"); err == nil || !strings.Contains(err.Error(), "StartHostedLogin") {
		t.Errorf("hosted flow: %v", err)
	}
}

func TestNewPasswordSendsAttributes(t *testing.T) {
	e := startEmulator(t, nil)
	l, _ := NewLogin(e.profile(FlowPassword), "newbie", e.opts()...)
	mustStep(t, l, Answer{Password: "Welcome1!"}, StepNewPassword)
	mustStep(t, l, Answer{NewPassword: "N3wPassword!", Attributes: map[string]string{"name": "New Bie"}}, StepDone)
	tok, _ := l.Tokens()
	c, _ := tok.IDClaims()
	if c.String("name") != "New Bie" {
		t.Errorf("the attribute did not reach the user: name claim %q", c.String("name"))
	}

	// Required attributes that are missing are asked for before anything
	// is sent (neither emulator lists required attributes, so the step is
	// set here as Cognito would send it).
	l, _ = NewLogin(e.profile(FlowPassword), "newbie", e.opts()...)
	l.step = Step{Kind: StepNewPassword, Challenge: "NEW_PASSWORD_REQUIRED",
		RequiredAttributes: requiredAttributes(`["userAttributes.given_name","userAttributes.family_name"]`)}
	st, err := l.Answer(ctx, Answer{NewPassword: "An0therPass!", Attributes: map[string]string{"given_name": "New"}})
	if err == nil || err.Error() != "Cognito requires these attributes: family_name" || st.Kind != StepNewPassword {
		t.Errorf("missing attribute: step %s, %v", st.Kind, err)
	}
}
