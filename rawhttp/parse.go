// Package rawhttp reads and writes HTTP/1.1 requests in raw text form, as
// the AWS SigV4 test suite writes them in its request.txt files.
//
// The parser is lenient where the suite is (raw spaces and UTF-8 in the
// request target, obs-fold continuation lines, duplicate headers, "Name:value"
// without a space, LF or CRLF line endings, no final newline) and strict
// everywhere else: anything that would make the bytes mean something
// different to a server (control characters, whitespace before a colon, a
// missing protocol) is an *Error naming the line and column.
//
// The body is everything after the first blank line, taken as is: no
// Content-Length framing, no chunked decoding. A Content-Length that disagrees
// with the body is reported by Request.ContentLengthMismatch, not as an error,
// so that callers can warn about it rather than refuse the request.
package rawhttp

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Header is one header field as written.
type Header struct {
	Name string // exactly as written
	// Value is the text after the colon with leading and trailing spaces and
	// tabs removed. Each obs-fold (line break followed by spaces or tabs) is
	// replaced by one space and the continuation line's own leading
	// whitespace is kept after it: "value1\n  value2" gives "value1   value2".
	// Inner whitespace is otherwise untouched; collapsing it is the signer's
	// job, not the parser's.
	Value string
	Line  int // 1-based line number where the header starts
}

// Request is a parsed raw HTTP request.
type Request struct {
	Method string // an RFC 7230 token, e.g. "GET"
	// Target is the request-target exactly as written, possibly with raw
	// spaces and UTF-8: everything between the first space after the method
	// and the last space before the protocol.
	Target  string
	Proto   string // "HTTP/1.1" or "HTTP/1.0"
	Headers []Header
	Body    []byte // nil when there is no blank line or nothing after it
}

// Error is a malformed-input error. Line and Col are 1-based; Col counts
// characters (UTF-8 sequences), as an editor shows them, not bytes.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	return fmt.Sprintf("line %d, col %d: %s", e.Line, e.Col, e.Msg)
}

// Parse parses a raw HTTP request. Errors are of type *Error.
func Parse(data []byte) (*Request, error) {
	if len(data) == 0 {
		return nil, &Error{Line: 1, Col: 1, Msg: `empty input: expected a request line such as "GET / HTTP/1.1"`}
	}
	head, body := splitHead(data)
	// One string for the whole head: names and values are substrings of it,
	// so a typical request costs one allocation here rather than two per header.
	s := string(head)

	req := &Request{}
	if len(body) > 0 {
		req.Body = bytes.Clone(body)
	}
	// raw holds the unfolded, untrimmed value of the last header, so that
	// further continuation lines can be appended before trimming again.
	var raw string
	lineNo := 0
	for off := 0; off < len(s); {
		lineNo++
		line := s[off:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			off += i + 1
		} else {
			off = len(s)
		}
		// A CR is a line-end marker only at the very end of a line; anywhere
		// else it is a control character and rejected below.
		line = strings.TrimSuffix(line, "\r")
		if i := strings.IndexByte(line, 0); i >= 0 {
			return nil, errAt(lineNo, line, i, "NUL byte in the request head; the head must be text")
		}

		switch {
		case lineNo == 1:
			if err := parseRequestLine(req, line); err != nil {
				return nil, err
			}
		case line[0] == ' ' || line[0] == '\t':
			if len(req.Headers) == 0 {
				return nil, errAt(lineNo, line, 0, "line starts with whitespace, which continues the previous header (obs-fold), but no header comes before it; remove the leading whitespace")
			}
			if i, msg := checkValue(line); i >= 0 {
				return nil, errAt(lineNo, line, i, msg)
			}
			raw += " " + line
			req.Headers[len(req.Headers)-1].Value = trimOWS(raw)
		default:
			if req.Headers == nil {
				req.Headers = make([]Header, 0, strings.Count(s[off:], "\n")+1)
			}
			h, err := parseHeader(line, lineNo)
			if err != nil {
				return nil, err
			}
			raw = line[len(h.Name)+1:]
			req.Headers = append(req.Headers, h)
		}
	}
	return req, nil
}

// splitHead returns the head (without the blank line that ends it) and the
// body. A blank line is an empty line or a lone CR, ended by LF or by the end
// of the data. The first line is never taken as the blank line: an empty
// request line is reported by the request-line parser instead.
func splitHead(data []byte) (head, body []byte) {
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return data, nil
		}
		next := off + i + 1
		rest := data[next:]
		switch {
		case len(rest) > 0 && rest[0] == '\n':
			return data[:next], rest[1:]
		case len(rest) > 1 && rest[0] == '\r' && rest[1] == '\n':
			return data[:next], rest[2:]
		case len(rest) == 1 && rest[0] == '\r':
			return data[:next], nil
		}
		off = next
	}
}

