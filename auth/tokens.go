package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sigscope/sigscope/internal/secret"
)

// Tokens are a user pool's answer to a login or refresh. They are secrets:
// String and GoString mask them.
type Tokens struct {
	IDToken      string    `json:"id_token"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry"` // of the id and access tokens, whichever ends first
}

func (t Tokens) String() string {
	return fmt.Sprintf("id %s, access %s, refresh %s, expires %s",
		secret.Mask(t.IDToken), secret.Mask(t.AccessToken), secret.Mask(t.RefreshToken), t.Expiry.UTC().Format(time.RFC3339))
}

// GoString keeps %#v from printing the tokens.
func (t Tokens) GoString() string { return "auth.Tokens{" + t.String() + "}" }

// IDClaims decodes the id token's claims, for display. The signature is not
// checked: the token came straight from Cognito over TLS, and the servers
// that receive it check it.
func (t Tokens) IDClaims() (Claims, error) { return DecodeClaims(t.IDToken) }

// AccessClaims decodes the access token's claims, for display.
func (t Tokens) AccessClaims() (Claims, error) { return DecodeClaims(t.AccessToken) }

// Username is the internal username (cognito:username) from the id token,
// which SECRET_HASH must use on refresh, or "" when it cannot be read.
func (t Tokens) Username() string {
	c, err := t.IDClaims()
	if err != nil {
		return ""
	}
	if u := c.String("cognito:username"); u != "" {
		return u
	}
	if ac, err := t.AccessClaims(); err == nil {
		return ac.String("username")
	}
	return ""
}

// setExpiry derives Expiry from the tokens' exp claims, which every issuer
// sends, falling back on ExpiresIn (cognito-local sends no ExpiresIn).
func (t *Tokens) setExpiry(now time.Time, expiresIn int64) {
	var exp time.Time
	for _, tok := range []string{t.IDToken, t.AccessToken} {
		c, err := DecodeClaims(tok)
		if err != nil {
			continue
		}
		if e := c.Time("exp"); !e.IsZero() && (exp.IsZero() || e.Before(exp)) {
			exp = e
		}
	}
	if exp.IsZero() && expiresIn > 0 {
		exp = now.Add(time.Duration(expiresIn) * time.Second)
	}
	if exp.IsZero() {
		exp = now.Add(time.Hour) // Cognito's default lifetime
	}
	t.Expiry = exp
}

// Claims are a JWT's decoded payload.
type Claims map[string]any

// DecodeClaims reads a JWT's payload without verifying it. Its errors never
// quote the token.
func DecodeClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT: want three dot-separated parts, got %d", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, errors.New("not a JWT: the payload is not base64url")
	}
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	var c Claims
	if err := d.Decode(&c); err != nil {
		return nil, errors.New("not a JWT: the payload is not a JSON object")
	}
	return c, nil
}

// String returns a string claim, or "" when it is absent or not a string.
func (c Claims) String(name string) string {
	s, _ := c[name].(string)
	return s
}

// Time returns a NumericDate claim (exp, iat, auth_time), or the zero time.
func (c Claims) Time(name string) time.Time {
	switch v := c[name].(type) {
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return time.Unix(int64(f), 0)
		}
	case float64:
		return time.Unix(int64(v), 0)
	}
	return time.Time{}
}
