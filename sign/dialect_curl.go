package sign

import (
	"slices"
	"strings"
)

// curl --aws-sigv4 changed how it signs the path and the query several
// times; each span of releases is a port of lib/http_aws_sigv4.c at the
// tags named (curl's git history), and the first span is measured with
// Debian 12's curl 7.88.1 against the emulator (cli's compare tests).
// curl signs only the Authorization header, and its URL parser removes dot
// segments before it signs (RFC 3986) unless --path-as-is is given.

type curlQueryMode int

const (
	curlQueryAsWritten curlQueryMode = iota // the raw query, byte for byte
	curlQueryEscaped                        // pairs sorted as written, bytes escaped, escapes kept (canon_query, 8.3.0)
	curlQueryDecoded                        // decoded and encoded again, sorted after encoding (8.14.0)
)

type curlPathMode int

const (
	curlPathAsWritten   curlPathMode = iota
	curlPathEscapedOnce              // escapes kept, other bytes escaped: S3's rule for every service (8.9.0)
	curlPathEncoded                  // encoded again outside S3, as written for S3 (8.14.0)
)

// curlRelease is how one span of curl releases signs the path and query.
type curlRelease struct {
	query           curlQueryMode
	emptyPairsFirst bool // 8.4.0: empty pairs sort first (before, anywhere)
	valuelessEquals bool // 8.5.0: a key without '=' gets one
	keepEscapedPlus bool // 8.19.0: %2B stays %2B (before, a space)
	path            curlPathMode
	nick            string // how people call the span, when shorter
	tag             string // the curl tag the port was read at
}

const srcCurl = "curl's lib/http_aws_sigv4.c"

// curlDialects are curl's spans, oldest first.
var curlDialects = []Dialect{
	curlDialect("7.75.0", "8.2.1", curlRelease{nick: "7.x", tag: "curl-8_2_1"},
		"signs the path and the query exactly as written: no sorting, no re-encoding (measured with 7.88.1, Debian 12)"),
	curlDialect("8.3.0", "8.3.0", curlRelease{query: curlQueryEscaped, tag: "curl-8_3_0"},
		"sorts the query pairs as written and escapes their bytes, keeping escapes; a key without '=' gets none; the path as written"),
	curlDialect("8.4.0", "8.4.0", curlRelease{query: curlQueryEscaped, emptyPairsFirst: true, tag: "curl-8_4_0"},
		"as 8.3.0, empty pairs sorted first"),
	curlDialect("8.5.0", "8.8.0", curlRelease{query: curlQueryEscaped, emptyPairsFirst: true, valuelessEquals: true, tag: "curl-8_8_0"},
		"as 8.4.0, and a key without '=' gets one; the path as written"),
	curlDialect("8.9.0", "8.13.0", curlRelease{query: curlQueryEscaped, emptyPairsFirst: true, valuelessEquals: true, path: curlPathEscapedOnce, tag: "curl-8_13_0"},
		"as 8.5.0, and the path encoded once (escapes kept) for every service"),
	curlDialect("8.14.0", "8.18.0", curlRelease{query: curlQueryDecoded, path: curlPathEncoded, tag: "curl-8_18_0"},
		"decodes and re-encodes the query as AWS does but signs '+' and %2B as a space (%20); encodes the path again outside S3"),
	curlDialect("8.19.0", "", curlRelease{query: curlQueryDecoded, keepEscapedPlus: true, path: curlPathEncoded, tag: "curl-8_21_0"},
		"as 8.14.0, but %2B stays %2B; a raw '+' is still signed as a space (%20)"),
}

func curlDialect(first, last string, r curlRelease, does string) Dialect {
	d := Dialect{Name: dialectCurl, first: first, last: last, curl: &r}
	switch {
	case last == "":
		d.Version = first + " and later"
	case first == last:
		d.Version = first
	default:
		d.Version = first + "–" + last
	}
	d.ID = dialectCurl + " " + d.Version
	d.About = "curl --aws-sigv4 " + d.Version + ": " + does + " (" + srcCurl + " at " + r.tag + ")"
	return d
}

// label names the span as people know it: "curl 7.75.0–8.2.1 (7.x)".
func (c *curlRelease) label(d Dialect) string {
	if c.nick != "" {
		return d.Label() + " (" + c.nick + ")"
	}
	return d.Label()
}

// canonicalPath is the canonical URI this span signs for the path given.
func (c *curlRelease) canonicalPath(path string, s3 bool) string {
	if path == "" {
		path = "/" // curl always sends a path
	}
	switch {
	case c.path == curlPathEscapedOnce:
		return curlEscape(path, true)
	case c.path == curlPathEncoded && !s3:
		return uriEncode(path, false)
	}
	return path
}