func parseRequestLine(req *Request, line string) error {
	const want = `; expected "METHOD TARGET HTTP/1.1"`
	if line == "" {
		return &Error{Line: 1, Col: 1, Msg: "empty request line" + want}
	}
	sp := strings.IndexByte(line, ' ')
	if sp == 0 {
		return errAt(1, line, 0, "request line starts with a space where the method should be"+want)
	}
	method := line
	if sp > 0 {
		method = line[:sp]
	}
	if i := badTokenChar(method); i >= 0 {
		return errAt(1, line, i, describe(method, i)+" in the method; a method is a token such as GET or POST")
	}
	if sp < 0 {
		return errAt(1, line, len(line), "request line has a method but no target or protocol"+want)
	}
	last := strings.LastIndexByte(line, ' ')
	if last == sp {
		if strings.HasPrefix(line[sp+1:], "HTTP/") {
			return errAt(1, line, sp+1, "missing request target between the method and the protocol"+want)
		}
		return errAt(1, line, len(line), "missing protocol after the target; add \" HTTP/1.1\"")
	}
	target, proto := line[sp+1:last], line[last+1:]
	if trimOWS(target) == "" {
		return errAt(1, line, sp+1, "missing request target between the method and the protocol"+want)
	}
	if i := badTargetChar(target); i >= 0 {
		return errAt(1, line, sp+1+i, describe(target, i)+" in the request target; percent-encode it")
	}
	if proto == "" {
		return errAt(1, line, len(line), "missing protocol after the target (the line ends with a space); add \"HTTP/1.1\"")
	}
	if !validProto(proto) {
		return errAt(1, line, last+1, fmt.Sprintf("unsupported protocol %q; want HTTP/1.1 or HTTP/1.0 (case-sensitive)", proto))
	}
	req.Method, req.Target, req.Proto = method, target, proto
	return nil
}

func parseHeader(line string, lineNo int) (Header, error) {
	colon := strings.IndexByte(line, ':')
	if colon < 0 {
		return Header{}, errAt(lineNo, line, 0, `header line has no colon; expected "Name: value" (a blank line must separate the body)`)
	}
	name := line[:colon]
	if i, msg := checkName(name); i >= 0 {
		return Header{}, errAt(lineNo, line, i, msg)
	}
	value := line[colon+1:]
	if i, msg := checkValue(value); i >= 0 {
		return Header{}, errAt(lineNo, line, colon+1+i, msg)
	}
	return Header{Name: name, Value: trimOWS(value), Line: lineNo}, nil
}

// checkName returns the byte index of the first problem in a header name and
// a message, or -1.
func checkName(name string) (int, string) {
	if name == "" {
		return 0, "empty header name before the colon"
	}
	if t := strings.TrimRight(name, " \t"); len(t) < len(name) {
		if t == "" {
			return 0, "header line starts with whitespace before the colon; remove it"
		}
		return len(t), fmt.Sprintf("whitespace between header name %q and the colon; RFC 7230 §3.2.4 forbids it, remove it", t)
	}
	if i := badTokenChar(name); i >= 0 {
		return i, describe(name, i) + fmt.Sprintf(" in header name %q; a name is a token (letters, digits, and !#$%%&'*+-.^_`|~)", name)
	}
	return -1, ""
}

// checkValue returns the byte index of the first control character other
// than tab in a header value (or continuation line) and a message, or -1.
// CR and LF are the reason: inside a value they would split the header.
func checkValue(v string) (int, string) {
	for i := 0; i < len(v); i++ {
		if isCTL(v[i]) && v[i] != '\t' {
			return i, describe(v, i) + " in the header value; only tab is allowed"
		}
	}
	return -1, ""
}

func badTokenChar(s string) int {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return i
		}
	}
	return -1
}

// badTargetChar allows any byte but control characters: the suite writes
// raw spaces and UTF-8 in targets on purpose.
func badTargetChar(s string) int {
	for i := 0; i < len(s); i++ {
		if isCTL(s[i]) {
			return i
		}
	}
	return -1
}

func validProto(p string) bool { return p == "HTTP/1.1" || p == "HTTP/1.0" }

func isCTL(b byte) bool { return b < 0x20 || b == 0x7f }

func isTokenChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

func trimOWS(s string) string { return strings.Trim(s, " \t") }

// describe names the character at byte i of s for an error message.
func describe(s string, i int) string {
	b := s[i]
	switch {
	case b == 0:
		return "NUL byte"
	case b == '\t':
		return "tab"
	case b == ' ':
		return "space"
	case isCTL(b):
		return fmt.Sprintf("control character 0x%02X", b)
	case b < utf8.RuneSelf:
		return fmt.Sprintf("character %q", rune(b))
	}
	if r, n := utf8.DecodeRuneInString(s[i:]); n > 1 {
		return fmt.Sprintf("non-ASCII character %q", r)
	}
	return fmt.Sprintf("invalid UTF-8 byte 0x%02X", b)
}

// errAt builds an error for byte index i of line, converting it to a
// 1-based character column.
func errAt(lineNo int, line string, i int, msg string) *Error {
	return &Error{Line: lineNo, Col: utf8.RuneCountInString(line[:i]) + 1, Msg: msg}
}
