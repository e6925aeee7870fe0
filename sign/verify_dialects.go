package sign

import (
	"slices"
	"strings"
)

// Every signer modelled for 'sigscope compare' is also one of the mistakes
// verify tries: the canonical request it computes for the bytes received,
// headers as the request signs them. A signature that one of them
// reproduces is that signer's, at the releases the model covers.

// dialectInput is the request as received, ready to be canonicalized as
// each signer would; nil when rebuilding it by AWS's rule does not give
// the server's canonical request back (nothing it says could be trusted).
func (c *variantCtx) dialectInput() *dialectInput {
	if c.dialects != nil || c.noDialects {
		return c.dialects
	}
	r := c.in.Request
	in := &dialectInput{opts: Options{S3: c.opts.s3, Presign: c.info.Presigned}, ref: c.base, path: r.Path, scheme: r.scheme(),
		s3: c.opts.s3, normalize: c.opts.normalize, headers: append([]Header{{Name: "Host", Value: r.Host}}, r.Headers...), headersNamed: true}
	raw := r.RawQuery
	if c.info.Presigned {
		raw = signedQuery(raw, c.opts.omitToken)
	}
	in.setQuery(raw)
	if in.build(dialectProfile{}).canonical != c.base.CanonicalRequest {
		c.noDialects = true
		return nil
	}
	c.dialects = in
	return in
}

// signedQuery is a presigned raw query without what it does not sign.
func signedQuery(raw string, omitToken bool) string {
	parts := strings.Split(raw, "&")
	parts = slices.DeleteFunc(parts, func(p string) bool {
		k, _, _ := strings.Cut(p, "=")
		k = unescapeLenient(k)
		return k == "X-Amz-Signature" || omitToken && k == "X-Amz-Security-Token"
	})
	return strings.Join(parts, "&")
}

// signerDialects is each modelled signer's canonical request for the
// request as received, where it differs from the server's.
func signerDialects(c *variantCtx) []candidate {
	in := c.dialectInput()
	if in == nil {
		return nil
	}
	var out []candidate
	for _, d := range Dialects {
		res, canon := in.compareCanon(d)
		if res.Same {
			continue
		}
		var said []string
		for _, l := range res.Lines {
			for _, m := range l.Rules {
				said = appendOnce(said, m.Summary)
			}
		}
		t := c.copyBase()
		t.URI.Output, t.Query.Output, t.Headers = canon.uri, canon.query, canon.headers
		cause := "the signer canonicalized the request as " + d.Label() + " does"
		if len(said) > 0 {
			cause = strings.Join(said, "; ")
		}
		if c.hints == nil {
			c.hints = map[*Trace]string{}
		}
		c.hints[t] = dialectHint(d)
		out = append(out, candidate{t, cause})
	}
	return out
}

func dialectHint(d Dialect) string {
	if d.curl != nil {
		return "use a curl release whose verdict 'sigscope compare' shows as accepted for this request, or send the path and query already in AWS's canonical form ('sigscope export --as curl' writes them so)"
	}
	return "'sigscope compare' shows how each signer reads this request; send the path and query in AWS's canonical form (sorted, each key and value percent-encoded, '=' after every key) and every signer signs it alike"
}

// signedBy names, after a classic cause, the modelled signers that sign
// the request so; a signer's own cause names it already, but not the
// other releases or signers that do the same.
func signedBy(variant string, signers []Dialect) string {
	if len(signers) == 0 || variant == VariantSignerDialect && len(signers) == 1 {
		return ""
	}
	names := spanLabels(signers)
	verb := " signs it"
	if len(names) > 1 {
		verb = " sign it"
	}
	if variant == VariantSignerDialect {
		return " (" + strings.Join(names, ", ") + verb + " so)"
	}
	return " (as " + strings.Join(names, ", ") + verb + ")"
}

// signersOf is the modelled signers whose canonical request for the
// request as received is t's.
func (c *variantCtx) signersOf(t *Trace) []Dialect {
	in := c.dialectInput()
	if in == nil {
		return nil
	}
	var ds []Dialect
	for _, d := range Dialects {
		if _, canon := in.compareCanon(d); canon.canonical == t.CanonicalRequest {
			ds = append(ds, d)
		}
	}
	return ds
}

