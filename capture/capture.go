// Package capture reads a request as people capture it, to verify the
// signature it carries: raw HTTP/1.1 (a proxy, Burp, devtools for HTTP/1.1,
// Firefox's copy of an HTTP/2 request), HTTP/2 headers as Chrome and Firefox
// devtools copy them (:method, :authority, :scheme and :path pseudo-headers,
// no request line), an entry of a HAR file, a bare presigned URL, and the
// "> " lines of curl -v.
//
// Every format becomes a rawhttp.Request first, so that header checks,
// the Host rules, chunked decoding and Content-Length warnings are the ones
// the rest of sigscope uses (sign.FromRaw).
package capture

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/sigscope/sigscope/rawhttp"
	"github.com/sigscope/sigscope/sign"
)

// Format is a captured request's form.
type Format string

const (
	FormatRaw  Format = "raw HTTP/1.1"
	FormatH2   Format = "HTTP/2 headers (devtools copy)"
	FormatHAR  Format = "HAR"
	FormatURL  Format = "presigned URL"
	FormatCurl Format = "curl -v output"
)

// Accepted names every format Parse reads, for error messages.
const Accepted = "a raw HTTP/1.1 request (\"GET /path HTTP/1.1\" then headers), HTTP/2 headers as Chrome or Firefox devtools copy them (\":method: GET\", \":authority: …\", \":path: …\"), a HAR file (JSON with log.entries), a presigned URL (https://…?X-Amz-Signature=…), or curl -v output (\"> GET /path HTTP/1.1\" lines)"

// Capture is a captured request, ready to verify.
type Capture struct {
	Format  Format
	Request *sign.Request
	// WireBody is the body as captured when chunked framing was removed
	// from it; nil otherwise.
	WireBody []byte
	Entry    int // the HAR entry read (index in log.entries); -1 for other formats
	Warnings []string
}

// Options choose what to read.
type Options struct {
	// Entry is the index in a HAR file's log.entries to read; a negative
	// value picks the first entry whose request carries an AWS signature.
	Entry int
}

// Error is input that cannot be read: Line and Col (1-based) place it in
// the input when known, Entry in a HAR file.
type Error struct {
	Format    Format
	Line, Col int
	Entry     int // -1 unless a HAR entry
	Msg       string
}

func (e *Error) Error() string {
	var where string
	switch {
	case e.Entry >= 0:
		where = fmt.Sprintf("entry %d: ", e.Entry)
	case e.Line > 0 && e.Col > 0:
		where = fmt.Sprintf("line %d, col %d: ", e.Line, e.Col)
	case e.Line > 0:
		where = fmt.Sprintf("line %d: ", e.Line)
	}
	return fmt.Sprintf("%s%s (read as %s; verify reads %s)", where, e.Msg, e.Format, Accepted)
}

// Parse detects the format of data and reads the request it holds.
func Parse(data []byte, opts Options) (*Capture, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := splitLines(data)
	first := 0
	for first < len(lines) && strings.TrimSpace(lines[first]) == "" {
		first++
	}
	if first == len(lines) {
		return nil, &Error{Format: FormatRaw, Line: 1, Entry: -1, Msg: "empty input"}
	}
	head := strings.TrimSpace(lines[first])
	lower := strings.ToLower(head)
	switch {
	case strings.HasPrefix(head, "{"):
		return parseHAR(data, opts.Entry)
	case strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://"):
		return parseURL(lines, first)
	case strings.HasPrefix(lower, "curl ") || lower == "curl":
		return nil, &Error{Format: FormatCurl, Line: first + 1, Entry: -1, Msg: "this is a curl command, not its output: run it with -v and give the output (the \"> \" lines), or give the request it sends"}
	case strings.HasPrefix(head, ":"):
		return parseH2(lines, first)
	case isCurlOutput(lines):
		return parseCurl(lines)
	}
	return parseRaw(lines, first, FormatRaw, nil)
}

