package apigw

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// cfDecode undoes CloudFront's URL-safe base64, written out here from
// CloudFront's documentation (- for +, _ for =, ~ for /).
func cfDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(s))
	if err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return b
}

func cfEncode(b []byte) string {
	return strings.NewReplacer("+", "-", "=", "_", "/", "~").Replace(base64.StdEncoding.EncodeToString(b))
}

func TestSignedCookies(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// The cookie jar drops expired cookies by the real clock, so this test
	// runs at the present time.
	base := time.Now().UTC().Truncate(time.Second)
	var clock atomic.Int64
	clock.Store(base.Unix())
	now := func() time.Time { return time.Unix(clock.Load(), 0).UTC() }
	g, err := New(testConfig(), Deps{Region: testRegion, Now: now, Credentials: fakeCreds{base}, Tokens: fakeTokens{}, CookieKey: key, CookieKeyPairID: "K2TESTKEYPAIR"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")

	// Without cookies.
	if res := get(t, srv.URL+"/prod/private/doc.txt", nil); res.status != 403 || res.message != MsgCookiesMissing ||
		jsonPath(res.json, "cookie") != CookiePolicy || res.header.Get("x-amzn-ErrorType") != ErrForbidden {
		t.Fatalf("no cookies: %d %s", res.status, res.body)
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res := do(t, client, signed(t, "POST", srv.URL+"/prod/login-cookies", "", staticCreds(), testRegion, "execute-api", base, nil))
	if res.status != 200 {
		t.Fatalf("login-cookies: %d %s", res.status, res.body)
	}
	expires := base.Add(time.Hour).Unix()
	setCookies := res.header.Values("Set-Cookie")
	if len(setCookies) != 4 {
		t.Fatalf("want 4 Set-Cookie, got %q", setCookies)
	}
	values := map[string]string{}
	for _, sc := range setCookies {
		name, rest, _ := strings.Cut(sc, "=")
		val, attrs, _ := strings.Cut(rest, ";")
		values[name] = val
		for _, a := range []string{"HttpOnly", "SameSite=Lax", "Expires=" + base.Add(time.Hour).Format(http.TimeFormat)} {
			if !strings.Contains(attrs, a) {
				t.Errorf("%s lacks %s: %s", name, a, sc)
			}
		}
		if strings.Contains(attrs, "Secure") {
			t.Errorf("Secure over plain HTTP: %s", sc)
		}
		wantPath := "Path=/prod/private"
		if name == CookieSession {
			wantPath = "Path=/prod"
		}
		if !strings.Contains(attrs, wantPath+";") && !strings.HasSuffix(attrs, wantPath) {
			t.Errorf("%s: want %s in %s", name, wantPath, sc)
		}
	}
	if len(values[CookieSession]) != 32 {
		t.Errorf("session cookie %q", values[CookieSession])
	}
	policy := cfDecode(t, values[CookiePolicy])
	wantPolicy := fmt.Sprintf(`{"Statement":[{"Resource":"http://%s/prod/private/*","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, host, expires)
	if string(policy) != wantPolicy {
		t.Errorf("policy\n got %s\nwant %s", policy, wantPolicy)
	}
	sum := sha1.Sum(policy)
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA1, sum[:], cfDecode(t, values[CookieSignature])); err != nil {
		t.Errorf("CloudFront-Signature does not verify with the emulator key: %v", err)
	}
	if values[CookieKeyPairID] != "K2TESTKEYPAIR" {
		t.Errorf("key pair id %q", values[CookieKeyPairID])
	}

	// The jar sends them back.
	req, _ := http.NewRequest("GET", srv.URL+"/prod/private/docs/a.txt?v=1", nil)
	if res := do(t, client, req); res.status != 200 {
		t.Fatalf("with cookies: %d %s", res.status, res.body)
	}

	sign := func(p string) string {
		s := sha1.Sum([]byte(p))
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, s[:])
		if err != nil {
			t.Fatal(err)
		}
		return cfEncode(sig)
	}
	resource := "http://" + host + "/prod/private/*"
	good := map[string]string{CookiePolicy: values[CookiePolicy], CookieSignature: values[CookieSignature], CookieKeyPairID: values[CookieKeyPairID]}
	otherPolicy := fmt.Sprintf(`{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, resource, expires+1)
	onlyDocs := fmt.Sprintf(`{"Statement":[{"Resource":"http://%s/prod/private/docs/*","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, host, expires)
	notYet := fmt.Sprintf(`{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d},"DateGreaterThan":{"AWS:EpochTime":%d}}}]}`, resource, expires, base.Unix()+60)
	cases := []struct {
		name   string
		edit   func(c map[string]string)
		path   string
		cookie string
		reason string
	}{
		{"valid", func(map[string]string) {}, "/prod/private/x", "", ""},
		{"no policy", func(c map[string]string) { delete(c, CookiePolicy) }, "/prod/private/x", CookiePolicy, "missing"},
		{"no signature", func(c map[string]string) { delete(c, CookieSignature) }, "/prod/private/x", CookieSignature, "missing"},
		{"no key pair id", func(c map[string]string) { delete(c, CookieKeyPairID) }, "/prod/private/x", CookieKeyPairID, "missing"},
		{"other key pair id", func(c map[string]string) { c[CookieKeyPairID] = "KOTHER" }, "/prod/private/x", CookieKeyPairID, "unknown key pair id"},
		{"policy changed", func(c map[string]string) { c[CookiePolicy] = cfEncode([]byte(otherPolicy)) }, "/prod/private/x", CookieSignature, "does not verify"},
		{"signature from another key", func(c map[string]string) {
			k2, _ := rsa.GenerateKey(rand.Reader, 1024)
			s := sha1.Sum(policy)
			sig, _ := rsa.SignPKCS1v15(rand.Reader, k2, crypto.SHA1, s[:])
			c[CookieSignature] = cfEncode(sig)
		}, "/prod/private/x", CookieSignature, "does not verify"},
		{"not base64", func(c map[string]string) { c[CookiePolicy] = "%%%" }, "/prod/private/x", CookiePolicy, "base64"},
		{"resource not covered", func(c map[string]string) {
			c[CookiePolicy], c[CookieSignature] = cfEncode([]byte(onlyDocs)), sign(onlyDocs)
		}, "/prod/private/other/x", CookiePolicy, "does not cover"},
		{"resource covered", func(c map[string]string) {
			c[CookiePolicy], c[CookieSignature] = cfEncode([]byte(onlyDocs)), sign(onlyDocs)
		}, "/prod/private/docs/x", "", ""},
		{"not valid yet", func(c map[string]string) {
			c[CookiePolicy], c[CookieSignature] = cfEncode([]byte(notYet)), sign(notYet)
		}, "/prod/private/x", CookiePolicy, "not valid yet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cookies := map[string]string{}
			for k, v := range good {
				cookies[k] = v
			}
			c.edit(cookies)
			req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
			for k, v := range cookies {
				req.AddCookie(&http.Cookie{Name: k, Value: v})
			}
			res := do(t, nil, req)
			if c.cookie == "" {
				if res.status != 200 {
					t.Fatalf("want 200, got %d %s", res.status, res.body)
				}
				return
			}
			if res.status != 403 || res.message != MsgCookiesMissing || jsonPath(res.json, "cookie") != c.cookie ||
				!strings.Contains(fmt.Sprint(jsonPath(res.json, "reason")), c.reason) {
				t.Fatalf("got %d %s; want 403 naming %s (%s)", res.status, res.body, c.cookie, c.reason)
			}
		})
	}

	// An hour later the policy has expired.
	clock.Store(expires)
	req, _ = http.NewRequest("GET", srv.URL+"/prod/private/x", nil)
	if res := do(t, client, req); res.status != 403 || jsonPath(res.json, "cookie") != CookiePolicy ||
		!strings.Contains(fmt.Sprint(jsonPath(res.json, "reason")), "expired") {
		t.Fatalf("expired policy: %d %s", res.status, res.body)
	}
}

func TestSecureCookiesOverTLS(t *testing.T) {
	g, err := New(testConfig(), Deps{Region: testRegion, Now: func() time.Time { return testNow }, Credentials: fakeCreds{testNow}, Tokens: fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(g)
	t.Cleanup(srv.Close)
	res := do(t, srv.Client(), signed(t, "POST", srv.URL+"/prod/login-cookies", "", staticCreds(), testRegion, "execute-api", testNow, nil))
	if res.status != 200 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	for _, sc := range res.header.Values("Set-Cookie") {
		if !strings.Contains(sc, "; Secure") {
			t.Errorf("no Secure over TLS: %s", sc)
		}
	}
	if r := jsonPath(res.json, "resource"); !strings.HasPrefix(fmt.Sprint(r), "https://") {
		t.Errorf("resource over TLS: %v", r)
	}

	// secure: true in the route marks them Secure over plain HTTP too.
	cfg := testConfig()
	cfg.Routes[5].Response.Secure = true
	g2, err := New(cfg, Deps{Region: testRegion, Now: func() time.Time { return testNow }, Credentials: fakeCreds{testNow}, Tokens: fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(g2)
	t.Cleanup(plain.Close)
	res = do(t, nil, signed(t, "POST", plain.URL+"/prod/login-cookies", "", staticCreds(), testRegion, "execute-api", testNow, nil))
	if n := len(res.header.Values("Set-Cookie")); res.status != 200 || n != 4 {
		t.Fatalf("%d, %d cookies", res.status, n)
	}
	for _, sc := range res.header.Values("Set-Cookie") {
		if !strings.Contains(sc, "; Secure") {
			t.Errorf("secure: true ignored: %s", sc)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	cases := []struct {
		p, s string
		ok   bool
	}{
		{"http://h/a/*", "http://h/a/b/c?x=1", true},
		{"http://h/a/*", "http://h/b", false},
		{"http*://h/*", "https://h/x", true},
		{"http://h/?.txt", "http://h/a.txt", true},
		{"http://h/?.txt", "http://h/ab.txt", false},
		{"*", "", true},
		{"http://h/a", "http://h/a/", false},
	}
	for _, c := range cases {
		if got := wildcardMatch(c.p, c.s); got != c.ok {
			t.Errorf("wildcardMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}
