package sign

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// What a curl span does to a request, in words: each departure from AWS's
// rule names the bytes of the request that cause it.

// explain says why this span's line differs from AWS's, naming what in
// the request makes it differ.
func (c *curlRelease) explain(d Dialect, in *dialectInput, part, aws, got string) DialectMatch {
	m := DialectMatch{Effect: EffectBreaks, Source: srcCurl + " at " + c.tag}
	var why []string
	if part == PartURI {
		m.ID, m.Signer, why = "curl-path", c.pathDoes(), c.pathDepartures(in)
		m.AWS = pathRuleText(in)
	} else {
		m.ID, m.Signer, why = "curl-query", c.queryDoes(), c.queryDepartures(in.query)
		m.AWS = "each key and value decoded and URI-encoded (upper-case %XX, every byte but A-Z a-z 0-9 - . _ ~; a raw '+' is a plus, %2B), a key without '=' signed as key=, empty pairs dropped, sorted by encoded key, then value"
	}
	if len(why) == 0 {
		why = []string{fmt.Sprintf("`%s` where AWS signs `%s`", got, aws)}
	}
	m.Feature = strings.Join(why, "; ")
	m.Summary = c.label(d) + " " + m.Signer + ": " + m.Feature
	return m
}

func (c *curlRelease) pathDoes() string {
	switch c.path {
	case curlPathEscapedOnce:
		return "encodes the path once, escapes kept, for every service"
	case curlPathEncoded:
		return "encodes the path again outside S3 but does not normalize it"
	}
	return "signs the path as written"
}

func (c *curlRelease) queryDoes() string {
	switch c.query {
	case curlQueryEscaped:
		return "sorts the query pairs as written and escapes them without decoding"
	case curlQueryDecoded:
		return "re-encodes the query as AWS does but for '+'"
	}
	return "signs the query as written"
}

// pathDepartures name what in the path this span signs otherwise than AWS.
func (c *curlRelease) pathDepartures(in *dialectInput) []string {
	path := in.path
	var out []string
	if in.normalize && needsNormalizing(path) {
		_, rules := normalizePath(path)
		for _, r := range rules {
			switch r {
			case RuleDotSegments:
				note := "curl sends them only with --path-as-is"
				if c.path == curlPathEncoded {
					note = "though curl cannot send them: --aws-sigv4 refuses --path-as-is since 8.14.0"
				}
				out = append(out, "the dot segments kept (AWS removes them); "+note)
			case RuleDuplicateSlash:
				out = append(out, "`//` kept (AWS merges duplicate slashes)")
			}
		}
	}
	asWritten := c.path == curlPathAsWritten || c.path == curlPathEncoded && in.s3
	if asWritten || c.path == curlPathEscapedOnce && !in.s3 {
		if esc := escapesIn(path); len(esc) > 0 {
			if in.s3 {
				if lower := lowerEscapes(esc); len(lower) > 0 {
					out = append(out, fmt.Sprintf("%s %s kept (AWS upper-cases it: `%s`)", plural(len(lower), "the lower-case escape", "the lower-case escapes"), quoteList(lower), strings.ToUpper(lower[0])))
				}
			} else {
				out = append(out, fmt.Sprintf("%s %s not encoded again (AWS: `%%25%s`)", plural(len(esc), "the escape", "the escapes"), quoteList(esc), esc[0][1:]))
			}
		}
	}
	if asWritten {
		if raw := bytesAWSEscapes(path, "/%"); len(raw) > 0 {
			out = append(out, fmt.Sprintf("%s left unescaped (AWS: %s)", quoteList(raw), encodedList(raw)))
		}
	}
	return out
}

