package exchange

import (
	"bytes"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/sign"
)

// Target is where a request goes and the request-target it carries, in
// wire form.
type Target struct {
	Scheme   string // http or https, lower case
	Host     string // host[:port] as written in the URL: the Host header
	Path     string // as on the wire, never empty
	RawQuery string // as on the wire, without '?'
}

// ParseURL splits an absolute http(s) URL as written in a collection (raw
// spaces, unicode, reserved characters and %XX escapes allowed) into its
// wire form. Existing escapes and reserved characters are kept as written;
// only bytes that cannot appear in a request-target are percent-encoded
// (see EscapeTarget). A fragment is dropped: it never leaves the client.
func ParseURL(raw string) (Target, error) {
	var t Target
	rest := raw
	switch lower := strings.ToLower(raw); {
	case strings.HasPrefix(lower, "https://"):
		t.Scheme, rest = "https", raw[len("https://"):]
	case strings.HasPrefix(lower, "http://"):
		t.Scheme, rest = "http", raw[len("http://"):]
	default:
		return t, fmt.Errorf("URL %q: it must start with http:// or https://", raw)
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	if strings.Contains(authority, "@") {
		return t, fmt.Errorf("URL %q: user:password@ in the URL is not supported; use an auth profile", redactUserinfo(raw))
	}
	if err := checkHost(authority); err != nil {
		return t, fmt.Errorf("URL %q: %w", raw, err)
	}
	t.Host = authority
	path, query, hasQuery := strings.Cut(rest, "?")
	t.Path = EscapeTarget(path)
	if t.Path == "" {
		t.Path = "/"
	}
	if hasQuery {
		t.RawQuery = EscapeTarget(query)
	}
	return t, nil
}

// checkHost accepts host, host:port, [v6] and [v6]:port.
func checkHost(h string) error {
	if h == "" {
		return fmt.Errorf("the host is missing")
	}
	host, port := h, ""
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return fmt.Errorf("unclosed '[' in the host")
		}
		host, port = h[1:end], strings.TrimPrefix(h[end+1:], ":")
		if h[end+1:] != "" && !strings.HasPrefix(h[end+1:], ":") {
			return fmt.Errorf("unexpected %q after the IPv6 address", h[end+1:])
		}
		if net.ParseIP(host) == nil {
			return fmt.Errorf("%q is not an IPv6 address", host)
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		host, port = h[:i], h[i+1:]
	}
	if host == "" {
		return fmt.Errorf("the host is missing")
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`"+`{|}%/`, c) >= 0 {
			return fmt.Errorf("host %q: byte %q is not allowed in a host name (internationalized names must be written in punycode, xn--…)", host, c)
		}
	}
	if strings.Contains(h, ":") && !strings.HasPrefix(h, "[") && port == "" {
		return fmt.Errorf("empty port after ':'")
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q: a number from 1 to 65535", port)
		}
	}
	return nil
}

func redactUserinfo(raw string) string {
	i := strings.Index(raw, "://")
	j := strings.IndexByte(raw, '@')
	if i < 0 || j < i {
		return raw
	}
	return raw[:i+3] + "…" + raw[j:]
}

// EscapeTarget percent-encodes the bytes that cannot appear in an HTTP
// request-target and nothing else: space and control bytes, non-ASCII bytes
// (UTF-8, byte by byte), '"', '<', '>', '\', '^', '`', '{', '|', '}', and a
// '%' that does not start a %XX escape. Every valid escape (%2F included)
// and every reserved character stays as written, so what is signed is what
// the user wrote.
func EscapeTarget(s string) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(c)
		case c <= ' ' || c >= 0x7f || c == '%' || strings.IndexByte(`"<>\^`+"`"+`{|}`, c) >= 0:
			b.WriteByte('%')
			b.WriteByte(hexdig[c>>4])
			b.WriteByte(hexdig[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// EncodeQuery writes query pairs as RFC 3986 asks: every byte but
// A-Z a-z 0-9 - . _ ~ as %XX, so a space is %20 and a literal '+' is %2B.
// Every pair has '=' (an empty value is "k="). Order is kept.
func EncodeQuery(pairs []collections.KV) string {
	parts := make([]string, len(pairs))
	for i, kv := range pairs {
		parts[i] = sign.URIEncode(kv.Key) + "=" + sign.URIEncode(kv.Value)
	}
	return strings.Join(parts, "&")
}

// BuildTarget is the wire form of a resolved request's URL and query
// pairs: the URL's own query first, as written, then the pairs.
func BuildTarget(rawURL string, query []collections.KV) (Target, error) {
	t, err := ParseURL(rawURL)
	if err != nil {
		return t, err
	}
	if len(query) > 0 {
		extra := EncodeQuery(query)
		switch {
		case t.RawQuery == "":
			t.RawQuery = extra
		case strings.HasSuffix(t.RawQuery, "&"):
			t.RawQuery += extra
		default:
			t.RawQuery += "&" + extra
		}
	}
	return t, nil
}

// WireBytes renders a request exactly as Send writes it: request line,
// Host, the headers in order ("Name: value"), a blank line, the body. It
// refuses what would break the message: a target with bytes that need
// escaping, or a header with a line break.
func WireBytes(r *sign.Request) ([]byte, error) {
	if err := checkToken(r.Method); err != nil {
		return nil, fmt.Errorf("method %q: %w", r.Method, err)
	}
	target := r.Target()
	if target == "" || target[0] != '/' {
		return nil, fmt.Errorf("request-target %q: it must start with '/'", target)
	}
	if esc := EscapeTarget(target); esc != target {
		return nil, fmt.Errorf("request-target %q holds bytes that must be percent-encoded (%q)", target, esc)
	}
	var b bytes.Buffer
	b.Grow(256 + len(r.Body))
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", r.Method, target)
	if strings.ContainsAny(r.Host, "\r\n \t") || r.Host == "" {
		return nil, fmt.Errorf("host %q: empty or holding whitespace", r.Host)
	}
	fmt.Fprintf(&b, "Host: %s\r\n", r.Host)
	for _, h := range r.Headers {
		if err := checkToken(h.Name); err != nil {
			return nil, fmt.Errorf("header name %q: %w", h.Name, err)
		}
		if strings.ContainsAny(h.Value, "\r\n\x00") {
			return nil, fmt.Errorf("header %s: the value holds a line break or NUL", h.Name)
		}
		if strings.EqualFold(h.Name, "Host") {
			continue // written first, from r.Host
		}
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, h.Value)
	}
	b.WriteString("\r\n")
	b.Write(r.Body)
	return b.Bytes(), nil
}

// checkToken accepts an RFC 9110 token (method and header names).
func checkToken(s string) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return fmt.Errorf("byte %q is not allowed (letters, digits and !#$%%&'*+-.^_`|~ only)", c)
		}
	}
	return nil
}
