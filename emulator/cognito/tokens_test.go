package cognito

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sigscope/sigscope/internal/testkit"
)

func TestVerifyIDToken(t *testing.T) {
	clk := testkit.NewClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	svc, err := New(testConfig(), Options{Now: clk.Now, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	p := svc.pools[poolID]
	good := func() jwt.MapClaims {
		return jwt.MapClaims{
			"sub": "s", "aud": webClient, "token_use": "id", "iss": p.issuer,
			"exp": clk.Now().Add(time.Minute).Unix(), "iat": clk.Now().Unix(),
		}
	}
	sign := func(c jwt.MapClaims) string {
		tok, err := p.sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	if claims, err := svc.VerifyIDToken(sign(good())); err != nil || claims["sub"] != "s" {
		t.Fatalf("good token: %v", err)
	}
	for name, c := range map[string]struct {
		edit func(jwt.MapClaims)
		want string
	}{
		"aud of another pool":  {func(c jwt.MapClaims) { c["aud"] = otherClient }, "not an app client"},
		"access token":         {func(c jwt.MapClaims) { c["token_use"] = "access" }, "token_use"},
		"expired":              {func(c jwt.MapClaims) { c["exp"] = clk.Now().Add(-time.Second).Unix() }, "expired"},
		"no exp":               {func(c jwt.MapClaims) { delete(c, "exp") }, "exp"},
		"unknown issuer":       {func(c jwt.MapClaims) { c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Nope" }, "not a user pool"},
		"other pool as issuer": {func(c jwt.MapClaims) { c["iss"] = svc.pools[otherPoolID].issuer }, "kid"},
	} {
		claims := good()
		c.edit(claims)
		if _, err := svc.VerifyIDToken(sign(claims)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
	// HS256 keyed with anything, and alg "none", are refused outright.
	hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, good()).SignedString([]byte("k"))
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, good()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	for name, tok := range map[string]string{"HS256": hs, "none": none, "garbage": "a.b.c", "empty": ""} {
		if _, err := svc.VerifyIDToken(tok); err == nil {
			t.Errorf("%s token accepted", name)
		}
	}
}
