package cookies

import (
	"fmt"
	"net"
	"sort"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Limits browsers apply, and this jar with them.
const (
	// maxCookieBytes bounds one cookie: name, value and attributes.
	maxCookieBytes = 4096
	// maxPerSite bounds the cookies of one site (registrable domain);
	// the oldest go first.
	maxPerSite = 50
)

// Cookie name prefixes (RFC 6265bis section 4.1.3), matched without
// regard to case as browsers now do.
const (
	prefixSecure = "__Secure-"
	prefixHost   = "__Host-"
)

// size is the length of the cookie as a Set-Cookie line would write it.
func (c Cookie) size() int {
	n := len(c.Name) + 1 + len(c.Value)
	if a := c.Attributes(); a != "" {
		n += 2 + len(a)
	}
	return n
}

// checkSize refuses a Set-Cookie line over the limit.
func checkSize(line string) string {
	if len(line) > maxCookieBytes {
		return fmt.Sprintf("cookie is %d bytes: the limit is %d", len(line), maxCookieBytes)
	}
	return ""
}

// checkPrefix enforces the promises of the __Secure- and __Host- name
// prefixes: set with Secure, and for __Host- also host-only with Path=/.
func checkPrefix(c Cookie) string {
	switch {
	case hasPrefixFold(c.Name, prefixHost):
		var bad []string
		if !c.Secure {
			bad = append(bad, "without Secure")
		}
		if c.Domain != "" {
			bad = append(bad, "with Domain="+c.Domain)
		}
		if c.Path != "/" {
			if c.Path == "" {
				bad = append(bad, "without Path=/")
			} else {
				bad = append(bad, "with Path="+c.Path)
			}
		}
		if len(bad) > 0 {
			return prefixHost + " cookie " + strings.Join(bad, ", ") + ": the prefix requires Secure, no Domain and Path=/"
		}
	case hasPrefixFold(c.Name, prefixSecure):
		if !c.Secure {
			return prefixSecure + " cookie without Secure: the prefix requires it"
		}
	}
	return ""
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// cookieDomain is RFC 6265 section 5.3 steps 4 to 6 with the public suffix
// list, as browsers apply them: the cookie's effective domain and whether
// it is host-only, or why it is refused. host is lower case, without port.
//
// A Domain attribute must cover host and stay within host's site (its
// registrable domain): neither a public suffix (co.uk,
// execute-api.us-east-1.amazonaws.com) nor anything above the public
// suffix host is under (amazonaws.com for a.execute-api.…), where the
// cookie would reach other sites. A Domain equal to host gives a
// host-only cookie, even when host is itself a public suffix.
func cookieDomain(host, domain string) (effective string, hostOnly bool, reason string) {
	if domain == "" || domain == host {
		return host, true, ""
	}
	if !wellFormedDomain(domain) {
		return "", false, fmt.Sprintf("Domain=%q is not a host name (ASCII letters, digits, '-' and '_' in dot-separated labels)", domain)
	}
	if net.ParseIP(host) != nil {
		return "", false, "Domain=" + domain + " on a request to the IP address " + host + " (only the address itself is allowed)"
	}
	if ps, _ := publicsuffix.PublicSuffix(domain); ps == domain {
		return "", false, "Domain=" + domain + " is a public suffix: a cookie for it would go to every site under it"
	}
	if !strings.HasSuffix(host, "."+domain) {
		return "", false, "Domain=" + domain + " does not cover the host " + host
	}
	if ps, _ := publicsuffix.PublicSuffix(host); !strings.HasSuffix(domain, "."+ps) {
		return "", false, "Domain=" + domain + " reaches above the public suffix " + ps + ": a cookie for it would go to every site under " + ps + ", not only to " + host
	}
	return domain, false, ""
}

// wellFormedDomain accepts dot-separated, non-empty labels of ASCII
// letters, digits, '-' and '_' (names in Unicode must come as punycode,
// which is what the public suffix list holds).
func wellFormedDomain(d string) bool {
	for _, label := range strings.Split(d, ".") {
		if label == "" {
			return false
		}
		for i := 0; i < len(label); i++ {
			b := label[i]
			if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_') {
				return false
			}
		}
	}
	return true
}

// site groups cookies for the per-site limit: the registrable domain
// (eTLD+1) of a cookie's domain, or the domain itself for an IP address
// or a public suffix.
func site(domain string) string {
	if net.ParseIP(domain) != nil {
		return domain
	}
	if s, err := publicsuffix.EffectiveTLDPlusOne(domain); err == nil {
		return s
	}
	return domain
}

// evictOverSite removes the oldest cookies of keep's site beyond
// maxPerSite, never keep itself, and records their removal.
func (j *Jar) evictOverSite(keep *Entry) {
	s := site(keep.Domain)
	var same []*Entry
	for _, e := range j.entries {
		if e != keep && site(e.Domain) == s {
			same = append(same, e)
		}
	}
	over := len(same) + 1 - maxPerSite
	if over <= 0 {
		return
	}
	sort.SliceStable(same, func(a, b int) bool { return same[a].Created.Before(same[b].Created) })
	gone := make(map[*Entry]bool, over)
	for _, e := range same[:over] {
		gone[e] = true
		j.changed(e.key(), nil)
	}
	kept := j.entries[:0]
	for _, e := range j.entries {
		if !gone[e] {
			kept = append(kept, e)
		}
	}
	clear(j.entries[len(kept):])
	j.entries = kept
}

// capPerSite keeps the newest maxPerSite cookies of each site from
// entries sorted oldest first, in their order.
func capPerSite(sorted []*Entry) []*Entry {
	count := map[string]int{}
	drop := make([]bool, len(sorted))
	for i := len(sorted) - 1; i >= 0; i-- {
		s := site(sorted[i].Domain)
		count[s]++
		drop[i] = count[s] > maxPerSite
	}
	kept := sorted[:0]
	for i, e := range sorted {
		if !drop[i] {
			kept = append(kept, e)
		}
	}
	return kept
}

// loadable says whether an entry read from a jar file obeys the limits
// this jar enforces on arrival; a file written before them may hold
// cookies that must not be sent.
func loadable(e *Entry) bool {
	if e == nil || e.Cookie.Name == "" || e.Cookie.size() > maxCookieBytes || checkPrefix(e.Cookie) != "" {
		return false
	}
	if e.HostOnly {
		return true
	}
	if !wellFormedDomain(e.Domain) || net.ParseIP(e.Domain) != nil {
		return false
	}
	ps, _ := publicsuffix.PublicSuffix(e.Domain)
	return ps != e.Domain
}
