package importer

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// Keys whose literal value the collection loader refuses anywhere, and
// the words that make it look at a value's shape (docs/collections.md,
// "Secrets never go in the file").
var (
	secretNames     = []string{"secret_access_key", "aws_secret_access_key", "session_token", "aws_session_token", "client_secret", "password", "secret_key", "secret"}
	suspiciousWords = []string{"secret", "password", "passwd", "token", "credential", "private", "key", "auth"}
	jwtLike         = lazyre.New(`^(?i:bearer\s+)?eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`)
	awsSecretLike   = lazyre.New(`^[A-Za-z0-9/+]{40}$`)
)

// scrubRoot is the last guard before writing: a literal secret anywhere
// outside the auth profiles (a form field named password, a JSON body
// holding a token, an environment value) is replaced by a reference to an
// environment variable named after its key, declared in variables:, and
// reported. Importers map the secrets they know first; this catches the
// rest, so that the loader never refuses an import for a secret.
func (c *Collection) scrubRoot(root *yaml.Node) {
	before := len(c.Variables)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k != "auth" && k != "name" && k != "variables" {
			c.scrub(root.Content[i+1], k)
		}
	}
	if len(c.Variables) == before {
		return
	}
	s := ySeq(true)
	for _, v := range c.Variables {
		s.Content = append(s.Content, yStr(v))
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "variables" {
			root.Content[i+1] = s
			return
		}
	}
	// Insert after name (and description).
	at := 2
	if len(root.Content) > 2 && root.Content[2].Value == "description" {
		at = 4
	}
	rest := append([]*yaml.Node{yStr("variables"), s}, root.Content[at:]...)
	root.Content = append(root.Content[:at:at], rest...)
}

func (c *Collection) scrub(n *yaml.Node, where string) {
	switch n.Kind {
	case yaml.SequenceNode:
		for _, it := range n.Content {
			c.scrub(it, where)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				c.scrub(v, where+"."+k)
				continue
			}
			if v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" || onlyTemplates(v.Value) || !secretValue(k, v.Value) {
				continue
			}
			n.Content[i+1] = yStr(c.SecretRef(where+"."+k, k))
		}
	}
}

// secretValue mirrors the loader's rule for a literal value under key.
func secretValue(key, value string) bool {
	norm := strings.ReplaceAll(strings.ToLower(key), "-", "_")
	if strings.HasSuffix(norm, "_env") {
		return false
	}
	suspicious := false
	for _, w := range suspiciousWords {
		suspicious = suspicious || strings.Contains(norm, w)
	}
	if !suspicious {
		return false
	}
	for _, s := range secretNames {
		if norm == s {
			return true
		}
	}
	v := strings.TrimSpace(value)
	return jwtLike.MatchString(v) || (awsSecretLike.MatchString(v) && strings.ContainsAny(v, "0123456789"))
}
