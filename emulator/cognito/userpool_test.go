package cognito

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/sigscope/sigscope/auth/srp"
)

func TestSRPLoginAndTokens(t *testing.T) {
	e := newEnv(t, testConfig())
	out, err := e.srpLogin(t, webClient, "demo", demoPassword, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := out.AuthenticationResult
	if r == nil || out.ChallengeName != "" {
		t.Fatalf("want tokens, got challenge %q", out.ChallengeName)
	}
	if aws.ToString(r.TokenType) != "Bearer" || r.ExpiresIn != 3600 {
		t.Errorf("TokenType %q ExpiresIn %d, want Bearer 3600", aws.ToString(r.TokenType), r.ExpiresIn)
	}
	refresh := aws.ToString(r.RefreshToken)
	if len(refresh) < 32 || strings.Count(refresh, ".") == 2 {
		t.Errorf("refresh token %s should be an opaque random string, not a JWT", mask(refresh))
	}

	keys := e.fetchJWKS(t, poolID)
	now := e.clock.Now().Unix()
	id := e.verifyWithJWKS(t, keys, aws.ToString(r.IdToken))
	wantIss := "https://cognito-idp.us-east-1.amazonaws.com/" + poolID
	for name, want := range map[string]any{
		"aud": webClient, "cognito:username": "demo", "token_use": "id", "iss": wantIss,
		"email": "demo@example.com", "email_verified": true, "custom:team": "blue",
	} {
		if id[name] != want {
			t.Errorf("id token %s = %v, want %v", name, id[name], want)
		}
	}
	sub, _ := id["sub"].(string)
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(sub) {
		t.Errorf("sub %q is not a UUID", sub)
	}
	if numClaim(t, id, "iat") != now || numClaim(t, id, "auth_time") != now || numClaim(t, id, "exp") != now+3600 {
		t.Errorf("iat/auth_time/exp = %d/%d/%d, want %d/%d/%d", numClaim(t, id, "iat"), numClaim(t, id, "auth_time"), numClaim(t, id, "exp"), now, now, now+3600)
	}
	for _, name := range []string{"jti", "origin_jti", "event_id"} {
		if s, _ := id[name].(string); s == "" {
			t.Errorf("id token has no %s", name)
		}
	}
	access := e.verifyWithJWKS(t, keys, aws.ToString(r.AccessToken))
	for name, want := range map[string]any{
		"sub": sub, "client_id": webClient, "username": "demo", "scope": "aws.cognito.signin.user.admin",
		"token_use": "access", "iss": wantIss, "origin_jti": id["origin_jti"],
	} {
		if access[name] != want {
			t.Errorf("access token %s = %v, want %v", name, access[name], want)
		}
	}
	if _, ok := access["aud"]; ok {
		t.Error("access token carries aud; Cognito access tokens use client_id")
	}

	// The same user logs in again: sub is stable, jti is fresh.
	again, err := e.srpLogin(t, webClient, "demo", demoPassword, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	id2 := e.verifyWithJWKS(t, keys, aws.ToString(again.AuthenticationResult.IdToken))
	if id2["sub"] != sub || id2["jti"] == id["jti"] {
		t.Errorf("second login: sub stable %v, jti fresh %v", id2["sub"] == sub, id2["jti"] != id["jti"])
	}

	claims, err := e.svc.VerifyIDToken(aws.ToString(r.IdToken))
	if err != nil || claims["sub"] != sub {
		t.Fatalf("VerifyIDToken: %v", err)
	}
	if _, err := e.svc.VerifyIDToken(aws.ToString(r.AccessToken)); err == nil {
		t.Error("VerifyIDToken accepted an access token")
	}
}

func TestSRPFailures(t *testing.T) {
	e := newEnv(t, testConfig())
	_, err := e.srpLogin(t, webClient, "demo", "wrong-password", "", e.clock.Now())
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserSrpAuth, ClientId: aws.String(webClient),
		AuthParameters: map[string]string{"USERNAME": "nobody", "SRP_A": "abcdef"}})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")

	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserSrpAuth, ClientId: aws.String(webClient),
		AuthParameters: map[string]string{"USERNAME": "demo"}})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter SRP_A")

	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserSrpAuth, ClientId: aws.String(webClient),
		AuthParameters: map[string]string{"USERNAME": "demo", "SRP_A": srp.N().Text(16)}})
	wantAPIError(t, err, "InvalidParameterException", "SRP_A mod N")

	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserSrpAuth, ClientId: aws.String("no-such-client"),
		AuthParameters: map[string]string{"USERNAME": "demo", "SRP_A": "abcdef"}})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool client no-such-client does not exist.")

	// TIMESTAMP more than five minutes off the server clock.
	_, err = e.srpLogin(t, webClient, "demo", demoPassword, "", e.clock.Now().Add(-6*time.Minute))
	wantAPIError(t, err, "NotAuthorizedException", "more than 5 minutes")
	_, err = e.srpLogin(t, webClient, "demo", demoPassword, "", e.clock.Now().Add(4*time.Minute))
	if err != nil {
		t.Fatalf("a TIMESTAMP 4 minutes ahead must pass: %v", err)
	}
}

