package s3

import (
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sigscope/sigscope/emulator/awsauth"
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

// verify recomputes the signature with aws-sdk-go-v2's signer
// (awsauth.Recompute) and compares it with the client's.
//
// The path is handed to the signer already canonical, and the signer told
// not to escape it again: S3 decodes the path to find the object key and
// signs that key encoded once, so %7e and ~ (or %c3 and %C3) name the same
// key and sign the same, ~ and %C3, and . .. // stay (awsrule.S3Path; the
// differential test's reference, internal/differential/reference_test.go,
// reads S3 the same way).
func (s *Service) verify(r *http.Request, in *authInput, secret, path string) (awsauth.Recomputed, bool, error) {
	exp, err := awsauth.Recompute(s.signer, r, awsauth.Signing{
		AccessKeyID: in.akid, Secret: secret, Service: serviceName, Region: s.region, Time: in.signTime,
		SignedHeaders: in.signedHeaders, PayloadHash: in.payload, Presigned: in.presigned, S3Path: path,
	})
	if err != nil {
		return exp, false, err
	}
	return exp, subtle.ConstantTimeCompare([]byte(exp.Signature), []byte(in.signature)) == 1, nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
