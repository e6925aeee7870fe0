package sign

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Signer dialects: where well-known client signers canonicalize a request
// differently from the rule AWS servers apply to the bytes they receive
// (the rule this package signs by). The behaviours come from PRODUCT.md,
// "Where well-known signers disagree", and, for aws-sdk-go-v2, from its
// v1.48.0 source in go.mod (checked against the SDK itself in
// dialect_test.go). What a signer does where neither says is reported as
// "not documented here", never guessed: see dialect_rules.go.

// Dialect is a well-known client signer.
type Dialect struct {
	Name  string `json:"name"`  // as users know it: aws-sdk-go-v2, botocore, ...
	About string `json:"about"` // what ships it
}

// Dialects are the signers CompareDialects knows, in the order it reports them.
var Dialects = []Dialect{
	{dialectGo, "the AWS SDK for Go v2 (aws/signer/v4 v1.48.0, the signer sigscope cross-checks with)"},
	{dialectBotocore, "the AWS SDK for Python and the AWS CLI"},
	{dialectSmithy, "the AWS SDK for JavaScript v3"},
	{dialectAWS4, "the aws4 npm package"},
	{dialectAmplify, "Amplify's Signer (aws-amplify), as used by Amplify's API client"},
	{dialectCurl, "curl --aws-sigv4"},
}

const (
	dialectGo       = "aws-sdk-go-v2"
	dialectBotocore = "botocore"
	dialectSmithy   = "@smithy/signature-v4"
	dialectAWS4     = "aws4"
	dialectAmplify  = "amplify"
	dialectCurl     = "curl"
)

// Verdicts: would AWS accept the signature a signer makes, for the bytes sent?
const (
	VerdictAccepted = "accepted"
	VerdictRejected = "rejected"
	VerdictUnknown  = "unknown" // a documented rule or the server's rule is missing here
)

// Effects of a rule on the verdict.
const (
	// EffectBreaks: the server computes its own line from the bytes; a
	// signer that computes another one is rejected.
	EffectBreaks = "breaks"
	// EffectChoice: the signer chooses (which headers it signs, where
	// X-Amz-* go when presigning) and tells the server; AWS accepts either.
	EffectChoice = "choice"
	// EffectUnknown: what AWS servers do here is not documented here.
	EffectUnknown = "unknown"
)

// DialectComparison is one request canonicalized by AWS's rule and by every
// known signer.
type DialectComparison struct {
	Request          string          `json:"request"` // method and target as given
	Mode             string          `json:"mode"`    // "header" or "query" (presigned)
	S3               bool            `json:"s3"`
	CanonicalRequest string          `json:"canonical_request"` // AWS's rule, as sigscope signs
	Dialects         []DialectResult `json:"dialects"`
	// Trace is sigscope's full trace of the request (signed with a
	// placeholder key when no credentials were given: the canonical request
	// needs none).
	Trace *Trace `json:"-"`
}

// DialectResult is what one signer computes for the request.
type DialectResult struct {
	Signer           string `json:"signer"`
	About            string `json:"about"`
	CanonicalRequest string `json:"canonical_request"`
	Same             bool   `json:"same"` // the same canonical request as AWS's rule
	// Lines are the canonical lines that differ from AWS's, each with the
	// rules that explain it.
	Lines []DialectLine `json:"lines"`
	// NotDocumented are features of this request where what this signer
	// does is not documented here; its canonical request assumes AWS's rule.
	NotDocumented []DialectGap `json:"not_documented"`
	Verdict       string       `json:"verdict"` // VerdictAccepted, VerdictRejected, VerdictUnknown
	Reason        string       `json:"reason"`
	// OwnRequest is the request this signer's own HTTP stack would send
	// instead of these bytes, when it is documented to rewrite them.
	OwnRequest *DialectOwnRequest `json:"own_request,omitempty"`
}

// DialectLine is one canonical line where a signer and AWS differ.
type DialectLine struct {
	Part   string         `json:"part"`             // PartURI, PartQuery, PartHeaders, PartSignedHeaders
	Header string         `json:"header,omitempty"` // the header's name, for a header line
	AWS    string         `json:"aws"`              // the line by AWS's rule ("" when AWS has no such line)
	Signer string         `json:"signer"`           // the line as the signer computes it ("" when it has none)
	Rules  []DialectMatch `json:"rules"`            // why; empty only when no documented rule explains it
}