// startSRP returns the PASSWORD_VERIFIER challenge and a correct answer.
func startSRP(t *testing.T, e *env, username, password string) (*cip.InitiateAuthOutput, map[string]string) {
	t.Helper()
	c, _ := srp.NewClient(poolID, nil)
	init, err := e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserSrpAuth, ClientId: aws.String(webClient),
		AuthParameters: map[string]string{"USERNAME": username, "SRP_A": c.SRPA()}})
	if err != nil {
		t.Fatal(err)
	}
	p := init.ChallengeParameters
	for _, k := range []string{"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"} {
		if p[k] == "" {
			t.Fatalf("challenge parameter %s missing", k)
		}
	}
	sig, ts, err := c.PasswordClaim(p["USER_ID_FOR_SRP"], password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return init, map[string]string{"USERNAME": username, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}
}

func TestSessions(t *testing.T) {
	e := newEnv(t, testConfig())
	respond := func(session *string, resp map[string]string) error {
		_, err := e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypePasswordVerifier,
			ClientId: aws.String(webClient), ChallengeResponses: resp, Session: session})
		return err
	}

	init, resp := startSRP(t, e, "demo", demoPassword)
	wantAPIError(t, respond(nil, resp), "InvalidParameterException", "Missing required parameter Session")
	wantAPIError(t, respond(aws.String("made-up"), resp), "NotAuthorizedException", "Invalid session for the user.")
	bad := map[string]string{}
	for k, v := range resp {
		bad[k] = v
	}
	bad["TIMESTAMP"] = "2025-03-05T09:04:05Z"
	wantAPIError(t, respond(init.Session, bad), "NotAuthorizedException", "TIMESTAMP is not in Cognito's format")
	bad["TIMESTAMP"] = resp["TIMESTAMP"]
	bad["PASSWORD_CLAIM_SECRET_BLOCK"] = "AAAA"
	wantAPIError(t, respond(init.Session, bad), "NotAuthorizedException", "SECRET_BLOCK")
	if err := respond(init.Session, resp); err != nil {
		t.Fatalf("correct answer after rejected attempts: %v", err)
	}
	// A session answers once.
	wantAPIError(t, respond(init.Session, resp), "NotAuthorizedException", "Invalid session for the user.")

	// A stale session: the clock moves past Cognito's three minutes.
	init, resp = startSRP(t, e, "demo", demoPassword)
	e.clock.Advance(3*time.Minute + time.Second)
	resp["TIMESTAMP"] = srp.FormatTimestamp(e.clock.Now())
	wantAPIError(t, respond(init.Session, resp), "NotAuthorizedException", "Invalid session for the user, session is expired.")

	// A session belongs to the client that started it.
	init, resp = startSRP(t, e, "demo", demoPassword)
	_, err := e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypePasswordVerifier,
		ClientId: aws.String(srpOnlyClient), ChallengeResponses: resp, Session: init.Session})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")
	// And expects the challenge it was issued for.
	_, err = e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypeSmsMfa,
		ClientId: aws.String(webClient), ChallengeResponses: resp, Session: init.Session})
	wantAPIError(t, err, "InvalidParameterException", "expects PASSWORD_VERIFIER")
}

func TestUserPasswordAuth(t *testing.T) {
	e := newEnv(t, testConfig())
	out, err := e.passwordAuth(t, webClient, "demo", demoPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.IdToken) == "" {
		t.Fatal("no tokens")
	}
	_, err = e.passwordAuth(t, webClient, "demo", "Passw0rd?", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = e.passwordAuth(t, webClient, "ghost", demoPassword, nil)
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
	_, err = e.passwordAuth(t, srpOnlyClient, "demo", demoPassword, nil)
	wantAPIError(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(srpOnlyClient),
		AuthParameters: map[string]string{"REFRESH_TOKEN": "x"}})
	wantAPIError(t, err, "InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client")
	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(webClient),
		AuthParameters: map[string]string{"PASSWORD": demoPassword}})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter USERNAME")
	// The same username in another pool is another user.
	if _, err := e.passwordAuth(t, otherClient, "demo", demoPassword, nil); err != nil {
		t.Fatal(err)
	}
}