// canonicalQuery is the canonical query this span signs for the raw query.
func (c *curlRelease) canonicalQuery(raw string) string {
	switch c.query {
	case curlQueryEscaped:
		return c.escapedQuery(raw)
	case curlQueryDecoded:
		return c.decodedQuery(raw)
	}
	return raw
}

// escapedQuery is canon_query of 8.3.0–8.13.0: the pairs as written,
// sorted by strncmp over the shorter length (glibc's merge sort keeps ties
// in the order written), each escaped; an empty pair adds nothing but its
// place still counts for the '&' after the pair before it.
func (c *curlRelease) escapedQuery(raw string) string {
	if raw == "" {
		return ""
	}
	pairs := strings.Split(raw, "&")
	slices.SortStableFunc(pairs, func(a, b string) int {
		if c.emptyPairsFirst {
			switch {
			case a == "" && b == "":
				return 0
			case a == "":
				return -1
			case b == "":
				return 1
			}
		}
		n := min(len(a), len(b))
		return strings.Compare(a[:n], b[:n])
	})
	var b strings.Builder
	for i, p := range pairs {
		if p == "" {
			continue
		}
		b.WriteString(curlEscape(p, false))
		if c.valuelessEquals && !strings.Contains(p, "=") {
			b.WriteByte('=')
		}
		if i < len(pairs)-1 {
			b.WriteByte('&')
		}
	}
	return b.String()
}

// curlEscape is canon_string of 8.3.0–8.13.0: A-Z a-z 0-9 - . _ ~ kept, a
// valid escape kept with upper-case hex, any other '%' as %25, and every
// other byte as %XX, but for '/' in a path and '=' in a query pair.
func curlEscape(s string, path bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved(c), path && c == '/', !path && c == '=':
			b.WriteByte(c)
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte('%')
			b.WriteByte(toUpperHex(s[i+1]))
			b.WriteByte(toUpperHex(s[i+2]))
			i += 2
		default:
			b.WriteString(uriEncode(s[i:i+1], true))
		}
	}
	return b.String()
}

// decodedQuery is canon_query of 8.14.0 and later: empty pairs dropped,
// each key and value decoded and encoded again, a '+' (and, before
// 8.19.0, an escaped %2B) signed as a space, sorted by encoded key, then
// value.
func (c *curlRelease) decodedQuery(raw string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		pairs = append(pairs, pair{c.normalizeComponent(k), c.normalizeComponent(v)})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		if r := strings.Compare(a.k, b.k); r != 0 {
			return r
		}
		return strings.Compare(a.v, b.v)
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

// normalizeComponent is normalize_query (8.19.0; http_aws_decode_encode
// before): a valid escape decoded, then A-Z a-z 0-9 - . _ ~ kept, '+' as
// %20 and every other byte as %XX.
func (c *curlRelease) normalizeComponent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			ch = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
			if ch == '+' && c.keepEscapedPlus {
				b.WriteString("%2B")
				continue
			}
		}
		switch {
		case unreserved(ch):
			b.WriteByte(ch)
		case ch == '+':
			b.WriteString("%20")
		default:
			b.WriteString(uriEncode(string([]byte{ch}), true))
		}
	}
	return b.String()
}

// removeDotSegments is RFC 3986's algorithm (5.2.4), which curl's URL
// parser applies before it signs: unlike AWS's normalization it keeps
// '//' and a trailing slash after "..".
func removeDotSegments(path string) string {
	in, out := path, ""
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			out = out[:max(strings.LastIndexByte(out, '/'), 0)]
		case in == "/..":
			in = "/"
			out = out[:max(strings.LastIndexByte(out, '/'), 0)]
		case in == "." || in == "..":
			in = ""
		default:
			start := 0
			if in[0] == '/' {
				start = 1
			}
			end := strings.IndexByte(in[start:], '/')
			if end < 0 {
				end = len(in)
			} else {
				end += start
			}
			out += in[:end]
			in = in[end:]
		}
	}
	return out
}

// curlOwnRequest is the request curl sends for a path with dot segments
// when not told --path-as-is: the path with them removed, signed and sent.
func (in *dialectInput) curlOwnRequest(c *curlRelease) *DialectOwnRequest {
	if !strings.Contains(in.path, "/.") {
		return nil
	}
	own := removeDotSegments(in.path)
	if own == in.path {
		return nil
	}
	r := &Request{Method: in.ref.Method, Scheme: in.scheme, Host: in.headers[0].Value, Path: own, RawQuery: in.query, Headers: in.headers[1:]}
	t, _, _, err := trace(r, in.opts)
	if err != nil {
		return nil
	}
	signed := *t
	signed.URI.Output = c.canonicalPath(own, in.s3)
	signed.Query.Output = c.canonicalQuery(in.query)
	return &DialectOwnRequest{Target: r.Target(), Accepted: buildCanonicalRequest(&signed) == t.CanonicalRequest,
		Note: "curl removes dot segments (RFC 3986) before it signs and sends, unless --path-as-is"}
}
