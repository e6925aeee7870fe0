// Package cookies parses Set-Cookie headers as browsers do (RFC 6265,
// section 5.2: lenient, unknown attributes kept), keeps them in a jar that
// sends the matching ones back and refuses what browsers refuse (a Domain
// on or above a public suffix, cookies over 4 KB, broken __Host- and
// __Secure- prefixes, Secure from plain http), persists the jar as a JSON
// file only its owner can read, and recognizes CloudFront signed cookies.
//
// Cookie values are bearer secrets. This package never prints them; callers
// mask them with Mask before showing them.
package cookies

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigscope/sigscope/internal/secret"
)

// Cookie is one Set-Cookie header, parsed. Attribute fields hold what the
// server wrote; the jar derives the effective domain, path and expiry.
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"` // as received, quotes included

	Domain      string    `json:"domain,omitempty"` // Domain attribute, lower case, leading dot removed
	Path        string    `json:"path,omitempty"`   // Path attribute as written
	Expires     time.Time `json:"expires,omitzero"` // Expires attribute; zero when absent or unreadable
	RawExpires  string    `json:"raw_expires,omitempty"`
	MaxAge      *int      `json:"max_age,omitempty"` // Max-Age attribute in seconds; nil when absent
	Secure      bool      `json:"secure,omitempty"`
	HttpOnly    bool      `json:"http_only,omitempty"`
	SameSite    string    `json:"same_site,omitempty"` // Strict, Lax, None, or as written
	Partitioned bool      `json:"partitioned,omitempty"`
	// Extra holds attributes this package does not interpret, as written.
	Extra []string `json:"extra,omitempty"`
}

// Parse reads one Set-Cookie header value. Like a browser it accepts values
// that RFC 6265's strict grammar forbids (spaces, commas); it refuses only
// a line without "name=" and names that are empty or hold control bytes.
func Parse(line string) (Cookie, error) {
	pair, attrs, _ := strings.Cut(line, ";")
	name, value, ok := strings.Cut(pair, "=")
	if !ok {
		return Cookie{}, fmt.Errorf("Set-Cookie %q: no name=value pair before the first ';'", clip(line))
	}
	c := Cookie{Name: trimWS(name), Value: trimWS(value)}
	if c.Name == "" {
		return Cookie{}, fmt.Errorf("Set-Cookie %q: empty cookie name", clip(line))
	}
	if hasCTL(c.Name) || hasCTL(c.Value) {
		return Cookie{}, fmt.Errorf("Set-Cookie for %q: control characters in the name or value", clip(c.Name))
	}
	for attrs != "" {
		var av string
		av, attrs, _ = strings.Cut(attrs, ";")
		k, v, _ := strings.Cut(av, "=")
		k, v = trimWS(k), trimWS(v)
		switch strings.ToLower(k) {
		case "":
			continue
		case "expires":
			c.RawExpires = v
			if t, ok := parseCookieDate(v); ok {
				c.Expires = t
			}
		case "max-age":
			// RFC 6265 5.2.2: a leading digit or '-' then digits; anything
			// else is ignored.
			if n, err := strconv.Atoi(v); err == nil && v != "" && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
				c.MaxAge = &n
			} else {
				c.Extra = append(c.Extra, trimWS(av))
			}
		case "domain":
			d := strings.ToLower(strings.TrimPrefix(v, "."))
			if d != "" {
				c.Domain = d
			}
		case "path":
			c.Path = v
		case "secure":
			c.Secure = true
		case "httponly":
			c.HttpOnly = true
		case "samesite":
			switch strings.ToLower(v) {
			case "strict":
				c.SameSite = "Strict"
			case "lax":
				c.SameSite = "Lax"
			case "none":
				c.SameSite = "None"
			default:
				c.SameSite = v
			}
		case "partitioned":
			c.Partitioned = true
		default:
			c.Extra = append(c.Extra, trimWS(av))
		}
	}
	return c, nil
}

// Masked returns the value hidden as the rest of sigscope hides secrets:
// its first characters and its length.
func (c Cookie) Masked() string { return Mask(c.Value) }

// Mask hides a cookie value.
func Mask(v string) string {
	if v == "" {
		return ""
	}
	return secret.Mask(v)
}

// Attributes renders the attributes (never the value) as a Set-Cookie
// header would, for display.
func (c Cookie) Attributes() string {
	var parts []string
	if c.Domain != "" {
		parts = append(parts, "Domain="+c.Domain)
	}
	if c.Path != "" {
		parts = append(parts, "Path="+c.Path)
	}
	if c.RawExpires != "" {
		parts = append(parts, "Expires="+c.RawExpires)
	}
	if c.MaxAge != nil {
		parts = append(parts, "Max-Age="+strconv.Itoa(*c.MaxAge))
	}
	if c.Secure {
		parts = append(parts, "Secure")
	}
	if c.HttpOnly {
		parts = append(parts, "HttpOnly")
	}
	if c.SameSite != "" {
		parts = append(parts, "SameSite="+c.SameSite)
	}
	if c.Partitioned {
		parts = append(parts, "Partitioned")
	}
	parts = append(parts, c.Extra...)
	return strings.Join(parts, "; ")
}

// MaskSetCookie hides the value of a Set-Cookie header line, keeping the
// name and the attributes readable.
func MaskSetCookie(line string) string {
	pair, rest, hasRest := strings.Cut(line, ";")
	name, value, ok := strings.Cut(pair, "=")
	if !ok {
		return line
	}
	out := name + "=" + Mask(trimWS(value))
	if hasRest {
		out += ";" + rest
	}
	return out
}

// MaskCookieHeader hides every value of a Cookie request header.
func MaskCookieHeader(v string) string {
	pairs := strings.Split(v, ";")
	for i, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		if ok {
			pairs[i] = name + "=" + Mask(trimWS(value))
		}
	}
	return strings.Join(pairs, ";")
}

// trimWS removes the spaces and tabs RFC 6265 allows around names,
// values and attributes.
func trimWS(s string) string { return strings.Trim(s, " \t") }

func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 && s[i] != '\t' || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// clip shortens text quoted in an error; a cookie name is not secret but a
// whole line holds the value.
func clip(s string) string {
	name, _, _ := strings.Cut(s, "=")
	if utf8.RuneCountInString(name) > 40 {
		r := []rune(name)
		name = string(r[:40]) + "…"
	}
	return name
}

// cookieDateLayouts are the forms servers use for Expires; RFC 6265's date
// algorithm accepts all of them.
var cookieDateLayouts = []string{
	time.RFC1123,                     // Mon, 02 Jan 2006 15:04:05 MST
	"Mon, 02-Jan-2006 15:04:05 MST",  // Netscape
	"Monday, 02-Jan-06 15:04:05 MST", // RFC 850
	"Mon, 02-Jan-06 15:04:05 MST",
	time.ANSIC, // Mon Jan _2 15:04:05 2006
	"Mon, 02 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"02 Jan 2006 15:04:05 MST",
}

func parseCookieDate(v string) (time.Time, bool) {
	for _, layout := range cookieDateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
