package workbench

import (
	"encoding/json"
	"html"
	"net/url"
	"sort"
	"strings"
)

// Credentials a body carries by name: a JSON key ("RefreshToken": "…",
// also inside a JSON string, as an echo server or a Lambda proxy event
// writes a body: \"password\":\"…\"), an XML leaf element
// (<SecretAccessKey>…</SecretAccessKey>, CDATA too) or a form or query
// pair (client_secret=…&refresh_token=…). Which names are credentials is
// CredentialName's call. The text is found by shape, whatever the
// Content-Type says, since a server may send JSON as text/plain; every
// byte outside a credential's value is kept as it was, so -o json and a
// body piped on stay exact but for the secrets.

// fieldStems find where such a name may start: every name CredentialName
// accepts holds one of them whole, in any case (a stem cut by a
// separator, as in pass_word, is not looked for).
var fieldStems = []string{"token", "secret", "passw", "passphrase", "key", "assertion", "session", "sessid", "verifier", "authorization", "pwd", "cookie"}

// field is one credential found in a text: its name, its value decoded,
// and where the name and the value are.
type field struct {
	name, value string
	start, end  int    // from the name to the end of the value
	vstart      int    // where the value, as written, starts
	masked      string // the value as written in its place, masked
}

// maskFields masks the values of credential-named fields in s.
func maskFields(s string) string {
	fs := findFields(s)
	if len(fs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, f := range fs {
		b.WriteString(s[last:f.vstart])
		b.WriteString(f.masked)
		last = f.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// findFields lists, in order and without overlap, the credential fields
// of s whose value is not masked already.
func findFields(s string) []field {
	lower := asciiLower(s)
	var hits []int
	for _, st := range fieldStems {
		for i := 0; ; {
			j := strings.Index(lower[i:], st)
			if j < 0 {
				break
			}
			hits = append(hits, i+j)
			i += j + len(st)
		}
	}
	if len(hits) == 0 {
		return nil
	}
	sort.Ints(hits)
	var out []field
	end := 0
	for _, h := range hits {
		if h < end {
			continue // inside a name or a value seen already
		}
		a, z := nameSpan(s, h)
		if a >= end && isCredentialField(s[a:z]) {
			for _, f := range fieldsAt(s, a, z) {
				out = append(out, f)
				end = f.end
			}
		}
		end = max(end, z)
	}
	return out
}

func isCredentialField(name string) bool {
	return CredentialName(name) || strings.EqualFold(name, "cookie") || strings.EqualFold(name, "set-cookie")
}

func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.:[]", c) >= 0
}

func nameSpan(s string, i int) (int, int) {
	a, z := i, i
	for a > 0 && nameByte(s[a-1]) {
		a--
	}
	for z < len(s) && nameByte(s[z]) {
		z++
	}
	return a, z
}

// fieldsAt reads the value(s) of the name s[a:z] in the shape around it:
// one for a string, a number, an XML element or a form pair, one per
// element for a JSON array of strings.
func fieldsAt(s string, a, z int) []field {
	name := s[a:z]
	mk := func(vs, ve int, value, written func(string) string, raw string) *field {
		v := value(raw)
		if v == "" || strings.Contains(v, "…(") {
			return nil // masked already
		}
		m := maskHeaderValue(name, v)
		if m == v {
			return nil
		}
		return &field{name: name, value: v, start: a, end: ve, vstart: vs, masked: written(m)}
	}
	var out []field
	add := func(f *field) {
		if f != nil {
			out = append(out, *f)
		}
	}
	switch q := jsonQuoteAt(s, a, z); {
	case q != "":
		i := skipSpace(s, z+len(q))
		if i >= len(s) || s[i] != ':' {
			return nil
		}
		i = skipSpace(s, i+1)
		array := i < len(s) && s[i] == '['
		if array {
			i = skipSpace(s, i+1)
		}
		for i < len(s) {
			ve, ok := jsonScalarEnd(s, i, q)
			if !ok {
				break
			}
			f := mk(i, ve, jsonValue, jsonWritten(q), s[i:ve])
			if f != nil && array {
				f.start = i // each element its own field
			}
			add(f)
			if !array {
				break
			}
			i = skipSpace(s, ve)
			if i >= len(s) || s[i] != ',' {
				break
			}
			i = skipSpace(s, i+1)
		}
	case a > 0 && s[a-1] == '<' && z < len(s):
		if vs, ve, cdata, ok := xmlLeaf(s, name, z); ok {
			if cdata {
				add(mk(vs, ve, func(r string) string { return r[len("<![CDATA[") : len(r)-len("]]>")] }, func(m string) string { return "<![CDATA[" + m + "]]>" }, s[vs:ve]))
			} else {
				add(mk(vs, ve, html.UnescapeString, html.EscapeString, s[vs:ve]))
			}
		}
	case z < len(s) && s[z] == '=' && (a == 0 || strings.IndexByte("?#&;\"' \t\r\n(,", s[a-1]) >= 0):
		ve := z + 1
		for ve < len(s) && strings.IndexByte("&;,\"'<># \t\r\n)", s[ve]) < 0 {
			ve++
		}
		add(mk(z+1, ve, formValue, func(m string) string { return m }, s[z+1:ve]))
	}
	return out
}

func skipSpace(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
		i++
	}
	return i
}

// jsonQuoteAt is how the name s[a:z] is quoted as a JSON key: `"`, or
// `\"` in a JSON document written inside a JSON string; "" when it is
// no JSON key.
func jsonQuoteAt(s string, a, z int) string {
	switch {
	case a > 1 && s[a-2:a] == `\"` && strings.HasPrefix(s[z:], `\"`):
		return `\"`
	case a > 0 && s[a-1] == '"' && strings.HasPrefix(s[z:], `"`):
		return `"`
	}
	return ""
}

// jsonScalarEnd finds the end of the JSON string (quoted by q) or number
// that starts at i. Inside a string quoted \" the inner document's own
// escapes are escaped once more: \\ is its backslash, \" its quote.
func jsonScalarEnd(s string, i int, q string) (int, bool) {
	if !strings.HasPrefix(s[i:], q) {
		if strings.IndexByte("-0123456789", s[i]) < 0 {
			return 0, false // true, false, null, an object: no secret to see
		}
		j := i + 1
		for j < len(s) && strings.IndexByte("0123456789+-.eE", s[j]) >= 0 {
			j++
		}
		return j, true
	}
	escaped := false // within the innermost string
	for j := i + len(q); j < len(s); {
		c, w := s[j], 1
		if q == `\"` {
			if c == '"' {
				return 0, false // the outer string ended first
			}
			if c == '\\' && j+1 < len(s) {
				c, w = s[j+1], 2
			}
		}
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			return j + w, true
		}
		j += w
	}
	return 0, false
}

