package sign

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sigscope/sigscope/sign/awsrule"
)

// DisagreementError says that this package's trace and aws-sdk-go-v2's
// signature differ, and at which step. Nothing signed is returned with it.
type DisagreementError struct {
	Step string // "canonical request", "string to sign", "signature", "presigned URL"
	Ours string
	SDK  string
}

func (e *DisagreementError) Error() string {
	return fmt.Sprintf("sigscope's trace and aws-sdk-go-v2 disagree on the %s:\n  trace: %q\n  sdk:   %q\nplease report this request; it is a bug in sigscope or in the SDK", e.Step, e.Ours, e.SDK)
}

const amzDateFormat = "20060102T150405Z"

// Sign signs req with opts and returns the full trace; the signed request is
// Trace.Signed. req itself is not modified.
func Sign(req *Request, opts Options) (*Trace, error) {
	if alg, _ := ParseAlgorithm(opts.Algorithm); alg == SigV4a {
		return SignV4a(req, opts) // never SigV4 quietly when v4a was asked for
	}
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	t, in, r, err := trace(req, opts)
	if err != nil {
		return nil, err
	}
	sdk, err := sdkSign(in)
	if err != nil {
		return nil, err
	}
	if err := agree(t, sdk); err != nil {
		return nil, err
	}
	t.Signed = signedRequest(r, t, opts.Credentials.SessionToken, opts)
	return t, nil
}