// queryDepartures name what in the raw query this span signs otherwise
// than AWS.
func (c *curlRelease) queryDepartures(raw string) []string {
	var out []string
	add := func(s string) { out = appendOnce(out, s) }
	empty := 0
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			empty++
			continue
		}
		k, v, eq := strings.Cut(p, "=")
		if !eq && (c.query == curlQueryAsWritten || !c.valuelessEquals && c.query == curlQueryEscaped) {
			add(fmt.Sprintf("the valueless key `%s` kept without `=` (AWS signs `%s=`)", p, awsComponent(p)))
		}
		if eq && strings.Contains(v, "=") && c.query != curlQueryDecoded {
			add(fmt.Sprintf("`=` inside the value of `%s` kept (AWS: `%%3D`)", p))
		}
		for _, comp := range []string{k, v} {
			for _, e := range escapesIn(comp) {
				d := percentDecode(e)
				switch {
				case c.query == curlQueryDecoded:
				case unreserved(d[0]):
					add(fmt.Sprintf("the escape `%s` kept (AWS decodes it: `%s`)", e, d))
				case c.query == curlQueryAsWritten && e != strings.ToUpper(e):
					add(fmt.Sprintf("the lower-case escape `%s` kept (AWS: `%s`)", e, strings.ToUpper(e)))
				}
			}
		}
		switch {
		case c.query == curlQueryAsWritten:
			if raw := bytesAWSEscapes(k+v, "%"); len(raw) > 0 {
				add(fmt.Sprintf("%s left unescaped (AWS: %s)", quoteList(raw), encodedList(raw)))
			}
		case c.query == curlQueryDecoded && strings.Contains(p, "+"):
			add("a raw `+` signed as a space, `%20` (AWS reads it as a plus: `%2B`)")
		case c.query == curlQueryDecoded && !c.keepEscapedPlus && strings.Contains(strings.ToUpper(p), "%2B"):
			add("`%2B` signed as a space, `%20` (AWS: `%2B`; curl 8.19.0 fixed it)")
		}
	}
	if empty > 0 && c.query == curlQueryAsWritten {
		add(fmt.Sprintf("the empty pairs of `%s` kept (AWS drops them)", raw))
	}
	if c.query != curlQueryDecoded {
		if aws, mine := awsOrder(raw), c.order(raw); !slices.Equal(aws, mine) {
			how := "kept in the order written"
			if c.query == curlQueryEscaped {
				how = "sorted as written, before escaping"
			}
			add(fmt.Sprintf("the pairs %s, `%s` (AWS sorts the encoded pairs: `%s`)", how, strings.Join(mine, "&"), strings.Join(aws, "&")))
		}
	}
	return out
}

// order is the non-empty pairs as written, in the order this span signs them.
func (c *curlRelease) order(raw string) []string {
	pairs := slices.DeleteFunc(strings.Split(raw, "&"), func(p string) bool { return p == "" })
	if c.query == curlQueryEscaped {
		slices.SortStableFunc(pairs, func(a, b string) int {
			n := min(len(a), len(b))
			return strings.Compare(a[:n], b[:n])
		})
	}
	return pairs
}

// awsOrder is the non-empty pairs as written, in the order AWS signs them.
func awsOrder(raw string) []string {
	params, _, err := parseQuery(raw)
	if err != nil {
		return nil
	}
	var pairs []string
	for _, p := range strings.Split(raw, "&") {
		if p != "" {
			pairs = append(pairs, p)
		}
	}
	for i := range params {
		params[i].EncodedKey, params[i].EncodedValue = uriEncode(params[i].Key, true), uriEncode(params[i].Value, true)
	}
	idx := make([]int, len(pairs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if r := strings.Compare(params[a].EncodedKey, params[b].EncodedKey); r != 0 {
			return r
		}
		return strings.Compare(params[a].EncodedValue, params[b].EncodedValue)
	})
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = pairs[j]
	}
	return out
}

// awsComponent is a raw query component as AWS signs it.
func awsComponent(raw string) string {
	_, enc := decodeEncode(raw, plusLiteral)
	return enc
}

// escapesIn lists the %XX escapes of s, each once.
func escapesIn(s string) []string {
	var out []string
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && isHex(s[i+1]) && isHex(s[i+2]) {
			out = appendOnce(out, s[i:i+3])
			i += 2
		}
	}
	return out
}

func lowerEscapes(esc []string) []string {
	return slices.DeleteFunc(slices.Clone(esc), func(e string) bool { return e == strings.ToUpper(e) })
}

// bytesAWSEscapes lists the characters of s (whole UTF-8 sequences) that
// AWS's rule escapes, but for those in keep, each once.
func bytesAWSEscapes(s, keep string) []string {
	var out []string
	for i := 0; i < len(s); {
		_, n := utf8.DecodeRuneInString(s[i:])
		if n == 1 && (unreserved(s[i]) || strings.IndexByte(keep, s[i]) >= 0) {
			i++
			continue
		}
		out = appendOnce(out, s[i:i+n])
		i += n
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, " ")
}

func encodedList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + uriEncode(s, true) + "`"
	}
	return strings.Join(q, " ")
}

// pathRuleText is AWS's rule for this request's path, in a sentence.
func pathRuleText(in *dialectInput) string {
	if in.s3 {
		return "encoded once as received: escapes kept with upper-case hex, every other byte but A-Z a-z 0-9 - . _ ~ / as %XX (S3)"
	}
	return "dot segments removed and '//' merged, then URI-encoded: every byte but A-Z a-z 0-9 - . _ ~ / as %XX, so an escape %XX becomes %25XX (every service but S3)"
}
