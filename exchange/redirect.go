package exchange

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/internal/lazyre"
	"github.com/sigscope/sigscope/sign"
)

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// signingHeaders are dropped from a redirected request: they belong to the
// old signature. credentialHeaders never follow a redirect to another host.
var (
	signingHeaders    = []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "Cookie", "Content-Length", "Content-Type"}
	credentialHeaders = []string{"X-Api-Key"}
)

// nextHop builds the GET or HEAD request a redirect points to. Cookies
// come from the jar for the new URL; a hop to the same host is re-signed
// when opts.Resign can, a hop to another host goes without credentials.
func nextHop(cur *sign.Request, resp *Response, loc string, opts Options) (*sign.Request, Redirect, error) {
	rd := Redirect{Status: resp.Status, URL: cur.URL(), Location: loc, Headers: resp.Headers}
	base, err := url.Parse(cur.URL())
	if err != nil {
		return nil, rd, fmt.Errorf("current URL: %w", err)
	}
	ref, err := url.Parse(EscapeTarget(strings.TrimSpace(loc)))
	if err != nil {
		return nil, rd, fmt.Errorf("Location: %w", err)
	}
	u := base.ResolveReference(ref)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, rd, fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	next := &sign.Request{Method: cur.Method, Scheme: u.Scheme, Host: u.Host, Path: u.EscapedPath(), RawQuery: u.RawQuery}
	if next.Path == "" {
		next.Path = "/"
	}
	rd.Next = next.URL()
	sameHost := strings.EqualFold(next.Host, cur.Host) && strings.EqualFold(next.Scheme, cur.Scheme)

	// The old Authorization stays only when it is not a SigV4 one and the
	// host does not change (a user-pool token or an API key for the same API).
	auth, hasAuth := cur.Get("Authorization")
	var dropped []string
	for _, h := range cur.Headers {
		if contains(signingHeaders, h.Name) {
			continue
		}
		if !sameHost && carriesSecret(h, opts.Secrets) {
			dropped = append(dropped, h.Name)
			continue
		}
		next.Headers = append(next.Headers, h)
	}
	sigv4 := hasAuth && strings.HasPrefix(auth, "AWS4-") || strings.Contains(cur.RawQuery, "X-Amz-Signature=")
	if hasAuth && !sigv4 && sameHost {
		next.Set("Authorization", auth)
	}
	if opts.Jar != nil {
		if m := opts.Jar.Match(cookies.Origin{Scheme: next.Scheme, Host: next.Host, Path: next.Path}, time.Now()); len(m) > 0 {
			next.Set("Cookie", cookies.Header(m))
		}
	}
	switch {
	case !sameHost && (hasAuth || sigv4 || len(dropped) > 0):
		rd.Note = fmt.Sprintf("to another host (%s): sent without credentials or signature; sigscope never re-signs across hosts on its own", next.Host)
		if len(dropped) > 0 {
			rd.Note += "; headers left out: " + strings.Join(dropped, ", ")
		}
	case sameHost && sigv4 && opts.Resign != nil:
		signed, ok, err := opts.Resign(next)
		if err != nil {
			return nil, rd, fmt.Errorf("re-sign for %s: %w", rd.Next, err)
		}
		if ok {
			next, rd.Resigned = signed, true
			rd.Note = "same host: re-signed for the new path"
		}
	case sameHost && sigv4:
		rd.Note = "same host: sent without a signature (no signer for redirects)"
	}
	return next, rd, nil
}

// secretName matches header names that carry credentials, whatever the
// API calls them: X-Api-Key, X-Auth-Token, X-Session-Id, Proxy-Authorization...
var secretName = lazyre.New(`(?i)(auth|token|key|secret|session|passw|credential|signature|cookie)`)

// carriesSecret reports whether a header must not follow a redirect to
// another host: by its name, or because its value holds a value the
// caller knows is secret (a token that reached it through a template).
func carriesSecret(h sign.Header, secrets []string) bool {
	if contains(credentialHeaders, h.Name) || secretName.MatchString(h.Name) {
		return true
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(h.Value, s) {
			return true
		}
	}
	return false
}

func contains(list []string, name string) bool {
	for _, l := range list {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}
