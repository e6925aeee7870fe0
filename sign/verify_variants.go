package sign

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A variant is a classic way for a signer and a server to disagree: the
// signer canonicalized the request (or a slightly different one) another
// way. Verify tries each when a signature does not match and no other
// side's canonical request is known; a variant that reproduces the
// request's signature names the cause exactly.
type variant struct {
	name  string
	hint  string
	build func(c *variantCtx) []candidate
}

// candidate is one signer's-eye view of the request and what it would mean.
type candidate struct {
	t     *Trace
	cause string
}

type variantCtx struct {
	in   VerifyInput
	info SignatureInfo
	opts canonOptions
	base *Trace // what the server computes from the request as received

	dialects   *dialectInput // the request for the signer models, built once
	noDialects bool
	hints      map[*Trace]string // a candidate's own hint, when not its variant's
}

type cause struct {
	variant string
	problem Problem
	signers []Dialect // the modelled signers that sign the request this way
}

// Variant names, as Verification.Cause reports them.
const (
	VariantChunkFraming    = "chunk-framing-hashed"
	VariantUnsignedPayload = "unsigned-payload"
	VariantEmptyPayload    = "empty-payload-hashed"
	VariantBodyHashed      = "body-hashed-not-declared"
	VariantCharsetAdded    = "charset-added-after-signing"
	VariantCharsetRemoved  = "charset-removed-after-signing"
	VariantPlusAsSpace     = "plus-signed-as-space"
	VariantPlusUnencoded   = "plus-left-unencoded"
	VariantPathRules       = "path-rules"
	VariantPathUnescaped   = "path-punctuation-unescaped"
	VariantTokenNotSigned  = "session-token-not-signed"
	VariantTokenSigned     = "session-token-signed"
	VariantHostPort        = "host-port"
	VariantQueryAsWritten  = "query-as-written"
	VariantQueryUnsorted   = "query-unsorted"
	VariantTabsFolded      = "tabs-folded"
	VariantRepeatedHeader  = "repeated-header"
	VariantContentLength   = "content-length-changed"
	VariantOtherScope      = "other-scope"
	// VariantEscapesUppercased: botocore signed escapes as written and
	// urllib3 sent them in upper case.
	VariantEscapesUppercased = "escapes-uppercased-after-signing"
	// VariantPathLatin1: smithy signed the path's UTF-8 and node's http
	// sent its characters as latin-1 bytes.
	VariantPathLatin1 = "path-sent-as-latin1"
	// VariantSignerDialect: a modelled signer's own canonicalization
	// (sigscope compare's), named with its releases.
	VariantSignerDialect = "signer-dialect"
)

var variants = []variant{
	{VariantChunkFraming, "hash the payload before chunking it", chunkFraming},
	{VariantUnsignedPayload, "send x-amz-content-sha256: UNSIGNED-PAYLOAD with the request (S3), or sign the body's hash", unsignedPayload},
	{VariantEmptyPayload, "hash the body that is sent, after it is final", emptyPayload},
	{VariantBodyHashed, "send x-amz-content-sha256 with the hash that was signed", bodyHashed},
	{VariantCharsetAdded, "sign the Content-Type exactly as the client sends it (with its charset), or stop the client adding one", charsetAdded},
	{VariantCharsetRemoved, "sign the Content-Type as it arrives, or keep the proxy from rewriting it", charsetRemoved},
	{VariantPlusAsSpace, "write %20 for a space and %2B for a plus in the query: then every signer agrees", plusAsSpace},
	{VariantPlusUnencoded, "write %20 for a space and %2B for a plus in the query: then every signer agrees", plusUnencoded},
	{VariantPathRules, "sign with the service's path rules: S3 encodes once and keeps dot segments, every other service normalizes and encodes twice", pathRules},
	{VariantPathUnescaped, "percent-encode !'()* in the path before signing", pathUnescaped},
	{VariantTokenNotSigned, "sign with the session token (or, if the service wants it unsigned as AWS IoT does, verify with --omit-session-token)", tokenNotSigned},
	{VariantTokenSigned, "verify without --omit-session-token", tokenSigned},
	{VariantHostPort, "send the Host exactly as signed: with or without the port on both sides", hostPort},
	{VariantQueryAsWritten, "let the signer decode and re-encode each key and value (UriEncode), or send the query already in that form", queryAsWritten},
	{VariantQueryUnsorted, "sort the query parameters by encoded key, then value, before signing", queryUnsorted},
	{VariantTabsFolded, "avoid tabs in header values: signers disagree on them", tabsFolded},
	{VariantRepeatedHeader, "send the header once, or join repeated values with ',' in request order when signing", repeatedHeader},
	{VariantContentLength, "sign the Content-Length that is sent, or let the HTTP client set it before signing", contentLength},
	{VariantOtherScope, "derive the key and write the credential for the same region and service", otherScope},
	{VariantEscapesUppercased, "write escapes in upper case (%7E, %C3%A9) before botocore signs the URL, or write unreserved bytes raw (~)", escapesUppercased},
	{VariantPathLatin1, "percent-encode the path (encodeURIComponent of each segment) before handing it to the signer: node's http then sends the bytes signed", pathLatin1},
	{VariantSignerDialect, "", signerDialects},
}

