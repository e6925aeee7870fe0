package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/internal/testkit"
)

// playBrowser signs in through the hosted UI as a browser would.
func playBrowser(t *testing.T, authURL, username, password string) int {
	t.Helper()
	status, err := testkit.PlayBrowser(authURL, username, password)
	if err != nil {
		t.Fatal(err)
	}
	return status
}

func TestHostedLogin(t *testing.T) {
	e := startEmulator(t, nil)
	p := e.profile(FlowHosted)
	h, err := StartHostedLogin(ctx, p, e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	u, err := url.Parse(h.URL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/oauth2/authorize" || q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 ||
		q.Get("state") == "" || q.Get("scope") != "openid" || !strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") {
		t.Fatalf("authorization URL %s", h.URL())
	}

	// A callback with another state is refused and does not end the login.
	bad := strings.Replace(h.RedirectURI(), "/callback", "/callback?code=stolen&state=forged", 1)
	res, err := http.Get(bad)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("forged state: %d, want 400", res.StatusCode)
	}

	if status := playBrowser(t, h.URL(), "demo", demoPassword); status != http.StatusOK {
		t.Fatalf("callback answered %d", status)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tok, err := h.Wait(wctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Username() != "demo" || tok.RefreshToken == "" || !tok.Expiry.After(e.clock.Now()) {
		t.Fatalf("hosted tokens for %q, refresh token %v, expiry %s", tok.Username(), tok.RefreshToken != "", tok.Expiry)
	}
	s, err := h.Session(e.key(""))
	if err != nil {
		t.Fatal(err)
	}
	// Refresh goes through the hosted UI's token endpoint.
	e.clock.Advance(2 * time.Hour)
	later, err := CognitoSession(ctx, e.key("demo"), p, e.opts()...)
	if err != nil {
		t.Fatalf("refresh through /oauth2/token: %v", err)
	}
	tok2, _ := later.Tokens(ctx)
	if tok2.IDToken == tok.IDToken || !tok2.Expiry.After(e.clock.Now()) {
		t.Error("hosted tokens were not refreshed")
	}
	c, err := s.Credentials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := e.signedGet(t, c.AccessKeyID, c.SecretAccessKey, c.SessionToken); status != http.StatusOK {
		t.Fatalf("hosted login credentials: %d %.200s", status, body)
	}
}

func TestHostedLoginErrors(t *testing.T) {
	e := startEmulator(t, nil)
	p := e.profile(FlowHosted)
	p.Endpoint = ""
	if _, err := StartHostedLogin(ctx, p, e.opts()...); err == nil || !strings.Contains(err.Error(), "--domain") {
		t.Errorf("no domain: %v", err)
	}

	// The hosted UI sends the browser back with an error.
	h, err := StartHostedLogin(ctx, e.profile(FlowHosted), e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	state := mustQuery(t, h.URL()).Get("state")
	res, err := http.Get(h.RedirectURI() + "?error=access_denied&error_description=cancelled&state=" + url.QueryEscape(state))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, err := h.Wait(ctx); err == nil || !strings.Contains(err.Error(), "cancelled or refused") {
		t.Errorf("access_denied: %v", err)
	}

	// A code that the token endpoint refuses (here: unknown).
	h, err = StartHostedLogin(ctx, e.profile(FlowHosted), e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	state = mustQuery(t, h.URL()).Get("state")
	res, err = http.Get(h.RedirectURI() + "?code=00000000-0000-4000-8000-000000000000&state=" + url.QueryEscape(state))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, err = h.Wait(ctx)
	if err == nil || !errors.Is(err, errInvalidGrant) || !strings.Contains(err.Error(), "authorization code was refused") {
		t.Errorf("refused code: %v", err)
	}

	// Giving up: the context ends the wait.
	h, err = StartHostedLogin(ctx, e.profile(FlowHosted), e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := h.Wait(cctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %v", err)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// TestHostedLoginBindsBothLoopbacks: the redirect names localhost, which a
// browser may resolve to ::1 as well as 127.0.0.1; both are ours, so no
// other program or local user can take the code on the loopback we left.
func TestHostedLoginBindsBothLoopbacks(t *testing.T) {
	if !hasIPv6Loopback(ctx) {
		// Skipped only where the machine has no ::1 at all: where an
		// interface has it but it cannot be listened on, that is a failure
		// under SIGSCOPE_REQUIRE_PEERS=1 (CI's machines have ::1).
		if interfaceHasIPv6Loopback(t) {
			peer.Missing(t, "an interface has ::1 but listening on [::1]:0 fails")
		}
		t.Skip("this machine has no ::1 on any interface")
	}
	e := startEmulator(t, nil)
	h, err := StartHostedLogin(ctx, e.profile(FlowHosted), e.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	port := strconv.Itoa(h.lns[0].Addr().(*net.TCPAddr).Port)
	for _, host := range []string{"127.0.0.1", "[::1]"} {
		res, err := http.Get("http://" + host + ":" + port + "/callback?code=stolen&state=forged")
		if err != nil {
			t.Errorf("%s: %v", host, err)
			continue
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "state mismatch") {
			t.Errorf("%s: %d %q, want this login's callback", host, res.StatusCode, body)
		}
	}

	// A redirect port someone else holds on ::1 is refused, clearly.
	var taken net.Listener
	for range 10 {
		ln, err := net.Listen("tcp", "[::1]:0")
		if err != nil {
			t.Fatal(err)
		}
		p := ln.Addr().(*net.TCPAddr).Port
		if v4, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p))); err == nil {
			v4.Close()
			taken = ln
			break
		}
		ln.Close()
	}
	if taken == nil {
		t.Fatal("found no port free on 127.0.0.1 to take on ::1")
	}
	defer taken.Close()
	p := e.profile(FlowHosted)
	p.RedirectPort = taken.Addr().(*net.TCPAddr).Port
	h2, err := StartHostedLogin(ctx, p, e.opts()...)
	if err == nil {
		h2.Close()
		t.Fatal("started with the redirect port taken on ::1")
	}
	want := fmt.Sprintf("[::1]:%d", p.RedirectPort)
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "taken on ::1") {
		t.Errorf("error %q, want it to name %s and say it is taken", err, want)
	}
	// The 127.0.0.1 side was let go.
	if v4, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p.RedirectPort))); err != nil {
		t.Errorf("127.0.0.1:%d still held after the refusal: %v", p.RedirectPort, err)
	} else {
		v4.Close()
	}
}

// interfaceHasIPv6Loopback reports whether an interface carries ::1,
// whether or not it can be listened on.
func interfaceHasIPv6Loopback(t *testing.T) bool {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatalf("list the interfaces' addresses: %v", err)
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.Equal(net.IPv6loopback) {
			return true
		}
	}
	return false
}
