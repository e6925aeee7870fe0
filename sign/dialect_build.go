package sign

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// dialectInput is a request prepared for comparison: AWS's trace of it,
// the trace with the other header-hoisting choice when presigning, and
// its query pairs in wire order.
type dialectInput struct {
	opts      Options
	ref       *Trace // AWS's rule, with the hoisting choice of opts
	alt       *Trace // presigning: the other hoisting choice
	path      string // as on the wire
	scheme    string
	s3        bool
	normalize bool
	query     string // the raw query as given
	pairs     []rawPair
	headers   []Header // the request's headers, Host included
	// noPayloadHash: a signed S3 request sent without x-amz-content-sha256
	// (S3 refuses it, whoever signed it).
	noPayloadHash bool
	// headersNamed: the headers are those the request's own signature
	// names (verify), so a signer's choice of headers is already made: a
	// captured curl request carries curl's own User-Agent, which it did not
	// sign.
	headersNamed bool
}

// rawPair is one query pair as on the wire.
type rawPair struct {
	raw, key, value string
	hasEq           bool
}

func newDialectInput(req *Request, opts Options) (*dialectInput, error) {
	ref, _, r, err := trace(req, opts)
	if err != nil {
		return nil, err
	}
	in := &dialectInput{opts: opts, ref: ref, path: ref.URI.Input, scheme: r.scheme(), s3: opts.S3, normalize: opts.normalize(),
		headers: append([]Header{{Name: "Host", Value: r.Host}}, r.Headers...)}
	if opts.Presign {
		other := opts
		other.DisableHeaderHoisting = !opts.DisableHeaderHoisting
		if in.alt, _, _, err = trace(req, other); err != nil {
			return nil, err
		}
	}
	in.setQuery(ref.Query.Input)
	if _, err := ReadSignature(req); err == nil && opts.S3 && !opts.Presign {
		_, has := req.Get("X-Amz-Content-Sha256")
		in.noPayloadHash = !has
	}
	// The dialects are AWS's rule with departures: rebuilt without any, it
	// must be the trace's canonical request, or every comparison would
	// mislead.
	if got := in.build(dialectProfile{}).canonical; got != ref.CanonicalRequest {
		return nil, fmt.Errorf("the signer comparison rebuilt another canonical request than sigscope's trace:\n  trace:   %q\n  rebuilt: %q\nplease report this request; it is a bug in sigscope", ref.CanonicalRequest, got)
	}
	return in, nil
}

// setQuery takes the raw query and its pairs in wire order.
func (in *dialectInput) setQuery(raw string) {
	in.query = raw
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, eq := strings.Cut(pair, "=")
		in.pairs = append(in.pairs, rawPair{raw: pair, key: k, value: v, hasEq: eq})
	}
}

// dialectProfile is how one signer departs from AWS's rule on this
// request: the zero profile is AWS's rule.
type dialectProfile struct {
	goEscapeRaw   bool // outside S3: raw bytes escaped as net/url does, then the path encoded again
	aws4EncodeURI bool // outside S3: the path through aws4's encodeURI(decodeURI(path)), then encoded again
	goS3Keep      bool // S3: the path as net/url's EscapedPath gives it, not encoded further
	keepDots      bool // dot segments and '//' not normalized
	keepSubDelims bool // !'()* left unescaped in the path
	s3AsWritten   bool // S3: the path signed exactly as written, not encoded at all
	s3PlusSpace   bool // S3: the key decoded with '+' as a space, then encoded (aws4)
	plus          plusMode
	sortDecoded   bool // query pairs sorted by decoded text
	sortKeysOnly  bool // query pairs sorted by decoded key alone, a key's values as written (url.Values.Encode)
	dropSemicolon bool // pairs holding ';' dropped
	queryRaw      bool // the query split at '&' and the first '=' and signed as written, sorted (botocore)
	smithyNulls   bool // a key without '=' left out when alone, signed key=null when repeated (smithy)
	cutSecondEq   bool // a value cut at its first '=' (smithy's parseQueryString)
	dropEmptyKey  bool // pairs with an empty key dropped (aws4)
	firstValueS3  bool // S3: only the first pair of a repeated key signed (aws4)
	foldTabs      bool // tabs in header values folded like spaces
	signEvery     bool // every header of the request signed, those AWS's signers leave out too (curl's -H headers)
	hoist         hoistMode
	curl          *curlRelease // the path and query lines are curl's, this release's
}

type plusMode int

const (
	plusLiteral plusMode = iota // '+' is a plus: %2B
	plusSpace                   // '+' is a space: %20
)

type hoistMode int