// findCause tries every variant; the first that reproduces the request's
// signature becomes a Problem locating the difference.
func findCause(in VerifyInput, info SignatureInfo, o canonOptions, base *Trace) *cause {
	c := &variantCtx{in: in, info: info, opts: o, base: base}
	for _, v := range variants {
		for _, cand := range v.build(c) {
			if cand.t == nil {
				continue
			}
			cand.t.CanonicalRequest = buildCanonicalRequest(cand.t)
			cand.t.finish(in.SecretAccessKey)
			if !signatureHolds(cand.t, in.SecretAccessKey, info.Signature) {
				continue
			}
			var p *Problem
			if base.CanonicalRequest != cand.t.CanonicalRequest {
				p = DiffCanonicalRequest(base.CanonicalRequest, cand.t.CanonicalRequest)
			} else {
				p = DiffStringToSign(base.StringToSign, cand.t.StringToSign)
			}
			lp := located(*p)
			signers := c.signersOf(cand.t)
			lp.Detail = cand.cause + signedBy(v.name, signers) + "; " + lp.Detail
			lp.Hint = cmp.Or(c.hints[cand.t], v.hint)
			return &cause{variant: v.name, problem: lp, signers: signers}
		}
	}
	return nil
}

// copyBase is the server's trace, ready to change one part.
func (c *variantCtx) copyBase() *Trace {
	t := *c.base
	t.Headers = slices.Clone(c.base.Headers)
	return &t
}

// recanonicalized is the canonical request of a changed request or options.
func (c *variantCtx) recanonicalized(r *Request, o canonOptions) *Trace {
	t, p := canonicalize(r, c.info, o)
	if p != nil {
		return nil
	}
	return t
}

func (c *variantCtx) withPayload(hash string) *Trace {
	t := c.copyBase()
	t.Payload.Hash = hash
	return t
}

// withHeader replaces the canonical value of header line i by what values
// give.
func (c *variantCtx) withHeader(i int, values ...string) *Trace {
	t := c.copyBase()
	var rules []string
	t.Headers[i].Values = values
	t.Headers[i].Value = canonicalValue(values, &rules)
	return t
}

func chunkFraming(c *variantCtx) []candidate {
	wire := c.in.WireBody
	if wire == nil || bytes.Equal(wire, c.in.Request.Body) || c.base.Payload.Source != "body" {
		return nil
	}
	return []candidate{{c.withPayload(sha256Hex(wire)), "the signer hashed the chunked body with its framing (chunk sizes and line ends); the server hashes the decoded payload"}}
}

func unsignedPayload(c *variantCtx) []candidate {
	if c.base.Payload.Hash == UnsignedPayload {
		return nil
	}
	cause := "the signer signed UNSIGNED-PAYLOAD but the request does not say so (no x-amz-content-sha256: UNSIGNED-PAYLOAD), so the server hashed the body"
	if c.info.Presigned {
		cause = "the signer presigned with UNSIGNED-PAYLOAD, as for S3; this service hashes the body (if this is S3, verify with --s3)"
	}
	return []candidate{{c.withPayload(UnsignedPayload), cause}}
}

func emptyPayload(c *variantCtx) []candidate {
	if len(c.in.Request.Body) == 0 || c.base.Payload.Source != "body" {
		return nil
	}
	return []candidate{{c.withPayload(sha256Hex(nil)), fmt.Sprintf("the signer hashed an empty payload but %d bytes of body were sent: the body was added after signing, or it was a stream the signer could not read", len(c.in.Request.Body))}}
}

