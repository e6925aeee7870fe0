package exchange

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/sign"
)

func reqFor(t *testing.T, method, rawURL string, headers ...sign.Header) *sign.Request {
	t.Helper()
	tg, err := ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return &sign.Request{Method: method, Scheme: tg.Scheme, Host: tg.Host, Path: tg.Path, RawQuery: tg.RawQuery, Headers: headers}
}

func sendOK(t *testing.T, r *sign.Request, opts Options) *Result {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	res := Send(context.Background(), r, opts)
	t.Cleanup(func() { res.Close() })
	if res.Err != nil {
		t.Fatalf("send: %v (%s)", res.Err, res.Err.Hint)
	}
	return res
}

// rawServer answers every connection with fixed bytes, then closes.
func rawServer(t *testing.T, answer string) string {
	t.Helper()
	return "http://" + testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 4096)
		c.SetReadDeadline(time.Now().Add(time.Second))
		c.Read(buf) // the request; its content does not matter here
		io.WriteString(c, answer)
	})
}

func wantTransportError(t *testing.T, res *Result, kind string, inMessage string) {
	t.Helper()
	if res.Err == nil {
		t.Fatalf("no transport error; status %v", res.Response.Status)
	}
	if res.Err.Kind != kind || !strings.Contains(res.Err.Message, inMessage) || res.Err.Hint == "" {
		t.Errorf("error kind %q message %q hint %q; want kind %q and %q in the message", res.Err.Kind, res.Err.Message, res.Err.Hint, kind, inMessage)
	}
	if res.Response != nil {
		t.Errorf("a response came with the transport error")
	}
}

func TestRefusedConnection(t *testing.T) {
	addr := testkit.ClosedPort(t)
	res := Send(context.Background(), reqFor(t, "GET", "http://"+addr+"/prod/pets"), Options{Timeout: 5 * time.Second})
	wantTransportError(t, res, KindRefused, "connection refused")
	if res.Err.Op != "connect" || !strings.Contains(res.Err.Hint, "sigscope emulator") {
		t.Errorf("op %q hint %q", res.Err.Op, res.Err.Hint)
	}
	if len(res.Wire) == 0 {
		t.Errorf("the request bytes are not kept when sending fails")
	}
}

// TestTimeout: a server that reads the request and never answers is a
// timeout of "read response". The deadline passes once the server has read
// the request (testkit.Deadline), so a slow connect cannot turn it into a
// timeout of another step.
func TestTimeout(t *testing.T) {
	deadline := testkit.NewDeadline()
	// The request is read, no answer comes.
	addr := testkit.ServeStalled(t, "", func(net.Conn) { deadline.Expire() })
	res := Send(deadline, reqFor(t, "GET", "http://"+addr+"/"), Options{Timeout: 42 * time.Second})
	wantTransportError(t, res, KindTimeout, "read response")
	if !strings.Contains(res.Err.Message, "42s") || !strings.Contains(res.Err.Hint, "--timeout") {
		t.Errorf("message %q hint %q", res.Err.Message, res.Err.Hint)
	}
}

func TestTLSUnknownCAAndTrustedCA(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secure hello") }))
	t.Cleanup(srv.Close)
	res := Send(context.Background(), reqFor(t, "GET", srv.URL+"/"), Options{Timeout: 5 * time.Second})
	wantTransportError(t, res, KindTLS, "unknown authority")
	if !strings.Contains(res.Err.Hint, "--ca-file") {
		t.Errorf("hint %q", res.Err.Hint)
	}

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	res = sendOK(t, reqFor(t, "GET", srv.URL+"/"), Options{RootCAs: pool})
	if string(res.Response.Body) != "secure hello" || res.TLS == nil || !strings.HasPrefix(res.TLS.Version, "TLS 1.") || res.TLS.CipherSuite == "" || res.TLS.NotAfter.IsZero() || res.Timings.TLS <= 0 {
		t.Errorf("body %q tls %+v", res.Response.Body, res.TLS)
	}
	if res.TLS.ServerName != "127.0.0.1" || !strings.Contains(res.TLS.Issuer, "Acme Co") {
		t.Errorf("server name %q issuer %q", res.TLS.ServerName, res.TLS.Issuer)
	}

	// Plain HTTP on an https URL.
	plain := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	res = Send(context.Background(), reqFor(t, "GET", strings.Replace(plain, "http://", "https://", 1)+"/"), Options{Timeout: 5 * time.Second})
	wantTransportError(t, res, KindTLS, "")
}

