package exchange

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/internal/cabundle"
	"github.com/sigscope/sigscope/sign"
)

// Defaults for Options.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMemoryLimit  = 8 << 20
	DefaultMaxBody      = 1 << 30
	DefaultMaxRedirects = 10
	maxHeadBytes        = 1 << 20
)

// Options control one exchange.
type Options struct {
	// Timeout bounds the whole exchange, redirects included; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// CAFile is a PEM file of extra trusted CAs (the emulator's --tls CA),
	// added to the system's. RootCAs, when set, replaces both.
	CAFile  string
	RootCAs *x509.CertPool
	// Addr is the host:port to connect to; "" means the Host of the request
	// (with the scheme's default port).
	Addr string
	// FollowRedirects follows up to MaxRedirects (default 10) redirects of
	// GET and HEAD requests, recording each hop.
	FollowRedirects bool
	MaxRedirects    int
	// Resign signs a redirect hop to the same host; nil sends such hops
	// without a signature. Hops to another host are never re-signed.
	Resign func(*sign.Request) (*sign.Request, bool, error)
	// MemoryLimit is how much of a body is kept in memory (default 8 MiB);
	// beyond it the body is spooled to a temporary file (mode 0600) in
	// SpoolDir (default os.TempDir()). MaxBody (default 1 GiB) stops
	// reading, with the body marked truncated.
	MemoryLimit int64
	MaxBody     int64
	SpoolDir    string
	// Jar stores the cookies every hop sets and gives redirect hops theirs;
	// nil keeps cookies out of any jar (they are still parsed and reported).
	Jar *cookies.Jar
	// Secrets are values the caller knows are secret (tokens, keys that
	// reached headers through templates): a header holding one never
	// follows a redirect to another host.
	Secrets []string
	// Now is the local clock, for the skew check; nil is time.Now.
	Now func() time.Time
}

// Result is everything about one exchange. A transport failure is a Result
// with Err set, never a panic or a bare error.
type Result struct {
	Request *sign.Request // the first request, as signed and sent
	Wire    []byte        // its exact bytes
	URL     string

	// Response is the final answer; nil on a transport error, except one
	// of KindIncomplete, where it holds what arrived.
	Response  *Response
	Redirects []Redirect // hops answered 3xx and followed, in order
	Err       *TransportError
	Timings   Timings  // of the final hop; Total spans every hop
	TLS       *TLSInfo // of the final hop's connection
	Cookies   []cookies.Received
	// ClockSkew is the server's Date minus the local clock when the answer
	// arrived; SkewKnown is false without a readable Date header.
	ClockSkew time.Duration
	SkewKnown bool
	Warnings  []string
	Notes     []string
}

// Redirect is one followed hop.
type Redirect struct {
	Status   int      `json:"status"`
	URL      string   `json:"url"`      // the URL that answered with the redirect
	Location string   `json:"location"` // as the server wrote it
	Next     string   `json:"next"`     // the URL requested next
	Headers  []Header `json:"headers"`
	Resigned bool     `json:"resigned"`
	Note     string   `json:"note,omitempty"`
	Wire     []byte   `json:"-"` // the request sent to Next
}

// Timings are measured on the connection itself.
type Timings struct {
	DNS       time.Duration // name resolution (0 for an IP address)
	Connect   time.Duration // TCP handshake
	TLS       time.Duration // TLS handshake
	Send      time.Duration // writing the request
	FirstByte time.Duration // from the start of the hop to the first byte of the answer
	Transfer  time.Duration // from the first byte to the end of the body
	Total     time.Duration // every hop, start to end
}

// TLSInfo describes the TLS connection.
type TLSInfo struct {
	Version     string    `json:"version"`
	CipherSuite string    `json:"cipher_suite"`
	ServerName  string    `json:"server_name"`
	ALPN        string    `json:"alpn,omitempty"`
	Subject     string    `json:"subject"`
	Issuer      string    `json:"issuer"`
	NotBefore   time.Time `json:"not_before"`
	NotAfter    time.Time `json:"not_after"`
	DNSNames    []string  `json:"dns_names,omitempty"`
}

// Close removes the spooled body file, if any.
func (r *Result) Close() error {
	if r.Response != nil && r.Response.BodyFile != "" {
		err := os.Remove(r.Response.BodyFile)
		r.Response.BodyFile = ""
		return err
	}
	return nil
}