// jsonValue decodes a JSON string or number as written, once more for a
// document inside a string; jsonWritten writes a mask back in its place.
func jsonValue(raw string) string {
	switch {
	case strings.HasPrefix(raw, `\"`):
		return unquoteJSON(`"` + unquoteJSON(`"`+raw[2:len(raw)-2]+`"`) + `"`)
	case strings.HasPrefix(raw, `"`):
		return unquoteJSON(raw)
	}
	return raw // a number
}

func unquoteJSON(q string) string {
	var s string
	if json.Unmarshal([]byte(q), &s) != nil {
		return strings.Trim(q, `"`)
	}
	return s
}

func jsonWritten(q string) func(string) string {
	return func(m string) string {
		out := jsonQuote(m)
		if q == `\"` {
			inner := jsonQuote(out)
			out = `\"` + inner[3:len(inner)-3] + `\"`
		}
		return out
	}
}

func jsonQuote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// xmlLeaf finds the text of an element <name …>text</name> whose start
// tag's name ends at z; an element with children is no leaf.
func xmlLeaf(s, name string, z int) (vs, ve int, cdata, ok bool) {
	gt := strings.IndexByte(s[z:], '>')
	if gt < 0 || (s[z] != '>' && strings.IndexByte(" \t\r\n", s[z]) < 0) {
		return 0, 0, false, false
	}
	gt += z
	if strings.ContainsRune(s[z:gt], '<') || s[gt-1] == '/' {
		return 0, 0, false, false
	}
	vs = gt + 1
	if strings.HasPrefix(s[vs:], "<![CDATA[") {
		end := strings.Index(s[vs:], "]]>")
		if end < 0 {
			return 0, 0, false, false
		}
		ve, cdata = vs+end+len("]]>"), true
	} else if lt := strings.IndexByte(s[vs:], '<'); lt >= 0 {
		ve = vs + lt
	} else {
		return 0, 0, false, false
	}
	if !strings.HasPrefix(s[ve:], "</"+name) {
		return 0, 0, false, false
	}
	rest := skipSpace(s, ve+2+len(name))
	return vs, ve, cdata, rest < len(s) && s[rest] == '>'
}

func formValue(raw string) string {
	if v, err := url.QueryUnescape(raw); err == nil {
		return v
	}
	return raw
}

// asciiLower lowers A-Z only, so that offsets in the result are offsets
// in s whatever bytes s holds.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
