package cookies

import (
	"net"
	"sort"
	"strings"
	"sync"
	"time"
)

// Entry is a cookie in the jar with the domain, path and expiry RFC 6265
// derives from its attributes and the request that set it.
type Entry struct {
	Cookie   Cookie    `json:"cookie"`
	Domain   string    `json:"domain"`    // effective domain: the attribute, or the setting host
	HostOnly bool      `json:"host_only"` // no Domain attribute: sent to that exact host only
	Path     string    `json:"path"`      // effective path
	Expires  time.Time `json:"expires,omitzero"`
	Created  time.Time `json:"created"`
	// Session is true for a cookie without Expires or Max-Age. sigscope
	// keeps such cookies between runs, since each command is one short
	// step of the same session.
	Session bool `json:"session,omitempty"`
}

// Received says what happened to one Set-Cookie header.
type Received struct {
	Header  string `json:"-"` // the raw line (it holds the value)
	Cookie  Cookie `json:"cookie"`
	Stored  bool   `json:"stored"`
	Deleted bool   `json:"deleted,omitempty"` // an expiry in the past removed the cookie
	Reason  string `json:"reason,omitempty"`  // why it was not stored
	Err     string `json:"error,omitempty"`   // the header could not be parsed
}

// Origin is the request a cookie is set by or sent with.
type Origin struct {
	Scheme string // http or https
	Host   string // host[:port]; the port is ignored, as cookies ignore ports
	Path   string // request path as on the wire, without the query
}

// maxEntries bounds a jar; the least recently created cookies go first.
const maxEntries = 3000

// Jar holds cookies for one collection and environment. It is safe for
// concurrent use.
type Jar struct {
	mu      sync.Mutex
	entries []*Entry
	path    string // file for Save; "" for a jar in memory only
	// changes are this process's stores and removals since the last
	// Save, by cookie key (nil: removed). Save applies them to what is on
	// disk then, so that two processes never lose each other's cookies.
	changes map[string]*Entry
}

// key names a cookie in a jar: name, domain and path, as RFC 6265 does.
func (e *Entry) key() string { return e.Cookie.Name + "\x00" + e.Domain + "\x00" + e.Path }

func (j *Jar) changed(key string, e *Entry) {
	if j.changes == nil {
		j.changes = map[string]*Entry{}
	}
	j.changes[key] = e
}

// NewJar returns an empty jar kept in memory.
func NewJar() *Jar { return &Jar{} }

// Store parses Set-Cookie header values received from origin and keeps the
// cookies the rules allow, reporting each.
func (j *Jar) Store(o Origin, setCookies []string, now time.Time) []Received {
	out := make([]Received, 0, len(setCookies))
	for _, line := range setCookies {
		r := Received{Header: line}
		c, err := Parse(line)
		if err != nil {
			r.Err = err.Error()
			out = append(out, r)
			continue
		}
		r.Cookie = c
		if j == nil {
			out = append(out, r)
			continue
		}
		if r.Reason = checkSize(line); r.Reason == "" {
			j.mu.Lock()
			r.Stored, r.Deleted, r.Reason = j.store(o, c, now)
			j.mu.Unlock()
		}
		out = append(out, r)
	}
	return out
}