// Send writes req to the network exactly as WireBytes renders it and reads
// the answer. It never re-encodes the path or query.
func Send(ctx context.Context, req *sign.Request, opts Options) *Result {
	res := &Result{Request: req, URL: req.URL()}
	wire, err := WireBytes(req)
	if err != nil {
		res.Err = &TransportError{Kind: KindRequest, Op: "build request", Message: err.Error(), Hint: "fix the request: it cannot be written as HTTP/1.1", Err: err}
		return res
	}
	res.Wire = wire
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MemoryLimit <= 0 {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	// The CAs are read for the first https hop only: parsing the system's
	// roots (and a bundle such as AWS_CA_BUNDLE) costs more than a whole
	// plain-HTTP exchange with the emulator.
	roots := sync.OnceValues(func() (*x509.CertPool, error) { return rootCAs(opts) })
	var pool *x509.CertPool
	if usesTLS(req) {
		if pool, err = roots(); err != nil {
			res.Err = &TransportError{Kind: KindTLS, Op: "load CA file", Message: err.Error(), Hint: "check --ca-file: it must be a PEM certificate (the emulator prints the path of its CA with --tls)", Err: err}
			return res
		}
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	start := time.Now()
	var answeredAt time.Time
	cur, curWire, addr := req, wire, opts.Addr
	for hop := 0; ; hop++ {
		h := exchangeOnce(ctx, cur, curWire, addr, pool, opts)
		res.Timings, res.TLS, answeredAt = h.timings, h.tls, h.at
		if h.err != nil {
			res.Err = h.err
			if h.err.Kind == KindTimeout {
				h.err.Message = fmt.Sprintf("%s (limit %s for the whole exchange)", h.err.Message, opts.Timeout)
			}
			if h.resp != nil {
				// Cut short: what arrived is the answer, its cookies kept.
				res.Response = h.resp
				res.storeCookies(cur, h.resp, opts)
			}
			break
		}
		resp := h.resp
		res.Response = resp
		res.storeCookies(cur, resp, opts)
		if !opts.FollowRedirects || !isRedirect(resp.Status) {
			break
		}
		loc, _ := resp.Header("Location")
		if loc == "" {
			break
		}
		if m := strings.ToUpper(req.Method); m != "GET" && m != "HEAD" {
			res.Notes = append(res.Notes, fmt.Sprintf("redirect to %s not followed: only GET and HEAD are followed (a %s would have to be resent)", loc, m))
			break
		}
		if hop+1 > opts.MaxRedirects {
			res.Warnings = append(res.Warnings, fmt.Sprintf("stopped after %d redirects; the last one points to %s", opts.MaxRedirects, loc))
			break
		}
		next, rd, err := nextHop(cur, resp, loc, opts)
		if err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("redirect %d to %q not followed: %v", resp.Status, loc, err))
			break
		}
		if rd.Wire, err = WireBytes(next); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("redirect to %q not followed: %v", loc, err))
			break
		}
		if pool == nil && usesTLS(next) {
			if pool, err = roots(); err != nil {
				res.Warnings = append(res.Warnings, fmt.Sprintf("redirect to %q not followed: %v (check --ca-file: it must be a PEM certificate)", loc, err))
				break
			}
		}
		resp.discard()
		res.Redirects = append(res.Redirects, rd)
		cur, curWire, addr = next, rd.Wire, ""
	}
	res.Timings.Total = time.Since(start)
	if res.Response != nil {
		res.checkSkew(answeredAt)
	}
	return res
}

func (res *Result) storeCookies(r *sign.Request, resp *Response, opts Options) {
	lines := resp.Values("Set-Cookie")
	if len(lines) == 0 {
		return
	}
	o := cookies.Origin{Scheme: r.Scheme, Host: r.Host, Path: r.Path}
	if o.Scheme == "" {
		o.Scheme = "https"
	}
	res.Cookies = append(res.Cookies, opts.Jar.Store(o, lines, time.Now())...)
}

// hopResult is one request and answer on one connection.
type hopResult struct {
	resp    *Response
	at      time.Time // local clock when the answer began, for the skew check
	timings Timings
	tls     *TLSInfo
	err     *TransportError
}