// TestEmulatorTLSWithCAFile is the emulator's --tls mode: its CA file is
// the one option needed.
func TestEmulatorTLSWithCAFile(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	e := startEmulator(t, emulator.Options{TLS: true, CAFile: ca})
	if !strings.HasPrefix(e.srv.URL, "https://") {
		t.Fatalf("emulator URL %s", e.srv.URL)
	}
	p := e.prepare(t, "list", PrepareOptions{})
	res := Send(context.Background(), p.Request, Options{Timeout: 5 * time.Second})
	wantTransportError(t, res, KindTLS, "unknown authority")
	res = e.send(t, p, Options{CAFile: ca})
	if res.Response.Status != 200 || res.TLS == nil {
		t.Fatalf("status %d tls %v: %s", res.Response.Status, res.TLS, res.Response.Body)
	}
	if res := Send(context.Background(), p.Request, Options{CAFile: filepath.Join(t.TempDir(), "none.pem")}); res.Err == nil || res.Err.Kind != KindTLS {
		t.Errorf("missing CA file: %+v", res.Err)
	}
}

func TestClassifyDNS(t *testing.T) {
	te := classify("resolve", "no-such-api.invalid:443", &net.DNSError{Err: "no such host", Name: "no-such-api.invalid", IsNotFound: true}, time.Second)
	if te.Kind != KindDNS || !strings.Contains(te.Message, "no-such-api.invalid") || !strings.Contains(te.Hint, "host name") {
		t.Errorf("%+v", te)
	}
}

func TestBrokenAnswers(t *testing.T) {
	res := Send(context.Background(), reqFor(t, "GET", rawServer(t, "SSH-2.0-OpenSSH_9.2\r\n")+"/"), Options{Timeout: 5 * time.Second})
	wantTransportError(t, res, KindProtocol, "does not start with HTTP/")
	res = Send(context.Background(), reqFor(t, "GET", rawServer(t, "")+"/"), Options{Timeout: 5 * time.Second})
	wantTransportError(t, res, KindClosed, "closed the connection")
	res = Send(context.Background(), reqFor(t, "GET", rawServer(t, "HTTP/1.1 200 OK\r\nContent-Len")+"/"), Options{Timeout: 5 * time.Second})
	wantTransportError(t, res, KindProtocol, "middle of the headers")
}

func TestHeadersInOrderCloseDelimitedAndContinue(t *testing.T) {
	answer := "HTTP/1.1 100 Continue\r\n\r\n" +
		"HTTP/1.1 201 Created\r\nX-B: 1\r\nx-a: two words \r\nSet-Cookie: a=1\r\nX-B: 3\r\nConnection: close\r\n\r\nbody until close"
	res := sendOK(t, reqFor(t, "GET", rawServer(t, answer)+"/"), Options{})
	r := res.Response
	if r.Status != 201 || r.StatusText != "201 Created" || string(r.Body) != "body until close" {
		t.Fatalf("status %d %q body %q", r.Status, r.StatusText, r.Body)
	}
	want := []Header{{"X-B", "1"}, {"x-a", "two words"}, {"Set-Cookie", "a=1"}, {"X-B", "3"}, {"Connection", "close"}}
	if len(r.Headers) != len(want) {
		t.Fatalf("headers %v", r.Headers)
	}
	for i := range want {
		if r.Headers[i] != want[i] {
			t.Errorf("header %d = %v, want %v", i, r.Headers[i], want[i])
		}
	}
	if got := r.Values("x-b"); len(got) != 2 || got[1] != "3" {
		t.Errorf("Values(x-b) = %q", got)
	}
	if len(res.Cookies) != 1 || res.Cookies[0].Cookie.Name != "a" || res.Cookies[0].Stored {
		t.Errorf("cookies without a jar: %+v", res.Cookies)
	}
}

