package emulator

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDefaultCAFileIsPrivate: without --ca-file the CA certificate goes to
// the user's cache directory, in a folder only the user can open, never to
// the shared temp directory where another user could plant a CA.
func TestDefaultCAFileIsPrivate(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv("LocalAppData", cache)
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(base, "sigscope", "emulator", "ca.pem")
	if got, err := DefaultCAFile(); err != nil || got != want {
		t.Fatalf("DefaultCAFile() = %q, %v; want %q", got, err, want)
	}
	check := func() {
		t.Helper()
		srv := startDefault(t, Options{TLS: true})
		if srv.CAFile != want {
			t.Fatalf("CA file %q, want %q", srv.CAFile, want)
		}
		if st, err := os.Stat(filepath.Dir(want)); err != nil || st.Mode().Perm() != 0o700 {
			t.Fatalf("CA folder: %v, mode %v; want 0700", err, st.Mode().Perm())
		}
		if st, err := os.Stat(want); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("CA file: %v, mode %v; want 0600", err, st.Mode().Perm())
		}
		pemBytes, _ := os.ReadFile(want)
		if !x509.NewCertPool().AppendCertsFromPEM(pemBytes) {
			t.Fatal("CA file holds no PEM certificate")
		}
		_ = srv.Close()
	}
	check()
	// A folder left open by someone (or something) else is made private again.
	if err := os.Chmod(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	check()
}

// TestCANameConstraints: the written CA may sign only for localhost,
// 127.0.0.0/8 and ::1, so a leaked CA file (or its key) cannot vouch for
// any other host.
func TestCANameConstraints(t *testing.T) {
	var pki *loopbackPKI
	orig := newPKI
	newPKI = func(now time.Time) (*loopbackPKI, error) {
		p, err := orig(now)
		pki = p
		return p, err
	}
	t.Cleanup(func() { newPKI = orig })

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	startDefault(t, Options{TLS: true, CAFile: caFile})
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		t.Fatal("CA file holds no PEM block")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ca.Raw, pki.caCert.Raw) {
		t.Fatal("the written CA is not the one that signed the server certificate")
	}
	if !ca.PermittedDNSDomainsCritical || strings.Join(ca.PermittedDNSDomains, ",") != "localhost" {
		t.Errorf("DNS constraints %v (critical %v), want localhost, critical", ca.PermittedDNSDomains, ca.PermittedDNSDomainsCritical)
	}
	var ranges []string
	for _, r := range ca.PermittedIPRanges {
		ranges = append(ranges, r.String())
	}
	if strings.Join(ranges, ",") != "127.0.0.0/8,::1/128" {
		t.Errorf("IP constraints %v, want 127.0.0.0/8 and ::1/128", ranges)
	}

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pemBytes)
	issue := func(dns string, ip net.IP) *x509.Certificate {
		t.Helper()
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: randomSerial(),
			Subject:      pkix.Name{CommonName: "leaf"},
			NotBefore:    time.Now().Add(-time.Minute),
			NotAfter:     time.Now().Add(time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		if dns != "" {
			tmpl.DNSNames = []string{dns}
		}
		if ip != nil {
			tmpl.IPAddresses = []net.IP{ip}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, pki.caKey)
		if err != nil {
			t.Fatal(err)
		}
		leaf, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return leaf
	}
	for _, c := range []struct {
		name string
		dns  string
		ip   net.IP
	}{
		{"localhost", "localhost", nil},
		{"127.0.0.1", "", net.ParseIP("127.0.0.1")},
		{"127.8.9.10", "", net.ParseIP("127.8.9.10")},
		{"::1", "", net.IPv6loopback},
	} {
		if _, err := issue(c.dns, c.ip).Verify(x509.VerifyOptions{Roots: roots}); err != nil {
			t.Errorf("a certificate for %s does not verify: %v", c.name, err)
		}
	}
	for _, c := range []struct {
		name string
		dns  string
		ip   net.IP
	}{
		{"example.com", "example.com", nil},
		{"localhost.example.com", "localhost.example.com", nil},
		{"10.0.0.1", "", net.ParseIP("10.0.0.1")},
		{"::2", "", net.ParseIP("::2")},
	} {
		_, err := issue(c.dns, c.ip).Verify(x509.VerifyOptions{Roots: roots})
		var inv x509.CertificateInvalidError
		if !errors.As(err, &inv) || inv.Reason != x509.CANotAuthorizedForThisName {
			t.Errorf("a certificate for %s: %v, want refused by the CA's name constraints", c.name, err)
		}
	}
}

