package cognito

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// hotp is the test's own RFC 4226 code, written from the RFC rather than
// taken from the service.
func hotp(t *testing.T, secretB32 string, counter int64) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secretB32)
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha1.New, key)
	binary.Write(mac, binary.BigEndian, counter)
	sum := mac.Sum(nil)
	o := sum[19] & 15
	code := (int(sum[o])&0x7f)<<24 | int(sum[o+1])<<16 | int(sum[o+2])<<8 | int(sum[o+3])
	return fmt.Sprintf("%06d", code%1000000)
}

// TestTOTPKnownAnswers checks the service's TOTP against RFC 6238
// appendix B (SHA-1, the 8-digit values truncated to their last 6 digits).
func TestTOTPKnownAnswers(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, c := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		if got := totpCode(key, uint64(c.unix/30)); got != c.want {
			t.Errorf("T=%d: %s, want %s", c.unix, got, c.want)
		}
		if !totpValid(key, time.Unix(c.unix, 0), c.want) {
			t.Errorf("T=%d: valid code rejected", c.unix)
		}
	}
}

func TestSoftwareTokenMFA(t *testing.T) {
	e := newEnv(t, testConfig())
	out, err := e.srpLogin(t, webClient, "totp", demoPassword, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != ciptypes.ChallengeNameTypeSoftwareTokenMfa || out.Session == nil {
		t.Fatalf("want SOFTWARE_TOKEN_MFA, got %q", out.ChallengeName)
	}
	answer := func(code string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypeSoftwareTokenMfa,
			ClientId: aws.String(webClient), Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "totp", "SOFTWARE_TOKEN_MFA_CODE": code}})
	}
	step := e.clock.Now().Unix() / 30
	_, err = answer(hotp(t, totpSecret, step-2)) // a minute old: outside ±1 step
	wantAPIError(t, err, "CodeMismatchException", "Invalid code received for user")
	_, err = answer("12345")
	wantAPIError(t, err, "CodeMismatchException", "Invalid code")
	done, err := answer(hotp(t, totpSecret, step-1)) // one step of drift is tolerated
	if err != nil {
		t.Fatal(err)
	}
	if done.AuthenticationResult == nil || aws.ToString(done.AuthenticationResult.RefreshToken) == "" {
		t.Fatal("want tokens after the TOTP code")
	}

	// Wrong codes use up the session.
	out, err = e.srpLogin(t, webClient, "totp", demoPassword, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	wrong := fmt.Sprintf("%06d", (atoi(hotp(t, totpSecret, step))+1)%1000000)
	for i := 0; i < maxCodeAttempts; i++ {
		_, err = answer(wrong)
		wantAPIError(t, err, "CodeMismatchException", "Invalid code")
	}
	_, err = answer(hotp(t, totpSecret, step))
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")

	// FORCE_CHANGE_PASSWORD and MFA: the new password comes first.
	first, err := e.passwordAuth(t, webClient, "newtotp", "Temp0rary!", nil)
	if err != nil || first.ChallengeName != ciptypes.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("want NEW_PASSWORD_REQUIRED first, got %q, %v", first.ChallengeName, err)
	}
	second, err := e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypeNewPasswordRequired,
		ClientId: aws.String(webClient), Session: first.Session, ChallengeResponses: map[string]string{"USERNAME": "newtotp", "NEW_PASSWORD": "Br4ndNewPass!"}})
	if err != nil || second.ChallengeName != ciptypes.ChallengeNameTypeSoftwareTokenMfa || aws.ToString(second.Session) == aws.ToString(first.Session) {
		t.Fatalf("want SOFTWARE_TOKEN_MFA with a new session next, got %q, %v", second.ChallengeName, err)
	}
}

var smsLine = regexp.MustCompile(`SMS to (\+[0-9]+): your code is ([0-9]{6})`)

func TestSMSMFA(t *testing.T) {
	e := newEnv(t, testConfig())
	out, err := e.passwordAuth(t, webClient, "sms", demoPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != ciptypes.ChallengeNameTypeSmsMfa {
		t.Fatalf("want SMS_MFA, got %q", out.ChallengeName)
	}
	if got := out.ChallengeParameters["CODE_DELIVERY_DESTINATION"]; got != "+*******0100" || out.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" {
		t.Errorf("delivery parameters %v", out.ChallengeParameters)
	}
	m := smsLine.FindAllStringSubmatch(e.log.String(), -1)
	if len(m) != 1 || m[0][1] != smsPhone {
		t.Fatalf("want one SMS line for %s in the log, got %d", smsPhone, len(m))
	}
	code := m[0][2]
	// The demo's UI reads the code where it has no log to show.
	if got, ok := e.svc.LastCode(poolID, "sms"); !ok || got != (SentCode{Medium: "SMS", Destination: "+*******0100", Code: code}) {
		t.Errorf("LastCode = %+v, %v; want the SMS code %s", got, ok, code)
	}
	if _, ok := e.svc.LastCode(otherPoolID, "sms"); ok {
		t.Error("LastCode answers for another pool")
	}
	if strings.Contains(e.log.String(), demoPassword) {
		t.Error("the log contains the password")
	}
	answer := func(code string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypeSmsMfa,
			ClientId: aws.String(webClient), Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "sms", "SMS_MFA_CODE": code}})
	}
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
	_, err = answer(wrong)
	wantAPIError(t, err, "CodeMismatchException", "Invalid code or auth state for the user.")
	_, err = e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypeSmsMfa,
		ClientId: aws.String(webClient), Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "sms"}})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter SMS_MFA_CODE")
	done, err := answer(code)
	if err != nil {
		t.Fatal(err)
	}
	if done.AuthenticationResult == nil {
		t.Fatal("want tokens after the SMS code")
	}
	for _, tok := range []string{aws.ToString(done.AuthenticationResult.IdToken), aws.ToString(done.AuthenticationResult.AccessToken), aws.ToString(done.AuthenticationResult.RefreshToken)} {
		if strings.Contains(e.log.String(), tok) {
			t.Error("the log contains a token")
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
