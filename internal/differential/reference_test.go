package differential

// The truth: what an AWS server computes from the bytes it receives. This
// file shares no code with sigscope (no sign/, rawhttp/, capture/ or
// awsrule import): it parses the raw request itself and implements AWS's
// rule from its description, so that a bug there cannot hide in a judge
// that uses it. TestReferenceOnSuite proves it on the AWS SigV4 suite.
//
// The canonical URI and query are internal/sigv4ref's (AWS's rule, written
// from its description and sharing no code with sigscope), which sign's
// FuzzAgreement uses as its oracle too.

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/internal/sigv4ref"
)

// wireRequest is a request as it was on the wire.
type wireRequest struct {
	Method, Target, Proto string
	Headers               []wireHeader // in order, folded lines joined
	Body                  []byte       // chunked framing removed
}

type wireHeader struct{ Name, Value string }

// header returns the values of every line named name (case-insensitive), in order.
func (r *wireRequest) header(name string) []string {
	var out []string
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

func (r *wireRequest) get(name string) string {
	if v := r.header(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// pathAndQuery splits the request target; an absolute-form target keeps
// only its path.
func (r *wireRequest) pathAndQuery() (path, query string) {
	t := r.Target
	if i := strings.Index(t, "://"); i > 0 && !strings.HasPrefix(t, "/") {
		t = t[i+3:]
		if j := strings.IndexAny(t, "/?"); j >= 0 {
			t = t[j:]
		} else {
			t = "/"
		}
	}
	path, query, _ = strings.Cut(t, "?")
	return path, query
}

// parseWire parses one raw HTTP/1.1 request: the request line split at its
// first and last space (the suite puts raw spaces in the target), header
// lines split at the first ':' with folded lines joined by a space, the
// body framed by Content-Length or chunked, else all that follows.
func parseWire(data []byte) (*wireRequest, error) {
	head, body, ok := cutHead(data)
	if !ok {
		return nil, errors.New("no end of headers")
	}
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	first := lines[0]
	sp1, sp2 := strings.IndexByte(first, ' '), strings.LastIndexByte(first, ' ')
	if sp1 <= 0 || sp2 <= sp1 {
		return nil, fmt.Errorf("bad request line %q", first)
	}
	r := &wireRequest{Method: first[:sp1], Target: first[sp1+1 : sp2], Proto: first[sp2+1:]}
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(r.Headers) == 0 {
				return nil, fmt.Errorf("continuation line before any header: %q", l)
			}
			last := &r.Headers[len(r.Headers)-1]
			last.Value += " " + strings.Trim(l, " \t")
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("header line without ':': %q", l)
		}
		r.Headers = append(r.Headers, wireHeader{Name: name, Value: strings.Trim(value, " \t")})
	}
	switch {
	case strings.EqualFold(r.get("Transfer-Encoding"), "chunked"):
		b, err := dechunk(bufio.NewReader(bytes.NewReader(body)), io.Discard)
		if err != nil {
			return nil, fmt.Errorf("chunked body: %w", err)
		}
		r.Body = b
	case r.get("Content-Length") != "":
		n, err := strconv.Atoi(r.get("Content-Length"))
		if err != nil || n < 0 || n > len(body) {
			return nil, fmt.Errorf("Content-Length %q for %d bytes of body", r.get("Content-Length"), len(body))
		}
		r.Body = body[:n]
	default:
		r.Body = body
	}
	return r, nil
}

// cutHead splits a request at the blank line that ends its headers
// (CRLF or bare LF, as the suite writes them).
func cutHead(data []byte) (head, body []byte, ok bool) {
	i, j := bytes.Index(data, []byte("\r\n\r\n")), bytes.Index(data, []byte("\n\n"))
	switch {
	case i >= 0 && (j < 0 || i < j):
		return data[:i], data[i+4:], true
	case j >= 0:
		return data[:j], data[j+2:], true
	}
	// headers only, no blank line (the suite's files end after the last header)
	if len(data) > 0 {
		return bytes.TrimRight(data, "\r\n"), nil, true
	}
	return nil, nil, false
}

// dechunk reads a chunked body, copying the framing bytes it reads to raw,
// and returns the body.
func dechunk(br *bufio.Reader, raw io.Writer) ([]byte, error) {
	var body []byte
	for {
		line, err := br.ReadString('\n')
		raw.Write([]byte(line))
		if err != nil {
			return nil, err
		}
		size, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		if err != nil || n < 0 || n > 1<<20 {
			return nil, fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			for { // trailers up to the blank line
				t, err := br.ReadString('\n')
				raw.Write([]byte(t))
				if err != nil {
					return nil, err
				}
				if strings.TrimRight(t, "\r\n") == "" {
					return body, nil
				}
			}
		}
		chunk := make([]byte, n)
		if _, err := io.ReadFull(br, chunk); err != nil {
			return nil, err
		}
		raw.Write(chunk)
		body = append(body, chunk...)
		crlf, err := br.ReadString('\n')
		raw.Write([]byte(crlf))
		if err != nil {
			return nil, err
		}
	}
}

// family is how a server canonicalizes the path.
type family int

const (
	familyStandard family = iota // every service but S3
	familyS3
)

func familyOf(service string) family {
	if service == "s3" {
		return familyS3
	}
	return familyStandard
}

// authorization is what an Authorization header says.
type authorization struct {
	Algorithm     string
	AccessKeyID   string
	Date          string // YYYYMMDD of the scope
	Region        string
	Service       string
	Terminator    string
	SignedHeaders []string
	Signature     string
}

func (a authorization) scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + a.Terminator
}

