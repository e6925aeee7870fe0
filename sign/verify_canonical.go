package sign

import (
	"fmt"
	"slices"
	"strings"
)

// canonOptions choose how a received request is canonicalized.
type canonOptions struct {
	normalize, s3 bool
	omitToken     bool // a presigned query's X-Amz-Security-Token is not signed
}

// canonicalize builds the canonical request a server computes from a
// signed request as received: the path and query as sent, exactly the
// headers SignedHeaders lists (none added, none dropped, whatever a signer
// library would skip), and the payload hash the request declares or its
// body's. A path or query that cannot be read is a Problem naming its part.
func canonicalize(r *Request, info SignatureInfo, o canonOptions) (*Trace, *Problem) {
	t := &Trace{Method: r.Method, Mode: "header", AccessKeyID: info.AccessKeyID, Algorithm: info.Algorithm,
		RequestDate: info.AmzDate, CredentialScope: info.Scope(), RegionSet: info.RegionSet}
	if info.Presigned {
		t.Mode = "query"
	}
	var err error
	if t.URI, _, err = canonicalURI(r.Path, o.normalize, o.s3); err != nil {
		return nil, &Problem{Step: StepCanonicalRequest, Line: 2, Part: PartURI, Detail: "the path cannot be canonicalized: " + err.Error(), Theirs: r.Path}
	}
	params, rules, err := parseQuery(r.RawQuery)
	if err != nil {
		return nil, &Problem{Step: StepCanonicalRequest, Line: 3, Part: PartQuery, Detail: "the query cannot be read: " + err.Error(), Theirs: r.RawQuery}
	}
	t.Query = QueryStep{Input: r.RawQuery, Rules: rules, Params: unsignedParamsDropped(params, info.Presigned, o.omitToken)}
	t.Query.Output = canonicalQuery(t.Query.Params)
	if len(t.Query.Params) > 1 {
		t.Query.Rules = append(t.Query.Rules, RuleSortedByKey)
	}
	t.Headers, t.Skipped = listedHeaders(r, info.SignedHeaders)
	t.HeaderRules = []string{RuleHeadersSorted}
	t.SignedHeaders = strings.Join(info.SignedHeaders, ";")
	t.Payload = declaredPayload(r, info.Presigned, o.s3)
	t.CanonicalRequest = buildCanonicalRequest(t)
	return t, nil
}

// unsignedParamsDropped removes what a presigned query carries but does not
// sign: X-Amz-Signature, and the session token when it was added after
// signing.
func unsignedParamsDropped(params []QueryParam, presigned, omitToken bool) []QueryParam {
	if !presigned {
		return params
	}
	return slices.DeleteFunc(params, func(p QueryParam) bool {
		return p.Key == "X-Amz-Signature" || omitToken && p.Key == "X-Amz-Security-Token"
	})
}

// listedHeaders builds one canonical line per name of the signed header
// list, from the request's headers of that name (the Host for host), and
// lists the headers sent but not signed.
func listedHeaders(r *Request, names []string) (lines []HeaderLine, skipped []SkippedHeader) {
	lines = make([]HeaderLine, 0, len(names))
	for _, name := range names {
		l := HeaderLine{Name: name, Source: "request"}
		if name == "host" && r.Host != "" {
			l.Values = []string{r.Host}
		} else {
			for _, h := range r.Headers {
				if strings.EqualFold(h.Name, name) {
					l.Values = append(l.Values, h.Value)
				}
			}
		}
		if len(l.Values) > 0 {
			l.Value = canonicalValue(l.Values, &l.Rules)
		}
		lines = append(lines, l)
	}
	for _, h := range r.Headers {
		if !slices.Contains(names, strings.ToLower(h.Name)) && !slices.ContainsFunc(skipped, func(s SkippedHeader) bool { return strings.EqualFold(s.Name, h.Name) }) {
			skipped = append(skipped, SkippedHeader{Name: h.Name, Reason: "not in the signature's signed headers"})
		}
	}
	return lines, skipped
}

// declaredPayload is the payload hash a server uses: the one the request
// declares (x-amz-content-sha256 header, or query parameter when
// presigned), else UNSIGNED-PAYLOAD for a presigned S3 URL, else the
// body's SHA-256.
func declaredPayload(r *Request, presigned, s3 bool) PayloadStep {
	p := PayloadStep{Size: len(r.Body)}
	if presigned {
		if v, ok := readQueryLenient(r.RawQuery).get("X-Amz-Content-Sha256"); ok && v != "" {
			p.Hash, p.Source = v, "x-amz-content-sha256 query parameter"
			return p
		}
	}
	if v, ok := r.Get("X-Amz-Content-Sha256"); ok && strings.TrimSpace(v) != "" {
		p.Hash, p.Source = strings.TrimSpace(v), "x-amz-content-sha256 header"
		return p
	}
	if presigned && s3 {
		p.Hash, p.Source = UnsignedPayload, "unsigned"
		return p
	}
	p.Hash, p.Source = sha256Hex(r.Body), "body"
	return p
}

