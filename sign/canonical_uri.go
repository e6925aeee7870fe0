package sign

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/sign/awsrule"
)

// Rules named in the trace; the teaching view explains each.
const (
	RuleEmptyPathSlash  = "empty path signed as /"
	RuleDotSegments     = "dot segments (. and ..) removed"
	RuleDuplicateSlash  = "duplicate slashes merged"
	RuleEncodedTwice    = "URI-encoded again: every byte but A-Z a-z 0-9 - . _ ~ and / becomes %XX, so an existing %XX becomes %25XX (all services but S3)"
	RuleEncodedOnceS3   = "decoded to the object key and encoded once: %7e becomes ~, escapes get upper-case hex, other reserved bytes (+ ; = ...) become %XX (S3 mode, no normalization)"
	RuleNotNormalizedS3 = "not normalized (S3 keys may contain . .. and //)"
)

// URIStep is the canonical URI and how it was made.
type URIStep struct {
	Input      string   `json:"input"`      // path as on the wire
	Normalized string   `json:"normalized"` // after normalization (equal to Input when off)
	Output     string   `json:"output"`     // canonical URI
	Rules      []string `json:"rules"`      // what changed it, in order
}

// canonicalURI turns the wire path into the canonical URI. It also returns
// the path handed to the SDK signer, which re-encodes it unless in S3 mode.
func canonicalURI(path string, normalize, s3 bool) (step URIStep, sdkPath string, err error) {
	step.Input = path
	if path == "" {
		path = "/"
		step.Rules = append(step.Rules, RuleEmptyPathSlash)
	}
	if path[0] != '/' {
		return step, "", fmt.Errorf("path %q must start with '/'", path)
	}
	if normalize {
		var rules []string
		path, rules = normalizePath(path)
		step.Rules = append(step.Rules, rules...)
	} else if s3 {
		step.Rules = append(step.Rules, RuleNotNormalizedS3)
	}
	step.Normalized = path
	if s3 {
		enc, err := encodeOnce(path)
		if err != nil {
			return step, "", err
		}
		if enc != path {
			step.Rules = append(step.Rules, RuleEncodedOnceS3)
		}
		step.Output = enc
		return step, enc, nil
	}
	step.Output = uriEncode(path, false)
	if step.Output != path {
		step.Rules = append(step.Rules, RuleEncodedTwice)
	}
	return step, path, nil
}

// normalizePath is the server's normalization (awsrule) with the rules
// that name what it changed.
func normalizePath(path string) (string, []string) {
	out, dots, slashes := awsrule.NormalizePath(path)
	var rules []string
	if dots {
		rules = append(rules, RuleDotSegments)
	}
	if slashes {
		rules = append(rules, RuleDuplicateSlash)
	}
	return out, rules
}

func needsNormalizing(path string) bool { return awsrule.NeedsNormalizing(path) }

// uriEncode is SigV4's UriEncode: every byte but the unreserved set (and '/'
// unless encodeSlash) as %XX with upper-case hex.
func uriEncode(s string, encodeSlash bool) string {
	return escapeBytes(s, func(c byte) bool { return unreserved(c) || c == '/' && !encodeSlash })
}

// escapeBytes writes every byte of s that keep refuses as %XX, upper-case
// hex: SigV4's UriEncode, and the encoders of the signers it is compared
// with (JavaScript's encodeURI).
func escapeBytes(s string, keep func(byte) bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !keep(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// encodeOnce is S3's canonical URI for a path as received (awsrule.S3Path):
// S3 decodes the path to find the object key and signs the key encoded
// once, so an escape the encoding would not write (%7e, %41) signs as its
// byte and a lower-case escape in upper case. The differential test's
// reference computes the same from the bytes on the wire.
func encodeOnce(s string) (string, error) { return awsrule.S3Path(s) }

const upperHex = "0123456789ABCDEF"

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func toUpperHex(c byte) byte {
	if 'a' <= c && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// URIEncode is SigV4's UriEncode of a query component: every byte but
// A-Z a-z 0-9 - . _ ~ as %XX.
func URIEncode(s string) string { return uriEncode(s, true) }