func TestHugeBodySpooled(t *testing.T) {
	const size = 20 << 20
	line := []byte(strings.Repeat("0123456789abcdef", 4)[:63] + "\n") // 64 bytes: size is a multiple
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for n := 0; n < size; n += len(line) {
			w.Write(line)
		}
	}))
	t.Cleanup(srv.Close)
	sum := sha256.New()
	for n := 0; n < size; n += len(line) {
		sum.Write(line)
	}
	spoolDir := t.TempDir()
	res := sendOK(t, reqFor(t, "GET", srv.URL+"/big"), Options{SpoolDir: spoolDir})
	r := res.Response
	if r.Body != nil || r.BodyFile == "" || filepath.Dir(r.BodyFile) != spoolDir {
		t.Fatalf("not spooled: body %d bytes, file %q", len(r.Body), r.BodyFile)
	}
	if r.Size != size || r.Binary {
		t.Errorf("size %d binary %v (%s)", r.Size, r.Binary, r.BinaryReason)
	}
	if len(r.TransferEncoding) != 1 || r.TransferEncoding[0] != "chunked" {
		t.Errorf("transfer encoding %q", r.TransferEncoding)
	}
	fi, err := os.Stat(r.BodyFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("spool file: %v mode %v", err, fi.Mode().Perm())
	}
	rc, err := r.OpenBody()
	if err != nil {
		t.Fatal(err)
	}
	got := sha256.New()
	io.Copy(got, rc)
	rc.Close()
	if !bytes.Equal(got.Sum(nil), sum.Sum(nil)) {
		t.Errorf("spooled body differs from what was sent")
	}
	file := r.BodyFile
	res.Close()
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("Close left the spool file: %v", err)
	}

	// MaxBody stops reading.
	res = sendOK(t, reqFor(t, "GET", srv.URL+"/big"), Options{MaxBody: 1 << 20, SpoolDir: spoolDir})
	if !res.Response.Truncated || res.Response.Size != 1<<20 {
		t.Errorf("truncated %v size %d", res.Response.Truncated, res.Response.Size)
	}
}

func TestBinaryDetection(t *testing.T) {
	cases := []struct {
		ctype  string
		body   []byte
		binary bool
	}{
		{"image/png", []byte("\x89PNG\r\n\x1a\n"), true},
		{"", []byte("abc\x00def"), true},
		{"application/json", []byte{'{', 0xff, 0xfe, '}'}, true}, // invalid UTF-8
		{"text/plain; charset=utf-8", []byte("héllo, wörld ✓"), false},
		{"application/octet-stream", []byte("looks like text"), true},
		{"image/svg+xml", []byte("<svg/>"), false},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = []string{tc.ctype}
			if tc.ctype == "" {
				w.Header()["Content-Type"] = nil // no sniffing by net/http
			}
			w.Write(tc.body)
		}))
		res := sendOK(t, reqFor(t, "GET", srv.URL+"/"), Options{})
		srv.Close()
		if res.Response.Binary != tc.binary || (tc.binary && res.Response.BinaryReason == "") {
			t.Errorf("%q %q: binary %v (%s), want %v", tc.ctype, tc.body, res.Response.Binary, res.Response.BinaryReason, tc.binary)
		}
		if !bytes.Equal(res.Response.Body, tc.body) {
			t.Errorf("body %q, want %q", res.Response.Body, tc.body)
		}
	}
}