// rawExchange sends raw bytes on a new connection and returns the answer's
// status (0 if none) once the server has closed the connection.
func rawExchange(t *testing.T, addr, raw string) (status int, body string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A guard against hanging the test run, far longer than the timeouts
	// under test: reaching it means the server kept the connection.
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	keptOpen := func(err error) bool {
		var ne net.Error
		return errors.As(err, &ne) && ne.Timeout()
	}
	br := bufio.NewReader(conn)
	if res, err := http.ReadResponse(br, nil); err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		status, body = res.StatusCode, string(b)
	} else if keptOpen(err) {
		t.Fatalf("no answer and the connection still open: %v", err)
	}
	// EOF, or a reset: either way the server closed the connection.
	if _, err := io.Copy(io.Discard, br); keptOpen(err) {
		t.Fatalf("the server kept the connection open: %v", err)
	}
	return status, body
}

// TestHostMustBeLoopback: a request whose Host is not a loopback name is
// refused, so a web page cannot read the emulator through DNS rebinding.
func TestHostMustBeLoopback(t *testing.T) {
	srv := startDefault(t, Options{})
	addr := strings.TrimPrefix(srv.URL, "http://")
	_, port, _ := net.SplitHostPort(addr)
	get := func(host, path string) answer {
		t.Helper()
		req := mustReq(t, "GET", srv.URL+path)
		req.Host = host
		return send(t, http.DefaultClient, req)
	}
	for _, host := range []string{
		"evil.example.com", "evil.example.com:" + port, "localhost.evil.example.com:" + port,
		"127.0.0.1.nip.io:" + port, "0.0.0.0:" + port, "10.0.0.1:" + port, "[::2]:" + port,
	} {
		for _, path := range []string{"/prod/public", "/us-east-1_Demo1/.well-known/jwks.json"} {
			a := get(host, path)
			if a.status != http.StatusMisdirectedRequest || !strings.Contains(a.raw, "DNS rebinding") || !strings.Contains(a.raw, host) {
				t.Errorf("Host %s %s: %d %q, want 421 naming the host", host, path, a.status, a.raw)
			}
		}
	}
	for _, host := range []string{
		"localhost", "localhost:" + port, "LocalHost:" + port, "127.0.0.1", "127.0.0.1:" + port,
		"127.1.2.3:" + port, "[::1]:" + port, "[::1]",
	} {
		if a := get(host, "/prod/public"); a.status != http.StatusOK {
			t.Errorf("Host %s: %d %s", host, a.status, a.raw)
		}
	}
	// A proxy-style request line carries its host in the URL.
	if status, body := rawExchange(t, addr, "GET http://evil.example.com/prod/public HTTP/1.1\r\nHost: evil.example.com\r\n\r\n"); status != http.StatusMisdirectedRequest {
		t.Errorf("absolute-form request: %d %q", status, body)
	}
}

// TestServerTimeouts: the emulator sets every http.Server timeout, and a
// connection that stalls in its headers, its body or between requests is
// closed.
func TestServerTimeouts(t *testing.T) {
	srv := startDefault(t, Options{})
	if s := srv.srv; s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 {
		t.Fatalf("timeouts: read header %v, read %v, write %v, idle %v", s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout)
	}
	short := 100 * time.Millisecond
	srv = startDefault(t, Options{Timeouts: Timeouts{ReadHeader: short, Read: short, Write: time.Second, Idle: short}})
	addr := strings.TrimPrefix(srv.URL, "http://")
	if status, _ := rawExchange(t, addr, "GET /prod/public HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "); status != 0 {
		t.Errorf("partial header: answered %d to a request whose headers never ended", status)
	}
	// The body never comes: the read fails, the connection closes.
	rawExchange(t, addr, "POST /prod/pets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"partial\":")
	// A kept-alive connection with no next request is closed by the idle
	// timeout. Its one request must be read in full, so reading gets a
	// bound no machine misses (a 100 ms one made the request's own arrival
	// a race); the short idle timeout is what the exchange waits for.
	srv = startDefault(t, Options{Timeouts: Timeouts{ReadHeader: time.Minute, Read: time.Minute, Write: time.Minute, Idle: short}})
	addr = strings.TrimPrefix(srv.URL, "http://")
	if status, body := rawExchange(t, addr, "GET /prod/public HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); status != http.StatusOK {
		t.Errorf("keep-alive request: %d %q", status, body)
	}
}

// TestBodyLimits: Cognito's calls are capped through the whole server too.
func TestBodyLimits(t *testing.T) {
	srv := startDefault(t, Options{})
	req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(`{"ClientId":"`+strings.Repeat("a", 2<<20)+`"}`))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if a := send(t, http.DefaultClient, req); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB Cognito call: %d %s", a.status, a.raw)
	}
}