func parseAuthorization(value string) (authorization, error) {
	var a authorization
	alg, rest, ok := strings.Cut(strings.TrimSpace(value), " ")
	if !ok {
		return a, fmt.Errorf("authorization %q has no parameters", value)
	}
	a.Algorithm = alg
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Errorf("authorization part %q has no '='", part)
		}
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 {
				return a, fmt.Errorf("credential %q has %d parts", v, len(f))
			}
			a.AccessKeyID, a.Date, a.Region, a.Service, a.Terminator = f[0], f[1], f[2], f[3], f[4]
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	if a.AccessKeyID == "" || a.SignedHeaders == nil || a.Signature == "" {
		return a, fmt.Errorf("authorization %q lacks Credential, SignedHeaders or Signature", value)
	}
	return a, nil
}

// reasonMismatch is the truth's reason for a signature that is not the
// server's.
const reasonMismatch = "the signature is not the one the server computes from these bytes"

// reasonNoContentSHA256 is the truth's reason for an S3 request without
// x-amz-content-sha256, which S3 refuses before it checks the signature.
const reasonNoContentSHA256 = "S3 requires x-amz-content-sha256"

// truth is the reference's verdict on one request.
type truth struct {
	Accept           bool
	Reason           string // why it is refused ("" when accepted)
	CanonicalRequest string
	StringToSign     string
	Signature        string // what the server computes
	Auth             authorization
}

// referenceOptions say how the server reads the request.
type referenceOptions struct {
	Family family
	// NoNormalize keeps dot segments and duplicate slashes outside S3
	// (the suite's "normalize": false cases).
	NoNormalize bool
	Secret      string
	// Region and Service the endpoint is: a scope naming others is refused.
	Region, Service string
}