func TestCompressedBodies(t *testing.T) {
	text := strings.Repeat(`{"pet":"Rex","tags":["good boy"]}`, 500)
	compress := func(kind string) []byte {
		var b bytes.Buffer
		var w io.WriteCloser
		switch kind {
		case "gzip":
			w = gzip.NewWriter(&b)
		case "deflate":
			w = zlib.NewWriter(&b)
		case "raw-deflate":
			w, _ = flate.NewWriter(&b, flate.DefaultCompression)
		default:
			return []byte(text)
		}
		io.WriteString(w, text)
		w.Close()
		return b.Bytes()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := strings.TrimPrefix(r.URL.Path, "/")
		enc := kind
		switch kind {
		case "raw-deflate":
			enc = "deflate"
		case "br":
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte("not really brotli"))
			return
		case "bad-gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte("not gzip at all"))
			return
		}
		if r.Header.Get("Accept-Encoding") == "" {
			t.Errorf("the test request lost its Accept-Encoding")
		}
		w.Header().Set("Content-Encoding", enc)
		w.Write(compress(kind))
	}))
	t.Cleanup(srv.Close)
	ae := sign.Header{Name: "Accept-Encoding", Value: "gzip, deflate"}
	for _, kind := range []string{"gzip", "deflate", "raw-deflate"} {
		res := sendOK(t, reqFor(t, "GET", srv.URL+"/"+kind, ae), Options{})
		r := res.Response
		if string(r.Body) != text {
			t.Errorf("%s: body not decoded (%d bytes)", kind, len(r.Body))
		}
		if len(r.Decoded) != 1 || r.WireSize >= r.Size || r.Size != int64(len(text)) {
			t.Errorf("%s: decoded %q, %d bytes on the wire, %d decoded", kind, r.Decoded, r.WireSize, r.Size)
		}
		if ce, _ := r.Header("Content-Encoding"); ce == "" {
			t.Errorf("%s: Content-Encoding header no longer shown as received", kind)
		}
	}
	for _, kind := range []string{"br", "bad-gzip"} {
		res := sendOK(t, reqFor(t, "GET", srv.URL+"/"+kind, ae), Options{})
		if res.Response.Undecoded == "" || len(res.Response.Decoded) != 0 || !strings.HasPrefix(string(res.Response.Body), "not ") {
			t.Errorf("%s: undecoded %q decoded %q body %q", kind, res.Response.Undecoded, res.Response.Decoded, res.Response.Body)
		}
	}
}