func TestSecretHash(t *testing.T) {
	e := newEnv(t, testConfig())
	right := srp.SecretHash(secretClient, clientSecret, "demo")

	_, err := e.passwordAuth(t, secretClient, "demo", demoPassword, nil)
	wantAPIError(t, err, "NotAuthorizedException", "Client "+secretClient+" is configured for secret but secret was not received")
	_, err = e.passwordAuth(t, secretClient, "demo", demoPassword, map[string]string{"SECRET_HASH": srp.SecretHash(secretClient, "wrong", "demo")})
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+secretClient)
	// Hashing client id and username the wrong way round is a common mistake.
	_, err = e.passwordAuth(t, secretClient, "demo", demoPassword, map[string]string{"SECRET_HASH": srp.SecretHash("demo", clientSecret, secretClient)})
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash")
	out, err := e.passwordAuth(t, secretClient, "demo", demoPassword, map[string]string{"SECRET_HASH": right})
	if err != nil {
		t.Fatal(err)
	}

	// SRP: both InitiateAuth and the challenge answer carry SECRET_HASH.
	if _, err := e.srpLogin(t, secretClient, "demo", demoPassword, right, e.clock.Now()); err != nil {
		t.Fatalf("SRP with SECRET_HASH: %v", err)
	}
	_, err = e.srpLogin(t, secretClient, "demo", demoPassword, srp.SecretHash(secretClient, clientSecret, "demo2"), e.clock.Now())
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash")

	// Refresh: the hash must be computed over cognito:username.
	refresh := func(hash string) error {
		params := map[string]string{"REFRESH_TOKEN": aws.ToString(out.AuthenticationResult.RefreshToken)}
		if hash != "" {
			params["SECRET_HASH"] = hash
		}
		_, err := e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(secretClient), AuthParameters: params})
		return err
	}
	wantAPIError(t, refresh(""), "NotAuthorizedException", "configured for secret but secret was not received")
	wantAPIError(t, refresh(srp.SecretHash(secretClient, clientSecret, "demo@example.com")), "NotAuthorizedException", "Unable to verify secret hash")
	if err := refresh(right); err != nil {
		t.Fatalf("refresh with SECRET_HASH over cognito:username: %v", err)
	}
}

func TestNewPasswordRequired(t *testing.T) {
	e := newEnv(t, testConfig())
	out, err := e.passwordAuth(t, webClient, "newbie", "Temp0rary!", nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != ciptypes.ChallengeNameTypeNewPasswordRequired || out.AuthenticationResult != nil {
		t.Fatalf("want NEW_PASSWORD_REQUIRED, got %q", out.ChallengeName)
	}
	var attrs map[string]string
	if err := json.Unmarshal([]byte(out.ChallengeParameters["userAttributes"]), &attrs); err != nil {
		t.Fatalf("userAttributes is not JSON: %v", err)
	}
	if attrs["email"] != "newbie@example.com" || attrs["email_verified"] != "" {
		t.Errorf("userAttributes = %v; want email and no email_verified", attrs)
	}
	if out.ChallengeParameters["requiredAttributes"] != "[]" {
		t.Errorf("requiredAttributes = %q", out.ChallengeParameters["requiredAttributes"])
	}
	answer := func(session *string, pw string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypeNewPasswordRequired,
			ClientId: aws.String(webClient), Session: session,
			ChallengeResponses: map[string]string{"USERNAME": "newbie", "NEW_PASSWORD": pw, "userAttributes.name": "New Bie"}})
	}
	for pw, why := range map[string]string{
		"Sh0rt":        "Password not long enough",
		"alllower123":  "Password must have uppercase characters",
		"ALLUPPER123":  "Password must have lowercase characters",
		"NoDigitsHere": "Password must have numeric characters",
		"NoSymbols123": "Password must have symbol characters",
	} {
		_, err := answer(out.Session, pw)
		wantAPIError(t, err, "InvalidPasswordException", why)
	}
	done, err := answer(out.Session, "Br4ndNewPass!")
	if err != nil {
		t.Fatal(err)
	}
	if done.AuthenticationResult == nil {
		t.Fatalf("want tokens after the new password, got %q", done.ChallengeName)
	}
	id, err := e.svc.VerifyIDToken(aws.ToString(done.AuthenticationResult.IdToken))
	if err != nil || id["name"] != "New Bie" {
		t.Errorf("id token after NEW_PASSWORD_REQUIRED: name=%v err=%v", id["name"], err)
	}
	// The new password is now the password; the temporary one is gone, and
	// no second NEW_PASSWORD_REQUIRED follows.
	_, err = e.passwordAuth(t, webClient, "newbie", "Temp0rary!", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if out, err := e.srpLogin(t, webClient, "newbie", "Br4ndNewPass!", "", e.clock.Now()); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("SRP with the new password: %v", err)
	}
}