// splitLines splits on LF, keeping a CR at the end of a line (rawhttp reads
// it as part of the line end).
func splitLines(data []byte) []string {
	return strings.Split(string(data), "\n")
}

// fromRaw turns a rawhttp request into a Capture, with the rules every
// format shares (sign.FromRaw: one Host, chunked bodies decoded).
func fromRaw(raw *rawhttp.Request, scheme string, f Format, warnings []string) (*Capture, error) {
	_, hasLength := raw.Get("Content-Length")
	if !hasLength && !raw.Chunked() && len(raw.Body) > 0 && len(bytes.TrimSpace(raw.Body)) == 0 {
		// Without Content-Length or Transfer-Encoding a request has no body
		// (RFC 9112 §6.3): blank lines pasted after the head are not one.
		raw = raw.Clone()
		raw.Body = nil
	}
	req, err := sign.FromRaw(raw, scheme)
	if err != nil {
		return nil, &Error{Format: f, Entry: -1, Msg: err.Error()}
	}
	c := &Capture{Format: f, Request: req, Entry: -1, Warnings: append(warnings, raw.Warnings()...)}
	if raw.Chunked() {
		c.WireBody = raw.Body
	}
	return c, nil
}

// parseRaw reads lines[first:] as a raw HTTP/1.1 request. lineOf, when
// set, maps a line of that text to the input's line (curl -v output).
func parseRaw(lines []string, first int, f Format, lineOf func(int) int) (*Capture, error) {
	var warnings []string
	text := slices.Clone(lines[first:])
	if proto, ok := h2Proto(text[0]); ok {
		text[0] = strings.TrimSuffix(strings.TrimRight(text[0], "\r"), proto) + "HTTP/1.1"
		warnings = append(warnings, fmt.Sprintf("the request line says %s: read as HTTP/1.1 (the signature does not depend on the protocol)", proto))
	}
	if lineOf == nil {
		lineOf = func(l int) int { return l + first }
	}
	raw, err := rawhttp.Parse([]byte(strings.Join(text, "\n")))
	if err != nil {
		if re, ok := err.(*rawhttp.Error); ok {
			return nil, &Error{Format: f, Line: lineOf(re.Line), Col: re.Col, Entry: -1, Msg: re.Msg}
		}
		return nil, &Error{Format: f, Entry: -1, Msg: err.Error()}
	}
	for i := range raw.Headers {
		raw.Headers[i].Line = lineOf(raw.Headers[i].Line)
	}
	return fromRaw(raw, targetScheme(raw.Target, "https"), f, warnings)
}

// h2Proto recognizes a request line that ends in HTTP/2 or HTTP/3, as
// Firefox, mitmproxy and curl write them.
func h2Proto(line string) (string, bool) {
	line = strings.TrimRight(line, "\r")
	for _, p := range []string{"HTTP/2", "HTTP/2.0", "HTTP/3", "HTTP/3.0"} {
		if strings.HasSuffix(line, " "+p) {
			return p, true
		}
	}
	return "", false
}

// targetScheme is the scheme of an absolute-form target, else def.
func targetScheme(target, def string) string {
	switch t := strings.ToLower(target); {
	case strings.HasPrefix(t, "http://"):
		return "http"
	case strings.HasPrefix(t, "https://"):
		return "https"
	}
	return def
}

// splitURL splits an absolute URL as written: no decoding, no
// re-encoding, the fragment dropped.
func splitURL(u string) (scheme, host, target string, ok bool) {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "", "", "", false
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	i := strings.IndexAny(rest, "/?")
	if i < 0 {
		host, target = rest, "/"
	} else {
		host, target = rest[:i], rest[i:]
	}
	if strings.HasPrefix(target, "?") {
		target = "/" + target
	}
	if j := strings.LastIndexByte(host, '@'); j >= 0 {
		host = host[j+1:]
	}
	return strings.ToLower(scheme), host, target, host != ""
}
