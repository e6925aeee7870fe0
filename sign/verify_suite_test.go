package sign

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func (c *suiteCase) verifyInput(t testing.TB, r *Request) VerifyInput {
	o := c.options(t, false)
	return VerifyInput{
		Request: r, AccessKeyID: o.Credentials.AccessKeyID, SecretAccessKey: o.Credentials.SecretAccessKey,
		SessionToken: o.Credentials.SessionToken, Now: o.Time.Add(time.Minute),
		NormalizePath: o.NormalizePath, OmitSessionToken: o.OmitSessionToken,
	}
}

// signedPart is one signed part of a request: where it is, what kind of
// part it is, and how to put a changed value back.
type signedPart struct {
	name, kind string
	value      string
	set        func(r *Request, v string)
}

// Kinds of signed parts, each located to its own steps.
const (
	kindMethod, kindPath, kindQuery, kindHeader, kindBody = "method", "path", "query", "header", "body"
	kindDate, kindToken, kindExpires, kindCredential      = "date", "token", "expires", "credential"
	kindSignedHeaders, kindSignature, kindAlgorithm       = "signed headers", "signature", "algorithm"
)

// signedParts lists every part of a signed suite request that its
// signature covers, and the signature's own fields.
func signedParts(r *Request, info SignatureInfo, omitToken bool) []signedPart {
	parts := []signedPart{
		{"method", kindMethod, r.Method, func(r *Request, v string) { r.Method = v }},
		{"path", kindPath, r.Path, func(r *Request, v string) { r.Path = v }},
	}
	if len(r.Body) > 0 {
		parts = append(parts, signedPart{"body", kindBody, string(r.Body), func(r *Request, v string) { r.Body = []byte(v) }})
	}
	for _, name := range info.SignedHeaders {
		if name == "host" {
			parts = append(parts, signedPart{"header host", kindHeader, r.Host, func(r *Request, v string) { r.Host = v }})
			continue
		}
		kind := kindHeader
		switch name {
		case "x-amz-date":
			kind = kindDate
		case "x-amz-security-token":
			kind = kindToken
		}
		n := 0
		for i, h := range r.Headers {
			if strings.EqualFold(h.Name, name) {
				n++
				parts = append(parts, signedPart{fmt.Sprintf("header %s #%d", name, n), kind, h.Value, func(r *Request, v string) { r.Headers[i].Value = v }})
			}
		}
	}
	if !info.Presigned {
		if r.RawQuery != "" {
			parts = append(parts, signedPart{"query", kindQuery, r.RawQuery, func(r *Request, v string) { r.RawQuery = v }})
		}
		i := slices.IndexFunc(r.Headers, func(h Header) bool { return strings.EqualFold(h.Name, "Authorization") })
		auth := r.Headers[i].Value
		for _, f := range []struct{ field, kind string }{{"AWS4-HMAC-SHA256", kindAlgorithm}, {"Credential=", kindCredential}, {"SignedHeaders=", kindSignedHeaders}, {"Signature=", kindSignature}} {
			start := strings.Index(auth, f.field)
			if f.kind != kindAlgorithm {
				start += len(f.field)
			}
			end := strings.IndexAny(auth[start:], ", ")
			if end < 0 {
				end = len(auth) - start
			}
			end += start
			parts = append(parts, signedPart{"authorization " + f.kind, f.kind, auth[start:end], func(r *Request, v string) { r.Headers[i].Value = auth[:start] + v + auth[end:] }})
		}
		return parts
	}
	pairs := strings.Split(r.RawQuery, "&")
	for i, pair := range pairs {
		k, _, _ := strings.Cut(pair, "=")
		kind := map[string]string{"X-Amz-Date": kindDate, "X-Amz-Security-Token": kindToken, "X-Amz-Expires": kindExpires,
			"X-Amz-Credential": kindCredential, "X-Amz-SignedHeaders": kindSignedHeaders, "X-Amz-Signature": kindSignature, "X-Amz-Algorithm": kindAlgorithm}[k]
		if kind == "" {
			kind = kindQuery
		}
		if kind == kindToken && omitToken {
			continue // added after signing: not a signed part
		}
		parts = append(parts, signedPart{"query " + k, kind, pair, func(r *Request, v string) {
			p := slices.Clone(pairs)
			p[i] = v
			r.RawQuery = strings.Join(p, "&")
		}})
	}
	return parts
}

// flip changes one byte, keeping it printable.
func flip(s string, i int) string {
	b := []byte(s)
	c := b[i] ^ 1
	if c < 0x20 || c == 0x7f {
		c = b[i] ^ 2
	}
	b[i] = c
	return string(b)
}

