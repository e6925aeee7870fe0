package sign

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The requests the node signers send themselves. Used alone, aws4 rewrites
// opts.path to the query it parsed and node's http sends that; smithy takes
// the query as a map (parseQueryString) and NodeHttpHandler writes it back
// (buildQueryString). Both sign what they send, so the verdict for the bytes
// given (newman, Bruno and others send their own bytes with aws4's
// signature) and the request the signer's own stack sends can differ, and a
// pair can be lost on the way (aws4 drops an empty key, smithy cuts a value
// at its second '='). Measured against the relay by the differential test
// (internal/differential), from aws4 1.13.2's parsePath and formatPath and
// @smithy/core's parseQueryString and buildQueryString.

const srcNodeStacks = "aws4 1.13.2 (parsePath, formatPath) and @smithy/core (parseQueryString, buildQueryString) with node's http, run here against the differential test's relay"

// nodeOwnRequest is the request aws4 or smithy sends for the one given when
// its stack rewrites the target; nil when it sends it as given, or when it
// would refuse to (a malformed escape throws in JavaScript's decoders).
func (in *dialectInput) nodeOwnRequest(d Dialect) *DialectOwnRequest {
	if in.opts.Presign {
		return nil
	}
	var path, query, does string
	var ok bool
	switch d.Name {
	case dialectAWS4:
		path, query, ok = aws4Target(in.path, in.query)
		does = "aws4 rewrites the request's path to the query it parsed (pairs with an empty key left out, '+' read as a space) and node's http sends that"
	case dialectSmithy:
		path = in.path
		query, ok = smithyQuery(in.query)
		does = "NodeHttpHandler writes the query back from smithy's map (keys sorted, a value cut at its second '=', a key without '=' sent bare)"
	default:
		return nil
	}
	if !ok || path == in.path && query == in.query {
		return nil
	}
	own := &Request{Method: in.ref.Method, Scheme: in.scheme, Host: in.headers[0].Value, Path: path, RawQuery: query, Headers: in.headers[1:]}
	// The signer signs the request it sends: its verdict on those bytes.
	sent, err := newDialectInput(own, in.opts)
	if err != nil {
		return &DialectOwnRequest{Target: own.Target(), Note: does + "; AWS cannot read that request: " + err.Error()}
	}
	res, _ := sent.compareCanon(d)
	return &DialectOwnRequest{Target: own.Target(), Accepted: res.Verdict == VerdictAccepted, Note: does}
}

// aws4Target is what aws4 1.13.2 leaves in opts.path: parsePath runs
// encodeURI(decodeURI(path)) over a path holding anything outside its set,
// then splits the query off and parses it (querystring.parse: '+' is a
// space); formatPath drops the empty key and writes the pairs back with
// querystring.stringify and encodeRfc3986, in the order of the parsed
// object's keys. ok is false where aws4 throws.
func aws4Target(path, query string) (string, string, bool) {
	target := path
	if query != "" {
		target += "?" + query
	}
	if strings.IndexFunc(target, func(r rune) bool {
		return !(r < utf8.RuneSelf && (isAlnum(byte(r)) || strings.IndexByte(";,/?:@&=+$-_.!~*'()#%", byte(r)) >= 0))
	}) >= 0 {
		dec, ok := jsDecodeURI(target)
		if !ok {
			return "", "", false
		}
		target = jsEncodeURI(dec)
	}
	path, query, has := strings.Cut(target, "?")
	if !has {
		return path, "", true
	}
	type entry struct {
		key    string
		values []string
	}
	var entries []entry
	for _, piece := range strings.Split(query, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		k, kok := jsDecodeComponent(strings.ReplaceAll(k, "+", " "))
		v, vok := jsDecodeComponent(strings.ReplaceAll(v, "+", " "))
		if !kok || !vok {
			// querystring.unescape falls back to a lenient decoder; not measured.
			return "", "", false
		}
		if i := slices.IndexFunc(entries, func(e entry) bool { return e.key == k }); i >= 0 {
			entries[i].values = append(entries[i].values, v)
			continue
		}
		entries = append(entries, entry{k, []string{v}})
	}
	// A JavaScript object lists its integer-like keys first, ascending.
	slices.SortStableFunc(entries, func(a, b entry) int {
		ai, aok := jsArrayIndex(a.key)
		bi, bok := jsArrayIndex(b.key)
		switch {
		case aok && bok:
			return int(ai - bi)
		case aok:
			return -1
		case bok:
			return 1
		}
		return 0
	})
	var parts []string
	for _, e := range entries {
		if e.key == "" {
			continue
		}
		for _, v := range e.values {
			parts = append(parts, uriEncode(e.key, true)+"="+uriEncode(v, true))
		}
	}
	return path, strings.Join(parts, "&"), true
}

