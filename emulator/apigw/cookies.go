package apigw

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" // CloudFront signs policies with RSA-SHA1; nothing else here uses SHA-1
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sigscope/sigscope/emulator/iampolicy"
)

// CloudFront cookie names.
const (
	CookiePolicy    = "CloudFront-Policy"
	CookieSignature = "CloudFront-Signature"
	CookieKeyPairID = "CloudFront-Key-Pair-Id"
	CookieSession   = "session"
)

const defaultCookieLifetime = time.Hour

type cookieSigner struct {
	key       *rsa.PrivateKey
	keyPairID string
}

func newCookieSigner(key *rsa.PrivateKey, id string) (*cookieSigner, error) {
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
	}
	if id == "" {
		der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(der)
		// CloudFront public key ids look like K2JCJMDEHXQW5F.
		id = "K" + base32.StdEncoding.EncodeToString(sum[:])[:13]
	}
	return &cookieSigner{key: key, keyPairID: id}, nil
}

// cfReplacer is CloudFront's URL-safe base64: + becomes -, = becomes _,
// / becomes ~.
var cfReplacer = strings.NewReplacer("+", "-", "=", "_", "/", "~")
var cfUnreplacer = strings.NewReplacer("-", "+", "_", "=", "~", "/")

// CloudFrontEncode encodes b in CloudFront's URL-safe base64.
func CloudFrontEncode(b []byte) string {
	return cfReplacer.Replace(base64.StdEncoding.EncodeToString(b))
}

// CloudFrontDecode reverses CloudFrontEncode.
func CloudFrontDecode(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(cfUnreplacer.Replace(s))
}

// cfPolicy is a CloudFront custom policy; field order matters for the
// signed bytes, so it is a struct, not a map.
type cfPolicy struct {
	Statement []cfStatement `json:"Statement"`
}

type cfStatement struct {
	Resource  string                            `json:"Resource"`
	Condition map[string]map[string]json.Number `json:"Condition"`
}

func (c *cookieSigner) sign(policy []byte) ([]byte, error) {
	sum := sha1.Sum(policy)
	return rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA1, sum[:])
}

func (c *cookieSigner) verify(policy, sig []byte) bool {
	sum := sha1.Sum(policy)
	return rsa.VerifyPKCS1v15(&c.key.PublicKey, crypto.SHA1, sum[:], sig) == nil
}

func requestScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// cookiePath is the directory a resource pattern covers: /prod/private/*
// gives /prod/private.
func cookiePath(pattern string) string {
	if i := strings.IndexAny(pattern, "*?"); i >= 0 {
		pattern = pattern[:i]
	}
	if i := strings.LastIndex(pattern, "/"); i >= 0 {
		pattern = pattern[:i]
	}
	if pattern == "" {
		return "/"
	}
	return pattern
}

// setCookies issues a session cookie and CloudFront signed cookies for the
// route's resource pattern.
func (g *Gateway) setCookies(w http.ResponseWriter, r *http.Request, rc *reqCtx) *apiError {
	rt := rc.match.route.Response
	lifetime := time.Duration(rt.Lifetime)
	if lifetime <= 0 {
		lifetime = defaultCookieLifetime
	}
	pattern := rt.Resource
	if pattern == "" {
		pattern = "/" + rc.stage + "/*"
	}
	resource := requestScheme(r) + "://" + r.Host + pattern
	expires := g.now().Add(lifetime).Truncate(time.Second)
	policy := marshalJSON(cfPolicy{Statement: []cfStatement{{
		Resource:  resource,
		Condition: map[string]map[string]json.Number{"DateLessThan": {"AWS:EpochTime": json.Number(strconv.FormatInt(expires.Unix(), 10))}},
	}}})
	sig, err := g.cookies.sign(policy)
	if err != nil {
		return &apiError{status: http.StatusInternalServerError, errType: "InternalServerErrorException", message: "Internal server error"}
	}
	var sess [16]byte
	_, _ = rand.Read(sess[:])
	secure := rt.Secure || g.deps.SecureCookies || r.TLS != nil
	set := func(name, value, path string) {
		http.SetCookie(w, &http.Cookie{
			Name: name, Value: value, Path: path, Expires: expires,
			Secure: secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		})
	}
	set(CookieSession, hex.EncodeToString(sess[:]), "/"+rc.stage)
	cp := cookiePath(pattern)
	set(CookiePolicy, CloudFrontEncode(policy), cp)
	set(CookieSignature, CloudFrontEncode(sig), cp)
	set(CookieKeyPairID, g.cookies.keyPairID, cp)
	writeJSON(w, http.StatusOK, map[string]any{
		"message":   "Signed cookies issued",
		"resource":  resource,
		"expires":   expires.Unix(),
		"keyPairId": g.cookies.keyPairID,
		"cookies":   []string{CookieSession, CookiePolicy, CookieSignature, CookieKeyPairID},
	})
	return nil
}

