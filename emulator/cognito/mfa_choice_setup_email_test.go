package cognito

import (
	"encoding/base32"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// moreMFAConfig adds users for the challenges of mfa.go to the shared test
// configuration.
func moreMFAConfig() Config {
	cfg := testConfig()
	cfg.UserPools[0].Users = append(cfg.UserPools[0].Users,
		UserConfig{Username: "chooser", Password: demoPassword, Attributes: map[string]string{"email": "chooser@example.com"},
			MFA: &MFAConfig{Type: "totp, sms,email", Secret: totpSecret, Phone: smsPhone}},
		UserConfig{Username: "mailer", Password: demoPassword, Attributes: map[string]string{"email": "mailer@example.com"},
			MFA: &MFAConfig{Type: "email"}},
		UserConfig{Username: "setup", Password: demoPassword, MFA: &MFAConfig{Type: "totp-setup"}},
	)
	return cfg
}

var emailLine = regexp.MustCompile(`Email to ([^ ]+): your code is ([0-9]{6})`)

func (e *env) respond(name ciptypes.ChallengeNameType, session *string, resp map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: name,
		ClientId: aws.String(webClient), Session: session, ChallengeResponses: resp})
}

func TestSelectMFAType(t *testing.T) {
	e := newEnv(t, moreMFAConfig())
	start := func() *cip.InitiateAuthOutput {
		out, err := e.passwordAuth(t, webClient, "chooser", demoPassword, nil)
		if err != nil {
			t.Fatal(err)
		}
		if out.ChallengeName != ciptypes.ChallengeNameTypeSelectMfaType {
			t.Fatalf("want SELECT_MFA_TYPE, got %q", out.ChallengeName)
		}
		return out
	}
	out := start()
	var choices []string
	if err := json.Unmarshal([]byte(out.ChallengeParameters["MFAS_CAN_CHOOSE"]), &choices); err != nil {
		t.Fatalf("MFAS_CAN_CHOOSE is not a JSON list: %v", err)
	}
	// In the order of the config's type list.
	if strings.Join(choices, " ") != "SOFTWARE_TOKEN_MFA SMS_MFA EMAIL_OTP" {
		t.Errorf("MFAS_CAN_CHOOSE = %v", choices)
	}
	_, err := e.respond(ciptypes.ChallengeNameTypeSelectMfaType, out.Session, map[string]string{"USERNAME": "chooser"})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter ANSWER")
	_, err = e.respond(ciptypes.ChallengeNameTypeSelectMfaType, out.Session, map[string]string{"USERNAME": "chooser", "ANSWER": "VOICE_MFA"})
	wantAPIError(t, err, "InvalidParameterException", "not one of the MFA types")

	sms, err := e.respond(ciptypes.ChallengeNameTypeSelectMfaType, out.Session, map[string]string{"USERNAME": "chooser", "ANSWER": "SMS_MFA"})
	if err != nil {
		t.Fatal(err)
	}
	if sms.ChallengeName != ciptypes.ChallengeNameTypeSmsMfa || aws.ToString(sms.Session) == aws.ToString(out.Session) {
		t.Fatalf("want SMS_MFA under a new session, got %q", sms.ChallengeName)
	}
	// The choice used up the session.
	_, err = e.respond(ciptypes.ChallengeNameTypeSelectMfaType, out.Session, map[string]string{"USERNAME": "chooser", "ANSWER": "SMS_MFA"})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")
	m := smsLine.FindStringSubmatch(e.log.String())
	if m == nil {
		t.Fatal("no SMS code in the log")
	}
	done, err := e.respond(ciptypes.ChallengeNameTypeSmsMfa, sms.Session, map[string]string{"USERNAME": "chooser", "SMS_MFA_CODE": m[2]})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("want tokens after the SMS code, got %v", err)
	}

	out = start()
	totp, err := e.respond(ciptypes.ChallengeNameTypeSelectMfaType, out.Session, map[string]string{"USERNAME": "chooser", "ANSWER": "SOFTWARE_TOKEN_MFA"})
	if err != nil || totp.ChallengeName != ciptypes.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("want SOFTWARE_TOKEN_MFA, got %v", err)
	}
	code := hotp(t, totpSecret, e.clock.Now().Unix()/30)
	done, err = e.respond(ciptypes.ChallengeNameTypeSoftwareTokenMfa, totp.Session, map[string]string{"USERNAME": "chooser", "SOFTWARE_TOKEN_MFA_CODE": code})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("want tokens after the TOTP code, got %v", err)
	}
}