// locatedAt tells whether the first problem of a verification names the
// step of the changed part.
func locatedAt(kind, header string, err error, v *Verification) bool {
	if err != nil {
		return errors.Is(err, ErrNoSignature) && (kind == kindAlgorithm || kind == kindSignature)
	}
	p := v.Problems[0]
	canon := func(part, name string) bool {
		return p.Step == StepCanonicalRequest && p.Part == part && (name == "" || strings.EqualFold(p.Name, name))
	}
	switch kind {
	case kindMethod:
		return canon(PartMethod, "")
	case kindPath:
		return canon(PartURI, "")
	case kindQuery:
		return canon(PartQuery, "")
	case kindHeader:
		return canon(PartHeaders, header)
	case kindBody:
		return canon(PartPayloadHash, "") || p.Step == StepPayloadHash
	case kindDate:
		return p.Step == StepDate || p.Step == StepCredentialScope || canon(PartHeaders, "x-amz-date") || canon(PartQuery, "X-Amz-Date")
	case kindToken:
		return p.Step == StepSessionToken || canon(PartHeaders, "x-amz-security-token") || canon(PartQuery, "X-Amz-Security-Token")
	case kindExpires:
		return p.Step == StepDate || canon(PartQuery, "X-Amz-Expires")
	case kindCredential:
		return p.Step == StepAccessKey || p.Step == StepCredentialScope || p.Step == StepAuthorization ||
			p.Step == StepStringToSign && p.Part == PartCredentialScope || canon(PartQuery, "X-Amz-Credential")
	case kindSignedHeaders:
		return p.Step == StepSignedHeaders || p.Step == StepAuthorization
	case kindSignature, kindAlgorithm:
		return p.Step == StepSignature || p.Step == StepAuthorization
	}
	return false
}

// TestVerifySuiteSignedRequests: every signed request of the AWS suite
// (header and query mode) verifies with its case's credentials, and its
// recomputed canonical request and string-to-sign are the suite's. Then
// every single-byte change to every signed part (method, path, query,
// each signed header value, body, date, session token, and the
// signature's own fields) is verified against the original canonical
// request and string-to-sign: it must fail, and the first problem must
// name the step of the changed part. A change that canonicalization
// absorbs (a byte inside a path segment that normalization removes) leaves
// the canonical request as signed: the server accepts it, and so must
// verification.
func TestVerifySuiteSignedRequests(t *testing.T) {
	verified, tampered, absorbed := 0, 0, 0
	byKind := map[string]int{}
	for _, c := range loadSuite(t) {
		for _, mode := range []string{"header", "query"} {
			signed, err := ParseRaw([]byte(c.file(t, mode+"-signed-request.txt")), "https")
			if err != nil {
				t.Fatalf("%s/%s: %v", c.Name, mode, err)
			}
			in := c.verifyInput(t, signed)
			v, err := Verify(in)
			if err != nil {
				t.Fatalf("%s/%s: %v", c.Name, mode, err)
			}
			canonical, sts := c.file(t, mode+"-canonical-request.txt"), c.file(t, mode+"-string-to-sign.txt")
			if !v.Valid() || v.Trace.CanonicalRequest != canonical || v.Trace.StringToSign != sts {
				t.Errorf("%s/%s does not verify: %+v\ncanonical:\n%s\nwant:\n%s", c.Name, mode, v.Problems, v.Trace.CanonicalRequest, canonical)
				continue
			}
			verified++
			in.ExpectedCanonicalRequest, in.ExpectedStringToSign = canonical, sts
			for _, part := range signedParts(signed, v.Info, in.OmitSessionToken) {
				header, _, _ := strings.Cut(strings.TrimPrefix(part.name, "header "), " ")
				for i := range len(part.value) {
					r := signed.Clone()
					part.set(r, flip(part.value, i))
					in.Request = r
					got, err := Verify(in)
					if err == nil && got.Valid() {
						if got.Trace.CanonicalRequest != canonical || part.kind != kindPath || !c.Context.Normalize {
							t.Errorf("%s/%s: %s byte %d changed and it still verifies", c.Name, mode, part.name, i)
						}
						absorbed++
						continue
					}
					tampered++
					byKind[part.kind]++
					if !locatedAt(part.kind, header, err, got) {
						first := any(err)
						if err == nil {
							first = got.Problems[0]
						}
						t.Errorf("%s/%s: %s byte %d (%q): first problem %+v, want the %s's step", c.Name, mode, part.name, i, flip(part.value, i), first, part.kind)
					}
				}
			}
		}
	}
	kinds := make([]string, 0, len(byKind))
	for k, n := range byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("%d signed requests verified; %d single-byte changes located (%s); %d absorbed by path normalization", verified, tampered, strings.Join(kinds, ", "), absorbed)
	if verified != 76 {
		t.Errorf("%d of 76 signed requests verified", verified)
	}
}