// judge computes, from the wire request, the canonical request, string to
// sign and signature the server computes, and whether the request's own
// signature is that one.
func judge(r *wireRequest, o referenceOptions) truth {
	var t truth
	auth := r.header("Authorization")
	if len(auth) != 1 {
		t.Reason = fmt.Sprintf("%d Authorization headers", len(auth))
		return t
	}
	a, err := parseAuthorization(auth[0])
	if err != nil {
		t.Reason = err.Error()
		return t
	}
	t.Auth = a
	if a.Algorithm != "AWS4-HMAC-SHA256" {
		t.Reason = "algorithm " + a.Algorithm
		return t
	}
	amzDate := r.get("X-Amz-Date")
	if len(amzDate) != 16 || amzDate[:8] != a.Date {
		t.Reason = fmt.Sprintf("X-Amz-Date %q does not match the scope's date %q", amzDate, a.Date)
		return t
	}
	if o.Region != "" && a.Region != o.Region || o.Service != "" && a.Service != o.Service || a.Terminator != "aws4_request" {
		t.Reason = "credential scope " + a.scope() + " is not this endpoint's"
		return t
	}
	cr, err := canonicalRequest(r, a.SignedHeaders, o)
	if err != nil {
		t.Reason = err.Error()
		return t
	}
	t.CanonicalRequest = cr
	sum := sha256.Sum256([]byte(cr))
	t.StringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + a.scope() + "\n" + hex.EncodeToString(sum[:])
	t.Signature = signatureOf(cr, a, amzDate, o.Secret)
	t.Accept = hmac.Equal([]byte(t.Signature), []byte(a.Signature))
	switch {
	case o.Family == familyS3 && r.get("X-Amz-Content-Sha256") == "":
		// S3 refuses a SigV4 header signature without it, before it looks
		// at the signature: the header is the canonical request's payload
		// line ("Missing required header for this request:
		// x-amz-content-sha256", the answer curl's users reported in curl
		// issue 8810 for requests whose signature was wrong as well).
		t.Accept, t.Reason = false, reasonNoContentSHA256
	case !t.Accept:
		t.Reason = reasonMismatch
	}
	return t
}

// provenCanonical finds what a signer that does not say what it signed
// did sign: the truth's canonical request, or it with the path and the
// query lines as written on the wire instead, kept only when it
// reproduces the request's signature (a reproduced HMAC is proof, not a
// guess). "" when none does.
func provenCanonical(r *wireRequest, t truth, secret string) string {
	if t.CanonicalRequest == "" || t.Accept {
		return t.CanonicalRequest
	}
	path, query := r.pathAndQuery()
	lines := strings.SplitN(t.CanonicalRequest, "\n", 4)
	if len(lines) != 4 {
		return ""
	}
	for _, p := range []string{lines[1], path} {
		for _, q := range []string{lines[2], query} {
			c := lines[0] + "\n" + p + "\n" + q + "\n" + lines[3]
			if signatureOf(c, t.Auth, r.get("X-Amz-Date"), secret) == t.Auth.Signature {
				return c
			}
		}
	}
	return ""
}

// signatureOf signs a canonical request with the scope of a.
func signatureOf(canonical string, a authorization, amzDate, secret string) string {
	sum := sha256.Sum256([]byte(canonical))
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + a.scope() + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+secret), a.Date)
	key = hmacSHA256(key, a.Region)
	key = hmacSHA256(key, a.Service)
	key = hmacSHA256(key, "aws4_request")
	return hex.EncodeToString(hmacSHA256(key, sts))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalRequest is the server's canonical request for r.
func canonicalRequest(r *wireRequest, signed []string, o referenceOptions) (string, error) {
	path, query := r.pathAndQuery()
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(canonicalPath(path, o) + "\n")
	b.WriteString(canonicalQuery(query) + "\n")
	for _, name := range signed {
		if name != strings.ToLower(name) || name == "" {
			return "", fmt.Errorf("signed header %q is not lower case", name)
		}
		values := r.header(name)
		if len(values) == 0 {
			return "", fmt.Errorf("signed header %q is not in the request", name)
		}
		for i, v := range values {
			values[i] = collapseSpaces(v)
		}
		b.WriteString(name + ":" + strings.Join(values, ",") + "\n")
	}
	if !sort.StringsAreSorted(signed) {
		return "", fmt.Errorf("signed headers %q are not sorted", signed)
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n")
	payload := r.get("X-Amz-Content-Sha256")
	if o.Family != familyS3 || payload == "" {
		sum := sha256.Sum256(r.Body)
		payload = hex.EncodeToString(sum[:])
	}
	b.WriteString(payload)
	return b.String(), nil
}

// collapseSpaces trims a header value and turns each run of spaces into one.
func collapseSpaces(v string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' }), " ")
}

func canonicalPath(path string, o referenceOptions) string {
	return sigv4ref.Path(path, o.Family == familyS3, !o.NoNormalize)
}

func canonicalQuery(raw string) string { return sigv4ref.Query(raw) }