// DialectMatch is a rule that explains a differing line.
type DialectMatch struct {
	ID      string `json:"id"`
	Feature string `json:"feature"` // what in the request triggers it
	Signer  string `json:"signer"`  // what the signer does
	AWS     string `json:"aws"`     // what AWS's rule does
	Effect  string `json:"effect"`  // EffectBreaks, EffectChoice, EffectUnknown
	Source  string `json:"source"`
}

// DialectGap is a feature of the request whose handling by a signer is not
// documented here.
type DialectGap struct {
	ID      string `json:"id"`
	Feature string `json:"feature"`
	Note    string `json:"note"`   // what is known, and where it is said
	Effect  string `json:"effect"` // EffectChoice gaps cannot change the verdict
}

// DialectOwnRequest is the request a signer sends itself, and whether AWS
// accepts that one.
type DialectOwnRequest struct {
	Target   string `json:"target"` // path and query as it sends them
	Accepted bool   `json:"accepted"`
	Note     string `json:"note"` // what the server reads differently from the request given
}

// CompareDialects canonicalizes req by AWS's rule (as Sign does) and as
// every known signer would, and says where and why they differ. No secret
// is needed: missing credentials, region, service and time are taken from
// the request's own signature when it carries one, else from placeholders
// that do not change the comparison. A request that carries a presigned
// query is compared as presigned.
func CompareDialects(req *Request, opts Options) (*DialectComparison, error) {
	opts = dialectOptions(req, opts)
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	in, err := newDialectInput(req, opts)
	if err != nil {
		return nil, err
	}
	c := &DialectComparison{Request: req.Method + " " + req.Target(), Mode: in.ref.Mode, S3: opts.S3,
		CanonicalRequest: in.ref.CanonicalRequest, Trace: in.ref}
	for _, d := range Dialects {
		c.Dialects = append(c.Dialects, in.compare(d))
	}
	return c, nil
}

// dialectOptions fills what the canonical request does not depend on (or
// takes from the request itself) so that no credentials are needed.
func dialectOptions(req *Request, opts Options) Options {
	info, err := ReadSignature(req)
	signed := err == nil
	if signed && info.Presigned {
		opts.Presign = true
		if opts.Expires == 0 {
			opts.Expires = info.Expires
		}
	}
	pick := func(v *string, fromRequest, placeholder string) {
		switch {
		case *v != "":
		case signed && fromRequest != "":
			*v = fromRequest
		default:
			*v = placeholder
		}
	}
	pick(&opts.Credentials.AccessKeyID, info.AccessKeyID, "AKIDEXAMPLE")
	pick(&opts.Region, info.Region, "us-east-1")
	pick(&opts.Service, info.Service, "execute-api")
	if opts.Credentials.SecretAccessKey == "" {
		opts.Credentials.SecretAccessKey = "placeholder: the canonical request needs no secret"
	}
	if opts.Time.IsZero() {
		date := info.AmzDate
		if !signed {
			date, _ = req.Get("X-Amz-Date")
		}
		if t, err := time.Parse(amzDateFormat, strings.TrimSpace(date)); err == nil {
			opts.Time = t
		}
	}
	return opts
}

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
	pairs     []rawPair
	headers   []Header // the request's headers, Host included
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
	for _, pair := range strings.Split(ref.Query.Input, "&") {
		if pair == "" {
			continue
		}
		k, v, eq := strings.Cut(pair, "=")
		in.pairs = append(in.pairs, rawPair{raw: pair, key: k, value: v, hasEq: eq})
	}
	// The dialects are AWS's rule with departures: rebuilt without any, it
	// must be the trace's canonical request, or every comparison would
	// mislead.
	if got := in.build(dialectProfile{}).canonical; got != ref.CanonicalRequest {
		return nil, fmt.Errorf("the signer comparison rebuilt another canonical request than sigscope's trace:\n  trace:   %q\n  rebuilt: %q\nplease report this request; it is a bug in sigscope", ref.CanonicalRequest, got)
	}
	return in, nil
}