// smithyQuery is the query NodeHttpHandler sends for one parsed by
// parseQueryString: split at '&' and at every '=' (the second piece is the
// value, the rest is lost), decoded with decodeURIComponent ('+' stays a
// plus), keys sorted; a repeated key sends each value (a missing one as
// "null"), a lone key without '=' goes out bare.
func smithyQuery(query string) (string, bool) {
	if query == "" {
		return "", true
	}
	type value struct {
		s    string
		null bool
	}
	values := map[string][]value{}
	var keys []string
	for _, pair := range strings.Split(query, "&") {
		pieces := strings.Split(pair, "=")
		k, ok := jsDecodeComponent(pieces[0])
		if !ok {
			return "", false
		}
		v := value{null: true}
		if len(pieces) > 1 && pieces[1] != "" {
			if v.s, ok = jsDecodeComponent(pieces[1]); !ok {
				return "", false
			}
			v.null = false
		} else if len(pieces) > 1 {
			v.null = false // "k=": an empty string, not null
		}
		if _, seen := values[k]; !seen {
			keys = append(keys, k)
		}
		values[k] = append(values[k], v)
	}
	slices.SortFunc(keys, compareUTF16)
	var parts []string
	for _, k := range keys {
		vs := values[k]
		ek := uriEncode(k, true)
		if len(vs) == 1 {
			if vs[0].null {
				parts = append(parts, ek)
			} else {
				parts = append(parts, ek+"="+uriEncode(vs[0].s, true))
			}
			continue
		}
		for _, v := range vs {
			s := v.s
			if v.null {
				s = "null"
			}
			parts = append(parts, ek+"="+uriEncode(s, true))
		}
	}
	return strings.Join(parts, "&"), true
}

// compareUTF16 orders strings as JavaScript's default sort does: by UTF-16
// code units, which differs from byte order only above U+FFFF.
func compareUTF16(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	unit := func(r rune) rune {
		if r > 0xFFFF {
			return 0xD800 + (r-0x10000)>>10
		}
		return r
	}
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if ua, ub := unit(ra[i]), unit(rb[i]); ua != ub {
			return int(ua - ub)
		}
		if ra[i] != rb[i] {
			return int(ra[i] - rb[i])
		}
	}
	return len(ra) - len(rb)
}

// jsArrayIndex reads a key JavaScript treats as an array index.
func jsArrayIndex(k string) (int64, bool) {
	if k == "" || len(k) > 1 && k[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseInt(k, 10, 64)
	return n, err == nil && n >= 0 && n < 1<<32-1 && strconv.FormatInt(n, 10) == k
}

// jsDecodeComponent is decodeURIComponent: every escape decoded; false
// where it throws (a bad escape, or bytes that are not UTF-8).
func jsDecodeComponent(s string) (string, bool) {
	return jsDecode(s, "")
}

// jsDecodeURI is decodeURI: escapes of the reserved characters are kept.
func jsDecodeURI(s string) (string, bool) {
	return jsDecode(s, ";/?:@&=+$,#")
}

func jsDecode(s, keep string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, utf8.ValidString(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		c := unhex(s[i+1])<<4 | unhex(s[i+2])
		if c < utf8.RuneSelf && strings.IndexByte(keep, c) >= 0 {
			b.WriteString(s[i : i+3])
		} else {
			b.WriteByte(c)
		}
		i += 2
	}
	out := b.String()
	return out, utf8.ValidString(out)
}

// jsEncodeURI is encodeURI: UTF-8, upper-case hex, everything escaped but
// letters, digits and ;,/?:@&=+$-_.!~*'()#.
func jsEncodeURI(s string) string {
	return escapeBytes(s, func(c byte) bool { return isAlnum(c) || strings.IndexByte(";,/?:@&=+$-_.!~*'()#", c) >= 0 })
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
