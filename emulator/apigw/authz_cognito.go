package apigw

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// CognitoRoute is the Cognito authorizer of a COGNITO_USER_POOLS route, as
// API Gateway configures one: the user pools it trusts (its provider
// ARNs) and the method's authorization scopes.
//
// API Gateway's rule (AWS: "Integrate a REST API with an Amazon Cognito
// user pool"): a method without authorization scopes takes an id token;
// a method with scopes takes an access token that carries at least one of
// them. Every other token is 401 "Unauthorized"; a token that is good but
// past its exp is 401 "The incoming token has expired".
type CognitoRoute struct {
	// AuthorizationScopes are the method's scopes (e.g. pets/read,
	// aws.cognito.signin.user.admin); empty: an id token is wanted.
	AuthorizationScopes []string `yaml:"authorization_scopes,omitempty"`
	// UserPools are the ids of the pools the authorizer trusts (default:
	// every pool of the emulator). A pool not served here may be named:
	// a token of the emulator's pools is then "from another pool".
	UserPools []string `yaml:"user_pools,omitempty"`
	// TokenClockAhead is a teaching aid: the authorizer judges the token
	// this much later than now, so that a fresh token is already expired
	// (as a token kept past its hour would be).
	TokenClockAhead Duration `yaml:"token_clock_ahead,omitempty"`
}

var userPoolIDRE = lazyre.New(`^[a-z]{2}(-[a-z]+)+-[0-9]+_[0-9A-Za-z]+$`)

// validateCognitoRoute checks a route's Cognito authorizer settings.
func validateCognitoRoute(p string, rt Route, add func(path, format string, args ...any)) {
	c := rt.CognitoRoute
	if rt.Authorizer != AuthCognito {
		if len(c.AuthorizationScopes) > 0 || len(c.UserPools) > 0 || c.TokenClockAhead != 0 {
			add(p, "authorization_scopes, user_pools and token_clock_ahead are for COGNITO_USER_POOLS routes")
		}
		return
	}
	for i, s := range c.AuthorizationScopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			add(fmt.Sprintf("%s.authorization_scopes[%d]", p, i), "a scope is one word without spaces (e.g. pets/read)")
		}
	}
	for i, id := range c.UserPools {
		if !userPoolIDRE.MatchString(id) {
			add(fmt.Sprintf("%s.user_pools[%d]", p, i), "%q is not a user pool id (REGION_ID, e.g. us-east-1_Demo1)", id)
		}
	}
	if c.TokenClockAhead < 0 {
		add(p+".token_clock_ahead", "token_clock_ahead is a positive duration")
	}
}

// authorizeCognito checks the raw token in Authorization as a REST API's
// Cognito authorizer does. Every refusal says why in HeaderDecision
// (AWS says only "Unauthorized"); the reason names claims, never the token.
func (g *Gateway) authorizeCognito(w http.ResponseWriter, r *http.Request, rc *reqCtx) (map[string]any, *apiError) {
	claims, reason, expired := g.checkUserPoolToken(r.Header.Get("Authorization"), rc.match.route.CognitoRoute)
	if reason == "" {
		use, _ := claims["token_use"].(string)
		who, _ := claims["cognito:username"].(string)
		if who == "" {
			who, _ = claims["username"].(string)
		}
		rc.why.note(LayerToken, "an %s token of %s, issued by %v", use, who, claims["iss"])
		return claimsAsStrings(claims), nil
	}
	rc.decision = reason
	rc.why.refuse(LayerToken)
	w.Header().Set(HeaderDecision, reason)
	if expired {
		return nil, errUnauthorized(MsgTokenExpired)
	}
	return nil, errUnauthorized(MsgUnauthorized)
}

// checkUserPoolToken is the Cognito authorizer's verdict: the claims of a
// token it accepts, or why it refuses one.
func (g *Gateway) checkUserPoolToken(token string, c CognitoRoute) (claims map[string]any, reason string, expired bool) {
	switch {
	case token == "":
		return nil, "no Authorization header: the Cognito authorizer reads the token there", false
	case strings.HasPrefix(strings.ToLower(token), "bearer "):
		// REST API Cognito authorizers want the raw token: "Bearer x" is
		// not a token.
		return nil, `Authorization starts with "Bearer ": a REST API's Cognito authorizer wants the raw token`, false
	case strings.Count(token, ".") != 2:
		return nil, "Authorization is not a JWT (three base64url parts separated by dots)", false
	}
	now := g.now().Add(time.Duration(c.TokenClockAhead))
	claims, pool, err := g.deps.Tokens.VerifyUserPoolToken(token, now)
	if err != nil && !errors.Is(err, jwt.ErrTokenExpired) {
		return nil, "the token's signature is not that of a user pool of this emulator, or the token is malformed", false
	}
	if len(c.UserPools) > 0 && !slices.Contains(c.UserPools, pool) {
		return nil, fmt.Sprintf("the token is from user pool %s; this authorizer trusts %s", pool, strings.Join(c.UserPools, ", ")), false
	}
	if err != nil {
		exp, _ := claims["exp"].(float64)
		reason := fmt.Sprintf("the token expired at %s", time.Unix(int64(exp), 0).UTC().Format(time.RFC3339))
		if c.TokenClockAhead != 0 {
			reason += fmt.Sprintf(" (this route judges tokens %s ahead: token_clock_ahead)", time.Duration(c.TokenClockAhead))
		}
		return nil, reason, true
	}
	use, _ := claims["token_use"].(string)
	if len(c.AuthorizationScopes) == 0 && use != "id" {
		return nil, fmt.Sprintf("an %s token: this method has no authorization scopes, so it wants an id token", use), false
	}
	if len(c.AuthorizationScopes) > 0 {
		if use != "access" {
			return nil, fmt.Sprintf("an %s token: this method has authorization scopes (%s), so it wants an access token carrying one", use, strings.Join(c.AuthorizationScopes, " ")), false
		}
		scope, _ := claims["scope"].(string)
		if !anyScope(strings.Fields(scope), c.AuthorizationScopes) {
			return nil, fmt.Sprintf("the access token's scope (%s) has none of the method's authorization scopes (%s)", scope, strings.Join(c.AuthorizationScopes, " ")), false
		}
	}
	return claims, "", false
}

func anyScope(have, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}
