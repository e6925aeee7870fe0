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
	evidence := strings.Join(ev, "; ")
	cognito := e.Request == nil || !sent || auth == "" || isJWT || decision != "" || strings.HasPrefix(auth, "AWS4-")
	if cognito {
		r.add(CauseUserPoolToken, weightCertain, "%s", evidence).Quotes = msg
		if a.Kind == KindUnauthorized && decision == "" {
			r.add(CauseAuthorizer, weightStrong, "a Lambda authorizer answers the same 401 when its identity source is missing or empty, fails its validation regex, or the Lambda raises \"Unauthorized\"")
		}
	} else {
		r.add(CauseAuthorizer, weightCertain, "%s", evidence).Quotes = msg
		r.add(CauseUserPoolToken, weightStrong, "a Cognito authorizer answers the same 401 for a missing or malformed token")
	}
	if decision != "" {
		d.Hint = "the Cognito authorizer refused the token: " + decision
		if a.Kind == KindUserPoolTokenExpired {
			d.Hint += "; log in again (sigscope login) or refresh the tokens"
		}
	}
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
