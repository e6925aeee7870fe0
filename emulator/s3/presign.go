package s3

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

const maxPresign = 7 * 24 * time.Hour

// errQuery is S3's refusal of a presigned URL's X-Amz-* parameters.
func errQuery(format string, args ...any) *s3Error {
	return &s3Error{status: http.StatusBadRequest, code: "AuthorizationQueryParametersError", message: fmt.Sprintf(format, args...)}
}

// readPresign reads a presigned URL's X-Amz-* parameters, in the order
// S3 checks them: all present, X-Amz-Expires, the date, the scope, then
// the window the URL is valid in. Its payload is UNSIGNED-PAYLOAD unless
// the request sends x-amz-content-sha256.
func (s *Service) readPresign(r *http.Request) (*authInput, *s3Error) {
	q := r.URL.Query()
	for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if q.Get(p) == "" {
			return nil, errQuery("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
		}
	}
	if alg := q.Get("X-Amz-Algorithm"); alg != sigAlgorithm {
		return nil, errQuery("X-Amz-Algorithm only supports \"%s\"", sigAlgorithm)
	}
	bad := func(format string, args ...any) *s3Error {
		return errQuery("Error parsing the X-Amz-Credential parameter; "+format, args...)
	}
	in, e := newAuthInput(q.Get("X-Amz-Credential"), q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature"), bad)
	if e != nil {
		return nil, e
	}
	in.presigned, in.amzDate, in.token = true, q.Get("X-Amz-Date"), q.Get("X-Amz-Security-Token")
	if in.payload = r.Header.Get(contentSHAHeader); in.payload == "" {
		in.payload = unsignedPayload
	}
	secs, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	switch {
	case err != nil || secs < 0:
		return nil, errQuery("X-Amz-Expires should be a number")
	case time.Duration(secs)*time.Second > maxPresign:
		return nil, errQuery("X-Amz-Expires must be less than a week (in seconds) that is 604800")
	}
	t, err := time.Parse(amzDateLayout, in.amzDate)
	if err != nil {
		return nil, errQuery("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	in.signTime = t.UTC()
	if e := s.checkScope(in, bad); e != nil {
		return nil, e
	}
	now := s.now().UTC()
	expires := in.signTime.Add(time.Duration(secs) * time.Second)
	switch {
	case in.signTime.After(now.Add(maxSkew)):
		return nil, &s3Error{status: http.StatusForbidden, code: "AccessDenied", message: "Request is not yet valid",
			extra: [][2]string{{"X-Amz-Date", in.amzDate}, {"ServerTime", now.Format(time.RFC3339)}}}
	case now.After(expires):
		return nil, &s3Error{status: http.StatusForbidden, code: "AccessDenied", message: "Request has expired",
			extra: [][2]string{{"X-Amz-Expires", q.Get("X-Amz-Expires")}, {"Expires", expires.Format(time.RFC3339)}, {"ServerTime", now.Format(time.RFC3339)}}}
	}
	return in, nil
}