func bodyHashed(c *variantCtx) []candidate {
	body := sha256Hex(c.in.Request.Body)
	if c.base.Payload.Source == "body" || c.base.Payload.Hash == body {
		return nil
	}
	t := c.withPayload(body)
	if i := c.headerIndex("x-amz-content-sha256"); i >= 0 {
		var rules []string
		t.Headers[i].Value = canonicalValue([]string{body}, &rules)
	}
	return []candidate{{t, "the signer signed the body's hash, but the request declares another payload hash (" + c.base.Payload.Source + "), which is what the server signs: it changed after signing"}}
}

// headerIndex is the index of a canonical header line, -1 without one.
func (c *variantCtx) headerIndex(name string) int {
	return slices.IndexFunc(c.base.Headers, func(l HeaderLine) bool { return l.Name == name })
}

func charsetAdded(c *variantCtx) []candidate {
	i := c.headerIndex("content-type")
	if i < 0 || len(c.base.Headers[i].Values) != 1 {
		return nil
	}
	sent := c.base.Headers[i].Values[0]
	signed := withoutCharset(sent)
	if signed == sent {
		return nil
	}
	return []candidate{{c.withHeader(i, signed), fmt.Sprintf("Content-Type was signed as %q and sent as %q: the charset was added after signing (browsers' fetch and XHR, axios and some proxies add it)", signed, sent)}}
}

func charsetRemoved(c *variantCtx) []candidate {
	i := c.headerIndex("content-type")
	if i < 0 || len(c.base.Headers[i].Values) != 1 {
		return nil
	}
	sent := c.base.Headers[i].Values[0]
	if withoutCharset(sent) != sent {
		return nil
	}
	var out []candidate
	for _, suffix := range []string{"; charset=UTF-8", "; charset=utf-8", ";charset=UTF-8", ";charset=utf-8"} {
		out = append(out, candidate{c.withHeader(i, sent+suffix), fmt.Sprintf("Content-Type was signed as %q and arrived as %q: something in between removed the charset", sent+suffix, sent)})
	}
	return out
}

// withoutCharset removes a charset parameter from a media type.
func withoutCharset(v string) string {
	parts := strings.Split(v, ";")
	kept := parts[:1]
	for _, p := range parts[1:] {
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), "charset=") {
			kept = append(kept, p)
		}
	}
	return strings.TrimRight(strings.Join(kept, ";"), " ")
}

func plusAsSpace(c *variantCtx) []candidate {
	if !strings.Contains(c.in.Request.RawQuery, "+") {
		return nil
	}
	r := c.in.Request.Clone()
	r.RawQuery = strings.ReplaceAll(r.RawQuery, "+", "%20")
	return []candidate{{c.recanonicalized(r, c.opts), "the signer read '+' in the query as a space (%20); AWS reads a raw '+' as a plus (%2B)"}}
}

func plusUnencoded(c *variantCtx) []candidate {
	if !strings.Contains(c.in.Request.RawQuery, "+") {
		return nil
	}
	t := c.copyBase()
	t.Query.Params = slices.Clone(t.Query.Params)
	for i := range t.Query.Params {
		p := &t.Query.Params[i]
		if strings.Contains(p.RawKey, "+") {
			p.EncodedKey = strings.ReplaceAll(p.EncodedKey, "%2B", "+")
		}
		if strings.Contains(p.RawValue, "+") {
			p.EncodedValue = strings.ReplaceAll(p.EncodedValue, "%2B", "+")
		}
	}
	t.Query.Output = joinEncoded(t.Query.Params, true)
	return []candidate{{t, "the signer left '+' unencoded in the canonical query; AWS encodes it as %2B"}}
}

func pathRules(c *variantCtx) []candidate {
	var out []candidate
	for _, s3 := range []bool{false, true} {
		for _, norm := range []bool{true, false} {
			if s3 == c.opts.s3 && norm == c.opts.normalize {
				continue
			}
			step, _, err := canonicalURI(c.in.Request.Path, norm, s3)
			if err != nil || step.Output == c.base.URI.Output {
				continue
			}
			t := c.copyBase()
			t.URI = step
			out = append(out, candidate{t, pathCause(c.opts, s3, norm)})
		}
	}
	return out
}

