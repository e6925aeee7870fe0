package sign

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SignatureInfo is what a signed request says about its own signature.
type SignatureInfo struct {
	Presigned     bool
	Algorithm     string
	AccessKeyID   string
	Date          string // yyyymmdd from the credential scope
	Region        string
	Service       string
	Terminator    string // aws4_request
	SignedHeaders []string
	Signature     string
	AmzDate       string        // X-Amz-Date
	Expires       time.Duration // presigned only
}

// Scope is the credential scope the signature names.
func (s SignatureInfo) Scope() string {
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + s.Terminator
}

// Problem is one step at which a signed request fails verification.
type Problem struct {
	Step   string // "authorization", "date", "credential scope", "signed headers", "canonical request", "string to sign", "signature"
	Detail string
	Line   int    // 1-based line of the canonical request or string-to-sign, when the step is one of those
	Part   string // which part of it that line is (PartMethod, PartURI, ... PartCredentialScope)
	Ours   string // what sigscope computed for that step or line
	Theirs string // what the request or the server says
}

// Verification is the result of Verify.
type Verification struct {
	Info     SignatureInfo
	Trace    *Trace // the signature recomputed from the request; nil when it could not be
	Match    bool
	Problems []Problem // the first is the first step that differs
}

// VerifyInput is a signed request and what is known about how it was
// signed.
type VerifyInput struct {
	Request         *Request
	SecretAccessKey string
	Now             time.Time // when set, the signature's time window is checked against it
	S3              bool
	NormalizePath   Normalize
	// What the server computed, from its mismatch message, when known.
	ExpectedCanonicalRequest string
	ExpectedStringToSign     string
}

// MaxSkew is how far X-Amz-Date may be from the server's clock.
const MaxSkew = 5 * time.Minute

// Verify recomputes the signature of a signed request with the secret key
// and reports the first step that differs.
func Verify(in VerifyInput) (*Verification, error) {
	info, err := ReadSignature(in.Request)
	if err != nil {
		return nil, err
	}
	v := &Verification{Info: info}
	when, err := time.Parse(amzDateFormat, info.AmzDate)
	if err != nil {
		v.add(Problem{Step: "date", Detail: fmt.Sprintf("X-Amz-Date %q is not in the form 20150830T123600Z", info.AmzDate), Theirs: info.AmzDate})
		return v, nil
	}
	if !strings.HasPrefix(info.AmzDate, info.Date) {
		v.add(Problem{Step: "date", Detail: "the credential scope's date is not the day of X-Amz-Date", Ours: info.AmzDate[:8], Theirs: info.Date})
	}
	if info.Terminator != "aws4_request" {
		v.add(Problem{Step: "credential scope", Detail: "the credential scope must end in aws4_request", Theirs: info.Scope()})
	}
	v.checkTime(in.Now, when)
	req := in.Request.Clone()
	v.checkSignedHeaders(req)

	opts := Options{
		Credentials: Credentials{AccessKeyID: info.AccessKeyID, SecretAccessKey: in.SecretAccessKey},
		Region:      info.Region, Service: info.Service, Time: when,
		Presign: info.Presigned, Expires: info.Expires, S3: in.S3, NormalizePath: in.NormalizePath,
		DisableHeaderHoisting: true,
	}
	if opts.Presign && opts.Expires == 0 {
		opts.Expires = DefaultExpires
	}
	keepSignedHeaders(req, info.SignedHeaders)
	tr, err := Sign(req, opts)
	if err != nil {
		return nil, fmt.Errorf("recompute the signature: %w", err)
	}
	v.Trace = tr
	if tr.SignedHeaders != strings.Join(info.SignedHeaders, ";") {
		v.add(Problem{Step: "signed headers", Detail: "the request's headers do not give the signed header list it names", Ours: tr.SignedHeaders, Theirs: strings.Join(info.SignedHeaders, ";")})
	}
	if in.ExpectedCanonicalRequest != "" {
		if p := DiffCanonicalRequest(tr.CanonicalRequest, in.ExpectedCanonicalRequest); p != nil {
			v.add(*p)
		}
	}
	if in.ExpectedStringToSign != "" {
		if p := DiffStringToSign(tr.StringToSign, in.ExpectedStringToSign); p != nil {
			v.add(*p)
		}
	}
	v.Match = tr.Signature == info.Signature
	if !v.Match {
		v.add(Problem{Step: "signature", Ours: tr.Signature, Theirs: info.Signature,
			Detail: "the signature differs: either the secret key is not the one that signed, or a signed part (method, path, query, a signed header, the body) changed after signing"})
	}
	return v, nil
}

func (v *Verification) add(p Problem) { v.Problems = append(v.Problems, p) }

