package sign

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sigscope/sigscope/sign/awsrule"
)

// Problem is one step at which a signed request fails verification.
type Problem struct {
	Step   string // one of the Step* constants
	Detail string
	Line   int    // 1-based line of the canonical request or string-to-sign, when the step is one of those
	Part   string // which part of it that line is (PartMethod, PartURI, ... PartCredentialScope)
	Ours   string // what sigscope computed for that step or line
	Theirs string // what the request or the server says
	// Column is the 1-based byte offset in Ours and Theirs of the first
	// character that differs, when they are lines that differ.
	Column int
	// Name is the header or query parameter the differing line or column
	// belongs to, when the part has several (canonical headers, query).
	Name string
	Hint string // what to do about it, when there is something to say
}

// Steps of a verification, in the order they are checked.
const (
	StepAuthorization    = "authorization" // reading the signature the request carries
	StepAccessKey        = "access key"
	StepSessionToken     = "session token"
	StepDate             = "date"
	StepCredentialScope  = "credential scope"
	StepSignedHeaders    = "signed headers"
	StepCanonicalRequest = "canonical request"
	StepStringToSign     = "string to sign"
	StepPayloadHash      = "payload hash"
	StepSignature        = "signature"
)

// Verification is the result of Verify.
type Verification struct {
	Info     SignatureInfo
	Trace    *Trace    // the signature recomputed from the request; nil when it could not be
	Match    bool      // the recomputed signature is the request's
	Problems []Problem // the first is the first step that differs
	// Cause names the classic mistake that reproduces the request's
	// signature (a Variant name), when one does; its Problem comes just
	// before the signature's.
	Cause string
	// Signers are the modelled signers, with their releases (Dialect
	// labels), that compute the canonical request the Cause found.
	Signers []string
	// Notes are observations that are not failures (an unsigned session
	// token, headers sent but not signed).
	Notes []string
	steps []string
}

// Valid reports whether the request verifies: the signature matches and no
// step failed (time window, scope, signed headers, payload hash).
func (v *Verification) Valid() bool { return v.Match && len(v.Problems) == 0 }

// Check is one step of a verification and whether it passed.
type Check struct {
	Step     string
	OK       bool
	Problems []Problem
}

// Checks lists every step that was run, in order, with its problems.
func (v *Verification) Checks() []Check {
	checks := make([]Check, 0, len(v.steps))
	for _, s := range v.steps {
		c := Check{Step: s, OK: true}
		for _, p := range v.Problems {
			if p.Step == s {
				c.OK = false
				c.Problems = append(c.Problems, p)
			}
		}
		checks = append(checks, c)
	}
	return checks
}

// VerifyInput is a signed request and what is known about how it was
// signed.
type VerifyInput struct {
	Request *Request
	// AccessKeyID, when set, must be the access key id the request names:
	// a secret key only verifies signatures made with its own key id.
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, when set, is the token of the credentials given: the
	// request must carry the same.
	SessionToken  string
	Now           time.Time // when set, the signature's time window is checked against it
	S3            bool
	NormalizePath Normalize
	// OmitSessionToken: the session token is not part of the signature
	// (added after signing, as the AWS suite's omit_session_token and AWS
	// IoT do); a presigned query's X-Amz-Security-Token is then not signed.
	OmitSessionToken bool
	// Region and Service are what the endpoint expects, when known; a
	// credential scope that names others is a problem. When empty, they are
	// read from well-known AWS host names.
	Region, Service string
	// WireBody is the body as it was sent, when that differs from
	// Request.Body (chunked framing): hashing it is one of the variants tried.
	WireBody []byte
	// The other side's canonical request and string-to-sign, when known: what
	// the server computed (from its mismatch message), or what the signer
	// computed (its debug log, or the original of a request changed in
	// flight). The first differing line locates the change; Ours in the
	// problem is the request given here, Theirs this text.
	ExpectedCanonicalRequest string
	ExpectedStringToSign     string
}

// MaxSkew is how far X-Amz-Date may be from the server's clock.
const MaxSkew = 5 * time.Minute

// ErrNoSignature is returned by ReadSignature and Verify for a request
// that carries no SigV4 signature at all.
var ErrNoSignature = errors.New("the request carries no signature: neither an Authorization header starting AWS4- nor X-Amz-Signature in the query")

