// Package sigv4ref is an oracle for SigV4's canonical URI and query: what
// an AWS server computes from the path and query it receives, written from
// AWS's description and shares no code with sigscope (no sign/ or awsrule
// import), so that a bug in sigscope's canonicalization cannot hide in a
// test that checks against it. The differential test's reference server
// and sign's FuzzAgreement both use it; the differential test proves it on
// the AWS SigV4 test suite (TestReferenceOnSuite).
//
// AWS's rule, as the servers apply it:
//   - the raw query is read as RFC 3986: a literal '+' is a plus (%2B);
//     each key and value is percent-decoded, then encoded with the
//     unreserved set A-Z a-z 0-9 - _ . ~ kept and upper-case hex; pairs
//     are sorted by encoded key, then encoded value; a key without '='
//     gets '='; the empty pairs of '&&' are dropped;
//   - every service but S3 normalizes the path as received (dot segments
//     removed, duplicate slashes merged) and URI-encodes it once more, so
//     an escape %XX is signed as %25XX;
//   - S3 decodes the path and encodes it once, not normalized: %7e and ~
//     are the same key, signed as ~.
package sigv4ref

import (
	"sort"
	"strings"
)

// Path is the canonical URI of a path as received: S3 decodes and encodes
// once; every other service normalizes (unless normalize is false, the
// suite's "normalize": false) and encodes again.
func Path(path string, s3, normalize bool) string {
	if path == "" {
		path = "/"
	}
	if s3 {
		return Encode(PercentDecode(path), false)
	}
	if normalize {
		path = NormalizePath(path)
	}
	return Encode(path, false)
}

// NormalizePath removes dot segments and empty segments the way botocore's
// remove_dot_segments does (botocore/utils.py, RFC 3986 section 5.2.4 plus
// AWS's merged slashes): ".." never climbs above the root, and the result
// ends in '/' only when the path did and something is left, so "/a/b/.."
// is "/a" and "/a/b/../" is "/a/".
func NormalizePath(path string) string {
	if path == "" {
		return "/"
	}
	var out []string
	for _, seg := range strings.Split(path, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	first, last := "", ""
	if path[0] == '/' {
		first = "/"
	}
	if path[len(path)-1] == '/' && len(out) > 0 {
		last = "/"
	}
	return first + strings.Join(out, "/") + last
}

// Query reads the raw query as RFC 3986 says (no '+' as space, no ';'
// separator) and writes AWS's canonical form.
func Query(raw string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		pairs = append(pairs, pair{Encode(PercentDecode(k), true), Encode(PercentDecode(v), true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

// PercentDecode decodes every valid %XX (either case) and leaves '+' and a
// stray '%' as they are.
func PercentDecode(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && hexVal(s[i+1]) >= 0 && hexVal(s[i+2]) >= 0 {
			b = append(b, byte(hexVal(s[i+1])<<4|hexVal(s[i+2])))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// Encode is SigV4's UriEncode: every byte but A-Z a-z 0-9 - _ . ~ (and
// '/' unless encodeSlash) becomes %XX in upper-case hex.
func Encode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
