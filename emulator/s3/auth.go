package s3

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"

	"github.com/sigscope/sigscope/emulator/awsauth"
	"github.com/sigscope/sigscope/sign/awsrule"
)

const (
	sigAlgorithm  = "AWS4-HMAC-SHA256"
	amzDateLayout = "20060102T150405Z"
	serviceName   = "s3"
	// S3 allows 15 minutes of skew either way (API Gateway allows 5).
	maxSkew = 15 * time.Minute
)

// Values of x-amz-content-sha256 that are not a body's SHA-256.
const (
	unsignedPayload  = "UNSIGNED-PAYLOAD"
	streamingPrefix  = "STREAMING-"
	contentSHAHeader = "X-Amz-Content-Sha256"
)

// authInput is what a request says about its signature, from the
// Authorization header or a presigned URL's X-Amz-* parameters.
type authInput struct {
	presigned                               bool
	akid, date, region, service, terminator string
	signedHeaders                           []string
	signature                               string
	amzDate                                 string
	signTime                                time.Time
	payload                                 string // the canonical request's last line
	token                                   string // X-Amz-Security-Token
}

// readAuth parses and checks the header signature in the order S3 reports
// problems: the header's shape, x-amz-content-sha256, the date, the
// credential scope, the clock.
func (s *Service) readAuth(r *http.Request) (*authInput, *s3Error) {
	value := strings.TrimSpace(r.Header.Get("Authorization"))
	if value == "" {
		return s.readPresign(r)
	}
	alg, _, _ := strings.Cut(value, " ")
	if alg != sigAlgorithm {
		return nil, errMalformed("the authorization mechanism '%s' is not supported here; use %s", alg, sigAlgorithm)
	}
	p := awsauth.AuthParams(value)
	in, e := newAuthInput(p["Credential"], p["SignedHeaders"], p["Signature"], errMalformed)
	if e != nil {
		return nil, e
	}
	in.amzDate, in.token = r.Header.Get("X-Amz-Date"), r.Header.Get("X-Amz-Security-Token")
	// S3 refuses a header signature without x-amz-content-sha256 whatever
	// the signature: its canonical request ends with that header's value.
	in.payload = r.Header.Get(contentSHAHeader)
	switch hash := in.payload; {
	case hash == "":
		return nil, &s3Error{status: http.StatusBadRequest, code: "InvalidRequest", message: "Missing required header for this request: x-amz-content-sha256"}
	case hash != unsignedPayload && !strings.HasPrefix(hash, streamingPrefix) && !isSHA256Hex(hash):
		return nil, &s3Error{status: http.StatusBadRequest, code: "InvalidArgument",
			message: "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
			extra:   [][2]string{{"ArgumentName", "x-amz-content-sha256"}, {"ArgumentValue", hash}}}
	}
	t, err := time.Parse(amzDateLayout, in.amzDate)
	if err != nil {
		return nil, &s3Error{status: http.StatusForbidden, code: "AccessDenied", message: "AWS authentication requires a valid Date or x-amz-date header"}
	}
	in.signTime = t.UTC()
	if e := s.checkScope(in, errMalformed); e != nil {
		return nil, e
	}
	if now := s.now().UTC(); in.signTime.Sub(now).Abs() > maxSkew {
		return nil, &s3Error{status: http.StatusForbidden, code: "RequestTimeTooSkewed",
			message: "The difference between the request time and the current time is too large.",
			extra: [][2]string{{"RequestTime", in.amzDate}, {"ServerTime", now.Format(time.RFC3339)},
				{"MaxAllowedSkewMilliseconds", strconv.Itoa(int(maxSkew / time.Millisecond))}}}
	}
	return in, nil
}

// newAuthInput reads Credential, SignedHeaders and Signature; bad words
// S3's refusal of their shape (header or query).
func newAuthInput(credential, signedHeaders, signature string, bad func(string, ...any) *s3Error) (*authInput, *s3Error) {
	cred := strings.Split(credential, "/")
	if len(cred) != 5 || signedHeaders == "" || signature == "" {
		return nil, bad("a non-empty Credential, SignedHeaders and Signature are required")
	}
	return &authInput{
		akid: cred[0], date: cred[1], region: cred[2], service: cred[3], terminator: cred[4],
		signedHeaders: strings.Split(signedHeaders, ";"),
		signature:     signature,
	}, nil
}

