package export

import (
	"strings"
)

// postmanURL is a request URL as Postman v2.1 writes it: the raw form and
// its parts. newman builds the request from the parts (protocol, host,
// port, path, query), not from raw: a URL object without host is "request
// url is empty" there.
type postmanURL struct {
	Raw      string      `json:"raw"`
	Protocol string      `json:"protocol,omitempty"`
	Host     []string    `json:"host,omitempty"`
	Port     string      `json:"port,omitempty"`
	Path     []string    `json:"path,omitempty"`
	Query    []postmanKV `json:"query,omitempty"`
}

// newPostmanURL splits a URL template (Postman's {{name}} syntax already)
// as Postman's own parser does: a leading {{variable}} is the host, as
// Postman keeps "{{base_url}}/pets" (host ["{{base_url}}"], path ["pets"]).
// The query is given decoded, as a collection holds it, and written
// encoded: Postman sends a query value's text as it is (only & of a
// value, and spaces, are encoded by it), so a literal +, = or & of the
// value must be %2B, %3D, %26 in the file, or the server reads other
// bytes (a + as a space to aws4, which signs it so).
func newPostmanURL(raw string, query [][2]string) postmanURL {
	var u postmanURL
	rest := raw
	// A query written into the URL itself is already encoded as written.
	var inline []string
	if i := indexOutsideTemplates(rest, '?'); i >= 0 {
		for _, kv := range strings.Split(rest[i+1:], "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			u.Query = append(u.Query, postmanKV{Key: k, Value: v})
			inline = append(inline, kv)
		}
		rest = rest[:i]
		raw = rest
	}
	if i := strings.Index(rest, "://"); i > 0 && !strings.Contains(rest[:i], "/") {
		u.Protocol, rest = rest[:i], rest[i+3:]
	}
	hostPart, pathPart := rest, ""
	if i := indexOutsideTemplates(rest, '/'); i >= 0 {
		hostPart, pathPart = rest[:i], rest[i+1:]
	}
	// The port follows the last ':' outside templates and an IPv6 [...].
	if i := lastIndexOutsideTemplates(hostPart, ':'); i >= 0 && !strings.Contains(hostPart[i:], "]") {
		u.Port, hostPart = hostPart[i+1:], hostPart[:i]
	}
	if strings.HasPrefix(hostPart, "{{") {
		u.Host = []string{hostPart}
	} else if hostPart != "" {
		u.Host = strings.Split(hostPart, ".")
	}
	if pathPart != "" || strings.HasSuffix(rest, "/") {
		u.Path = strings.Split(pathPart, "/")
	}
	qs := inline
	for _, kv := range query {
		k, v := encodeQueryPart(kv[0]), encodeQueryPart(kv[1])
		u.Query = append(u.Query, postmanKV{Key: k, Value: v})
		qs = append(qs, k+"="+v)
	}
	u.Raw = raw
	if len(qs) > 0 {
		u.Raw += "?" + strings.Join(qs, "&")
	}
	return u
}

// indexOutsideTemplates is the index of the first c not inside {{...}}.
func indexOutsideTemplates(s string, c byte) int {
	depth := false
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"):
			depth = true
			i++
		case strings.HasPrefix(s[i:], "}}"):
			depth = false
			i++
		case s[i] == c && !depth:
			return i
		}
	}
	return -1
}

// lastIndexOutsideTemplates is the index of the last c not inside {{...}}.
func lastIndexOutsideTemplates(s string, c byte) int {
	last := -1
	for rest, off := s, 0; ; {
		i := indexOutsideTemplates(rest, c)
		if i < 0 {
			return last
		}
		last = off + i
		rest, off = rest[i+1:], off+i+1
	}
}

// encodeQueryPart percent-encodes a decoded query key or value (every byte
// but RFC 3986's unreserved ones, as SigV4 encodes it), leaving
// {{variables}} as they are: Postman puts their values in when it runs.
func encodeQueryPart(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.HasPrefix(s[i:], "{{") {
			if j := strings.Index(s[i+2:], "}}"); j >= 0 {
				b.WriteString(s[i : i+2+j+2])
				i += 2 + j + 1
				continue
			}
		}
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