// Verify recomputes the signature of a signed request with the secret key
// at the request's own X-Amz-Date and scope, signing exactly the headers
// the request lists, and reports every step that differs, in order. An
// unreadable signature is a Problem at StepAuthorization; only a request
// without any signature is an error.
func Verify(in VerifyInput) (*Verification, error) {
	if in.Request == nil {
		return nil, errors.New("no request to verify")
	}
	info, err := ReadSignature(in.Request)
	if errors.Is(err, ErrNoSignature) {
		return nil, err
	}
	v := &Verification{Info: info}
	v.run(StepAuthorization)
	if err != nil {
		v.add(Problem{Step: StepAuthorization, Detail: err.Error()})
		return v, nil
	}
	keyOK := v.checkAccessKey(in) // before anything else
	v.checkAuthorization(in.Request)
	v.checkSessionToken(in)
	if !v.checkDate(in.Now) {
		return v, nil
	}
	v.checkScope(in, in.Request)
	v.checkSignedHeaders(in.Request)
	v.checkRegions(in, in.Request)

	// The server that checks the signature is the one its scope names: an
	// S3 scope is checked by S3's rule, --s3 or not.
	s3 := in.S3 || awsrule.FamilyOf(info.Service) == awsrule.S3
	o := canonOptions{normalize: (&Options{NormalizePath: in.NormalizePath, S3: s3}).normalize(), s3: s3, omitToken: in.OmitSessionToken}
	tr, p := canonicalize(in.Request, info, o)
	v.run(StepCanonicalRequest)
	if p != nil {
		v.add(*p)
		return v, nil
	}
	tr.finish(in.SecretAccessKey)
	tr.Notes = verifyNotes(in.Request, info, in.OmitSessionToken)
	v.Notes = append(v.Notes, tr.Notes...)
	v.Trace = tr
	if in.ExpectedCanonicalRequest != "" {
		if p := DiffCanonicalRequest(tr.CanonicalRequest, in.ExpectedCanonicalRequest); p != nil {
			v.add(located(*p))
		}
	}
	if in.ExpectedStringToSign != "" {
		v.run(StepStringToSign)
		if p := DiffStringToSign(tr.StringToSign, in.ExpectedStringToSign); p != nil {
			v.add(located(*p))
		}
	}
	v.checkPayload(in, tr)
	v.checkS3PayloadHeader(in.Request, info, s3)
	if !keyOK {
		// A secret key verifies only its own key id's signatures: no
		// signature check, the access key problem says why.
		return v, nil
	}
	v.checkSignature(in, o, tr)
	return v, nil
}

// checkSignature compares the recomputed signature with the request's and,
// when they differ, says why as precisely as what is known allows: the
// other side's canonical request or string-to-sign, else the classic
// variant that reproduces the signature, else the two possibilities.
func (v *Verification) checkSignature(in VerifyInput, o canonOptions, tr *Trace) {
	v.run(StepSignature)
	info := v.Info
	v.Match = signatureHolds(tr, in.SecretAccessKey, info.Signature)
	if v.Match {
		return
	}
	sig := Problem{Step: StepSignature, Ours: tr.Signature, Theirs: info.Signature}
	if isV4a(tr.Algorithm) {
		// A fresh ECDSA signature says nothing next to the request's: the
		// key it was checked with does.
		sig.Ours = ""
		if tr.PublicKey != nil {
			sig.Ours = "public key " + tr.PublicKey.Fingerprint
		}
	}
	sameCanonical := in.ExpectedCanonicalRequest == "" || in.ExpectedCanonicalRequest == tr.CanonicalRequest
	sameSTS := in.ExpectedStringToSign == "" || in.ExpectedStringToSign == tr.StringToSign
	switch {
	case !sameCanonical:
		sig.Detail = "the signature differs because the canonical request differs (see above)"
	case !sameSTS:
		sig.Detail = "the signature differs because the string-to-sign differs (see above)"
	case in.ExpectedCanonicalRequest != "" || in.ExpectedStringToSign != "":
		sig.Detail = "the canonical request and string-to-sign are the same on both sides; only the final signature differs: the secret key is not the one that signed (or the signature was altered)"
		sig.Hint = "check the secret key: it must belong to access key " + info.AccessKeyID
	default:
		if c := findCause(in, info, o, tr); c != nil {
			v.Cause, v.Signers = c.variant, labels(c.signers)
			v.add(c.problem)
			sig.Detail = "the signature does not match the request as received; it matches the request as the signer saw it (see above)"
			break
		}
		if p := droppedAfterSigning(in, tr); p != nil && !isV4a(tr.Algorithm) {
			v.Cause = VariantParamsDropped
			v.add(*p)
			sig.Detail = "the signature differs: the client dropped part of the request after signing, or the secret key is wrong (see above)"
			sig.Hint = p.Hint
			break
		}
		sig.Detail = "the signature differs: the secret key is wrong, or the request changed after signing (method, path, query, a signed header or the body)"
		if isV4a(tr.Algorithm) {
			sig.Detail = "the signature does not verify with the public key derived from the secret: the secret key is wrong, or the request changed after signing (method, path, query, a signed header or the body)"
		}
		sig.Hint = "if the secret is right, compare with the canonical request the signer logged or AWS sent back in its 403 (sigscope verify --canonical-request FILE)"
	}
	v.add(sig)
}