// spanLabels names signers briefly: a signer with every modelled release
// among them by its name alone, adjacent releases as one span.
func spanLabels(ds []Dialect) []string {
	var names []string
	byName := map[string][]Dialect{}
	for _, d := range ds {
		if byName[d.Name] == nil {
			names = append(names, d.Name)
		}
		byName[d.Name] = append(byName[d.Name], d)
	}
	var out []string
	for _, n := range names {
		got := byName[n]
		all := slices.DeleteFunc(slices.Clone(Dialects), func(d Dialect) bool { return d.Name != n })
		switch {
		case len(got) == len(all) && len(all) > 1:
			out = append(out, n+" (every release)")
		case len(got) > 1 && got[0].curl != nil && adjacent(all, got):
			out = append(out, curlDialect(got[0].first, got[len(got)-1].last, curlRelease{}, "").Label())
		default:
			for _, d := range got {
				out = append(out, d.Label())
			}
		}
	}
	return out
}

// adjacent reports whether got are consecutive entries of all.
func adjacent(all, got []Dialect) bool {
	i := slices.IndexFunc(all, func(d Dialect) bool { return d.ID == got[0].ID })
	for j, d := range got {
		if i+j >= len(all) || all[i+j].ID != d.ID {
			return false
		}
	}
	return true
}

func labels(ds []Dialect) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Label()
	}
	return out
}

// escapesUppercased: botocore signs the URL's escapes as written (%7e,
// %c3%a9) and urllib3 sends them upper-cased, so the server reads other
// bytes than were signed. The request as the user wrote it had the same
// escapes in lower case: botocore's canonical request for that, path and
// query each or both, is tried.
func escapesUppercased(c *variantCtx) []candidate {
	r := c.in.Request
	if c.info.Presigned || !hasUpperHexLetterEscape(r.Path) && !hasUpperHexLetterEscape(r.RawQuery) {
		return nil
	}
	lowPath, lowQuery := lowerHexEscapes(r.Path), lowerHexEscapes(r.RawQuery)
	var out []candidate
	for _, pq := range [][2]string{{lowPath, lowQuery}, {lowPath, r.RawQuery}, {r.Path, lowQuery}} {
		if pq[0] == r.Path && pq[1] == r.RawQuery || len(out) > 0 && pq[0] == lowPath && pq[1] == lowQuery {
			continue
		}
		t := c.copyBase()
		t.URI.Output = botocorePath(pq[0], c.opts.s3)
		t.Query.Output = botocoreQuery(pq[1])
		out = append(out, candidate{t, botocoreMeasured + " signed the URL's escapes as written, in lower case, and urllib3 sent them upper-cased: the server reads other bytes than were signed"})
	}
	return out
}

// botocorePath is botocore's canonical URI: outside S3 the path with its
// dot segments removed, then quote(path, safe='/~') (an escape becomes
// %25XX); in S3 the path exactly as written.
func botocorePath(path string, s3 bool) string {
	if path == "" {
		return "/"
	}
	if s3 {
		return path
	}
	path, _ = normalizePath(path)
	return uriEncode(path, false)
}

// pathLatin1: @smithy/signature-v4 signs the path's characters as UTF-8
// and node's http sends each as one latin-1 byte (é goes out as 0xE9), so
// bytes >= 0x80 on the wire were characters the signer encoded as UTF-8.
func pathLatin1(c *variantCtx) []candidate {
	path := c.in.Request.Path
	if !hasNonASCII(path) {
		return nil
	}
	written := fromLatin1(path)
	t := c.copyBase()
	if c.opts.s3 {
		t.URI.Output = written // uriEscapePath: false signs the path as written
	} else {
		n, _ := normalizePath(written)
		t.URI.Output = uriEncode(n, false)
	}
	return []candidate{{t, smithyMeasured + " signed the path's characters as UTF-8 and node's http (NodeHttpHandler) sent each as one latin-1 byte: the server reads other bytes than were signed"}}
}

func hasUpperHexLetterEscape(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && isHex(s[i+1]) && isHex(s[i+2]) && strings.ContainsAny(s[i+1:i+3], "ABCDEF") {
			return true
		}
	}
	return false
}

func lowerHexEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' && isHex(b[i+1]) && isHex(b[i+2]) {
			b[i+1], b[i+2] = toLowerHex(b[i+1]), toLowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func toLowerHex(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c - 'A' + 'a'
	}
	return c
}
