package sign

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Signer dialects: where well-known client signers canonicalize a request
// differently from the rule AWS servers apply to the bytes they receive
// (the rule this package signs by, awsrule). The behaviours come from
// PRODUCT.md, "Where well-known signers disagree", from aws-sdk-go-v2's
// v1.48.0 source in go.mod (checked against the SDK itself in
// dialect_test.go), from the peers run here (botocore, aws4, @smithy/signature-v4, curl) and from
// curl's source, release by release (dialect_curl.go). What a signer does
// where none says is reported as "not documented here", never guessed: see
// dialect_rules.go.

// Dialect is a well-known client signer at the releases one model covers:
// a signer whose rules changed has one Dialect per span of releases.
type Dialect struct {
	ID   string `json:"id"`   // unique: the name, and the releases when a signer has several
	Name string `json:"name"` // as users know it: aws-sdk-go-v2, botocore, curl...
	// Version is the releases the model is for ("7.75.0–8.2.1", "v1.47.6
	// and later"); "" when PRODUCT.md records none.
	Version string `json:"version"`
	About   string `json:"about"` // what ships it, and how its behaviour is known

	first, last string       // the releases covered, inclusive; "" is open (see Covers)
	curl        *curlRelease // curl: its path and query lines are a port of its code
}

// Label names the signer and its releases: "curl 7.75.0–8.2.1".
func (d Dialect) Label() string {
	if d.Version == "" {
		return d.Name
	}
	return d.Name + " " + d.Version
}

// Covers reports whether release (dotted numbers, "v" or not: 7.88.1,
// v1.48.0) is one this model is for; false for a model that names no
// releases or a release it cannot read.
func (d Dialect) Covers(release string) bool {
	if d.first == "" && d.last == "" {
		return false
	}
	v, ok := parseRelease(release)
	if !ok {
		return false
	}
	if f, ok := parseRelease(d.first); ok && slices.Compare(v, f) < 0 {
		return false
	}
	if l, ok := parseRelease(d.last); ok && slices.Compare(v, l) > 0 {
		return false
	}
	return true
}

// parseRelease reads "1.2.3" (or v1.2.3) as three numbers.
func parseRelease(s string) ([]int, bool) {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(s), "v"), ".")
	if len(parts) == 0 || len(parts) > 3 {
		return nil, false
	}
	v := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, false
		}
		v[i] = n
	}
	return v, true
}

// DialectFor is the model of a signer that covers a release.
func DialectFor(name, release string) (Dialect, bool) {
	for _, d := range Dialects {
		if d.Name == name && d.Covers(release) {
			return d, true
		}
	}
	return Dialect{}, false
}

// Dialects are the signers CompareDialects knows, in the order it reports
// them; a signer's releases newest first, but curl's oldest first.
var Dialects = slices.Concat([]Dialect{
	{ID: dialectGo, Name: dialectGo, Version: "v1.47.6 and later", first: "1.47.6",
		About: "the AWS SDK for Go v2 (aws/signer/v4; read in v1.48.0, the signer sigscope cross-checks with)"},
	{ID: dialectGoOld, Name: dialectGo, Version: "before v1.47.6", last: "1.47.5",
		About: "the AWS SDK for Go v2 before v1.47.6, which sorted the query before encoding it (url.Values.Encode: by decoded key, a repeated key's values in the order written)"},
	{ID: dialectBotocore, Name: dialectBotocore, Version: "1.29.27", first: "1.29.27", last: "1.29.27",
		About: "the AWS SDK for Python and the AWS CLI (measured with Debian 12's python3-botocore 1.29.27)"},
	{ID: dialectSmithy, Name: dialectSmithy, Version: smithyRelease, first: smithyRelease, last: smithyRelease,
		About: "the AWS SDK for JavaScript v3 (measured with @smithy/signature-v4 5.7.5, the differential test's, with @smithy/core's parseQueryString and NodeHttpHandler)"},
	{ID: dialectAWS4, Name: dialectAWS4, Version: "1.9.1–1.13.2", first: "1.9.1", last: "1.13.2",
		About: "the aws4 npm package, which newman 6.2.2 and Bruno's CLI 4.1 sign with (read in its source; measured with 1.13.2)"},
	{ID: dialectAmplify, Name: dialectAmplify, About: "Amplify's Signer (aws-amplify), as used by Amplify's API client (the release PRODUCT.md measured is not recorded)"},
}, curlDialects)