func TestEmailOTP(t *testing.T) {
	e := newEnv(t, moreMFAConfig())
	out, err := e.passwordAuth(t, webClient, "mailer", demoPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != ciptypes.ChallengeNameTypeEmailOtp {
		t.Fatalf("want EMAIL_OTP, got %q", out.ChallengeName)
	}
	p := out.ChallengeParameters
	if p["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" || p["CODE_DELIVERY_DESTINATION"] != "m***@e***" {
		t.Errorf("delivery parameters %v", p)
	}
	m := emailLine.FindAllStringSubmatch(e.log.String(), -1)
	if len(m) != 1 || m[0][1] != "mailer@example.com" {
		t.Fatalf("want one email line for mailer@example.com in the log, got %q", m)
	}
	if got, ok := e.svc.LastCode(poolID, "mailer"); !ok || got != (SentCode{Medium: "EMAIL", Destination: "m***@e***", Code: m[0][2]}) {
		t.Errorf("LastCode = %+v, %v; want the email code %s", got, ok, m[0][2])
	}
	wrong := "000000"
	if m[0][2] == wrong {
		wrong = "111111"
	}
	_, err = e.respond(ciptypes.ChallengeNameTypeEmailOtp, out.Session, map[string]string{"USERNAME": "mailer", "EMAIL_OTP_CODE": wrong})
	wantAPIError(t, err, "CodeMismatchException", "Invalid code")
	_, err = e.respond(ciptypes.ChallengeNameTypeEmailOtp, out.Session, map[string]string{"USERNAME": "mailer"})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter EMAIL_OTP_CODE")
	done, err := e.respond(ciptypes.ChallengeNameTypeEmailOtp, out.Session, map[string]string{"USERNAME": "mailer", "EMAIL_OTP_CODE": m[0][2]})
	if err != nil || done.AuthenticationResult == nil || aws.ToString(done.AuthenticationResult.RefreshToken) == "" {
		t.Fatalf("want tokens after the email code, got %v", err)
	}
}

func TestMFASetup(t *testing.T) {
	e := newEnv(t, moreMFAConfig())
	out, err := e.srpLogin(t, webClient, "setup", demoPassword, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != ciptypes.ChallengeNameTypeMfaSetup || out.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` {
		t.Fatalf("want MFA_SETUP for SOFTWARE_TOKEN_MFA, got %q %v", out.ChallengeName, out.ChallengeParameters)
	}
	// Answering before a token is verified is refused.
	_, err = e.respond(ciptypes.ChallengeNameTypeMfaSetup, out.Session, map[string]string{"USERNAME": "setup"})
	wantAPIError(t, err, "InvalidParameterException", "not verified yet")

	_, err = e.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: aws.String("bogus")})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")
	_, err = e.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String("x.y.z")})
	wantAPIError(t, err, "InvalidParameterException", "only during a login")

	assoc, err := e.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: out.Session})
	if err != nil {
		t.Fatal(err)
	}
	secret := aws.ToString(assoc.SecretCode)
	if key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil || len(key) != 20 {
		t.Fatalf("SecretCode is not 20 bytes of base32: %v", err)
	}
	if aws.ToString(assoc.Session) == aws.ToString(out.Session) {
		t.Error("AssociateSoftwareToken kept the session; Cognito hands out a new one")
	}
	_, err = e.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: out.Session, UserCode: aws.String("123456")})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")

	step := e.clock.Now().Unix() / 30
	good := hotp(t, secret, step)
	wrong := hotp(t, secret, step+5)
	_, err = e.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String(wrong)})
	wantAPIError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch")
	ver, err := e.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: aws.String(good), FriendlyDeviceName: aws.String("phone")})
	if err != nil {
		t.Fatal(err)
	}
	if ver.Status != ciptypes.VerifySoftwareTokenResponseTypeSuccess || ver.Session == nil {
		t.Fatalf("want SUCCESS with a session, got %q", ver.Status)
	}
	done, err := e.respond(ciptypes.ChallengeNameTypeMfaSetup, ver.Session, map[string]string{"USERNAME": "setup"})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("want tokens after MFA_SETUP, got %v", err)
	}

	// From now on the user has TOTP with the key just set up.
	e.clock.Advance(time.Minute)
	again, err := e.passwordAuth(t, webClient, "setup", demoPassword, nil)
	if err != nil || again.ChallengeName != ciptypes.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("want SOFTWARE_TOKEN_MFA at the next login, got %v", err)
	}
	code := hotp(t, secret, e.clock.Now().Unix()/30)
	done, err = e.respond(ciptypes.ChallengeNameTypeSoftwareTokenMfa, again.Session, map[string]string{"USERNAME": "setup", "SOFTWARE_TOKEN_MFA_CODE": code})
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("want tokens with the new authenticator's code, got %v", err)
	}
}

func TestMFAConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		mfa  MFAConfig
		want string
	}{
		{"unknown type", MFAConfig{Type: "fax"}, `mfa.type "fax": want totp, sms, email, totp-setup`},
		{"empty type", MFAConfig{Type: " , "}, "mfa.type is empty"},
		{"setup combined", MFAConfig{Type: "totp-setup,sms", Phone: smsPhone}, "cannot be combined"},
		{"twice", MFAConfig{Type: "sms,sms", Phone: smsPhone}, "names sms twice"},
		{"email without address", MFAConfig{Type: "email"}, "no email attribute"},
		{"combined totp without secret", MFAConfig{Type: "sms,totp", Phone: smsPhone}, "use type totp-setup"},
		{"combined sms without phone", MFAConfig{Type: "totp,sms", Secret: totpSecret}, `mfa.phone ""`},
		{"secret for setup", MFAConfig{Type: "totp-setup", Secret: totpSecret}, "mfa.secret is only for type totp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			m := c.mfa
			cfg.UserPools[0].Users[4].MFA = &m // alice, who has an email only
			if c.name == "email without address" {
				cfg.UserPools[0].Users[4].Attributes = nil
			}
			_, err := New(cfg, Options{})
			if err == nil || !strings.Contains(err.Error(), "users[4] (alice): ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error about alice containing %q, got %v", c.want, err)
			}
		})
	}
}
