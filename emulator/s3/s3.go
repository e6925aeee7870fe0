// Package s3 emulates a minimal Amazon S3 on loopback, path-style
// (/<bucket>/<key>), so that S3 clients and S3-mode signers get S3's
// answers: a tiny in-memory object store (PUT stores an object, GET and
// HEAD return it or 404 NoSuchKey, DELETE removes it, GET on a bucket
// lists its keys). Buckets exist as soon as they are named.
//
// A request is S3's when its credential scope names the service s3; the
// emulator sends every other request to API Gateway or Cognito, so the
// same path (/prod/pets/x) is an object key for an s3-scoped signature
// and a gateway route otherwise.
//
// Signatures are verified as S3 does, and recomputed with aws-sdk-go-v2's
// signer (never sigscope's sign/) in S3 mode (DisableURIPathEscaping):
//   - the path is decoded and URI-encoded once, never normalized
//     (awsrule.S3Path: %7e is signed ~);
//   - the query is read per RFC 3986 ('+' is a plus);
//   - x-amz-content-sha256 is required (400 InvalidRequest without it) and
//     is the payload line of the canonical request; when it is a SHA-256
//     the body must match it (400 XAmzContentSHA256Mismatch, with
//     ClientComputedContentSHA256 and S3ComputedContentSHA256);
//   - a wrong signature is 403 SignatureDoesNotMatch with StringToSign,
//     CanonicalRequest and their bytes in hex, as S3 writes them;
//   - 15 minutes of clock skew either way (403 RequestTimeTooSkewed).
//
// Presigned URLs (X-Amz-* query parameters, UNSIGNED-PAYLOAD unless
// x-amz-content-sha256 is sent) are checked the same way, within their
// X-Amz-Expires (403 AccessDenied "Request has expired").
//
// Not emulated: aws-chunked (STREAMING-*) bodies (501 NotImplemented,
// after the signature is checked), SigV4a, virtual-hosted
// addressing, bucket policies and ACLs (every valid signature may do
// everything), multipart uploads and every other subresource (?acl,
// ?tagging... are ignored). The same limits as the gateway's come from
// rebuilding through the SDK signer: a signed "content-length: 0", or a
// request dated by Date without X-Amz-Date, is reported as a mismatch.
package s3

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigscope/sigscope/emulator/awsauth"
	"github.com/sigscope/sigscope/sign/awsrule"
)

// Limits of the object store: objects are held in memory.
const (
	MaxObject   = 10 << 20 // bytes in one object
	maxStoreAll = 64 << 20 // bytes in all objects together
)

// Credential is what S3 needs to know about an access key.
type Credential struct {
	SecretAccessKey string
	SessionToken    string    // empty for long-term keys
	Expiration      time.Time // zero: never expires
}

// CredentialLookup finds the secret behind an access key id.
type CredentialLookup func(accessKeyID string) (Credential, bool)

// Options configure a Service.
type Options struct {
	Region      string
	Credentials CredentialLookup
	Now         func() time.Time // default time.Now
	Log         io.Writer        // one line per request; nil: silent
}

// Service is the S3 endpoint and its objects.
type Service struct {
	region string
	creds  CredentialLookup
	now    func() time.Time
	log    io.Writer
	signer *v4.Signer

	mu      sync.Mutex
	objects map[string]object // by bucket + "/" + key
	stored  int64             // bytes in objects
	logMu   sync.Mutex
}

type object struct {
	body        []byte
	contentType string
	etag        string
	modified    time.Time
}

