package collections

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// Keys whose value is a secret by name. A literal value under one of them
// is refused wherever it appears; a value that is only a template
// ("{{env.NAME}}") is a reference, not a secret, and is fine.
var secretKeys = map[string]string{
	"secret_access_key":     "secret_access_key_env",
	"aws_secret_access_key": "secret_access_key_env",
	"session_token":         "session_token_env",
	"aws_session_token":     "session_token_env",
	"client_secret":         "client_secret_env",
	"password":              "password_env",
	"secret_key":            "secret_access_key_env",
	"secret":                "",
}

// Words that make a key suspicious: a value shaped like an AWS secret
// access key or a JWT under such a key is refused too.
var suspiciousWords = []string{"secret", "password", "passwd", "token", "credential", "private", "key", "auth"}

// findSecrets walks the whole document before anything else so that a
// literal secret is reported once, with its fix, and never echoed. depth
// counts mappings from the root; parent is the top-level key above n.
func (l *loader) findSecrets(n *yaml.Node, depth int, parent string) {
	if n == nil || l.budget <= 0 {
		return
	}
	l.budget--
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			l.findSecrets(c, depth+1, "")
		}
	case yaml.MappingNode:
		// Keys of an auth profile sit at depth 2 under the top-level "auth".
		inProfile := depth == 2 && parent == "auth"
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := deref(k).Value
			if deref(v).Kind == yaml.ScalarNode {
				if msg := secretMessage(key, deref(v), inProfile); msg != "" {
					l.secrets[k] = true
					l.errorf(v, "%s", msg)
				}
				continue
			}
			next := ""
			if depth == 0 {
				next = key
			} else if depth == 1 {
				next = parent
			}
			l.findSecrets(v, depth+1, next)
		}
	}
}

func secretMessage(key string, v *yaml.Node, inProfile bool) string {
	norm := strings.ReplaceAll(strings.ToLower(key), "-", "_")
	if strings.HasSuffix(norm, "_env") || !suspicious(norm) {
		return "" // the common case, decided without looking at the value
	}
	if v.ShortTag() == "!!null" || strings.TrimSpace(v.Value) == "" || onlyTemplates(v.Value) {
		return ""
	}
	// Inside an auth profile the fix is the *_env field; elsewhere
	// (environments, headers, bodies) it is an {{env.NAME}} reference.
	envField, named := secretKeys[norm]
	shape := ""
	switch {
	case named:
	case looksLikeAWSSecret(v.Value):
		shape = "a value that looks like an AWS secret access key"
	case jwtShape.MatchString(strings.TrimSpace(v.Value)):
		shape = "a value that looks like a token (JWT)"
	default:
		return ""
	}
	fix := `reference it as "{{env.NAME}}", with NAME listed in variables:`
	if inProfile && envField != "" {
		fix = fmt.Sprintf("reference it with %s: NAME", envField)
	}
	what := "a literal secret"
	if !named {
		what = shape
	}
	return fmt.Sprintf("%q holds %s, which must not be stored in a collection file: put it in an environment variable and %s", key, what, fix)
}

// onlyTemplates reports whether s is made only of {{...}} references (and
// spaces), so that it names where a secret comes from without holding it.
func onlyTemplates(s string) bool {
	segs, err := parseTemplate(s)
	if err != nil || len(segs) == 0 {
		return false
	}
	for _, seg := range segs {
		if seg.kind == segLiteral && strings.TrimSpace(seg.text) != "" {
			return false
		}
	}
	return true
}

// jwtShape matches a JSON Web Token (header.payload.signature, both JSON
// parts starting with "{"), optionally after "Bearer ".
var jwtShape = lazyre.New(`^(?i:bearer\s+)?eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`)

func suspicious(key string) bool {
	for _, w := range suspiciousWords {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}

// looksLikeAWSSecret matches the shape of an AWS secret access key: 40
// characters of base64 alphabet, mixing letters and digits.
func looksLikeAWSSecret(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) != 40 {
		return false
	}
	var lower, upper, digit bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		case c == '/' || c == '+':
		default:
			return false
		}
	}
	return digit && (lower || upper)
}
