package sign

import (
	"fmt"
	"slices"
	"strings"
)

const (
	RulePlusLiteral      = "'+' is a literal plus, as AWS servers read the raw query (RFC 3986): signed as %2B; write %20 for a space"
	RuleDecodedEncoded   = "percent-decoded, then URI-encoded: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX"
	RuleNoEquals         = "no '=': signed with an empty value"
	RuleEmptyPairSkipped = "empty pair between '&' skipped"
	RuleSortedByKey      = "sorted by encoded key, then by encoded value"
	RuleAddedBySigner    = "added by the signer"
	RuleHoistedHeader    = "X-Amz-* header moved into the query, as aws-sdk-go-v2 does when presigning"
)

// QueryParam is one key=value pair of the canonical query string.
type QueryParam struct {
	RawKey       string   `json:"raw_key"`   // as on the wire (empty for parameters the signer added)
	RawValue     string   `json:"raw_value"` // as on the wire
	Key          string   `json:"key"`       // decoded
	Value        string   `json:"value"`
	EncodedKey   string   `json:"encoded_key"` // as in the canonical query string
	EncodedValue string   `json:"encoded_value"`
	Source       string   `json:"source"` // "request", "signer", or "header <Name>"
	Rules        []string `json:"rules"`
}

// QueryStep is the canonical query string and how it was made.
type QueryStep struct {
	Input  string       `json:"input"` // raw query as on the wire
	Params []QueryParam `json:"params"`
	Output string       `json:"output"`
	Rules  []string     `json:"rules"`
}

// parseQuery splits a wire query into decoded pairs in wire order. Errors
// name the pair, because a pair the signer cannot read would be dropped
// from the signature and fail on the server.
func parseQuery(raw string) ([]QueryParam, []string, error) {
	var rules []string
	if raw == "" {
		return nil, nil, nil
	}
	params := make([]QueryParam, 0, strings.Count(raw, "&")+1)
	for i, pair := range strings.Split(raw, "&") {
		if pair == "" {
			rules = appendOnce(rules, RuleEmptyPairSkipped)
			continue
		}
		p := QueryParam{Source: "request"}
		k, v, hasEq := strings.Cut(pair, "=")
		p.RawKey, p.RawValue = k, v
		var err error
		if p.Key, err = queryUnescape(k, &p.Rules); err != nil {
			return nil, nil, fmt.Errorf("query pair %d %q: key: %w", i+1, pair, err)
		}
		if p.Value, err = queryUnescape(v, &p.Rules); err != nil {
			return nil, nil, fmt.Errorf("query pair %d %q: value: %w", i+1, pair, err)
		}
		if !hasEq {
			p.Rules = append(p.Rules, RuleNoEquals)
		}
		params = append(params, p)
	}
	return params, rules, nil
}

func queryUnescape(s string, rules *[]string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				end := min(i+3, len(s))
				return "", fmt.Errorf("invalid percent-encoding %q at byte %d (write a literal %% as %%25)", s[i:end], i)
			}
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		case '+':
			// What the server computes from the bytes it receives: AWS
			// services read the raw query per RFC 3986, where '+' is a plus
			// (curl issue 20543, smithy-rs issue 4227). Form decoding to a
			// space, as aws-sdk-go-v2 does, would sign what no server checks.
			*rules = appendOnce(*rules, RulePlusLiteral)
			b.WriteByte('+')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// canonicalQuery encodes and sorts the pairs and joins them.
func canonicalQuery(params []QueryParam) string {
	for i := range params {
		p := &params[i]
		p.EncodedKey = uriEncode(p.Key, true)
		p.EncodedValue = uriEncode(p.Value, true)
		if p.Source == "request" && (p.EncodedKey != p.RawKey || p.EncodedValue != p.RawValue) {
			p.Rules = appendOnce(p.Rules, RuleDecodedEncoded)
		}
	}
	slices.SortStableFunc(params, func(a, b QueryParam) int {
		if c := strings.Compare(a.EncodedKey, b.EncodedKey); c != 0 {
			return c
		}
		return strings.Compare(a.EncodedValue, b.EncodedValue)
	})
	n := 0
	for _, p := range params {
		n += len(p.EncodedKey) + len(p.EncodedValue) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.EncodedKey)
		b.WriteByte('=')
		b.WriteString(p.EncodedValue)
	}
	return b.String()
}

// sdkQuery re-encodes decoded pairs so that url.ParseQuery inside the SDK
// reads back exactly the pairs this package decided on.
func sdkQuery(params []QueryParam) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(uriEncode(p.Key, true))
		b.WriteByte('=')
		b.WriteString(uriEncode(p.Value, true))
	}
	return b.String()
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