// dialectProfile is how one signer departs from AWS's rule on this
// request: the zero profile is AWS's rule.
type dialectProfile struct {
	goEscapeRaw   bool // outside S3: raw bytes escaped as net/url does, then the path encoded again
	goS3Keep      bool // S3: the path as net/url's EscapedPath gives it, not encoded further
	keepDots      bool // dot segments and '//' not normalized
	keepSubDelims bool // !'()* left unescaped in the path
	s3Segments    bool // S3 path segments percent-decoded and encoded again
	plus          plusMode
	sortDecoded   bool // query pairs sorted by decoded text
	dropSemicolon bool // pairs holding ';' dropped
	foldTabs      bool // tabs in header values folded like spaces
	hoist         hoistMode
}

type plusMode int

const (
	plusLiteral plusMode = iota // '+' is a plus: %2B
	plusSpace                   // '+' is a space: %20
	plusRaw                     // '+' left as is
)

type hoistMode int

const (
	hoistAsOptions hoistMode = iota
	hoistInQuery             // X-Amz-* headers moved into a presigned query
	hoistNone                // X-Amz-* headers kept as signed headers
)

// dialectCanon is a canonical request computed under a profile.
type dialectCanon struct {
	uri, query, signedHeaders string
	headers                   []HeaderLine
	canonical                 string
}

func (in *dialectInput) build(p dialectProfile) dialectCanon {
	base := in.ref
	if in.alt != nil && (p.hoist == hoistInQuery && in.opts.DisableHeaderHoisting || p.hoist == hoistNone && !in.opts.DisableHeaderHoisting) {
		base = in.alt
	}
	c := dialectCanon{uri: in.canonicalPath(p), query: in.canonicalQuery(base, p), signedHeaders: base.SignedHeaders,
		headers: slices.Clone(base.Headers)}
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
	case in.s3 && p.goS3Keep:
		return goEscapedPath(path)
	case p.s3Segments && in.s3:
		return reencodeSegments(path)
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

// encodePathKeeping URI-encodes a path as AWS does (once, keeping escapes,
// in S3 mode) but leaves the bytes in keep as they are.
func encodePathKeeping(path string, once bool, keep string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case once && c == '%' && i+2 < len(path) && isHex(path[i+1]) && isHex(path[i+2]):
			b.WriteString(strings.ToUpper(path[i : i+3]))
			i += 2
		case unreserved(c) || c == '/' || strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString(uriEncode(string(c), true))
		}
	}
	return b.String()
}

