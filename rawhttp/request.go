package rawhttp

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Path returns the target up to the first '?' or '#'. For an absolute-form
// target (http://host:port/p?q) it is the path part, "/" when empty.
func (r *Request) Path() string { return splitTarget(r.Target).path }

// RawQuery returns the text between the first '?' and the first '#'
// (exclusive), "" when there is none. A '?' after a '#' belongs to the
// fragment.
func (r *Request) RawQuery() string { return splitTarget(r.Target).query }

// HasQuery reports whether the target has a '?' (before any '#'), which
// tells "/?" from "/".
func (r *Request) HasQuery() bool { return splitTarget(r.Target).hasQuery }

// Host returns the value of the first Host header; without one, the host
// (and port) of an absolute-form target, without any userinfo; else "".
func (r *Request) Host() string {
	if v, ok := r.Get("Host"); ok {
		return v
	}
	a := splitTarget(r.Target).authority
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		a = a[i+1:]
	}
	return a
}

// Get returns the value of the first header with that name, compared ASCII
// case-insensitively, and whether there was one.
func (r *Request) Get(name string) (string, bool) {
	for _, h := range r.Headers {
		if equalFoldASCII(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Values returns the values of all headers with that name, in order, or nil.
func (r *Request) Values(name string) []string {
	var vs []string
	for _, h := range r.Headers {
		if equalFoldASCII(h.Name, name) {
			vs = append(vs, h.Value)
		}
	}
	return vs
}

// ContentLengthMismatch compares the Content-Length header with the body.
// declared is the first Content-Length value, or -1 when there is none or it
// is not a plain decimal number. mismatch is true when any Content-Length
// header is present and one of them is not a plain decimal or differs from
// the body length; without a Content-Length header it is false.
func (r *Request) ContentLengthMismatch() (declared int64, actual int, mismatch bool) {
	declared, actual = -1, len(r.Body)
	first := true
	for _, h := range r.Headers {
		if !equalFoldASCII(h.Name, "Content-Length") {
			continue
		}
		n, ok := parseLength(h.Value)
		if first && ok {
			declared = n
		}
		first = false
		if !ok || n != int64(actual) {
			mismatch = true
		}
	}
	return declared, actual, mismatch
}

// parseLength accepts only 1*DIGIT, as RFC 7230 §3.3.2 does: ParseInt alone
// would also take a sign.
func parseLength(v string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// Clone returns a deep copy; nil stays nil.
func (r *Request) Clone() *Request {
	if r == nil {
		return nil
	}
	c := *r
	c.Headers = slices.Clone(r.Headers)
	c.Body = bytes.Clone(r.Body)
	return &c
}

// Wire returns the bytes to put on a socket: "METHOD TARGET PROTO\r\n",
// "Name: Value\r\n" per header ("Name:\r\n" for an empty value), "\r\n" and
// the body. Folded values come out on one line. Wire writes what it is given;
// call Validate first on a request that was not produced by Parse.
func (r *Request) Wire() []byte {
	return r.write("\r\n", ": ")
}

// Display returns the request in the test suite's style: LF line endings,
// "Name:Value" without a space, a blank line, then the body — the layout of
// the suite's header-signed-request.txt files.
func (r *Request) Display() string {
	return string(r.write("\n", ":"))
}

func (r *Request) write(eol, sep string) []byte {
	n := len(r.Method) + len(r.Target) + len(r.Proto) + 2 + 2*len(eol) + len(r.Body)
	for _, h := range r.Headers {
		n += len(h.Name) + len(sep) + len(h.Value) + len(eol)
	}
	b := make([]byte, 0, n)
	b = append(b, r.Method...)
	b = append(b, ' ')
	b = append(b, r.Target...)
	b = append(b, ' ')
	b = append(b, r.Proto...)
	b = append(b, eol...)
	for _, h := range r.Headers {
		b = append(b, h.Name...)
		if h.Value == "" {
			b = append(b, ':')
		} else {
			b = append(b, sep...)
			b = append(b, h.Value...)
		}
		b = append(b, eol...)
	}
	b = append(b, eol...)
	return append(b, r.Body...)
}

// Validate checks a request built by hand against the rules Parse enforces,
// so that Wire produces a well-formed request that parses back to the same
// fields. In particular it catches CR or LF in a header value, which would
// let a templated value inject headers. Errors are *Error positioned in the
// Wire output (header i is on line i+2).
func (r *Request) Validate() error {
	line := r.Method + " " + r.Target + " " + r.Proto
	switch {
	case r.Method == "":
		return &Error{Line: 1, Col: 1, Msg: "empty method"}
	case trimOWS(r.Target) == "":
		return errAt(1, line, len(r.Method)+1, "empty request target")
	}
	if i := badTokenChar(r.Method); i >= 0 {
		return errAt(1, line, i, describe(r.Method, i)+" in the method; a method is a token such as GET or POST")
	}
	if i := badTargetChar(r.Target); i >= 0 {
		return errAt(1, line, len(r.Method)+1+i, describe(r.Target, i)+" in the request target; percent-encode it")
	}
	if !validProto(r.Proto) {
		return errAt(1, line, len(line)-len(r.Proto), fmt.Sprintf("unsupported protocol %q; want HTTP/1.1 or HTTP/1.0 (case-sensitive)", r.Proto))
	}
	for k, h := range r.Headers {
		lineNo := k + 2
		hl := h.Name + ": " + h.Value
		if i, msg := checkName(h.Name); i >= 0 {
			return errAt(lineNo, hl, i, msg)
		}
		if i, msg := checkValue(h.Value); i >= 0 {
			return errAt(lineNo, hl, len(h.Name)+2+i, msg)
		}
		if trimOWS(h.Value) != h.Value {
			return errAt(lineNo, hl, len(h.Name)+2, fmt.Sprintf("header %q value has leading or trailing whitespace, which a parser strips; trim it", h.Name))
		}
	}
	return nil
}

// equalFoldASCII compares header names without Unicode case folding, which
// would wrongly match e.g. the Kelvin sign with 'k'.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

type targetParts struct {
	authority, path, query string
	hasQuery               bool
}

// splitTarget splits a request-target. Only a target that starts with
// "scheme://" is absolute-form; origin-form ("/p"), asterisk-form ("*") and
// authority-form ("host:443") have no authority here and their path is the
// target up to '?' or '#'.
func splitTarget(t string) targetParts {
	var p targetParts
	rest := t
	absolute := false
	if i := schemeEnd(t); i > 0 {
		absolute = true
		rest = t[i:]
		j := strings.IndexAny(rest, "/?#")
		if j < 0 {
			j = len(rest)
		}
		p.authority, rest = rest[:j], rest[j:]
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		p.query, p.hasQuery = rest[i+1:], true
		rest = rest[:i]
	}
	p.path = rest
	if absolute && p.path == "" {
		p.path = "/"
	}
	return p
}

// schemeEnd returns the index just after "scheme://" at the start of t, or
// -1. scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 §3.1).
func schemeEnd(t string) int {
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			if strings.HasPrefix(t[i:], "://") {
				return i + 3
			}
			return -1
		default:
			return -1
		}
	}
	return -1
}