// New makes an empty S3.
func New(o Options) (*Service, error) {
	if o.Region == "" || o.Credentials == nil {
		return nil, errors.New("s3: Options.Region and Options.Credentials are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{region: o.Region, creds: o.Credentials, now: o.Now, log: o.Log, signer: v4.NewSigner(), objects: map[string]object{}}, nil
}

// Handles reports whether r is for S3: its credential scope says s3.
func (s *Service) Handles(r *http.Request) bool { return awsauth.ScopeService(r) == serviceName }

// ServeHTTP authenticates and answers one S3 request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amz-request-id", newRequestID())
	w.Header().Set("x-amz-id-2", newRequestID())
	w.Header().Set("Server", "AmazonS3")
	status, code := http.StatusOK, ""
	if e := s.serve(w, r); e != nil {
		writeError(w, r, e)
		status, code = e.status, " "+e.code
	}
	s.logf("s3 %s %s -> %d%s", r.Method, r.URL.EscapedPath(), status, code)
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) *s3Error {
	// What the headers alone can refuse is refused before the body is read.
	in, e := s.readAuth(r)
	if e != nil {
		return e
	}
	cred, ok := s.creds(in.akid)
	if !ok || cred.SessionToken != "" && in.token == "" {
		return &s3Error{status: http.StatusForbidden, code: "InvalidAccessKeyId",
			message: "The AWS Access Key Id you provided does not exist in our records.",
			extra:   [][2]string{{"AWSAccessKeyId", in.akid}}}
	}
	path, err := awsrule.S3Path(awsauth.WirePath(r))
	if err != nil {
		return &s3Error{status: http.StatusBadRequest, code: "InvalidURI", message: "Couldn't parse the specified URI.", extra: [][2]string{{"URI", awsauth.WirePath(r)}}}
	}
	exp, match, err := s.verify(r, in, cred.SecretAccessKey, path)
	if err != nil {
		return &s3Error{status: http.StatusInternalServerError, code: "InternalError", message: "We encountered an internal error. Please try again."}
	}
	if !match {
		return errMismatch(in.akid, in.signature, exp)
	}
	if subtle.ConstantTimeCompare([]byte(in.token), []byte(cred.SessionToken)) != 1 {
		return &s3Error{status: http.StatusBadRequest, code: "InvalidToken", message: "The provided token is malformed or otherwise invalid."}
	}
	if !cred.Expiration.IsZero() && !s.now().Before(cred.Expiration) {
		return &s3Error{status: http.StatusBadRequest, code: "ExpiredToken", message: "The provided token has expired."}
	}
	hash := in.payload
	if len(hash) > len(streamingPrefix) && hash[:len(streamingPrefix)] == streamingPrefix {
		return errNotImplemented("sigscope's emulator does not decode aws-chunked bodies (x-amz-content-sha256: " + hash + "); the signature itself is valid.")
	}
	body, e := readBody(r)
	if e != nil {
		return e
	}
	if sum := sha256.Sum256(body); hash != unsignedPayload && hash != hex.EncodeToString(sum[:]) {
		return &s3Error{status: http.StatusBadRequest, code: "XAmzContentSHA256Mismatch",
			message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
			extra:   [][2]string{{"ClientComputedContentSHA256", hash}, {"S3ComputedContentSHA256", hex.EncodeToString(sum[:])}}}
	}
	return s.operate(w, r, body)
}

// readBody reads at most MaxObject bytes.
func readBody(r *http.Request) ([]byte, *s3Error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxObject+1))
	var tooBig *http.MaxBytesError
	switch {
	case len(body) > MaxObject || errors.As(err, &tooBig):
		return nil, &s3Error{status: http.StatusBadRequest, code: "EntityTooLarge",
			message: "Your proposed upload exceeds the maximum allowed size", extra: [][2]string{{"MaxSizeAllowed", fmt.Sprint(MaxObject)}}}
	case err != nil:
		return nil, &s3Error{status: http.StatusBadRequest, code: "IncompleteBody", message: "You did not provide the number of bytes specified by the Content-Length HTTP header."}
	}
	return body, nil
}

func (s *Service) logf(format string, args ...any) {
	if s.log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.log, format+"\n", args...)
}

func etagOf(body []byte) string {
	sum := md5.Sum(body)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}
