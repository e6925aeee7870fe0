// Package sign implements AWS Signature Version 4 with every step exposed.
//
// The signature that leaves sigscope is the one aws-sdk-go-v2's signer
// produces. Beside it, this package computes the whole signature again on its
// own, step by step, and records where every canonical line came from and
// which rule shaped it. The two must agree byte for byte; a disagreement is
// reported as an error naming the step, never hidden, because a trace that
// does not describe the bytes actually sent would mislead exactly the people
// who need it.
package sign

import (
	"fmt"
	"strings"
)

// Header is one header line as the request carries it.
type Header struct {
	Name  string
	Value string
}

// Request is an HTTP request in the form that is signed and sent: the path
// and query exactly as they go on the wire, headers in order.
type Request struct {
	Method   string
	Scheme   string // "https" (default) or "http"; only decides which default port is dropped from Host
	Host     string // host[:port] as sent in the Host header
	Path     string // as on the wire, before '?'; may hold percent escapes (and, as in the AWS test suite, raw bytes)
	RawQuery string // as on the wire, after '?', without '#'
	Headers  []Header
	Body     []byte
}

// Clone returns a deep copy.
func (r *Request) Clone() *Request {
	c := *r
	c.Headers = append([]Header(nil), r.Headers...)
	c.Body = append([]byte(nil), r.Body...)
	if r.Body == nil {
		c.Body = nil
	}
	return &c
}

// shallowClone copies what signing changes (the header list) and shares
// the body, which signing only reads: bodies can be large.
func (r *Request) shallowClone() *Request {
	c := *r
	c.Headers = append([]Header(nil), r.Headers...)
	return &c
}

// Get returns the first value of a header, matched case-insensitively.
func (r *Request) Get(name string) (string, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Del removes every header with that name.
func (r *Request) Del(name string) {
	kept := r.Headers[:0]
	for _, h := range r.Headers {
		if !strings.EqualFold(h.Name, name) {
			kept = append(kept, h)
		}
	}
	r.Headers = kept
}

// Set replaces every header with that name by one header at the position of
// the first (or at the end).
func (r *Request) Set(name, value string) {
	for i, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			r.Headers[i] = Header{Name: name, Value: value}
			rest := r.Headers[i+1:]
			kept := rest[:0]
			for _, h := range rest {
				if !strings.EqualFold(h.Name, name) {
					kept = append(kept, h)
				}
			}
			r.Headers = r.Headers[:i+1+len(kept)]
			return
		}
	}
	r.Headers = append(r.Headers, Header{Name: name, Value: value})
}

// Target is the request-target of the request line: path and query.
func (r *Request) Target() string {
	if r.RawQuery == "" {
		return r.Path
	}
	return r.Path + "?" + r.RawQuery
}

// URL is the absolute URL of the request as sent.
func (r *Request) URL() string {
	return r.scheme() + "://" + r.Host + r.Target()
}

func (r *Request) scheme() string {
	if r.Scheme == "" {
		return "https"
	}
	return strings.ToLower(r.Scheme)
}

// Display renders the request as the AWS test suite writes signed requests:
// request line, Host first, "Name:value" headers, LF line ends, then the body.
func (r *Request) Display() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\n", r.Method, r.Target())
	if r.Host != "" {
		fmt.Fprintf(&b, "Host:%s\n", r.Host)
	}
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "%s:%s\n", h.Name, h.Value)
	}
	b.WriteString("\n")
	b.Write(r.Body)
	return b.String()
}