func (v *Verification) add(p Problem) { v.Problems = append(v.Problems, p) }

func (v *Verification) run(step string) {
	if !slices.Contains(v.steps, step) {
		v.steps = append(v.steps, step)
	}
}

func (v *Verification) checkAuthorization(r *Request) {
	if !v.Info.Presigned && hasQuerySignature(r.RawQuery) {
		v.add(Problem{Step: StepAuthorization, Detail: "the request carries both an Authorization header and X-Amz-Signature in the query: AWS rejects it (\"Only one auth mechanism allowed\")",
			Hint: "send the signature in one place only"})
	}
	switch {
	case isV4a(v.Info.Algorithm):
		if !isDERSignatureHex(v.Info.Signature) {
			v.add(Problem{Step: StepAuthorization, Detail: "the signature is not the hex of an ASN.1 DER ECDSA signature (SigV4a): it was truncated or altered in transit", Theirs: v.Info.Signature})
		}
	case !isLowerHex(v.Info.Signature, 64):
		v.add(Problem{Step: StepAuthorization, Detail: "the signature is not 64 lower-case hex digits: it was truncated or altered in transit", Theirs: v.Info.Signature})
	}
	if v.Info.Presigned && len(v.Info.SignedHeaders) == 0 {
		v.add(Problem{Step: StepAuthorization, Detail: "the presigned URL has no X-Amz-SignedHeaders: AWS requires it (at least host)"})
	}
}

func (v *Verification) checkAccessKey(in VerifyInput) bool {
	if in.AccessKeyID == "" {
		return true
	}
	v.run(StepAccessKey)
	if in.AccessKeyID == v.Info.AccessKeyID {
		return true
	}
	v.add(Problem{Step: StepAccessKey, Ours: in.AccessKeyID, Theirs: v.Info.AccessKeyID,
		Detail: fmt.Sprintf("the request was signed with access key id %s, the credentials given are for %s: a secret key verifies only its own key's signatures", v.Info.AccessKeyID, in.AccessKeyID),
		Hint:   "give the credentials of " + v.Info.AccessKeyID + " (--profile, or --access-key and --secret-key)"})
	return false
}

func (v *Verification) checkSessionToken(in VerifyInput) {
	got := v.Info.SessionToken
	temporary := strings.HasPrefix(v.Info.AccessKeyID, "ASIA")
	if in.SessionToken == "" && !(temporary && got == "") {
		return
	}
	v.run(StepSessionToken)
	switch {
	case got == "" && in.SessionToken != "":
		v.add(Problem{Step: StepSessionToken, Detail: "the credentials are temporary (they come with a session token) but the request carries no X-Amz-Security-Token: AWS answers \"The security token included in the request is invalid\" or 403",
			Hint: "send the session token in X-Amz-Security-Token (signed), as the SDKs do"})
	case got == "":
		v.add(Problem{Step: StepSessionToken, Detail: "access key " + v.Info.AccessKeyID + " is temporary (ASIA…) but the request carries no X-Amz-Security-Token",
			Hint: "send the session token that came with the key"})
	case got != in.SessionToken:
		v.add(Problem{Step: StepSessionToken, Detail: "the request's X-Amz-Security-Token is not the session token of the credentials given (an expired or other session's token?)"})
	}
}