// reencodeSegments percent-decodes each path segment and URI-encodes it
// again, a model of aws4's S3 path handling (see dialect_rules.go).
func reencodeSegments(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = uriEncode(percentDecode(s), true)
	}
	return strings.Join(segs, "/")
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
	var pairs []dialectPair
	for _, rp := range in.pairs {
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
			pairs = append(pairs, dialectPair{sp.Key, sp.Value, sp.EncodedKey, sp.EncodedValue})
		}
	}
	slices.SortStableFunc(pairs, func(a, b dialectPair) int {
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
	case plusRaw:
		pieces := strings.Split(raw, "+")
		for i, piece := range pieces {
			d, _ := queryUnescape(piece, &ignored)
			pieces[i] = uriEncode(d, true)
		}
		decoded, _ = queryUnescape(raw, &ignored)
		return decoded, strings.Join(pieces, "+")
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

// compare canonicalizes the request as d does and explains the differences.
func (in *dialectInput) compare(d Dialect) DialectResult {
	res := DialectResult{Signer: d.Name, About: d.About, Lines: []DialectLine{}, NotDocumented: []DialectGap{}}
	var active []activeRule
	var full dialectProfile
	for _, r := range dialectRules {
		if !r.applies(in) {
			continue
		}
		b, documented := r.by[d.Name]
		if b.headerModeOnly && in.opts.Presign {
			b = undocumented("PRODUCT.md documents " + d.Name + "'s Authorization-header mode only, not presigning")
		}
		if !documented || b.undocumented {
			note := "not documented here"
			if b.note != "" {
				note = b.note
			}
			res.NotDocumented = append(res.NotDocumented, DialectGap{ID: r.id, Feature: r.featureOf(in), Note: note, Effect: r.effect})
			continue
		}
		if b.apply != nil {
			b.apply(&full)
			active = append(active, activeRule{r, b})
		}
	}
	canon := in.build(full)
	res.CanonicalRequest = canon.canonical
	res.Same = canon.canonical == in.ref.CanonicalRequest
	ref := in.build(dialectProfile{}).lines()
	got := canon.lines()
	// Each rule alone on AWS's rule: a rule explains a line it changes.
	alone := make([]map[lineKey]string, len(active))
	for i, a := range active {
		var p dialectProfile
		a.b.apply(&p)
		alone[i] = in.build(p).lines()
	}
	for _, k := range lineOrder(ref, got) {
		if ref[k] == got[k] {
			continue
		}
		line := DialectLine{Part: k.part, Header: k.header, AWS: ref[k], Signer: got[k], Rules: []DialectMatch{}}
		for i, a := range active {
			if alone[i][k] != ref[k] {
				line.Rules = append(line.Rules, a.match(in))
			}
		}
		res.Lines = append(res.Lines, line)
	}
	res.Verdict, res.Reason = verdict(res)
	if d.Name == dialectGo && res.Verdict != VerdictAccepted {
		res.OwnRequest = in.goOwnRequest(full, canon, active)
	}
	return res
}

func (r *dialectRule) featureOf(in *dialectInput) string {
	if r.describe != nil {
		return r.describe(in)
	}
	return r.feature
}

type activeRule struct {
	r *dialectRule
	b dialectBehaviour
}

func (a activeRule) match(in *dialectInput) DialectMatch {
	return DialectMatch{ID: a.r.id, Feature: a.r.featureOf(in), Signer: a.b.does, AWS: a.r.aws(in), Effect: a.r.effect, Source: a.b.source}
}

// lineOrder lists line keys in canonical-request order: URI, query, headers
// by name, signed headers.
func lineOrder(a, b map[lineKey]string) []lineKey {
	var headers []string
	for _, m := range []map[lineKey]string{a, b} {
		for k := range m {
			if k.part == PartHeaders && !slices.Contains(headers, k.header) {
				headers = append(headers, k.header)
			}
		}
	}
	slices.Sort(headers)
	keys := []lineKey{{part: PartURI}, {part: PartQuery}}
	for _, h := range headers {
		keys = append(keys, lineKey{part: PartHeaders, header: h})
	}
	return append(keys, lineKey{part: PartSignedHeaders})
}

// verdict decides whether AWS accepts the signer's signature for the bytes
// sent: a line the server computes differently rejects it; a choice the
// signer names in the signature does not; the server's own undocumented
// rule, or a signer's, leaves it unknown.
func verdict(res DialectResult) (string, string) {
	var breaks, unknown, choices []string
	for _, l := range res.Lines {
		if len(l.Rules) == 0 {
			unknown = appendOnce(unknown, "a "+l.Part+" line no documented rule explains")
		}
		for _, m := range l.Rules {
			switch m.Effect {
			case EffectBreaks:
				breaks = appendOnce(breaks, m.Feature)
			case EffectUnknown:
				unknown = appendOnce(unknown, "what AWS servers do with "+m.Feature)
			case EffectChoice:
				choices = appendOnce(choices, m.Feature)
			}
		}
	}
	for _, g := range res.NotDocumented {
		if g.Effect != EffectChoice {
			unknown = appendOnce(unknown, "what "+res.Signer+" does with "+g.Feature)
		}
	}
	switch {
	case len(breaks) > 0:
		return VerdictRejected, "it canonicalizes differently from AWS: " + strings.Join(breaks, "; ")
	case len(unknown) > 0:
		return VerdictUnknown, "not documented here: " + strings.Join(unknown, "; ")
	case len(choices) > 0:
		return VerdictAccepted, "it chooses differently, and the signature names its choice: " + strings.Join(choices, "; ")
	}
	return VerdictAccepted, "same canonical request as AWS"
}

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