func (v *Verification) checkTime(now, when time.Time) {
	if now.IsZero() {
		return
	}
	if v.Info.Presigned {
		if end := when.Add(v.Info.Expires); now.After(end) {
			v.add(Problem{Step: "date", Detail: fmt.Sprintf("the presigned URL expired at %s (X-Amz-Date + %v)", end.UTC().Format(time.RFC3339), v.Info.Expires)})
		}
		if when.After(now.Add(MaxSkew)) {
			v.add(Problem{Step: "date", Detail: "X-Amz-Date is more than 5 minutes in the future: check the signer's clock"})
		}
		return
	}
	if d := now.Sub(when); d > MaxSkew || d < -MaxSkew {
		v.add(Problem{Step: "date", Detail: fmt.Sprintf("X-Amz-Date is %v from now; AWS accepts 5 minutes either way: check the clock (or sign again)", d.Round(time.Second))})
	}
}

func (v *Verification) checkSignedHeaders(r *Request) {
	names := v.Info.SignedHeaders
	if !slices.Contains(names, "host") {
		v.add(Problem{Step: "signed headers", Detail: "host is not signed; every SigV4 signature must sign it", Theirs: strings.Join(names, ";")})
	}
	if !slices.IsSorted(names) {
		v.add(Problem{Step: "signed headers", Detail: "the signed header list is not sorted", Theirs: strings.Join(names, ";")})
	}
	for _, n := range names {
		if n != strings.ToLower(n) {
			v.add(Problem{Step: "signed headers", Detail: fmt.Sprintf("signed header %q is not lower-case", n)})
		}
		if n == "host" || (n == "x-amz-date" && !v.Info.Presigned) {
			continue
		}
		if _, ok := r.Get(n); !ok {
			v.add(Problem{Step: "signed headers", Detail: fmt.Sprintf("%s is signed but missing from the request: was it removed in flight?", n), Theirs: n})
		}
	}
}

// keepSignedHeaders drops headers that the signature does not cover, so
// that recomputing signs exactly what the signer signed.
func keepSignedHeaders(r *Request, signed []string) {
	kept := r.Headers[:0]
	for _, h := range r.Headers {
		if slices.Contains(signed, strings.ToLower(h.Name)) {
			kept = append(kept, h)
		}
	}
	r.Headers = kept
}

// ReadSignature reads the signature a request carries, from its
// Authorization header or its presigned query.
func ReadSignature(r *Request) (SignatureInfo, error) {
	if auth, ok := r.Get("Authorization"); ok {
		info, err := ParseAuthorization(auth)
		if err != nil {
			return info, err
		}
		info.AmzDate, _ = r.Get("X-Amz-Date")
		if info.AmzDate == "" {
			return info, fmt.Errorf("the request has an Authorization header but no X-Amz-Date header")
		}
		return info, nil
	}
	q, err := url.ParseQuery(r.RawQuery)
	if err != nil || q.Get("X-Amz-Signature") == "" {
		return SignatureInfo{}, fmt.Errorf("the request carries no signature: neither an Authorization header nor X-Amz-Signature in the query")
	}
	info := SignatureInfo{Presigned: true, Algorithm: q.Get("X-Amz-Algorithm"), Signature: q.Get("X-Amz-Signature"), AmzDate: q.Get("X-Amz-Date")}
	if info.Algorithm != Algorithm {
		return info, fmt.Errorf("X-Amz-Algorithm is %q, want %s", info.Algorithm, Algorithm)
	}
	if err := info.setCredential(q.Get("X-Amz-Credential")); err != nil {
		return info, err
	}
	if sh := q.Get("X-Amz-SignedHeaders"); sh != "" {
		info.SignedHeaders = strings.Split(sh, ";")
	}
	if e := q.Get("X-Amz-Expires"); e != "" {
		n, err := strconv.ParseInt(e, 10, 64)
		if err != nil || n <= 0 {
			return info, fmt.Errorf("X-Amz-Expires %q is not a positive number of seconds", e)
		}
		info.Expires = time.Duration(n) * time.Second
	}
	return info, nil
}

// ParseAuthorization reads "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…".
func ParseAuthorization(value string) (SignatureInfo, error) {
	var info SignatureInfo
	alg, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
	if alg != Algorithm {
		return info, fmt.Errorf("authorization header starts with %q, want %s (a user-pool id_token or a Bearer token is not a SigV4 signature)", alg, Algorithm)
	}
	info.Algorithm = alg
	var missing []string
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			fields[k] = v
		}
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return info, fmt.Errorf("authorization header lacks %s", strings.Join(missing, ", "))
	}
	if err := info.setCredential(fields["Credential"]); err != nil {
		return info, err
	}
	info.SignedHeaders = strings.Split(fields["SignedHeaders"], ";")
	info.Signature = fields["Signature"]
	return info, nil
}

func (s *SignatureInfo) setCredential(c string) error {
	parts := strings.Split(c, "/")
	if len(parts) != 5 {
		return fmt.Errorf("credential %q is not access-key/date/region/service/aws4_request", c)
	}
	s.AccessKeyID, s.Date, s.Region, s.Service, s.Terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	return nil
}