// trace computes every step of the signature on its own, and the input
// that makes aws-sdk-go-v2 sign the same request; r is the request as it
// will be sent, before the signature is added.
func trace(req *Request, opts Options) (t *Trace, in *sdkInput, r *Request, err error) {
	if err := checkToken("method", req.Method); err != nil {
		return nil, nil, nil, err
	}
	r = req.shallowClone()
	t = &Trace{Method: r.Method, Algorithm: Algorithm, Mode: "header", AccessKeyID: opts.Credentials.AccessKeyID}
	if opts.Presign {
		t.Mode = "query"
	}
	when := opts.Time.UTC()
	t.RequestDate = formatAmzDate(when)
	day := t.RequestDate[:8]
	t.CredentialScope = day + "/" + opts.Region + "/" + opts.Service + "/aws4_request"
	creds := opts.Credentials
	token := creds.SessionToken

	removePreviousSignature(r, opts.Presign, token != "")
	if h, ok := r.Get("Host"); ok {
		// Request.Host is the one Host; a header copy of it must agree.
		if r.Host != "" && !strings.EqualFold(h, r.Host) {
			return nil, nil, nil, fmt.Errorf("two hosts: Host header %q and request host %q", h, r.Host)
		}
		r.Host = h
		r.Del("Host")
	}
	if r.Host == "" {
		return nil, nil, nil, fmt.Errorf("the request has no Host: add a Host header or use an absolute URL")
	}
	sdkHost := r.Host // the SDK drops a default port itself
	host, portDropped := sanitizeHost(r.scheme(), r.Host)
	r.Host = host

	headers, err := newHeaderSet(r.Headers)
	if err != nil {
		return nil, nil, nil, err
	}
	contentLength, err := declaredLength(headers)
	if err != nil {
		return nil, nil, nil, err
	}

	// Payload.
	t.Payload = PayloadStep{Size: len(r.Body)}
	switch v, ok := headers.values["X-Amz-Content-Sha256"]; {
	case opts.UnsignedPayload:
		t.Payload.Hash, t.Payload.Source = UnsignedPayload, "unsigned"
	case ok && len(v) > 0 && strings.TrimSpace(v[0]) != "":
		t.Payload.Hash, t.Payload.Source = strings.TrimSpace(v[0]), "x-amz-content-sha256 header"
	default:
		t.Payload.Hash, t.Payload.Source = sha256Hex(r.Body), "body"
	}
	if !opts.Presign && (opts.S3 || opts.SignBody) {
		headers.set("X-Amz-Content-Sha256", t.Payload.Hash)
	}
	// In header mode the SDK signs the same header map, after this package
	// has added X-Amz-Date and the token with the values the SDK sets too.
	sdkHeader := headers.values
	if opts.Presign {
		sdkHeader = headers.clone()
	}

	// Query pairs as the request has them, then the signer's.
	params, queryRules, err := parseQuery(r.RawQuery)
	if err != nil {
		return nil, nil, nil, err
	}
	t.Query.Input = r.RawQuery
	t.Query.Rules = queryRules
	sdkParams := append([]QueryParam(nil), params...)
	expires := opts.Expires
	if opts.Presign {
		exp := strconv.FormatInt(int64(expires/time.Second), 10)
		params = setParam(params, "X-Amz-Expires", exp)
		sdkParams = setParam(sdkParams, "X-Amz-Expires", exp)
		params = setParam(params, "X-Amz-Algorithm", Algorithm)
		if token != "" && !opts.OmitSessionToken {
			params = setParam(params, "X-Amz-Security-Token", token)
		}
		params = setParam(params, "X-Amz-Date", t.RequestDate)
		params = setParam(params, "X-Amz-Credential", creds.AccessKeyID+"/"+t.CredentialScope)
		if !opts.DisableHeaderHoisting {
			params = hoistHeaders(headers, params)
		}
	} else {
		headers.set("X-Amz-Date", t.RequestDate)
		if token != "" && !opts.OmitSessionToken {
			headers.set("X-Amz-Security-Token", token)
		}
	}

	t.Headers, t.Skipped = canonicalHeaders(host, contentLength, headers)
	t.HeaderRules = []string{RuleHeadersSorted}
	if portDropped {
		t.Headers[indexOfHost(t.Headers)].Rules = append(t.Headers[indexOfHost(t.Headers)].Rules, RuleDefaultPortHost)
	}
	t.SignedHeaders = joinNames(t.Headers)
	if opts.Presign {
		params = setParam(params, "X-Amz-SignedHeaders", t.SignedHeaders)
	}
	t.Query.Output = canonicalQuery(params)
	t.Query.Params = params
	if len(params) > 1 {
		t.Query.Rules = append(t.Query.Rules, RuleSortedByKey)
	}

	var sdkPath string
	t.URI, sdkPath, err = canonicalURI(r.Path, opts.normalize(), opts.S3)
	if err != nil {
		return nil, nil, nil, err
	}

	t.CanonicalRequest = buildCanonicalRequest(t)
	t.CanonicalRequestHash = sha256Hex(bytesOf(t.CanonicalRequest))
	t.StringToSign = Algorithm + "\n" + t.RequestDate + "\n" + t.CredentialScope + "\n" + t.CanonicalRequestHash
	keys := deriveKeys(creds.SecretAccessKey, day, opts.Region, opts.Service)
	t.Keys = keys.hex
	t.PublicKeys = isPublicPair(creds)
	t.Signature = keys.sign(t.StringToSign)
	t.Notes = notesFor(t, opts)

	in = &sdkInput{
		method: r.Method, scheme: r.scheme(), host: sdkHost, path: sdkPath,
		query: sdkQuery(sdkParams), header: sdkHeader, contentLength: contentLength,
		payloadHash: t.Payload.Hash, creds: creds, region: opts.Region, service: opts.Service,
		time: when, presign: opts.Presign, s3: opts.S3, omitToken: opts.OmitSessionToken,
		noHoisting: opts.DisableHeaderHoisting,
	}
	return t, in, r, nil
}