// store applies RFC 6265 section 5.3 to one cookie, with the rules
// browsers add: name prefixes, Secure only from secure origins, the
// public suffix list, and a limit per site.
func (j *Jar) store(o Origin, c Cookie, now time.Time) (stored, deleted bool, reason string) {
	if reason := checkPrefix(c); reason != "" {
		return false, false, reason
	}
	host := hostOnly(o.Host)
	if c.Secure && !secureOrigin(o) {
		return false, false, "Secure cookie set over plain http by " + host + ": only https (or loopback) may set one"
	}
	e := &Entry{Cookie: c, Created: now.UTC()}
	e.Domain, e.HostOnly, reason = cookieDomain(host, c.Domain)
	if reason != "" {
		return false, false, reason
	}
	e.Path = c.Path
	if !strings.HasPrefix(e.Path, "/") {
		e.Path = defaultPath(o.Path)
	}
	switch {
	case c.MaxAge != nil:
		e.Expires = now.Add(time.Duration(*c.MaxAge) * time.Second).UTC()
	case !c.Expires.IsZero():
		e.Expires = c.Expires
	default:
		e.Session = true
	}
	expired := !e.Session && !e.Expires.After(now)

	for i, old := range j.entries {
		if old.Cookie.Name == c.Name && old.Domain == e.Domain && old.Path == e.Path {
			if expired {
				j.entries = append(j.entries[:i], j.entries[i+1:]...)
				j.changed(e.key(), nil)
				return false, true, "expired: removed from the jar"
			}
			e.Created = old.Created
			j.entries[i] = e
			j.changed(e.key(), e)
			return true, false, ""
		}
	}
	if expired {
		// A cookie this jar does not hold may be in another process's:
		// the server asked for it to go.
		j.changed(e.key(), nil)
		return false, true, "expired on arrival"
	}
	j.entries = append(j.entries, e)
	j.changed(e.key(), e)
	j.evictOverSite(e)
	if len(j.entries) > maxEntries {
		sort.SliceStable(j.entries, func(a, b int) bool { return j.entries[a].Created.Before(j.entries[b].Created) })
		j.entries = j.entries[len(j.entries)-maxEntries:]
	}
	return true, false, ""
}

// Match returns the cookies to send to origin, in RFC 6265's order: longer
// paths first, then older cookies first. Expired cookies are dropped.
func (j *Jar) Match(o Origin, now time.Time) []Entry {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.expire(now)
	host := hostOnly(o.Host)
	path := o.Path
	if path == "" {
		path = "/"
	}
	var out []Entry
	for _, e := range j.entries {
		if !domainMatch(host, e) || !pathMatch(path, e.Path) {
			continue
		}
		if e.Cookie.Secure && !secureOrigin(o) {
			continue
		}
		out = append(out, *e)
	}
	sort.SliceStable(out, func(a, b int) bool {
		if len(out[a].Path) != len(out[b].Path) {
			return len(out[a].Path) > len(out[b].Path)
		}
		return out[a].Created.Before(out[b].Created)
	})
	return out
}

// Header renders entries as a Cookie request header value.
func Header(entries []Entry) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = e.Cookie.Name + "=" + e.Cookie.Value
	}
	return strings.Join(parts, "; ")
}

// All returns every live cookie in the jar.
func (j *Jar) All(now time.Time) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.expire(now)
	out := make([]Entry, len(j.entries))
	for i, e := range j.entries {
		out[i] = *e
	}
	return out
}

// Clear empties the jar.
func (j *Jar) Clear() {
	j.mu.Lock()
	for _, e := range j.entries {
		j.changed(e.key(), nil)
	}
	j.entries = nil
	j.mu.Unlock()
}

func (j *Jar) expire(now time.Time) {
	kept := j.entries[:0]
	for _, e := range j.entries {
		if e.Session || e.Expires.After(now) {
			kept = append(kept, e)
		}
	}
	j.entries = kept
}

func domainMatch(host string, e *Entry) bool {
	if e.HostOnly {
		return host == e.Domain
	}
	return host == e.Domain || (strings.HasSuffix(host, "."+e.Domain) && net.ParseIP(host) == nil)
}

// pathMatch is RFC 6265 5.1.4's path-match.
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
}

// defaultPath is RFC 6265 5.1.4's default-path: the request path up to,
// not including, its last '/'.
func defaultPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "/"
	}
	i := strings.LastIndex(p, "/")
	if i == 0 {
		return "/"
	}
	return p[:i]
}

// secureOrigin is https, or loopback, which browsers also treat as secure.
func secureOrigin(o Origin) bool {
	if strings.EqualFold(o.Scheme, "https") {
		return true
	}
	h := hostOnly(o.Host)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// hostOnly strips the port and IPv6 brackets and lower-cases the host.
func hostOnly(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}