func TestRefresh(t *testing.T) {
	e := newEnv(t, testConfig())
	out, err := e.passwordAuth(t, webClient, "demo", demoPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := e.svc.VerifyIDToken(aws.ToString(out.AuthenticationResult.IdToken))
	rt := aws.ToString(out.AuthenticationResult.RefreshToken)
	e.clock.Advance(10 * time.Minute)
	for _, flow := range []ciptypes.AuthFlowType{ciptypes.AuthFlowTypeRefreshTokenAuth, ciptypes.AuthFlowTypeRefreshToken} {
		r, err := e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: flow, ClientId: aws.String(webClient), AuthParameters: map[string]string{"REFRESH_TOKEN": rt}})
		if err != nil {
			t.Fatalf("%s: %v", flow, err)
		}
		res := r.AuthenticationResult
		if res == nil || res.RefreshToken != nil || aws.ToString(res.IdToken) == "" || aws.ToString(res.AccessToken) == "" {
			t.Fatalf("%s: want new id and access tokens and no refresh token", flow)
		}
		id, err := e.svc.VerifyIDToken(aws.ToString(res.IdToken))
		if err != nil {
			t.Fatal(err)
		}
		if id["auth_time"] != first["auth_time"] || id["origin_jti"] != first["origin_jti"] || id["iat"] == first["iat"] {
			t.Errorf("%s: auth_time and origin_jti must carry over, iat must move: %v %v %v", flow, id["auth_time"], id["origin_jti"] == first["origin_jti"], id["iat"])
		}
	}
	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(webClient), AuthParameters: map[string]string{"REFRESH_TOKEN": "bogus"}})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(otherClient), AuthParameters: map[string]string{"REFRESH_TOKEN": rt}})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	e.clock.Advance(31 * 24 * time.Hour)
	_, err = e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(webClient), AuthParameters: map[string]string{"REFRESH_TOKEN": rt}})
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token")
}

func TestGetUserAndExpiry(t *testing.T) {
	cfg := testConfig()
	cfg.TokenLifetime = Duration(90 * time.Second)
	e := newEnv(t, cfg)
	out, err := e.passwordAuth(t, webClient, "demo", demoPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult.ExpiresIn != 90 {
		t.Errorf("ExpiresIn %d, want 90", out.AuthenticationResult.ExpiresIn)
	}
	u, err := e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range u.UserAttributes {
		got[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	id, _ := e.svc.VerifyIDToken(aws.ToString(out.AuthenticationResult.IdToken))
	if aws.ToString(u.Username) != "demo" || got["email"] != "demo@example.com" || got["email_verified"] != "true" || got["sub"] != id["sub"] {
		t.Errorf("GetUser = %s %v", aws.ToString(u.Username), got)
	}
	_, err = e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.IdToken})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Access Token")
	_, err = e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String("not.a.jwt")})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Access Token")

	e.clock.Advance(91 * time.Second)
	_, err = e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token has expired")
	if _, err := e.svc.VerifyIDToken(aws.ToString(out.AuthenticationResult.IdToken)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("VerifyIDToken after expiry: %v", err)
	}
	// The refresh token outlives the tokens and brings back a working pair.
	r, err := e.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(webClient),
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(out.AuthenticationResult.RefreshToken)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: r.AuthenticationResult.AccessToken}); err != nil {
		t.Fatalf("GetUser with refreshed token: %v", err)
	}
}

func TestGetUserMFASettings(t *testing.T) {
	e := newEnv(t, testConfig())
	out, err := e.passwordAuth(t, webClient, "sms", demoPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	code := smsLine.FindStringSubmatch(e.log.String())[2]
	done, err := e.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ChallengeName: ciptypes.ChallengeNameTypeSmsMfa,
		ClientId: aws.String(webClient), Session: out.Session, ChallengeResponses: map[string]string{"USERNAME": "sms", "SMS_MFA_CODE": code}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: done.AuthenticationResult.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(u.PreferredMfaSetting) != "SMS_MFA" || len(u.UserMFASettingList) != 1 || len(u.MFAOptions) != 1 {
		t.Errorf("MFA settings: %q %v %d", aws.ToString(u.PreferredMfaSetting), u.UserMFASettingList, len(u.MFAOptions))
	}
}