func exchangeOnce(ctx context.Context, r *sign.Request, wire []byte, addr string, roots *x509.CertPool, opts Options) (h hopResult) {
	defer func() {
		if h.err != nil {
			h.err.blameControlByte(r)
		}
	}()
	start := time.Now()
	scheme := strings.ToLower(r.Scheme)
	if scheme == "" {
		scheme = "https"
	}
	if addr == "" {
		addr = DialAddr(scheme, r.Host)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		h.err = &TransportError{Kind: KindRequest, Op: "address", Addr: addr, Message: err.Error(), Hint: "the host must be host or host:port", Err: err}
		return h
	}

	// Resolve apart from connecting, to time each and to tell a DNS
	// failure from a refused connection.
	ips := []string{host}
	if net.ParseIP(host) == nil {
		t := time.Now()
		found, err := net.DefaultResolver.LookupHost(ctx, host)
		h.timings.DNS = time.Since(t)
		if err != nil {
			h.err = classify("resolve", addr, err, opts.Timeout)
			return h
		}
		ips = found
	}
	var conn net.Conn
	t := time.Now()
	var d net.Dialer
	for _, ip := range ips {
		conn, err = d.DialContext(ctx, "tcp", net.JoinHostPort(ip, port))
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	h.timings.Connect = time.Since(t)
	if err != nil {
		h.err = classify("connect", addr, err, opts.Timeout)
		return h
	}
	defer conn.Close()
	// A deadline from the context makes every read and write return in time.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if scheme == "https" {
		sni := hostOnly(r.Host)
		tc := tls.Client(conn, &tls.Config{ServerName: sni, RootCAs: roots, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12})
		t = time.Now()
		err := tc.HandshakeContext(ctx)
		h.timings.TLS = time.Since(t)
		if err != nil {
			h.err = classify("tls handshake", addr, ctxErr(ctx, err), opts.Timeout)
			return h
		}
		h.tls = tlsInfo(tc.ConnectionState(), sni)
		conn = tc
	}

	t = time.Now()
	if _, err := conn.Write(wire); err != nil {
		h.err = classify("write request", addr, ctxErr(ctx, err), opts.Timeout)
		return h
	}
	h.timings.Send = time.Since(t)

	br := bufio.NewReaderSize(conn, 64<<10)
	if _, err := br.Peek(1); err != nil {
		h.err = classify("read response", addr, ctxErr(ctx, err), opts.Timeout)
		return h
	}
	first := time.Now()
	h.timings.FirstByte = first.Sub(start)
	h.at = opts.Now()

	resp, err := readResponse(br, r.Method, opts)
	var cut *cutBody
	if errors.As(err, &cut) {
		h.timings.Transfer = time.Since(first)
		h.resp = resp
		h.err = incomplete(addr, resp, cut, ctxErr(ctx, cut.err), opts.Timeout)
		return h
	}
	if err != nil {
		h.err = classify("read response", addr, ctxErr(ctx, err), opts.Timeout)
		return h
	}
	h.timings.Transfer = time.Since(first)
	h.resp = resp
	return h
}

// ctxErr prefers the context's reason (deadline, cancel) over the I/O error
// it caused.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// DialAddr is where a request for host goes: host:port, the scheme's
// default port when host names none.
func DialAddr(scheme, host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	port := "443"
	if scheme == "http" {
		port = "80"
	}
	return net.JoinHostPort(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), port)
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// usesTLS: a request without a scheme goes out over https, as in exchangeOnce.
func usesTLS(r *sign.Request) bool {
	s := strings.ToLower(r.Scheme)
	return s == "" || s == "https"
}

func rootCAs(opts Options) (*x509.CertPool, error) {
	if opts.RootCAs != nil {
		return opts.RootCAs, nil
	}
	return cabundle.Pool(opts.CAFile)
}

func tlsInfo(st tls.ConnectionState, sni string) *TLSInfo {
	info := &TLSInfo{
		Version:     tls.VersionName(st.Version),
		CipherSuite: tls.CipherSuiteName(st.CipherSuite),
		ServerName:  sni,
		ALPN:        st.NegotiatedProtocol,
	}
	if len(st.PeerCertificates) > 0 {
		c := st.PeerCertificates[0]
		info.Subject, info.Issuer = c.Subject.String(), c.Issuer.String()
		info.NotBefore, info.NotAfter, info.DNSNames = c.NotBefore, c.NotAfter, c.DNSNames
	}
	return info
}
