// Package awsrule is the rule an AWS server applies to the bytes it
// receives when it rebuilds a SigV4 canonical request, one per service
// family: S3, and every other service.
//
// It is small on purpose: sigscope's signer, verify and compare, and the
// emulator (which must not verify with sigscope's signer), all import it,
// so that they read a path and a query the way the server does and no two
// of them can drift apart.
package awsrule

import (
	"fmt"
	"strings"
)

// Family is a group of services whose servers canonicalize the path the
// same way.
type Family int

const (
	// Standard is every service but S3: the path is normalized (dot
	// segments removed, duplicate slashes merged, RFC 3986) and then
	// URI-encoded, so an escape %XX is signed as %25XX.
	Standard Family = iota
	// S3 keeps the path as written (an object key may hold . .. and //),
	// decodes it to find the object key and signs that key encoded once:
	// %7e and ~ are the same key, signed ~ (see S3Path).
	S3
)

// FamilyOf is the family of a credential scope's service.
func FamilyOf(service string) Family {
	switch strings.ToLower(service) {
	case "s3", "s3-express", "s3express", "s3-outposts", "s3-object-lambda":
		return S3
	}
	return Standard
}

func (f Family) String() string {
	if f == S3 {
		return "S3"
	}
	return "every service but S3"
}

// NormalizesPath reports whether the family's servers remove dot segments
// and merge duplicate slashes before encoding the path.
func (f Family) NormalizesPath() bool { return f != S3 }

// Path is the path a server of the family canonicalizes, from the path as
// received (still percent-encoded): normalized outside S3.
func (f Family) Path(received string) string {
	if !f.NormalizesPath() {
		return received
	}
	p, _, _ := NormalizePath(received)
	return p
}

// NormalizePath removes "." and ".." segments and merges duplicate
// slashes as aws-c-auth does (the AWS test suite's source; botocore, aws4
// and aws-c-auth agree): ".." never climbs above the root, and the result
// ends in '/' only when the path did, so "/a/b/.." is "/a". Escapes are not
// decoded first: "%2E" is not a dot. dots and slashes say what changed.
func NormalizePath(path string) (normalized string, dots, slashes bool) {
	if !NeedsNormalizing(path) {
		return path, false, false
	}
	segments := strings.Split(strings.TrimPrefix(path, "/"), "/")
	out := make([]string, 0, len(segments))
	trailing := strings.HasSuffix(path, "/")
	for i, seg := range segments {
		last := i == len(segments)-1
		switch seg {
		case "":
			slashes = slashes || !last
		case ".", "..":
			dots = true
			if seg == ".." && len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	normalized = "/" + strings.Join(out, "/")
	if trailing && len(out) > 0 {
		normalized += "/"
	}
	return normalized, dots, slashes
}

// NeedsNormalizing reports whether path has an empty, "." or ".." segment.
func NeedsNormalizing(path string) bool {
	return strings.Contains(path, "//") || strings.Contains(path, "/./") || strings.Contains(path, "/../") ||
		strings.HasSuffix(path, "/.") || strings.HasSuffix(path, "/..")
}

// S3Path is the canonical URI an S3 server computes from a path as
// received: S3 percent-decodes the path to find the object key (a '+' is
// a plus there, never a space) and the signature covers that key
// URI-encoded once (A-Z a-z 0-9 - _ . ~ and '/' kept, upper-case hex).
// So %7e and ~ sign as ~, %c3%a9 as %C3%A9, %41 as A and a raw '+' or ';'
// as %2B and %3B. Not normalized: . .. and // are part of the key. An
// empty path is "/". A '%' not followed by two hex digits is an error: no
// key can be read from it.
func S3Path(received string) (string, error) {
	if received == "" {
		return "/", nil
	}
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(received))
	for i := 0; i < len(received); i++ {
		c := received[i]
		if c == '%' {
			if i+2 >= len(received) || unhex(received[i+1]) < 0 || unhex(received[i+2]) < 0 {
				return "", fmt.Errorf("path %q: invalid percent-encoding at byte %d (write a literal %% as %%25)", received, i)
			}
			c = byte(unhex(received[i+1])<<4 | unhex(received[i+2]))
			i += 2
		}
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String(), nil
}

// S3Key is the object key an S3 server reads from a path as received:
// every valid %XX decoded (either case), a '+' kept as a plus.
func S3Key(received string) string {
	if !strings.Contains(received, "%") {
		return received
	}
	b := make([]byte, 0, len(received))
	for i := 0; i < len(received); i++ {
		if received[i] == '%' && i+2 < len(received) && unhex(received[i+1]) >= 0 && unhex(received[i+2]) >= 0 {
			b = append(b, byte(unhex(received[i+1])<<4|unhex(received[i+2])))
			i += 2
			continue
		}
		b = append(b, received[i])
	}
	return string(b)
}

func unhex(c byte) int {
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

// FormDecoderQuery rewrites a raw query so that a form decoder (Go's
// url.ParseQuery, which aws-sdk-go-v2's signer uses) reads back what an
// AWS server reads under RFC 3986: a '+' is a plus, not a space, and a ';'
// is an ordinary byte, not a separator Go refuses.
func FormDecoderQuery(raw string) string {
	if !strings.ContainsAny(raw, "+;") {
		return raw
	}
	return strings.NewReplacer("+", "%2B", ";", "%3B").Replace(raw)
}