func cookieErr(cookie, reason string) *apiError {
	e := errForbidden(ErrForbidden, MsgCookiesMissing)
	e.extra = map[string]any{"cookie": cookie, "reason": reason}
	return e
}

// checkCookies verifies the three CloudFront cookies against the request.
func (g *Gateway) checkCookies(r *http.Request) *apiError {
	vals := map[string]string{}
	for _, name := range []string{CookiePolicy, CookieSignature, CookieKeyPairID} {
		c, err := r.Cookie(name)
		if err != nil || c.Value == "" {
			return cookieErr(name, "missing")
		}
		vals[name] = c.Value
	}
	if vals[CookieKeyPairID] != g.cookies.keyPairID {
		return cookieErr(CookieKeyPairID, fmt.Sprintf("unknown key pair id (this emulator signs with %s)", g.cookies.keyPairID))
	}
	policy, err := CloudFrontDecode(vals[CookiePolicy])
	if err != nil {
		return cookieErr(CookiePolicy, "not CloudFront URL-safe base64")
	}
	sig, err := CloudFrontDecode(vals[CookieSignature])
	if err != nil {
		return cookieErr(CookieSignature, "not CloudFront URL-safe base64")
	}
	if !g.cookies.verify(policy, sig) {
		return cookieErr(CookieSignature, "RSA-SHA1 signature does not verify against the policy")
	}
	var p cfPolicy
	if err := json.Unmarshal(policy, &p); err != nil || len(p.Statement) != 1 {
		return cookieErr(CookiePolicy, "not a CloudFront custom policy with one statement")
	}
	st := p.Statement[0]
	now := g.now().Unix()
	lt, err := st.Condition["DateLessThan"]["AWS:EpochTime"].Int64()
	if err != nil {
		return cookieErr(CookiePolicy, "policy has no DateLessThan AWS:EpochTime")
	}
	if now >= lt {
		return cookieErr(CookiePolicy, "policy expired at "+time.Unix(lt, 0).UTC().Format(time.RFC3339))
	}
	if gt, ok := st.Condition["DateGreaterThan"]["AWS:EpochTime"]; ok {
		v, err := gt.Int64()
		if err != nil || now <= v {
			return cookieErr(CookiePolicy, "policy is not valid yet (DateGreaterThan)")
		}
	}
	target := requestScheme(r) + "://" + r.Host + wirePath(r)
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	if !wildcardMatch(st.Resource, target) {
		return cookieErr(CookiePolicy, fmt.Sprintf("policy resource %q does not cover %q", st.Resource, target))
	}
	return nil
}

func (g *Gateway) cookieProtected(w http.ResponseWriter, r *http.Request, rc *reqCtx) *apiError {
	if e := g.checkCookies(r); e != nil {
		return e
	}
	rt := rc.match.route.Response
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := rt.Body
	if body == nil {
		body = map[string]any{"message": "Access granted by CloudFront signed cookies", "path": wirePath(r)}
	}
	writeJSON(w, status, body)
	return nil
}

// wildcardMatch matches CloudFront resource patterns: * is any run of
// characters, ? one character, as in IAM policies.
func wildcardMatch(pattern, s string) bool { return iampolicy.Glob(pattern, s) }
