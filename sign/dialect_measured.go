package sign

import (
	"slices"
	"strings"
)

// What botocore, aws4 and @smithy/signature-v4 do where PRODUCT.md does not
// say, measured by running them here (TestBotocoreDialectMatchesBotocore,
// TestAWS4DialectMatchesAWS4, TestSmithyDialectMatchesSmithy run the same
// cases on the real libraries, so the models stay true), and what their
// usual HTTP stacks do to the bytes after signing.

// Releases measured.
const (
	botocoreMeasured = "botocore 1.29.27"
	smithyRelease    = "5.7.5"
	smithyMeasured   = "@smithy/signature-v4 " + smithyRelease

	srcBotocoreRun = "botocore 1.29.27 run here (TestBotocoreDialectMatchesBotocore; auth.py _canonical_query_string_url, _normalize_url_path)"
	srcAWS4Run     = "aws4 1.13.2 run here (TestAWS4DialectMatchesAWS4)"
	srcAmplifyRun  = "@aws-amplify/core 6.19.2 Signer run here (TestAmplifyDialectMatchesAmplify)"
	srcSmithyRun   = "@smithy/signature-v4 5.7.5 run here with @smithy/core's parseQueryString (TestSmithyDialectMatchesSmithy)"
	srcURLLib3     = "botocore 1.29.27 with its URLLib3Session, run here against a socket (urllib3 normalizes the URL it sends; botocore's _get_request_target leaves out the path's ;params)"
)

// measuredPairs is the query pairs a profile reads: smithy's
// parseQueryString keeps the empty pairs of '&&' (as a key "" without a
// value), cuts a value at its first '=' and, with getCanonicalQuery, leaves
// out a key without a value unless the key is repeated, where the missing
// value is signed as "null"; aws4 drops an empty key, and in S3 signs only
// the first pair of a repeated key.
func (in *dialectInput) measuredPairs(p dialectProfile) []rawPair {
	if !p.smithyNulls && !p.cutSecondEq && !p.dropEmptyKey && !(p.firstValueS3 && in.s3) {
		return in.pairs
	}
	pairs := in.pairs
	if p.smithyNulls && in.query != "" {
		pairs = nil
		for _, piece := range strings.Split(in.query, "&") {
			k, v, eq := strings.Cut(piece, "=")
			pairs = append(pairs, rawPair{raw: piece, key: k, value: v, hasEq: eq})
		}
	}
	count := map[string]int{}
	for _, rp := range pairs {
		k, _ := decodeEncode(rp.key, plusLiteral)
		count[k]++
	}
	var out []rawPair
	seen := map[string]bool{}
	for _, rp := range pairs {
		k, _ := decodeEncode(rp.key, plusLiteral)
		switch {
		case p.dropEmptyKey && k == "":
			continue
		case p.firstValueS3 && in.s3 && seen[k]:
			continue
		case p.smithyNulls && !rp.hasEq && count[k] == 1:
			continue
		case p.smithyNulls && !rp.hasEq:
			rp.value, rp.hasEq = "null", true
		}
		seen[k] = true
		if p.cutSecondEq {
			rp.value, _, _ = strings.Cut(rp.value, "=")
		}
		out = append(out, rp)
	}
	return out
}

// botocoreQuery is botocore's header-mode canonical query: the raw query
// split at every '&' (the empty pairs of '&&' kept) and each pair at its
// first '=', sorted as (key, value), and written back as written: nothing
// is decoded or encoded, so '+', ';', '=' and every escape stand as sent.
func botocoreQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for _, piece := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(piece, "=")
		pairs = append(pairs, kv{k, v})
	}
	slices.SortFunc(pairs, func(a, b kv) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

// urllib3Target is the path and query botocore's HTTP stack sends for a
// URL: urllib3 percent-encodes the bytes a URL may not hold raw (space,
// "<>, non-ASCII) and writes every escape in upper case, after botocore
// has signed the URL as written; and botocore's request target leaves out
// the ;params of the path's last segment.
func urllib3Target(path, query string) (string, string) {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		if j := strings.IndexByte(path[i:], ';'); j >= 0 {
			path = path[:i+j]
		}
	}
	return urllib3Normalize(path), urllib3Normalize(query)
}