// formatAmzDate is when.Format("20060102T150405Z") without the layout
// interpreter, which costs more than the rest of the date handling.
func formatAmzDate(when time.Time) string {
	y, mo, d := when.Date()
	h, mi, sec := when.Clock()
	if y < 0 || y > 9999 {
		return when.Format(amzDateFormat)
	}
	var b [16]byte
	put := func(i, v, n int) {
		for j := i + n - 1; j >= i; j-- {
			b[j] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	put(4, int(mo), 2)
	put(6, d, 2)
	b[8] = 'T'
	put(9, h, 2)
	put(11, mi, 2)
	put(13, sec, 2)
	b[15] = 'Z'
	return string(b[:])
}

func checkOptions(o *Options) error {
	var missing []string
	if o.Credentials.AccessKeyID == "" {
		missing = append(missing, "access key id")
	}
	if o.Credentials.SecretAccessKey == "" {
		missing = append(missing, "secret access key")
	}
	if len(missing) > 0 {
		return fmt.Errorf("no %s: pass --access-key/--secret-key, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a --profile", strings.Join(missing, " and "))
	}
	if msg := accessKeyIDProblem(o.Credentials.AccessKeyID); msg != "" {
		return errors.New(msg)
	}
	for _, f := range []struct{ name, v, example string }{{"region", o.Region, "us-east-1"}, {"service", o.Service, "execute-api"}} {
		if f.v == "" {
			return fmt.Errorf("no %s: pass --%s (for example %s)", f.name, f.name, f.example)
		}
		if strings.ContainsAny(f.v, "/ \t\r\n") || strings.ToLower(f.v) != f.v {
			return fmt.Errorf("%s %q is not valid in a credential scope: use lower case without '/' or spaces (for example %s)", f.name, f.v, f.example)
		}
	}
	if awsrule.FamilyOf(o.Service) == awsrule.S3 {
		// The server's rule follows the service, whatever the caller said.
		o.S3 = true
	}
	if o.Time.IsZero() {
		o.Time = time.Now()
	}
	if o.Presign {
		if o.Expires == 0 {
			o.Expires = DefaultExpires
		}
		if o.Expires < time.Second || o.Expires > MaxExpires {
			return fmt.Errorf("expires %d seconds is out of range: a presigned URL lives from 1 second to 7 days (604800 seconds)", int64(o.Expires/time.Second))
		}
	}
	return nil
}

func checkToken(what, s string) error {
	if s == "" {
		return fmt.Errorf("empty %s", what)
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return fmt.Errorf("%s %q: byte %q at %d is not allowed", what, s, s[i], i)
		}
	}
	return nil
}

// removePreviousSignature drops what an earlier signature left so that
// re-signing a captured request replaces it instead of signing it.
func removePreviousSignature(r *Request, presign, hasToken bool) {
	r.Del("Authorization")
	r.Del("X-Amz-Date")
	if hasToken {
		r.Del("X-Amz-Security-Token")
	}
	if !presign || r.RawQuery == "" {
		return
	}
	drop := map[string]bool{"X-Amz-Algorithm": true, "X-Amz-Credential": true, "X-Amz-Date": true,
		"X-Amz-Expires": true, "X-Amz-SignedHeaders": true, "X-Amz-Signature": true}
	if hasToken {
		drop["X-Amz-Security-Token"] = true
	}
	parts := strings.Split(r.RawQuery, "&")
	kept := parts[:0]
	for _, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if !drop[k] {
			kept = append(kept, p)
		}
	}
	r.RawQuery = strings.Join(kept, "&")
}

// sanitizeHost drops a port that is the scheme's default, as HTTP clients
// (and so aws-sdk-go-v2) do before signing.
func sanitizeHost(scheme, host string) (string, bool) {
	h, port, ok := strings.Cut(host, ":")
	if strings.HasPrefix(host, "[") {
		i := strings.Index(host, "]:")
		if i < 0 {
			return host, false
		}
		h, port, ok = host[:i+1], host[i+2:], true
	}
	if ok && (scheme == "https" && port == "443" || scheme == "http" && port == "80") {
		return strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), true
	}
	return host, false
}

func indexOfHost(lines []HeaderLine) int {
	for i, l := range lines {
		if l.Name == "host" {
			return i
		}
	}
	return 0
}

func declaredLength(h *headerSet) (int64, error) {
	v, ok := h.values["Content-Length"]
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v[0]), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("content-length %q is not a non-negative integer", v[0])
	}
	for _, other := range v[1:] {
		if strings.TrimSpace(other) != strings.TrimSpace(v[0]) {
			return 0, fmt.Errorf("two different Content-Length headers (%q and %q): keep one", v[0], other)
		}
	}
	return n, nil
}

// setParam replaces every pair with key by one added by the signer, as
// url.Values.Set does inside the SDK.
func setParam(params []QueryParam, key, value string) []QueryParam {
	kept := params[:0]
	for _, p := range params {
		if p.Key != key {
			kept = append(kept, p)
		}
	}
	return append(kept, QueryParam{Key: key, Value: value, Source: "signer", Rules: []string{RuleAddedBySigner}})
}

// hoistable mirrors aws-sdk-go-v2's AllowedQueryHoisting: X-Amz-* headers
// that S3 does not require as signed headers move into a presigned query.
func hoistable(key string) bool {
	if !strings.HasPrefix(strings.ToLower(key), "x-amz-") {
		return false
	}
	if _, required := requiredSignedHeaders[key]; required {
		return false
	}
	lower := strings.ToLower(key)
	if strings.HasPrefix(lower, "x-amz-checksum-") && !strings.HasPrefix(lower, "x-amz-checksum-mode") {
		return false
	}
	return !strings.HasPrefix(lower, "x-amz-object-lock-") && !strings.HasPrefix(lower, "x-amz-meta-")
}