func pathCause(o canonOptions, s3, norm bool) string {
	enc := func(s3 bool) string {
		if s3 {
			return "encoded once (S3's rule)"
		}
		return "encoded twice, %XX becoming %25XX (every service but S3)"
	}
	nrm := func(n bool) string {
		if n {
			return "normalized, dot segments and duplicate slashes removed (every service but S3)"
		}
		return "not normalized (S3's rule)"
	}
	var signer, server []string
	if s3 != o.s3 {
		signer, server = append(signer, enc(s3)), append(server, enc(o.s3))
	}
	if norm != o.normalize {
		signer, server = append(signer, nrm(norm)), append(server, nrm(o.normalize))
	}
	return "the signer signed the path " + strings.Join(signer, " and ") + "; it was verified " + strings.Join(server, " and ") +
		": if the service is S3, verify with --s3; otherwise the signer used the wrong path rules"
}

func pathUnescaped(c *variantCtx) []candidate {
	if !strings.ContainsAny(c.in.Request.Path, "!'()*") {
		return nil
	}
	t := c.copyBase()
	t.URI.Output = strings.NewReplacer("%21", "!", "%27", "'", "%28", "(", "%29", ")", "%2A", "*").Replace(t.URI.Output)
	return []candidate{{t, "the signer left !'()* unescaped in the path; AWS escapes them (%21 %27 %28 %29 %2A)"}}
}

func tokenNotSigned(c *variantCtx) []candidate {
	if !c.info.Presigned || c.info.SessionToken == "" || c.opts.omitToken {
		return nil
	}
	o := c.opts
	o.omitToken = true
	return []candidate{{c.recanonicalized(c.in.Request, o), "the session token was added to the URL after signing, outside the signature; this service signs every query parameter but X-Amz-Signature"}}
}

func tokenSigned(c *variantCtx) []candidate {
	if !c.info.Presigned || c.info.SessionToken == "" || !c.opts.omitToken {
		return nil
	}
	o := c.opts
	o.omitToken = false
	return []candidate{{c.recanonicalized(c.in.Request, o), "the session token is part of the signature, although verified as added after signing (--omit-session-token)"}}
}

func hostPort(c *variantCtx) []candidate {
	i := c.headerIndex("host")
	if i < 0 || len(c.base.Headers[i].Values) != 1 {
		return nil
	}
	sent := c.base.Headers[i].Values[0]
	if h, dropped := sanitizeHost(c.in.Request.scheme(), sent); dropped {
		return []candidate{{c.withHeader(i, h), fmt.Sprintf("the signer signed host %q without the default port; the request sent Host %q", h, sent)}}
	}
	if strings.Contains(sent, "]:") || !strings.HasPrefix(sent, "[") && strings.Contains(sent, ":") {
		return nil // a port that is not the default: nothing to try
	}
	var out []candidate
	for _, port := range []string{":443", ":80"} {
		out = append(out, candidate{c.withHeader(i, sent+port), fmt.Sprintf("the signer signed host %q with a port; the request sent Host %q", sent+port, sent)})
	}
	return out
}

func queryAsWritten(c *variantCtx) []candidate {
	if c.in.Request.RawQuery == "" {
		return nil
	}
	t := c.copyBase()
	t.Query.Params = slices.Clone(t.Query.Params)
	for i := range t.Query.Params {
		p := &t.Query.Params[i]
		if p.Source == "request" {
			p.EncodedKey, p.EncodedValue = p.RawKey, p.RawValue
		}
	}
	t.Query.Output = joinEncoded(t.Query.Params, true)
	if t.Query.Output == c.base.Query.Output {
		return nil
	}
	return []candidate{{t, "the signer used the query's keys and values as written, without decoding and re-encoding them; AWS re-encodes each (upper-case %XX, every byte but A-Z a-z 0-9 - . _ ~ escaped)"}}
}

func queryUnsorted(c *variantCtx) []candidate {
	params, _, err := parseQuery(c.in.Request.RawQuery)
	if err != nil || len(params) < 2 {
		return nil
	}
	params = unsignedParamsDropped(params, c.info.Presigned, c.opts.omitToken)
	for i := range params {
		params[i].EncodedKey, params[i].EncodedValue = uriEncode(params[i].Key, true), uriEncode(params[i].Value, true)
	}
	t := c.copyBase()
	t.Query.Params = params
	t.Query.Output = joinEncoded(params, false)
	if t.Query.Output == c.base.Query.Output {
		return nil
	}
	return []candidate{{t, "the signer kept the query parameters in the order sent; AWS sorts them by encoded key, then value"}}
}

