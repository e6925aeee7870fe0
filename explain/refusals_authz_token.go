package explain

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// API Gateway's 401s say only "Unauthorized" or "The incoming token has
// expired". What refused (a Cognito or a Lambda authorizer) and why is
// read from the token the request carried (its claims, never verified and
// never quoted) and, from the sigscope emulator, its decision header.

// tokenClaims are the claims of a JWT read without verifying it.
type tokenClaims struct {
	Use      string `json:"token_use"`
	Issuer   string `json:"iss"`
	Scope    string `json:"scope"`
	ClientID string `json:"client_id"`
	Exp      int64  `json:"exp"`
}

// pool is the user pool id at the end of a Cognito issuer URL.
func (c tokenClaims) pool() string {
	if i := strings.LastIndex(c.Issuer, "/"); i >= 0 {
		return c.Issuer[i+1:]
	}
	return c.Issuer
}

// readJWT reads a JWT's claims; ok is false for anything else.
func readJWT(tok string) (tokenClaims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return tokenClaims{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return tokenClaims{}, false
	}
	var c tokenClaims
	if json.Unmarshal(raw, &c) != nil {
		return tokenClaims{}, false
	}
	return c, true
}

// tokenRefusal explains a 401 from a Cognito or Lambda authorizer.
func tokenRefusal(r *ranking, e *Evidence, d *Diagnosis) {
	a := d.Answer
	msg := []Quote{{From: QuoteAnswer, Text: a.Message}}
	decision := emulatorDecision(e)
	if strings.HasPrefix(decision, "authorizer ") {
		r.add(CauseAuthorizer, weightCertain, "the emulator says: %s", decision).Quotes = msg
		d.Hint = "the Lambda authorizer refused (" + decision + "): " + kindHints[KindAuthorizerDenied]
		if a.Kind == KindUnauthorized {
			d.Hint = "the Lambda authorizer answered 401 (" + decision + "): send the identity source it reads, matching its validation regex, with a value the authorizer accepts"
		}
		return
	}
	var auth string
	sent := false
	if e.Request != nil {
		auth, sent = e.Request.Get("Authorization")
	}
	c, isJWT := readJWT(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(auth, "Bearer "), "bearer ")))
	var ev []string
	if decision != "" {
		ev = append(ev, "the emulator says: "+decision)
	}
	now := e.Date
	if now.IsZero() {
		now = e.Received
	}
	switch {
	case e.Request == nil:
		// Nothing to read: the usual suspects.
	case !sent || auth == "":
		ev = append(ev, "the request sent no Authorization header (a Cognito authorizer and a TOKEN Lambda authorizer read the token there)")
	case strings.HasPrefix(auth, "AWS4-"):
		ev = append(ev, "the request is SigV4-signed, but this route has a Cognito or Lambda authorizer: send the token (sigscope: auth mode id_token or access_token) instead of a signature")
	case isJWT && strings.HasPrefix(strings.ToLower(auth), "bearer "):
		ev = append(ev, fmt.Sprintf(`Authorization is "Bearer " and %s: a REST API's Cognito authorizer wants the raw token, without "Bearer "`, describeToken(c, now)))
	case isJWT:
		ev = append(ev, describeToken(c, now))
		switch c.Use {
		case "access":
			ev = append(ev, fmt.Sprintf("an access token passes only a method with authorization scopes, and one of them must be in its scope (%q); a method without scopes wants the id token", c.Scope))
		case "id":
			ev = append(ev, "an id token passes only a method without authorization scopes; a method with scopes wants an access token carrying one")
		}
		if p := c.pool(); p != "" {
			ev = append(ev, fmt.Sprintf("the authorizer must trust user pool %s (its provider ARNs), or the token is from another pool", p))
		}
	default:
		ev = append(ev, "Authorization is not a JWT: a Cognito authorizer refuses it, a Lambda authorizer decides by its own rules")
	}
	if decision != "" && isJWT {
		// The emulator said which check failed: the token's own picture
		// is enough beside it.
		ev = []string{"the emulator says: " + decision, describeToken(c, now)}
	}
	evidence := strings.Join(ev, "; ")
	cognito := e.Request == nil || !sent || auth == "" || isJWT || decision != "" || strings.HasPrefix(auth, "AWS4-")
	var top *Cause
	if cognito {
		top = r.add(CauseUserPoolToken, weightCertain, "%s", evidence)
		if a.Kind == KindUnauthorized && decision == "" {
			r.add(CauseAuthorizer, weightStrong, "a Lambda authorizer answers the same 401 when its identity source is missing or empty, fails its validation regex, or the Lambda raises \"Unauthorized\"")
		}
	} else {
		top = r.add(CauseAuthorizer, weightCertain, "%s", evidence)
		r.add(CauseUserPoolToken, weightStrong, "a Cognito authorizer answers the same 401 for a missing or malformed token")
	}
	top.Quotes = msg
	if cognito && e.Request != nil {
		if fix := tokenFix(a.Kind, decision, auth, sent, c, isJWT); fix != "" {
			top.Fix = fix
			d.Hint = fix
		}
	}
	if decision != "" {
		d.Hint = decision + ": " + top.Fix
	}
}