func TestRedirects(t *testing.T) {
	var otherGot http.Header
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherGot = r.Header.Clone()
		io.WriteString(w, "other host")
	}))
	t.Cleanup(other.Close)
	var finalAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b%2Fc?x=1", http.StatusFound)
		case "/b%2Fc", "/b/c":
			finalAuth = r.Header.Get("Authorization")
			io.WriteString(w, "final "+r.URL.RawQuery)
		case "/away":
			http.Redirect(w, r, other.URL+"/landing", http.StatusMovedPermanently)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusTemporaryRedirect)
		}
	}))
	t.Cleanup(srv.Close)
	signed := sign.Header{Name: "Authorization", Value: sign.Algorithm + " Credential=AKID/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00"}
	var resigned []string
	resign := func(r *sign.Request) (*sign.Request, bool, error) {
		resigned = append(resigned, r.Target())
		c := r.Clone()
		c.Set("Authorization", sign.Algorithm+" resigned")
		return c, true, nil
	}

	res := sendOK(t, reqFor(t, "GET", srv.URL+"/a", signed), Options{})
	if res.Response.Status != 302 || len(res.Redirects) != 0 {
		t.Errorf("not asked to follow: status %d, %d hops", res.Response.Status, len(res.Redirects))
	}

	res = sendOK(t, reqFor(t, "GET", srv.URL+"/a", signed), Options{FollowRedirects: true, Resign: resign})
	if res.Response.Status != 200 || string(res.Response.Body) != "final x=1" {
		t.Fatalf("followed: %d %q", res.Response.Status, res.Response.Body)
	}
	if len(res.Redirects) != 1 || !res.Redirects[0].Resigned || res.Redirects[0].Next != srv.URL+"/b%2Fc?x=1" || res.Redirects[0].Status != 302 {
		t.Errorf("hops %+v", res.Redirects)
	}
	if len(resigned) != 1 || resigned[0] != "/b%2Fc?x=1" || finalAuth != sign.Algorithm+" resigned" {
		t.Errorf("re-signed %q, final Authorization %q", resigned, finalAuth)
	}

	res = sendOK(t, reqFor(t, "GET", srv.URL+"/away", signed, sign.Header{Name: "X-Api-Key", Value: "k"}, sign.Header{Name: "Accept", Value: "text/plain"}), Options{FollowRedirects: true, Resign: resign})
	if string(res.Response.Body) != "other host" || len(res.Redirects) != 1 {
		t.Fatalf("cross-host: %q", res.Response.Body)
	}
	if otherGot.Get("Authorization") != "" || otherGot.Get("X-Api-Key") != "" || otherGot.Get("Accept") != "text/plain" {
		t.Errorf("headers at the other host: %v", otherGot)
	}
	if rd := res.Redirects[0]; rd.Resigned || !strings.Contains(rd.Note, "never re-signs across hosts") {
		t.Errorf("cross-host hop %+v", rd)
	}

	res = sendOK(t, reqFor(t, "POST", srv.URL+"/a"), Options{FollowRedirects: true})
	if res.Response.Status != 302 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "only GET and HEAD") {
		t.Errorf("POST: %d %q", res.Response.Status, res.Notes)
	}

	res = sendOK(t, reqFor(t, "GET", srv.URL+"/loop"), Options{FollowRedirects: true})
	if res.Response.Status != 307 || len(res.Redirects) != DefaultMaxRedirects || len(res.Warnings) != 1 {
		t.Errorf("loop: status %d, %d hops, warnings %q", res.Response.Status, len(res.Redirects), res.Warnings)
	}
}

func TestClockSkewWarning(t *testing.T) {
	ahead := time.Now().Add(3 * time.Minute).UTC()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", ahead.Format(http.TimeFormat))
	}))
	t.Cleanup(srv.Close)
	res := sendOK(t, reqFor(t, "GET", srv.URL+"/"), Options{})
	if !res.SkewKnown || res.ClockSkew < 170*time.Second || res.ClockSkew > 190*time.Second {
		t.Errorf("skew %v known %v", res.ClockSkew, res.SkewKnown)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "ahead of yours") || !strings.Contains(res.Warnings[0], "Signature expired") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestControlByteHeaderIsBlamed: a server that drops a request whose
// header holds an ESC byte refuses the header; the hint names it instead
// of "does not speak HTTP/1.1", and a clean request keeps that hint.
func TestControlByteHeaderIsBlamed(t *testing.T) {
	url := rawServer(t, "") // reads the request and hangs up, as servers do on a bad header
	res := Send(context.Background(), reqFor(t, "GET", url+"/", sign.Header{Name: "X-Note", Value: "a\x1bb"}), Options{Timeout: 5 * time.Second})
	wantTransportError(t, res, KindClosed, "closed the connection")
	if !strings.Contains(res.Err.Hint, `the header "X-Note" holds a control byte (0x1b)`) {
		t.Errorf("hint %q does not name the header", res.Err.Hint)
	}
	res = Send(context.Background(), reqFor(t, "GET", url+"/", sign.Header{Name: "X-Note", Value: "ab"}), Options{Timeout: 5 * time.Second})
	if res.Err == nil || strings.Contains(res.Err.Hint, "control byte") {
		t.Errorf("a clean header is blamed: %+v", res.Err)
	}
}
