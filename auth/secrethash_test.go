package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sigscope/sigscope/auth/srp"
)

// unsignedJWT builds a token with the given claims; only its payload is
// read by sigscope.
func unsignedJWT(claims map[string]any) string {
	p, _ := json.Marshal(claims)
	return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString(p) + ".sig"
}

// TestRefreshSecretHashUsesInternalUsername records what REFRESH_TOKEN_AUTH
// sends for a user who logged in with an alias (an email): Cognito wants
// SECRET_HASH over cognito:username, the classic refresh failure. Neither
// emulator models aliases together with secrets, so a recording server
// checks the request.
func TestRefreshSecretHashUsesInternalUsername(t *testing.T) {
	const internal = "7f3c2a10-1111-4222-8333-444455556666"
	var got map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in struct {
			AuthFlow       string
			AuthParameters map[string]string
		}
		json.Unmarshal(body, &in)
		if r.Header.Get("X-Amz-Target") != "AWSCognitoIdentityProviderService.InitiateAuth" || in.AuthFlow != "REFRESH_TOKEN_AUTH" {
			http.Error(w, `{"__type":"InvalidParameterException","message":"unexpected call"}`, http.StatusBadRequest)
			return
		}
		got = in.AuthParameters
		exp := time.Now().Add(time.Hour).Unix()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprintf(w, `{"AuthenticationResult":{"IdToken":%q,"AccessToken":%q,"ExpiresIn":3600,"TokenType":"Bearer"},"ChallengeParameters":{}}`,
			unsignedJWT(map[string]any{"cognito:username": internal, "exp": exp}), unsignedJWT(map[string]any{"username": internal, "exp": exp}))
	}))
	t.Cleanup(srv.Close)

	p := CognitoProfile{UserPoolID: demoPool, ClientID: secretClient, ClientSecret: demoSecret, Endpoint: srv.URL}
	store := &Store{Dir: t.TempDir()}
	old := Tokens{
		IDToken:      unsignedJWT(map[string]any{"cognito:username": internal, "email": "alias@example.com", "exp": time.Now().Add(-time.Minute).Unix()}),
		AccessToken:  unsignedJWT(map[string]any{"username": internal, "exp": time.Now().Add(-time.Minute).Unix()}),
		RefreshToken: "opaque-refresh-token",
	}
	old.setExpiry(time.Now(), 0)
	o := buildOptions([]Option{WithStore(store)})
	key := CacheKey{Collection: "/c/x.yaml", Username: "alias@example.com"}
	if _, err := saveLogin(key, p, o, old); err != nil {
		t.Fatal(err)
	}
	// The tokens have expired: opening the session refreshes them.
	s, err := CognitoSession(ctx, key, p, WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	if want := srp.SecretHash(secretClient, demoSecret, internal); got["SECRET_HASH"] != want {
		t.Errorf("SECRET_HASH is not over cognito:username %s", internal)
	}
	if got["REFRESH_TOKEN"] != "opaque-refresh-token" {
		t.Error("the refresh token was not sent")
	}
	if tok, _ := s.Tokens(ctx); tok.RefreshToken != "opaque-refresh-token" || !tok.Expiry.After(time.Now()) {
		t.Error("the refresh token was not kept, or the expiry not renewed")
	}
}