// tokenFix is what to do about a refused user-pool token, from what the
// emulator said or, without it, what the token is.
func tokenFix(kind Kind, decision, auth string, sent bool, c tokenClaims, isJWT bool) string {
	scoped := strings.Contains(decision, "authorization scopes (")
	switch {
	case kind == KindUserPoolTokenExpired || strings.Contains(decision, "expired"):
		return "log in again or refresh the tokens (sigscope login); user-pool tokens last an hour by default, and a token kept in a script or a saved request goes stale"
	case !sent || auth == "":
		return "send the token in Authorization: the raw id token for a method without authorization scopes, the access token for one with scopes (sigscope: auth mode id_token or access_token)"
	case strings.HasPrefix(strings.ToLower(auth), "bearer ") && isJWT:
		return `send the token raw, without "Bearer ": REST APIs' Cognito authorizers take the header's whole value as the token`
	case strings.Contains(decision, "trusts "):
		return "log in to a user pool the authorizer trusts, or add this pool to the authorizer's provider ARNs (Cognito user pools of the authorizer)"
	case strings.Contains(decision, "has none of the method's"):
		return "a login (SRP, password, refresh) gives an access token whose only scope is aws.cognito.signin.user.admin; custom scopes such as pets/read come from the OAuth 2.0 flows (hosted UI, /oauth2/authorize or /oauth2/token with scope=…) of an app client allowed them. Ask for the scope there, or put aws.cognito.signin.user.admin among the method's authorization scopes"
	case c.Use == "id" && (scoped || decision == ""):
		return "this method has authorization scopes (or, if it has none, check the pool): send the ACCESS token (sigscope: auth mode access_token), one carrying one of the method's scopes"
	case c.Use == "access":
		return "a method without authorization scopes wants the ID token (sigscope: auth mode id_token); to use this access token, give the method authorization scopes that its scope claim carries"
	case !isJWT:
		return "send a user-pool token (a JWT: three base64url parts separated by dots), not an API key or another secret"
	}
	return ""
}

// describeToken says what a token is without quoting it.
func describeToken(c tokenClaims, now time.Time) string {
	what := "a JWT"
	if c.Use != "" {
		what = "an " + c.Use + " token"
	}
	if p := c.pool(); p != "" {
		what += " of user pool " + p
	}
	if c.Exp > 0 {
		exp := time.Unix(c.Exp, 0).UTC()
		what += ", expiring " + exp.Format(time.RFC3339)
		if !now.IsZero() {
			if now.Before(exp) {
				what += fmt.Sprintf(" (%s after the answer)", exp.Sub(now).Round(time.Second))
			} else {
				what += fmt.Sprintf(" (expired %s before the answer)", now.Sub(exp).Round(time.Second))
			}
		}
	}
	return what
}