// checkScope checks the credential scope's date, region and terminator.
func (s *Service) checkScope(in *authInput, bad func(string, ...any) *s3Error) *s3Error {
	switch {
	case in.date != in.signTime.Format("20060102"):
		return bad("Invalid credential date \"%s\". This date is not the same as X-Amz-Date: \"%s\".", in.date, in.signTime.Format("20060102"))
	case in.region != s.region:
		e := bad("the region '%s' is wrong; expecting '%s'", in.region, s.region)
		e.extra = append(e.extra, [2]string{"Region", s.region})
		return e
	case in.terminator != "aws4_request":
		return bad("the terminator '%s' is wrong; expecting 'aws4_request'", in.terminator)
	}
	return nil
}

// expected is the signature S3 computes, with what it signed.
type expected struct {
	signature, canonicalRequest, stringToSign string
}

// verify recomputes the signature with aws-sdk-go-v2's signer (never with
// sigscope's sign/, so that the two check each other) over a copy of the
// request rebuilt from the headers the client listed as signed.
//
// The path is handed to the signer already canonical, and the signer told
// not to escape it again (DisableURIPathEscaping): S3 decodes the path to
// find the object key and signs that key encoded once, so %7e and ~ (or
// %c3 and %C3) name the same key and sign the same, ~ and %C3, and . ..
// // stay (awsrule.S3Path; the differential test's reference,
// internal/differential/reference_test.go, reads S3 the same way). The
// SDK form-decodes the query, so '+' and ';' are escaped first to be read
// as S3 reads them (RFC 3986: a '+' is a plus).
func (s *Service) verify(r *http.Request, in *authInput, secret, path string) (expected, bool, error) {
	req := &http.Request{
		Method: r.Method,
		URL:    &url.URL{Opaque: "//" + r.Host + path, RawQuery: awsrule.FormDecoderQuery(r.URL.RawQuery)},
		Host:   r.Host,
		Header: http.Header{},
	}
	for _, name := range in.signedHeaders {
		name = strings.ToLower(strings.TrimSpace(name))
		switch name {
		case "", "host":
			continue
		case "content-length":
			// The signer signs content-length from ContentLength only.
			req.ContentLength, _ = strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
			continue
		}
		values := r.Header.Values(name)
		if name == "transfer-encoding" && len(r.TransferEncoding) > 0 {
			values = []string{strings.Join(r.TransferEncoding, ",")}
		}
		key := name
		if name == "x-amz-date" {
			key = "X-Amz-Date" // the signer sets this key itself
		}
		// Other keys stay lower case, so that a header the SDK never signs
		// (User-Agent...) but the client did sign is still signed here.
		req.Header[key] = append([]string(nil), values...)
	}
	var exp expected
	logger := logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) {
		if len(v) >= 2 {
			exp.canonicalRequest, _ = v[0].(string)
			exp.stringToSign, _ = v[1].(string)
		}
	})
	opts := func(o *v4.SignerOptions) {
		o.LogSigning, o.Logger = true, logger
		o.DisableURIPathEscaping = true
		// The token is checked on its own; it is signed only if the client
		// listed it.
		o.DisableSessionToken = true
	}
	creds := aws.Credentials{AccessKeyID: in.akid, SecretAccessKey: secret}
	if in.presigned {
		// The signer writes X-Amz-Signature itself; X-Amz-* headers stay
		// headers, as the client listed them.
		q := req.URL.Query()
		q.Del("X-Amz-Signature")
		req.URL.RawQuery = q.Encode()
		signed, _, err := s.signer.PresignHTTP(context.Background(), creds, req, in.payload, serviceName, s.region, in.signTime, opts,
			func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })
		if err != nil {
			return exp, false, fmt.Errorf("presign: %w", err)
		}
		u, err := url.Parse(signed)
		if err != nil {
			return exp, false, err
		}
		exp.signature = u.Query().Get("X-Amz-Signature")
	} else {
		if err := s.signer.SignHTTP(context.Background(), creds, req, in.payload, serviceName, s.region, in.signTime, opts); err != nil {
			return exp, false, fmt.Errorf("sign: %w", err)
		}
		auth := req.Header.Get("Authorization")
		i := strings.LastIndex(auth, "Signature=")
		if i < 0 {
			return exp, false, fmt.Errorf("signer produced no signature")
		}
		exp.signature = auth[i+len("Signature="):]
	}
	return exp, subtle.ConstantTimeCompare([]byte(exp.signature), []byte(in.signature)) == 1, nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
