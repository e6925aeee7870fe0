package sign

import (
	"fmt"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

const (
	RuleLowercased        = "name lowercased"
	RuleTrimmed           = "leading and trailing whitespace trimmed"
	RuleSpacesFolded      = "runs of spaces folded to one"
	RuleTabsKept          = "tabs inside the value kept (aws-sdk-go-v2 folds only spaces; other signers fold tabs too)"
	RuleValuesJoined      = "repeated header: values joined with ',' in request order"
	RuleDefaultPortHost   = "default port dropped from host"
	RuleContentLengthZero = "content-length 0 is not signed (aws-sdk-go-v2 signs only a positive length)"
	RuleHeadersSorted     = "sorted by lower-case name; each line is name:value and the list ends with a blank line"
)

// HeaderLine is one line of the canonical headers.
type HeaderLine struct {
	Name   string   `json:"name"`   // lower-case
	Values []string `json:"values"` // as in the request, in order
	Value  string   `json:"value"`  // canonical value
	Source string   `json:"source"` // "request", or "signer" for headers the signer added
	Rules  []string `json:"rules"`
}

// SkippedHeader is a request header that is not signed, and why.
type SkippedHeader struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// ignoredHeaders are never signed by aws-sdk-go-v2: proxies and clients
// change them in flight.
var ignoredHeaders = map[string]string{
	"Authorization":     "carries the signature itself",
	"User-Agent":        "clients and proxies rewrite it",
	"X-Amzn-Trace-Id":   "added by load balancers in flight",
	"Expect":            "hop-by-hop, changed by HTTP clients",
	"Transfer-Encoding": "hop-by-hop, changed by HTTP clients",
}

// headerSet is the request's headers grouped by canonical name in order of
// first appearance, the shape both this package and the SDK sign from.
type headerSet struct {
	keys   []string    // textproto canonical keys, first-appearance order
	values http.Header // canonical key -> values in order
	signer []string    // keys the signer added
}

func newHeaderSet(headers []Header) (*headerSet, error) {
	s := &headerSet{values: make(http.Header, len(headers)+3), keys: make([]string, 0, len(headers)+3)}
	for _, h := range headers {
		if err := checkHeaderName(h.Name); err != nil {
			return nil, err
		}
		s.add(h.Name, h.Value)
	}
	return s, nil
}

func (s *headerSet) add(name, value string) {
	k := textproto.CanonicalMIMEHeaderKey(name)
	v, ok := s.values[k]
	if !ok {
		s.keys = append(s.keys, k)
	}
	s.values[k] = append(v, value)
}

// set replaces a header with the signer's value.
func (s *headerSet) set(name, value string) {
	k := textproto.CanonicalMIMEHeaderKey(name)
	s.del(k)
	s.add(k, value)
	s.signer = append(s.signer, k)
}

func (s *headerSet) del(name string) {
	k := textproto.CanonicalMIMEHeaderKey(name)
	if _, ok := s.values[k]; !ok {
		return
	}
	delete(s.values, k)
	for i, x := range s.keys {
		if x == k {
			s.keys = append(s.keys[:i], s.keys[i+1:]...)
			break
		}
	}
}

func (s *headerSet) source(k string) string {
	for _, x := range s.signer {
		if x == k {
			return "signer"
		}
	}
	return "request"
}

// clone copies the set, for the SDK, which moves headers itself when presigning.
func (s *headerSet) clone() http.Header {
	h := make(http.Header, len(s.values))
	for k, v := range s.values {
		h[k] = v[:len(v):len(v)]
	}
	return h
}

func checkHeaderName(name string) error {
	if name == "" {
		return fmt.Errorf("empty header name")
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return fmt.Errorf("header name %q: byte %q at %d is not allowed in a header name", name, name[i], i)
		}
	}
	return nil
}

func isTokenChar(c byte) bool { return tokenChars[c] }

// tokenChars are the bytes allowed in an RFC 7230 token (header names, methods).
var tokenChars = func() (t [256]bool) {
	for c := '!'; c < 0x7f; c++ {
		t[c] = !strings.ContainsRune("\"(),/:;<=>?@[\\]{}", c)
	}
	return t
}()

