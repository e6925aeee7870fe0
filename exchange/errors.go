package exchange

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/sigscope/sigscope/sign"
	"io"
	"net"
	"syscall"
	"time"
)

// Kinds of transport failure.
const (
	KindRequest  = "request"  // the request cannot be written as HTTP/1.1
	KindDNS      = "dns"      // the host name does not resolve
	KindRefused  = "refused"  // nothing listens on the port
	KindTimeout  = "timeout"  // no answer in time
	KindTLS      = "tls"      // the TLS handshake failed
	KindConnect  = "connect"  // another network failure (unreachable, reset)
	KindClosed   = "closed"   // the server closed the connection without an answer
	KindProtocol = "protocol" // the answer is not HTTP/1.x
	KindCanceled = "canceled" // the caller gave up
	// KindIncomplete: the status and headers arrived, then the body stopped
	// short (closed, reset, timed out); Result.Response holds what arrived.
	KindIncomplete = "incomplete"
)

// TransportError is a failure before a complete HTTP answer arrived, with
// what to check. Of kind KindIncomplete, the part that did arrive is in
// Result.Response.
type TransportError struct {
	Kind    string `json:"kind"`
	Op      string `json:"op"` // resolve, connect, tls handshake, write request, read response, read body
	Addr    string `json:"addr,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
	Err     error  `json:"-"`
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Op, e.Addr, e.Message)
}

func (e *TransportError) Unwrap() error { return e.Err }

// classify turns a network error into a TransportError with a hint.
func classify(op, addr string, err error, timeout time.Duration) *TransportError {
	te := &TransportError{Op: op, Addr: addr, Err: err, Message: err.Error()}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	var certVerify *tls.CertificateVerificationError
	var proto *protocolError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		// What the connection said as it was torn down (an i/o timeout)
		// is the cancel's echo, not news.
		te.Kind, te.Message, te.Hint = KindCanceled, "cancelled", "the request was cancelled before it completed"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		te.Kind = KindTimeout
		te.Message = fmt.Sprintf("no progress during %s", op)
		te.Hint = fmt.Sprintf("the server at %s did not answer within %s: is it up and reachable (VPN, firewall, security group)? Raise --timeout for a slow endpoint", addr, timeout)
	case errors.As(err, &dnsErr):
		te.Kind = KindDNS
		if dnsErr.IsNotFound {
			te.Message = fmt.Sprintf("no such host %q", dnsErr.Name)
		}
		te.Hint = "check the host name in the URL (base_url of the environment, the API id and region); for a private API, check the VPN or the VPC endpoint"
	case errors.Is(err, syscall.ECONNREFUSED):
		te.Kind = KindRefused
		te.Message = fmt.Sprintf("connection refused by %s", addr)
		te.Hint = "nothing listens on that port: is the server running and the port right? For the emulator, start `sigscope emulator` and pass the URL it prints with --var emulator=http://127.0.0.1:PORT"
	case errors.As(err, &unknownCA):
		te.Kind = KindTLS
		te.Message = "the server's certificate is signed by an unknown authority"
		te.Hint = "for the emulator's --tls mode pass --ca-file with the CA file it prints; for a private CA add it with --ca-file"
	case errors.As(err, &hostErr):
		te.Kind = KindTLS
		te.Message = "the server's certificate is not valid for this host: " + hostErr.Error()
		te.Hint = "connect with the name the certificate was issued for (a custom domain instead of the execute-api host, or the reverse)"
	case errors.As(err, &invalid):
		te.Kind = KindTLS
		te.Message = "the server's certificate is invalid: " + invalid.Error()
		te.Hint = "an expired or not-yet-valid certificate, or a wrong local clock"
	case errors.As(err, &certVerify):
		te.Kind = KindTLS
		te.Hint = "the server's certificate could not be verified; pass --ca-file for a private CA"
	case errors.As(err, &recordErr):
		te.Kind = KindTLS
		te.Message = "the server did not answer with TLS"
		te.Hint = "the port speaks plain HTTP: use an http:// URL (the emulator serves http unless started with --tls)"
	case errors.As(err, &alert):
		te.Kind = KindTLS
		te.Hint = "the server refused the TLS handshake (protocol version, cipher or client certificate)"
	case op == "tls handshake":
		te.Kind = KindTLS
		te.Hint = "the TLS handshake failed: is the port an HTTPS one?"
	case errors.As(err, &proto):
		te.Kind = KindProtocol
		te.Hint = "the server does not speak HTTP/1.1 on this port (HTTP/2-only, or not HTTP at all)"
		if proto.hint != "" {
			te.Hint = proto.hint
		}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		te.Kind = KindClosed
		te.Message = "the server closed the connection without a complete answer"
		te.Hint = "the server (or a proxy) dropped the request: check its logs, the request size and whether the port is the right service"
	default:
		te.Kind = KindConnect
		te.Hint = "a network error: check the host, the port and the route to it"
	}
	return te
}

// incomplete describes a body cut short: it says on r what happened, with
// the byte count, and returns the error, whose hint says the server
// answered and stopped (it is not unreachable). err is the read error,
// with the context's reason when there is one.
func incomplete(addr string, r *Response, cut *cutBody, err error, timeout time.Duration) *TransportError {
	got := fmt.Sprintf("%d bytes", r.WireSize)
	if cut.expected >= 0 {
		got = fmt.Sprintf("%d of %d bytes", r.WireSize, cut.expected)
	}
	cause := classify("read body", addr, err, timeout)
	te := &TransportError{Kind: KindIncomplete, Op: "read body", Addr: addr, Err: err}
	switch cause.Kind {
	case KindTimeout:
		r.Incomplete = fmt.Sprintf("timed out after %s (the %s limit for the whole exchange)", got, timeout)
		te.Hint = "the server sent the status, the headers and part of the body, then nothing more in time: a slow or stalled stream. Raise --timeout if it is only slow; otherwise check the server's logs"
	case KindCanceled:
		r.Incomplete = "cancelled after " + got
		te.Hint = "the request was cancelled while the body was arriving; what arrived is kept"
	case KindClosed:
		how := "closed"
		if errors.Is(err, syscall.ECONNRESET) {
			how = "was reset"
		}
		r.Incomplete = fmt.Sprintf("the connection %s after %s", how, got)
		if cut.chunked {
			r.Incomplete += ", before the last chunk"
		}
		te.Hint = "the server sent the status, the headers and part of the body, then ended the connection: it is reachable, but it (or a proxy, or a load balancer's idle timeout) stopped mid-answer. Check its logs for a crash or a timeout while writing the body"
	default:
		r.Incomplete = fmt.Sprintf("the body stopped after %s: %v", got, err)
		te.Hint = "the server sent the status, the headers and part of the body, then the body could not be read further (broken framing or a network failure): check the server's logs and what lies between (proxy, load balancer)"
	}
	te.Message = r.Incomplete
	return te
}

// blameControlByte: a server that drops a request whose header holds a
// control byte is refusing the header, not speaking another protocol; the
// hint says which header.
func (e *TransportError) blameControlByte(req *sign.Request) {
	if e.Kind != KindProtocol && e.Kind != KindClosed {
		return
	}
	if name, b, ok := controlByteHeader(req); ok {
		e.Hint = fmt.Sprintf("the header %s holds a control byte (0x%02x): servers refuse such a header or drop the connection; remove it from the request", name, b)
	}
}

// controlByteHeader finds a header whose name or value holds a control
// byte other than a tab, which no HTTP/1.1 server accepts.
func controlByteHeader(req *sign.Request) (string, byte, bool) {
	if req == nil {
		return "", 0, false
	}
	for _, h := range req.Headers {
		for _, s := range []string{h.Name, h.Value} {
			for i := 0; i < len(s); i++ {
				if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
					return fmt.Sprintf("%q", h.Name), c, true
				}
			}
		}
	}
	return "", 0, false
}