// queryKeyLowercased are hoisted under a lower-case key, as the SDK does
// for two S3 headers.
var queryKeyLowercased = map[string]string{
	"X-Amz-Expected-Bucket-Owner": "x-amz-expected-bucket-owner",
	"X-Amz-Request-Payer":         "x-amz-request-payer",
}

func hoistHeaders(h *headerSet, params []QueryParam) []QueryParam {
	for _, k := range append([]string(nil), h.keys...) {
		qk := k
		if lk, ok := queryKeyLowercased[k]; ok {
			qk = lk
		}
		if !hoistable(qk) {
			continue
		}
		kept := params[:0]
		for _, p := range params {
			if p.Key != qk {
				kept = append(kept, p)
			}
		}
		params = kept
		for _, v := range h.values[k] {
			params = append(params, QueryParam{Key: qk, Value: v, Source: "header " + k, Rules: []string{RuleHoistedHeader}})
		}
		h.del(k)
	}
	return params
}

func buildCanonicalRequest(t *Trace) string {
	n := len(t.Method) + len(t.URI.Output) + len(t.Query.Output) + len(t.SignedHeaders) + len(t.Payload.Hash) + 8
	for _, h := range t.Headers {
		n += len(h.Name) + len(h.Value) + 2
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(t.Method)
	b.WriteByte('\n')
	b.WriteString(t.URI.Output)
	b.WriteByte('\n')
	b.WriteString(t.Query.Output)
	b.WriteByte('\n')
	for _, h := range t.Headers {
		b.WriteString(h.Name)
		b.WriteByte(':')
		b.WriteString(h.Value)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(t.SignedHeaders)
	b.WriteByte('\n')
	b.WriteString(t.Payload.Hash)
	return b.String()
}

func agree(t *Trace, sdk *sdkOutput) error {
	switch {
	case t.CanonicalRequest != sdk.canonicalRequest:
		return &DisagreementError{Step: "canonical request", Ours: t.CanonicalRequest, SDK: sdk.canonicalRequest}
	case t.StringToSign != sdk.stringToSign:
		return &DisagreementError{Step: "string to sign", Ours: t.StringToSign, SDK: sdk.stringToSign}
	case t.Signature != sdk.signature:
		return &DisagreementError{Step: "signature", Ours: t.Signature, SDK: sdk.signature}
	}
	if t.Mode == "header" {
		t.Authorization = Algorithm + " Credential=" + credentialOf(t) + ", SignedHeaders=" + t.SignedHeaders + ", Signature=" + t.Signature
		if t.Authorization != sdk.authorization {
			return &DisagreementError{Step: "Authorization header", Ours: t.Authorization, SDK: sdk.authorization}
		}
		return nil
	}
	_, sdkQuery, _ := strings.Cut(sdk.presignedURL, "?")
	if want := t.Query.Output + "&X-Amz-Signature=" + t.Signature; sdkQuery != want {
		return &DisagreementError{Step: "presigned query", Ours: want, SDK: sdkQuery}
	}
	return nil
}

func credentialOf(t *Trace) string {
	for _, p := range t.Query.Params {
		if p.Key == "X-Amz-Credential" && p.Source == "signer" {
			return p.Value
		}
	}
	return t.AccessKeyID + "/" + t.CredentialScope
}

// accessKeyIDProblem says why a value cannot be an access key id, without
// quoting it: the id is sent in clear in Credential=, so a secret key put
// there by mistake (or by a hostile collection) must stop here, and the
// message, which may reach a log or the history, must not carry it either.
func accessKeyIDProblem(id string) string {
	if strings.ContainsAny(id, "/+= \t\r\n") {
		return fmt.Sprintf("the access key id (%d characters) contains '/', '+', '=' or whitespace, as a secret access key does; an access key id is letters and digits (AKIA… or ASIA…): check that the access key id and the secret key are not swapped", len(id))
	}
	lower, upper := false, false
	for _, r := range id {
		lower = lower || 'a' <= r && r <= 'z'
		upper = upper || 'A' <= r && r <= 'Z'
	}
	if len(id) >= 32 && lower && upper {
		return fmt.Sprintf("the access key id (%d characters, mixed case) looks like a secret access key; an access key id is upper-case letters and digits (AKIA… or ASIA…): check that the access key id and the secret key are not swapped", len(id))
	}
	return ""
}