const (
	hoistAsOptions hoistMode = iota
	hoistInQuery             // X-Amz-* headers moved into a presigned query
	hoistNone                // X-Amz-* headers kept as signed headers
	hoistDrop                // presigning signs Host alone: the other headers neither signed nor hoisted (Amplify's signUrl takes no headers)
)

// dialectCanon is a canonical request computed under a profile.
type dialectCanon struct {
	uri, query, signedHeaders string
	headers                   []HeaderLine
	canonical                 string
}

func (in *dialectInput) build(p dialectProfile) dialectCanon {
	base := in.ref
	kept := p.hoist == hoistNone || p.hoist == hoistDrop
	if in.alt != nil && (p.hoist == hoistInQuery && in.opts.DisableHeaderHoisting || kept && !in.opts.DisableHeaderHoisting) {
		base = in.alt
	}
	c := dialectCanon{uri: in.canonicalPath(p), query: in.canonicalQuery(base, p), signedHeaders: base.SignedHeaders,
		headers: slices.Clone(base.Headers)}
	if p.hoist == hoistDrop && in.alt != nil {
		c.headers = slices.DeleteFunc(c.headers, func(l HeaderLine) bool { return l.Name != "host" })
		c.signedHeaders = "host"
	}
	if p.curl != nil {
		c.uri, c.query = p.curl.canonicalPath(in.path, in.s3), p.curl.canonicalQuery(in.query)
	}
	if p.signEvery && !in.headersNamed {
		c.headers = in.withEveryHeader(c.headers)
		c.signedHeaders = joinNames(c.headers)
	}
	if p.foldTabs {
		for i := range c.headers {
			h := &c.headers[i]
			if strings.ContainsRune(h.Value, '\t') {
				parts := make([]string, len(h.Values))
				for j, v := range h.Values {
					parts[j] = foldSpacesAndTabs(v)
				}
				h.Value = strings.Join(parts, ",")
			}
		}
	}
	c.canonical = buildCanonicalRequest(&Trace{Method: base.Method, URI: URIStep{Output: c.uri},
		Query: QueryStep{Output: c.query}, Headers: c.headers, SignedHeaders: c.signedHeaders, Payload: base.Payload})
	return c
}

// withEveryHeader adds to lines the request's headers they leave out
// (User-Agent, a zero Content-Length...), as a signer that signs every
// header it is given does; Authorization is never among them.
func (in *dialectInput) withEveryHeader(lines []HeaderLine) []HeaderLine {
	out := slices.Clone(lines)
	for _, h := range in.headers {
		name := strings.ToLower(h.Name)
		if name == "authorization" || slices.ContainsFunc(lines, func(l HeaderLine) bool { return l.Name == name }) {
			continue
		}
		if i := slices.IndexFunc(out, func(l HeaderLine) bool { return l.Name == name }); i >= 0 {
			out[i].Values = append(out[i].Values, h.Value)
			out[i].Value = canonicalValue(out[i].Values, &out[i].Rules)
			continue
		}
		l := HeaderLine{Name: name, Values: []string{h.Value}, Source: "request"}
		l.Value = canonicalValue(l.Values, &l.Rules)
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b HeaderLine) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (in *dialectInput) canonicalPath(p dialectProfile) string {
	path := in.path
	if path == "" {
		path = "/"
	}
	if in.normalize && !p.keepDots {
		path, _ = normalizePath(path)
	}
	switch {
	case !in.s3 && p.goEscapeRaw:
		return uriEncode(goEscapedPath(path), false)
	case !in.s3 && p.aws4EncodeURI:
		if own, _, ok := aws4Target(path, ""); ok {
			path = own
		}
		return uriEncode(path, false)
	case in.s3 && p.goS3Keep:
		return goEscapedPath(path)
	case in.s3 && p.s3AsWritten:
		return path
	case in.s3 && p.s3PlusSpace:
		enc, _ := encodeOnce(strings.ReplaceAll(path, "+", "%20"))
		return enc
	case p.keepSubDelims:
		return encodePathKeeping(path, in.s3, "!'()*")
	case in.s3:
		enc, _ := encodeOnce(path) // trace has checked the escapes
		return enc
	}
	return uriEncode(path, false)
}

// goEscapedPath is the path aws-sdk-go-v2 signs when an application hands
// it this URL: net/url parses it and the signer takes EscapedPath(), which
// keeps a valid escaped form as written and escapes raw bytes (a raw space
// becomes %20). The Go HTTP client sends the same path. A path net/url
// rejects is returned as is.
func goEscapedPath(path string) string {
	u, err := url.Parse("https://host" + path)
	if err != nil {
		return path
	}
	if esc := u.EscapedPath(); esc != "" {
		return esc
	}
	return "/"
}

// encodePathKeeping URI-encodes a path as AWS does (in S3 mode the key
// decoded, then encoded once) but leaves the bytes in keep as they are.
func encodePathKeeping(path string, s3 bool, keep string) string {
	if s3 {
		path = percentDecode(path)
	}
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case unreserved(c) || c == '/' || strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString(uriEncode(string(c), true))
		}
	}
	return b.String()
}

