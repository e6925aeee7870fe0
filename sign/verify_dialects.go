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
		s3: c.opts.s3, normalize: c.opts.normalize, headers: append([]Header{{Name: "Host", Value: r.Host}}, r.Headers...)}
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