// checkDate reads X-Amz-Date and checks it against now; false when it
// cannot be read, which stops the verification.
func (v *Verification) checkDate(now time.Time) bool {
	v.run(StepDate)
	info := v.Info
	when, err := time.Parse(amzDateFormat, info.AmzDate)
	if info.AmzDate == "" || err != nil {
		what := "X-Amz-Date header"
		if info.Presigned {
			what = "X-Amz-Date query parameter"
		}
		detail := fmt.Sprintf("%s %q is not in the form 20150830T123600Z", what, info.AmzDate)
		if info.AmzDate == "" {
			detail = "the request has no " + what + ": the signature's time is unknown"
		}
		v.add(Problem{Step: StepDate, Detail: detail, Theirs: info.AmzDate})
		return false
	}
	if info.Presigned {
		switch {
		case info.Expires == 0:
			v.add(Problem{Step: StepDate, Detail: "the presigned URL has no X-Amz-Expires: AWS requires one (1 to 604800 seconds)"})
		case info.Expires > MaxExpires:
			v.add(Problem{Step: StepDate, Detail: fmt.Sprintf("X-Amz-Expires %d is over 604800 seconds (7 days): AWS rejects it", int64(info.Expires/time.Second))})
		}
	}
	if now.IsZero() {
		return true
	}
	stamp := formatAmzDate(now.UTC())
	switch d := now.Sub(when); {
	case info.Presigned && info.Expires > 0 && now.After(when.Add(info.Expires)):
		v.add(Problem{Step: StepDate, Detail: fmt.Sprintf("the presigned URL expired at %s (X-Amz-Date %s + X-Amz-Expires %d s), %s before now (%s)",
			formatAmzDate(when.Add(info.Expires)), info.AmzDate, int64(info.Expires/time.Second), span(when.Add(info.Expires), now), stamp),
			Hint: "presign it again, with a longer --expires if it must live longer"})
	case d < -MaxSkew && info.Presigned:
		v.add(Problem{Step: StepDate, Detail: fmt.Sprintf("the presigned URL is not yet valid: X-Amz-Date %s is %s after now (%s); AWS accepts 5 minutes of skew", info.AmzDate, span(now, when), stamp),
			Hint: "check the signer's clock"})
	case d < -MaxSkew:
		v.add(Problem{Step: StepDate, Detail: fmt.Sprintf("Signature not yet current: X-Amz-Date %s is %s after now (%s); AWS accepts 5 minutes either way", info.AmzDate, span(now, when), stamp),
			Hint: "check the signer's clock"})
	case d > MaxSkew && !info.Presigned:
		v.add(Problem{Step: StepDate, Detail: fmt.Sprintf("Signature expired: X-Amz-Date %s is %s before now (%s); AWS accepts 5 minutes either way", info.AmzDate, span(when, now), stamp),
			Hint: "sign again just before sending, or check the clock"})
	}
	return true
}

func (v *Verification) checkScope(in VerifyInput, r *Request) {
	v.run(StepCredentialScope)
	info := v.Info
	if !strings.HasPrefix(info.AmzDate, info.Date) {
		v.add(Problem{Step: StepCredentialScope, Detail: fmt.Sprintf("the credential scope's date %s is not the day of X-Amz-Date %s", info.Date, info.AmzDate), Ours: info.AmzDate[:8], Theirs: info.Date,
			Hint: "sign with one clock reading: the scope's date is X-Amz-Date's first 8 digits"})
	}
	if info.Terminator != "aws4_request" {
		v.add(Problem{Step: StepCredentialScope, Detail: "the credential scope must end in aws4_request", Theirs: info.Scope()})
	}
	region, service, from := in.Region, in.Service, "the endpoint (as given)"
	if region == "" && service == "" {
		region, service = hostScope(r.Host)
		from = "the host " + r.Host
	}
	if isV4a(info.Algorithm) {
		// SigV4a's regions are in the region set, checked on their own.
		region = ""
	}
	if region != "" && region != info.Region {
		v.add(Problem{Step: StepCredentialScope, Ours: region, Theirs: info.Region,
			Detail: fmt.Sprintf("the credential scope names region %s but %s is in %s: AWS answers \"Credential should be scoped to a valid region, not '%s'\"", info.Region, from, region, info.Region),
			Hint:   "sign with --region " + region})
	}
	if service != "" && service != info.Service {
		v.add(Problem{Step: StepCredentialScope, Ours: service, Theirs: info.Service,
			Detail: fmt.Sprintf("the credential scope names service %s but %s expects %s: AWS answers \"Credential should be scoped to correct service\"", info.Service, from, service),
			Hint:   "sign with --service " + service})
	}
}

func (v *Verification) checkSignedHeaders(r *Request) {
	v.run(StepSignedHeaders)
	names := v.Info.SignedHeaders
	list := strings.Join(names, ";")
	if !slices.Contains(names, "host") {
		v.add(Problem{Step: StepSignedHeaders, Detail: "host is not signed; every SigV4 signature must sign it", Theirs: list})
	}
	if !v.Info.Presigned && !slices.Contains(names, "x-amz-date") {
		if _, ok := r.Get("X-Amz-Date"); ok {
			v.add(Problem{Step: StepSignedHeaders, Detail: "x-amz-date is sent but not signed; AWS requires it in the signed headers", Theirs: list})
		}
	}
	if !slices.IsSorted(names) {
		v.add(Problem{Step: StepSignedHeaders, Detail: "the signed header list is not sorted", Theirs: list})
	}
	for i, n := range names {
		if n != strings.ToLower(n) {
			v.add(Problem{Step: StepSignedHeaders, Detail: fmt.Sprintf("signed header %q is not lower-case", n), Theirs: list})
		}
		if i > 0 && names[i-1] == n {
			v.add(Problem{Step: StepSignedHeaders, Detail: fmt.Sprintf("signed header %q is listed twice", n), Theirs: list})
		}
		if n == "host" {
			continue
		}
		if _, ok := r.Get(n); !ok {
			v.add(Problem{Step: StepSignedHeaders, Name: n, Theirs: list,
				Detail: fmt.Sprintf("%s is signed but missing from the request: was it removed in flight (by a proxy, a CDN, the browser)?", n)})
		}
	}
}