func tabsFolded(c *variantCtx) []candidate {
	var out []candidate
	for i, l := range c.base.Headers {
		if !strings.ContainsRune(l.Value, '\t') {
			continue
		}
		folded := make([]string, len(l.Values))
		for j, v := range l.Values {
			folded[j] = strings.Join(strings.Fields(v), " ")
		}
		out = append(out, candidate{c.withHeader(i, folded...), fmt.Sprintf("the signer folded the tabs in %s like spaces (botocore and the JavaScript signers do); the value keeps them as sent", l.Name)})
	}
	return out
}

func repeatedHeader(c *variantCtx) []candidate {
	var out []candidate
	for i, l := range c.base.Headers {
		if len(l.Values) < 2 {
			continue
		}
		out = append(out,
			candidate{c.withHeader(i, l.Values[0]), fmt.Sprintf("the signer signed only the first of the %d %s headers; AWS joins every value with ','", len(l.Values), l.Name)},
			candidate{c.withHeader(i, l.Values[len(l.Values)-1]), fmt.Sprintf("the signer signed only the last of the %d %s headers; AWS joins every value with ','", len(l.Values), l.Name)})
		t := c.copyBase()
		var rules []string
		t.Headers[i].Value = strings.ReplaceAll(canonicalValue(l.Values, &rules), ",", ", ")
		out = append(out, candidate{t, fmt.Sprintf("the signer joined the repeated %s values with ', '; AWS joins them with ','", l.Name)})
	}
	return out
}

func contentLength(c *variantCtx) []candidate {
	i := c.headerIndex("content-length")
	n := strconv.Itoa(len(c.in.Request.Body))
	if i < 0 || c.base.Headers[i].Value == n {
		return nil
	}
	return []candidate{{c.withHeader(i, n), fmt.Sprintf("the signer signed content-length %s (the body's length) but Content-Length %q was sent", n, c.base.Headers[i].Value)}}
}

func otherScope(c *variantCtx) []candidate {
	if isV4a(c.info.Algorithm) {
		return otherServiceV4a(c)
	}
	regions := []string{c.in.Region}
	services := []string{c.in.Service}
	hr, hs := hostScope(c.in.Request.Host)
	regions = append(regions, hr, c.info.Region, "us-east-1")
	services = append(services, hs, c.info.Service)
	var out []candidate
	seen := map[string]bool{c.info.Region + "/" + c.info.Service: true}
	for _, r := range regions {
		for _, s := range services {
			if r == "" || s == "" || seen[r+"/"+s] {
				continue
			}
			seen[r+"/"+s] = true
			t := c.copyBase()
			t.CredentialScope = c.info.Date + "/" + r + "/" + s + "/" + c.info.Terminator
			out = append(out, candidate{t, fmt.Sprintf("the signature was computed for %s/%s while its credential names %s/%s: the signer's scope and its credential disagree", r, s, c.info.Region, c.info.Service)})
		}
	}
	return out
}

// otherServiceV4a is otherScope for SigV4a, whose scope has no region.
func otherServiceV4a(c *variantCtx) []candidate {
	_, hs := hostScope(c.in.Request.Host)
	var out []candidate
	seen := map[string]bool{c.info.Service: true}
	for _, s := range []string{c.in.Service, hs} {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		t := c.copyBase()
		t.CredentialScope = c.info.Date + "/" + s + "/" + c.info.Terminator
		out = append(out, candidate{t, fmt.Sprintf("the signature was computed for service %s while its credential names %s: the signer's scope and its credential disagree", s, c.info.Service)})
	}
	return out
}

// joinEncoded joins already-encoded pairs, sorted as AWS sorts them or in
// the given order.
func joinEncoded(params []QueryParam, sorted bool) string {
	if sorted {
		params = slices.Clone(params)
		slices.SortStableFunc(params, func(a, b QueryParam) int {
			if c := strings.Compare(a.EncodedKey, b.EncodedKey); c != 0 {
				return c
			}
			return strings.Compare(a.EncodedValue, b.EncodedValue)
		})
	}
	var b strings.Builder
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