// canonicalHeaders builds the canonical header lines: host first in the
// candidate list, content-length from the declared length, everything else
// but the ignored headers.
func canonicalHeaders(host string, contentLength int64, set *headerSet) (lines []HeaderLine, skipped []SkippedHeader) {
	// Sort the names first and build the lines in order: moving whole
	// HeaderLine values around in a sort costs more than building them.
	type entry struct{ lower, key string }
	names := make([]entry, 0, len(set.keys)+2)
	names = append(names, entry{"host", ""})
	if contentLength > 0 {
		names = append(names, entry{"content-length", ""})
	} else if _, ok := set.values["Content-Length"]; ok {
		skipped = append(skipped, SkippedHeader{Name: "Content-Length", Reason: RuleContentLengthZero})
	}
	for _, k := range set.keys {
		if reason, ok := ignoredHeaders[k]; ok {
			skipped = append(skipped, SkippedHeader{Name: k, Reason: "never signed: " + reason})
			continue
		}
		if k == "Content-Length" {
			continue
		}
		names = append(names, entry{lowerName(k), k})
	}
	slices.SortFunc(names, func(a, b entry) int { return strings.Compare(a.lower, b.lower) })
	lines = make([]HeaderLine, len(names))
	for i, n := range names {
		l := &lines[i]
		l.Name, l.Source = n.lower, "request"
		switch n.lower {
		case "host":
			l.Values = []string{host}
			l.Value = stripExcessSpaces(host)
		case "content-length":
			l.Values = set.values["Content-Length"]
			l.Value = strconv.FormatInt(contentLength, 10)
		default:
			l.Values = set.values[n.key]
			l.Source = set.source(n.key)
			if n.key != n.lower {
				l.Rules = append(l.Rules, RuleLowercased)
			}
			l.Value = canonicalValue(l.Values, &l.Rules)
		}
	}
	return lines, skipped
}

func canonicalValue(values []string, rules *[]string) string {
	if len(values) == 1 {
		return cleanValue(values[0], rules)
	}
	*rules = append(*rules, RuleValuesJoined)
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = cleanValue(v, rules)
	}
	return strings.Join(parts, ",")
}

func cleanValue(v string, rules *[]string) string {
	out := strings.TrimSpace(stripExcessSpaces(v))
	trimmed := strings.TrimSpace(v)
	if trimmed != v {
		*rules = appendOnce(*rules, RuleTrimmed)
	}
	if strings.Contains(trimmed, "  ") {
		*rules = appendOnce(*rules, RuleSpacesFolded)
	}
	if strings.ContainsRune(out, '\t') {
		*rules = appendOnce(*rules, RuleTabsKept)
	}
	return out
}

// stripExcessSpaces trims ASCII spaces at both ends and folds inner runs of
// spaces to one; tabs and other whitespace are left alone, as in
// aws-sdk-go-v2.
func stripExcessSpaces(s string) string {
	s = strings.Trim(s, " ")
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' && prevSpace {
			continue
		}
		prevSpace = c == ' '
		b.WriteByte(c)
	}
	return b.String()
}

// commonLower spares an allocation per header for the names most requests carry.
var commonLower = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Connection",
		"Content-Encoding", "Content-Length", "Content-Md5", "Content-Type", "Cookie", "Date", "Host", "Origin",
		"Range", "Referer", "X-Amz-Content-Sha256", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Target",
		"X-Amz-User-Agent", "X-Api-Key", "X-Request-Id", "X-Requested-With"} {
		m[n] = strings.ToLower(n)
	}
	return m
}()

func lowerName(k string) string {
	if l, ok := commonLower[k]; ok {
		return l
	}
	return strings.ToLower(k)
}

func joinNames(lines []HeaderLine) string {
	names := make([]string, len(lines))
	for i, l := range lines {
		names[i] = l.Name
	}
	return strings.Join(names, ";")
}
