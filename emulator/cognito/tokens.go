package cognito

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuedTokens is one AuthenticationResult's worth of tokens.
type issuedTokens struct {
	id, access string
}

// issueTokens signs an id and an access token for u. authTime and originJTI
// stay those of the original login when tokens are refreshed.
func (s *Service) issueTokens(c *appClient, u *user, authTime time.Time, originJTI string) (issuedTokens, error) {
	p := c.pool
	now := s.now()
	exp := now.Add(s.tokenTTL)
	eventID := newUUID()
	idClaims := jwt.MapClaims{}
	for k, v := range u.attrs {
		switch k {
		case "email_verified", "phone_number_verified":
			// Cognito sends these two as JSON booleans.
			idClaims[k] = strings.EqualFold(v, "true")
		default:
			idClaims[k] = v
		}
	}
	for k, v := range map[string]any{
		"sub":              u.sub,
		"aud":              c.id,
		"cognito:username": u.username,
		"token_use":        "id",
		"auth_time":        authTime.Unix(),
		"iss":              p.issuer,
		"exp":              exp.Unix(),
		"iat":              now.Unix(),
		"jti":              newUUID(),
		"origin_jti":       originJTI,
		"event_id":         eventID,
	} {
		idClaims[k] = v
	}
	accessClaims := jwt.MapClaims{
		"sub":        u.sub,
		"client_id":  c.id,
		"username":   u.username,
		"scope":      "aws.cognito.signin.user.admin",
		"token_use":  "access",
		"auth_time":  authTime.Unix(),
		"iss":        p.issuer,
		"exp":        exp.Unix(),
		"iat":        now.Unix(),
		"jti":        newUUID(),
		"origin_jti": originJTI,
		"event_id":   eventID,
	}
	id, err := p.sign(idClaims)
	if err != nil {
		return issuedTokens{}, err
	}
	access, err := p.sign(accessClaims)
	if err != nil {
		return issuedTokens{}, err
	}
	return issuedTokens{id: id, access: access}, nil
}

func (p *userPool) sign(claims jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = p.kid
	signed, err := t.SignedString(p.key)
	if err != nil {
		return "", fmt.Errorf("sign %v token for %s: %w", claims["token_use"], p.id, err)
	}
	return signed, nil
}

// verifyToken checks a token's signature (RS256, the issuing pool's key),
// expiry and token_use, and returns the pool and claims. Its errors never
// quote the token.
func (s *Service) verifyToken(token, use string) (*userPool, jwt.MapClaims, error) {
	pool, claims, err := s.verifyTokenAt(token, s.now())
	if err != nil {
		return nil, claims, err
	}
	if got, _ := claims["token_use"].(string); got != use {
		return nil, claims, fmt.Errorf("%w: token_use is %q, want %q", errWrongTokenUse, got, use)
	}
	return pool, claims, nil
}

// verifyTokenAt checks a token's signature and its expiry at now, whatever
// its token_use. pool is set once the signature is good, also when the
// token expired.
func (s *Service) verifyTokenAt(token string, now time.Time) (*userPool, jwt.MapClaims, error) {
	var pool *userPool
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	claims := jwt.MapClaims{}
	_, err := parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		iss, err := t.Claims.GetIssuer()
		if err != nil {
			return nil, err
		}
		p, ok := s.poolsByIssuer[iss]
		if !ok {
			return nil, fmt.Errorf("issuer %q is not a user pool of this emulator", iss)
		}
		if kid, _ := t.Header["kid"].(string); kid != p.kid {
			return nil, fmt.Errorf("kid %q is not the signing key of %s", kid, p.id)
		}
		pool = p
		return &p.key.PublicKey, nil
	})
	if err != nil {
		// The claims are returned too so callers can quote exp in messages.
		return pool, claims, err
	}
	return pool, claims, nil
}

var errWrongTokenUse = errors.New("wrong kind of token")

// VerifyIDToken validates an id token as an API Gateway
// COGNITO_USER_POOLS authorizer does: RS256 signature with the pool's key,
// not expired, token_use "id", aud one of the pool's clients. It returns
// the claims.
func (s *Service) VerifyIDToken(token string) (map[string]any, error) {
	pool, claims, err := s.verifyToken(token, "id")
	if err != nil {
		return nil, fmt.Errorf("verify id token: %w", err)
	}
	aud, _ := claims["aud"].(string)
	if _, ok := pool.clients[aud]; !ok {
		return nil, fmt.Errorf("verify id token: aud %q is not an app client of %s", aud, pool.id)
	}
	return map[string]any(claims), nil
}

// VerifyUserPoolToken checks an id or access token as an API Gateway
// COGNITO_USER_POOLS authorizer does at now: RS256 signature with the
// issuing pool's key, not expired, issued to one of the pool's app
// clients (aud of an id token, client_id of an access token). It returns
// the claims and the pool's id; an expired token whose signature is good
// returns them too, with an error wrapping jwt.ErrTokenExpired.
func (s *Service) VerifyUserPoolToken(token string, now time.Time) (map[string]any, string, error) {
	pool, claims, err := s.verifyTokenAt(token, now)
	if err != nil {
		if pool != nil && errors.Is(err, jwt.ErrTokenExpired) {
			return map[string]any(claims), pool.id, fmt.Errorf("verify user-pool token: %w", err)
		}
		return nil, "", fmt.Errorf("verify user-pool token: %w", err)
	}
	client, _ := claims["aud"].(string)
	if use, _ := claims["token_use"].(string); use == "access" {
		client, _ = claims["client_id"].(string)
	}
	if _, ok := pool.clients[client]; !ok {
		return nil, "", fmt.Errorf("verify user-pool token: app client %q is not one of %s", client, pool.id)
	}
	return map[string]any(claims), pool.id, nil
}

// wellKnown maps /<poolId>/.well-known/<doc> to a configured pool.
func (s *Service) wellKnown(path string) (*userPool, string, bool) {
	poolID, rest, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok {
		return nil, "", false
	}
	p, ok := s.pools[poolID]
	if !ok {
		return nil, "", false
	}
	switch rest {
	case ".well-known/jwks.json", ".well-known/openid-configuration":
		return p, strings.TrimPrefix(rest, ".well-known/"), true
	}
	return nil, "", false
}

type jwk struct {
	Alg string `json:"alg"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n"`
	Use string `json:"use"`
}

func (s *Service) serveWellKnown(w http.ResponseWriter, r *http.Request, p *userPool, doc string) {
	if doc == "jwks.json" {
		pub := p.key.PublicKey
		writeJSON(w, http.StatusOK, "application/json", map[string][]jwk{"keys": {{
			Alg: "RS256",
			E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
			Kid: p.kid,
			Kty: "RSA",
			N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			Use: "sig",
		}}})
		return
	}
	// The discovery document names the real issuer (which is what tokens
	// carry) but points jwks_uri at this server, so OIDC libraries that
	// follow it can verify emulator tokens.
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{
		"issuer":                                p.issuer,
		"jwks_uri":                              fmt.Sprintf("%s://%s/%s/.well-known/jwks.json", scheme, r.Host, p.id),
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"subject_types_supported":               []string{"public"},
		"response_types_supported":              []string{"code", "token"},
	})
}

// tokenError maps a token validation failure onto Cognito's messages.
func tokenError(err error, what string) *apiError {
	if errors.Is(err, jwt.ErrTokenExpired) {
		return notAuthorized("%s has expired", what)
	}
	return notAuthorized("Invalid %s", what)
}