// finish hashes the canonical request and signs it for its credential
// scope: the string-to-sign, the derived keys and the signature.
func (t *Trace) finish(secret string) {
	if isV4a(t.Algorithm) {
		t.finishV4a(secret)
		return
	}
	scope := strings.SplitN(t.CredentialScope, "/", 4)
	for len(scope) < 3 {
		scope = append(scope, "")
	}
	t.CanonicalRequestHash = sha256Hex(bytesOf(t.CanonicalRequest))
	t.StringToSign = t.Algorithm + "\n" + t.RequestDate + "\n" + t.CredentialScope + "\n" + t.CanonicalRequestHash
	keys := deriveKeys(secret, scope[0], scope[1], scope[2])
	t.Keys = keys.hex
	t.Signature = keys.sign(t.StringToSign)
}

// verifyNotes are things worth knowing about a signed request that are not
// failures.
func verifyNotes(r *Request, info SignatureInfo, omitToken bool) []string {
	var notes []string
	if !info.Presigned && info.SessionToken != "" && !slices.Contains(info.SignedHeaders, "x-amz-security-token") {
		notes = append(notes, "X-Amz-Security-Token is sent but not signed: most services accept that, some (and most SDKs) sign it")
	}
	if info.Presigned && info.SessionToken != "" && omitToken {
		notes = append(notes, "X-Amz-Security-Token was added to the URL after signing and is not part of the signature (--omit-session-token)")
	}
	if v, ok := r.Get("Content-Type"); ok && !slices.Contains(info.SignedHeaders, "content-type") {
		notes = append(notes, fmt.Sprintf("Content-Type %q is sent but not signed: a change to it in flight goes unnoticed", v))
	}
	return notes
}

// queryPairs are a raw query's pairs, decoded leniently (an invalid escape
// is kept as written, '+' is a plus), for reading the X-Amz-* parameters.
type queryPairs [][2]string

func readQueryLenient(raw string) queryPairs {
	if raw == "" {
		return nil
	}
	var q queryPairs
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		q = append(q, [2]string{unescapeLenient(k), unescapeLenient(v)})
	}
	return q
}

func (q queryPairs) get(key string) (string, bool) {
	for _, p := range q {
		if p[0] == key {
			return p[1], true
		}
	}
	return "", false
}

func unescapeLenient(s string) string {
	var ignored []string
	if d, err := queryUnescape(s, &ignored); err == nil {
		return d
	}
	return s
}

func hasQuerySignature(raw string) bool {
	for _, p := range readQueryLenient(raw) {
		if strings.EqualFold(p[0], "X-Amz-Signature") {
			return true
		}
	}
	return false
}

// HasSignature reports whether a request already carries a SigV4
// signature: an Authorization header starting AWS4- or X-Amz-Signature in
// the query.
func HasSignature(r *Request) bool {
	if auth, ok := r.Get("Authorization"); ok && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(auth)), "AWS4-") {
		return true
	}
	return hasQuerySignature(r.RawQuery)
}

// signatureParams are the query parameters a presigned signature adds.
var signatureParams = []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token", RegionSetHeader}

// StripSignature returns a copy of r without the signature it carries:
// the Authorization header, X-Amz-Date, X-Amz-Security-Token and SigV4a's
// X-Amz-Region-Set headers, and the presigned X-Amz-* query parameters, so
// that it can be signed anew.
func StripSignature(r *Request) *Request {
	c := r.Clone()
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", RegionSetHeader} {
		c.Del(h)
	}
	if c.RawQuery == "" {
		return c
	}
	parts := strings.Split(c.RawQuery, "&")
	parts = slices.DeleteFunc(parts, func(p string) bool {
		k, _, _ := strings.Cut(p, "=")
		return slices.ContainsFunc(signatureParams, func(s string) bool { return strings.EqualFold(unescapeLenient(k), s) })
	})
	c.RawQuery = strings.Join(parts, "&")
	return c
}

// hostScope reads region and service from well-known AWS host names:
// API Gateway (…execute-api.REGION.amazonaws.com), Lambda function URLs
// (…lambda-url.REGION.on.aws), S3, and SERVICE.REGION.amazonaws.com for the
// region only (service names and host prefixes often differ).
func hostScope(host string) (region, service string) {
	h := strings.ToLower(host)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
	n := len(labels)
	switch {
	case n >= 4 && strings.HasSuffix(h, ".on.aws") && labels[n-4] == "lambda-url":
		return labelRegion(labels[n-3]), "lambda"
	case n >= 3 && labels[n-2] == "amazonaws" && labels[n-1] == "com":
		// Any dualstack or FIPS variants keep the region right before amazonaws.
		region = labelRegion(labels[n-3])
		if region == "" {
			return "", ""
		}
		if n >= 4 {
			switch prev := labels[n-4]; {
			case prev == "execute-api":
				service = "execute-api"
			case prev == "s3" || strings.HasPrefix(prev, "s3-"):
				service = "s3"
			}
		}
		return region, service
	}
	return "", ""
}

// labelRegion returns l when it has the shape of an AWS region
// (us-east-1, eu-central-2, us-gov-west-1, cn-north-1), else "".
func labelRegion(l string) string {
	parts := strings.Split(l, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return ""
	}
	last := parts[len(parts)-1]
	if len(last) != 1 || last[0] < '0' || last[0] > '9' {
		return ""
	}
	for _, p := range parts[:len(parts)-1] {
		for i := 0; i < len(p); i++ {
			if p[i] < 'a' || p[i] > 'z' {
				return ""
			}
		}
	}
	return l
}