func urllib3Normalize(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteString(strings.ToUpper(s[i : i+3]))
			i += 2
		case c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0:
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// latin1Path is the path node's http sends for a path string: each
// character as one byte, its code point cut to 8 bits (é, U+00E9, goes out
// as the byte 0xE9, not UTF-8). The path is read as UTF-8, as a JavaScript
// string made from it would be.
func latin1Path(path string) string {
	var b strings.Builder
	for _, r := range path {
		b.WriteByte(byte(r))
	}
	return b.String()
}

// fromLatin1 reads bytes as latin-1 characters, the inverse of latin1Path
// for code points below 256: what a smithy user wrote for the bytes node
// sent.
func fromLatin1(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// ownStackRequest is the request a signer's usual HTTP stack sends for the
// one given, when it rewrites the bytes after signing (botocore's urllib3,
// node's http under smithy); nil when it sends them as given. Accepted says
// whether AWS's canonical path and query for those bytes are the ones the
// signer signed; when not, each differing line is added to res, explained
// by the rewrite, so the verdict rejects it.
func (in *dialectInput) ownStackRequest(d Dialect, canon dialectCanon, res *DialectResult) *DialectOwnRequest {
	path, query := in.path, in.query
	var does string
	switch d.Name {
	case dialectBotocore:
		if in.opts.Presign {
			return nil
		}
		path, query = urllib3Target(in.path, in.query)
		does = "urllib3 sends escapes in upper case and percent-encodes raw bytes after botocore signed them as written, and the path's ;params are not sent"
	case dialectSmithy:
		if !hasNonASCII(in.path) {
			return nil
		}
		path = latin1Path(in.path)
		does = "node's http (NodeHttpHandler) sends each character of the path as one latin-1 byte, not the UTF-8 the signature covers (and refuses to send a character above U+00FF)"
	default:
		return nil
	}
	if path == in.path && query == in.query {
		return nil
	}
	own := &Request{Method: in.ref.Method, Scheme: in.scheme, Host: in.headers[0].Value, Path: path, RawQuery: query, Headers: in.headers[1:]}
	const feature = "bytes its HTTP stack rewrites after signing"
	match := DialectMatch{ID: "sent-after-signing", Feature: feature, Signer: does,
		AWS: "the server signs the bytes it receives", Effect: EffectBreaks, Source: srcURLLib3}
	if d.Name == dialectSmithy {
		match.Source = srcSmithyRun
	}
	match.Summary = d.Label() + ", " + feature + ": " + does
	t, _, _, err := trace(own, in.opts)
	if err != nil {
		res.Lines = append(res.Lines, DialectLine{Part: PartURI, AWS: "", Signer: canon.uri, Rules: []DialectMatch{match}})
		return &DialectOwnRequest{Target: own.Target(), Note: does + "; AWS cannot read that request: " + err.Error()}
	}
	for _, l := range []struct{ part, aws, signer string }{{PartURI, t.URI.Output, canon.uri}, {PartQuery, t.Query.Output, canon.query}} {
		if l.aws != l.signer {
			res.Lines = append(res.Lines, DialectLine{Part: l.part, AWS: l.aws, Signer: l.signer, Rules: []DialectMatch{match}})
		}
	}
	ok := t.URI.Output == canon.uri && t.Query.Output == canon.query
	return &DialectOwnRequest{Target: own.Target(), Accepted: ok, Note: does}
}

// s3WithoutPayloadHash marks a signed S3 request that was sent without
// x-amz-content-sha256: S3 refuses it ("Missing required header for this
// request: x-amz-content-sha256") whatever the signature, and curl 7.88's
// --aws-sigv4 sends none. The canonical requests are compared as if it
// had been sent; this line says it was not.
func (in *dialectInput) s3WithoutPayloadHash(res *DialectResult) {
	if !in.noPayloadHash {
		return
	}
	const feature = "an S3 request signed without x-amz-content-sha256"
	res.Lines = append(res.Lines, DialectLine{Part: PartHeaders, Header: "x-amz-content-sha256",
		AWS: "x-amz-content-sha256:" + in.ref.Payload.Hash, Signer: "", Rules: []DialectMatch{{
			ID: "s3-content-sha256-missing", Feature: feature,
			Signer: "the request carries no x-amz-content-sha256 header", AWS: "S3 requires it on every header-signed request and refuses the request without it",
			Effect: EffectBreaks, Source: "S3's SigV4 header authentication (the differential test's reference)",
			Summary: res.Signer + ", " + feature + ": S3 refuses it"}}})
}

// IsSendingLine reports a line that is about the bytes sent, not the
// canonical request: its HTTP stack rewrote them, or S3's required header
// is missing. The canonical request may be AWS's (Same) with such a line.
func (l DialectLine) IsSendingLine() bool {
	return slices.ContainsFunc(l.Rules, func(m DialectMatch) bool {
		return m.ID == "sent-after-signing" || m.ID == "s3-content-sha256-missing"
	})
}