const (
	dialectGo       = "aws-sdk-go-v2"
	dialectGoOld    = "aws-sdk-go-v2 before v1.47.6"
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

// DialectResult is what one signer, at the releases its model covers,
// computes for the request.
type DialectResult struct {
	ID               string `json:"id"` // Dialect.ID
	Signer           string `json:"signer"`
	Version          string `json:"version"` // the releases the verdict is for (Dialect.Version)
	About            string `json:"about"`
	CanonicalRequest string `json:"canonical_request"`
	// Same: the same canonical request as AWS's rule. Lines may still say
	// why the bytes sent are refused (IsSendingLine).
	Same bool `json:"same"`
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
	// Installed is the release of this signer found on this machine, when
	// the caller looked for one and it is among the releases covered
	// (sigscope compare reads curl --version).
	Installed string `json:"installed,omitempty"`
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
	// Summary is the whole of it in one sentence that names the signer
	// and its releases, as verify reports a cause.
	Summary string `json:"summary"`
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

// compare canonicalizes the request as d does and explains the differences.
func (in *dialectInput) compare(d Dialect) DialectResult {
	res, _ := in.compareCanon(d)
	return res
}

// compareCanon is compare with the canonical request d computes.
func (in *dialectInput) compareCanon(d Dialect) (DialectResult, dialectCanon) {
	res := DialectResult{ID: d.ID, Signer: d.Name, Version: d.Version, About: d.About, Lines: []DialectLine{}, NotDocumented: []DialectGap{}}
	var active []activeRule
	var full dialectProfile
	if d.curl != nil {
		if in.opts.Presign {
			res.NotDocumented = append(res.NotDocumented, DialectGap{ID: "curl-presign", Feature: "a presigned URL",
				Note: "not documented here: curl --aws-sigv4 signs an Authorization header; it does not presign", Effect: EffectUnknown})
		} else {
			full.curl = d.curl
		}
	}
	for _, r := range dialectRules {
		if d.curl != nil && r.part != PartHeaders || !r.applies(in) {
			continue // curl's path and query lines are its port's
		}
		b, documented := r.by[d.ID]
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
		if full.curl != nil && k.part != PartHeaders && k.part != PartSignedHeaders {
			line.Rules = append(line.Rules, full.curl.explain(d, in, k.part, ref[k], got[k]))
		}
		for i, a := range active {
			if alone[i][k] != ref[k] {
				line.Rules = append(line.Rules, a.match(d, in))
			}
		}
		res.Lines = append(res.Lines, line)
	}
	in.s3WithoutPayloadHash(&res)
	if d.Name != dialectGo && full.curl == nil {
		// Its HTTP stack may send other bytes than it signed: those lines
		// are the server's for the bytes sent.
		res.OwnRequest = in.ownStackRequest(d, canon, &res)
	}
	res.Verdict, res.Reason = verdict(res)
	switch {
	case d.Name == dialectGo && res.Verdict != VerdictAccepted:
		res.OwnRequest = in.goOwnRequest(full, canon, active)
	case full.curl != nil:
		res.OwnRequest = in.curlOwnRequest(full.curl)
	case res.OwnRequest == nil:
		res.OwnRequest = in.nodeOwnRequest(d)
	}
	if o := res.OwnRequest; o != nil && in.noPayloadHash && o.Accepted {
		o.Accepted = false
		o.Note = strings.TrimPrefix(o.Note+"; S3 refuses it all the same: it carries no x-amz-content-sha256", "; ")
	}
	return res, canon
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

func (a activeRule) match(d Dialect, in *dialectInput) DialectMatch {
	m := DialectMatch{ID: a.r.id, Feature: a.r.featureOf(in), Signer: a.b.does, AWS: a.r.aws(in), Effect: a.r.effect, Source: a.b.source}
	m.Summary = d.Label() + ", " + m.Feature + ": " + m.Signer
	return m
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