// checkPayload compares a declared x-amz-content-sha256 with the body: a
// body changed after signing keeps the canonical request (which carries the
// declared hash) but fails on the server.
func (v *Verification) checkPayload(in VerifyInput, tr *Trace) {
	v.run(StepPayloadHash)
	if !strings.HasPrefix(tr.Payload.Source, "x-amz-content-sha256") || !isLowerHex(strings.ToLower(tr.Payload.Hash), 64) {
		return
	}
	body := sha256Hex(in.Request.Body)
	if strings.EqualFold(body, tr.Payload.Hash) {
		return
	}
	p := Problem{Step: StepPayloadHash, Part: PartPayloadHash, Ours: body, Theirs: tr.Payload.Hash,
		Detail: fmt.Sprintf("the body (%d bytes) does not hash to the %s: the body (or that hash) changed after signing", len(in.Request.Body), tr.Payload.Source),
		Hint:   "send the body exactly as signed (no re-encoding, no pretty-printing, no charset conversion)"}
	if in.WireBody != nil && strings.EqualFold(sha256Hex(in.WireBody), tr.Payload.Hash) {
		p.Detail = "the declared hash is the hash of the chunked body with its framing; the server hashes the decoded body"
		p.Hint = "hash the payload before chunking it (or sign STREAMING-… as S3 expects for chunked uploads)"
	}
	v.add(p)
}

// located fills in the column of the first differing character and the
// header or query parameter a differing canonical line belongs to.
func located(p Problem) Problem {
	p.Column = firstDiff(p.Ours, p.Theirs) + 1
	switch p.Part {
	case PartHeaders:
		p.Name, _, _ = strings.Cut(p.Ours, ":")
		if p.Name == "" {
			p.Name, _, _ = strings.Cut(p.Theirs, ":")
		}
	case PartQuery:
		// The parameter at the first difference; when one side has a
		// parameter the other lacks, that one.
		ours, theirs := paramAt(p.Ours, p.Column-1), paramAt(p.Theirs, p.Column-1)
		p.Name = ours
		if ours != theirs && (ours == "" || hasParam(p.Ours, theirs) != hasParam(p.Theirs, theirs)) {
			p.Name = theirs
		}
	case PartRequestDate:
		p.Name = "X-Amz-Date"
	}
	what := p.Part
	if p.Name != "" {
		what += ", " + p.Name
	}
	p.Detail = fmt.Sprintf("line %d (%s) differs at column %d", p.Line, what, p.Column)
	return p
}

// firstDiff is the byte offset of the first difference of a and b.
func firstDiff(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// paramAt names the query parameter (its encoded key) at byte offset i of
// a canonical query string.
func paramAt(query string, i int) string {
	if i < len(query) && query[i] == '&' {
		i++ // a difference at the separator is one in the next pair
	}
	start := strings.LastIndexByte(query[:min(i, len(query))], '&') + 1
	pair := query[start:]
	if j := strings.IndexByte(pair, '&'); j >= 0 {
		pair = pair[:j]
	}
	k, _, _ := strings.Cut(pair, "=")
	return k
}

// hasParam reports whether a canonical query string has a parameter
// with that encoded key.
func hasParam(query, key string) bool {
	for _, pair := range strings.Split(query, "&") {
		if k, _, _ := strings.Cut(pair, "="); k == key {
			return true
		}
	}
	return false
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// span says how far apart two times are, in seconds up to days; it does
// not overflow as time.Duration does past 292 years.
func span(from, to time.Time) string {
	secs := to.Unix() - from.Unix()
	if secs < 0 {
		secs = -secs
	}
	if secs < 2*86400 {
		return (time.Duration(secs) * time.Second).String()
	}
	days, rest := secs/86400, time.Duration(secs%86400)*time.Second
	return fmt.Sprintf("%d days %s", days, rest.Round(time.Minute))
}