// percentDecode decodes every valid %XX escape and leaves the rest.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// foldSpacesAndTabs trims spaces and tabs and folds inner runs of them to
// one space, as PRODUCT.md says the four non-Go signers do.
func foldSpacesAndTabs(v string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' }), " ")
}

// dialectPair is a query pair decoded and encoded under a profile.
type dialectPair struct{ key, value, encKey, encValue string }

func (in *dialectInput) canonicalQuery(base *Trace, p dialectProfile) string {
	if p.queryRaw {
		return botocoreQuery(in.query)
	}
	var pairs []dialectPair
	for _, rp := range in.measuredPairs(p) {
		if p.dropSemicolon && strings.Contains(rp.raw, ";") {
			continue
		}
		var d dialectPair
		d.key, d.encKey = decodeEncode(rp.key, p.plus)
		d.value, d.encValue = decodeEncode(rp.value, p.plus)
		pairs = append(pairs, d)
	}
	for _, sp := range base.Query.Params {
		if sp.Source != "request" {
			if sp.Key == "X-Amz-SignedHeaders" && p.hoist == hoistDrop {
				sp.Value, sp.EncodedValue = "host", "host"
			}
			pairs = append(pairs, dialectPair{sp.Key, sp.Value, sp.EncodedKey, sp.EncodedValue})
		}
	}
	slices.SortStableFunc(pairs, func(a, b dialectPair) int {
		if p.sortKeysOnly {
			return strings.Compare(a.key, b.key)
		}
		if p.sortDecoded {
			return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.value, b.value))
		}
		return cmp.Or(strings.Compare(a.encKey, b.encKey), strings.Compare(a.encValue, b.encValue))
	})
	joined := make([]string, len(pairs))
	for i, d := range pairs {
		joined[i] = d.encKey + "=" + d.encValue
	}
	return strings.Join(joined, "&")
}

// decodeEncode reads one raw query component under a '+' mode and returns
// it decoded and as the signer encodes it.
func decodeEncode(raw string, plus plusMode) (decoded, encoded string) {
	var ignored []string
	switch plus {
	case plusSpace:
		decoded, _ = queryUnescape(strings.ReplaceAll(raw, "+", "%20"), &ignored)
	default:
		decoded, _ = queryUnescape(raw, &ignored)
	}
	return decoded, uriEncode(decoded, true)
}

// lines returns the canonical lines that can differ, keyed.
func (c dialectCanon) lines() map[lineKey]string {
	m := map[lineKey]string{{part: PartURI}: c.uri, {part: PartQuery}: c.query, {part: PartSignedHeaders}: c.signedHeaders}
	for _, h := range c.headers {
		m[lineKey{part: PartHeaders, header: h.Name}] = h.Name + ":" + h.Value
	}
	return m
}

type lineKey struct{ part, header string }

// goOwnRequest is the request aws-sdk-go-v2 sends itself: the Go HTTP
// client sends the escaped path, and the signer replaces the query with the
// one it signed (v1.48.0 Build: req.URL.RawQuery = rawQuery), so a raw '+'
// goes out as %20 and a pair net/url could not read is gone.
func (in *dialectInput) goOwnRequest(p dialectProfile, canon dialectCanon, active []activeRule) *DialectOwnRequest {
	own := &Request{Method: in.ref.Method, Scheme: in.scheme, Host: in.headers[0].Value, Path: goEscapedPath(in.path),
		Headers: in.headers[1:]}
	if in.path == "" {
		own.Path = ""
	}
	var q []string
	for _, rp := range in.pairs {
		if p.dropSemicolon && strings.Contains(rp.raw, ";") {
			continue
		}
		_, k := decodeEncode(rp.key, p.plus)
		_, v := decodeEncode(rp.value, p.plus)
		q = append(q, k+"="+v)
	}
	slices.Sort(q)
	own.RawQuery = strings.Join(q, "&")
	o := in.opts
	o.DisableHeaderHoisting = false // it hoists
	t, _, _, err := trace(own, o)
	if err != nil {
		return nil
	}
	given := &Request{Path: in.path, RawQuery: in.ref.Query.Input}
	if own.Target() == given.Target() {
		return nil // it sends these very bytes
	}
	res := &DialectOwnRequest{Target: own.Target(), Accepted: t.CanonicalRequest == canon.canonical}
	var notes []string
	for _, a := range active {
		if a.b.sends != "" {
			notes = appendOnce(notes, a.b.sends)
		}
	}
	res.Note = strings.Join(notes, "; ")
	return res
}
