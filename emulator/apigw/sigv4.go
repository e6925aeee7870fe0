package apigw

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sigscope/sigscope/emulator/awsauth"
	"github.com/sigscope/sigscope/sign/awsrule"
)

const (
	sigAlgorithm  = "AWS4-HMAC-SHA256"
	amzDateLayout = "20060102T150405Z"
	serviceName   = "execute-api"
	terminator    = "aws4_request"
	maxSkew       = 5 * time.Minute
	maxPresignTTL = 7 * 24 * time.Hour
)

// sigInput is what a request says about its own signature, from the
// Authorization header or from presigned query parameters.
type sigInput struct {
	presigned     bool
	algorithm     string
	credential    string // AKID/date/region/service/aws4_request
	signedHeaders []string
	signature     string
	amzDate       string // the X-Amz-Date value (or Date header, header mode only)
	dateFromHTTP  bool   // amzDate came from the Date header
	expires       string // X-Amz-Expires, presigned only
	token         string // X-Amz-Security-Token
	regionSet     string // X-Amz-Region-Set, SigV4a only
	// parsed
	signTime time.Time
	akid     string
}

// hasSigV4 reports whether the request carries any SigV4
// material at all; without it API Gateway answers Missing Authentication Token.
func hasSigV4(r *http.Request) (header, query bool) {
	return r.Header.Get("Authorization") != "", queryHasAlgorithm(r)
}

// queryHasAlgorithm is serverValues(r).Has("X-Amz-Algorithm"), without
// parsing a query that cannot hold the name: one with neither the name
// as it is nor a percent sign to spell it otherwise.
func queryHasAlgorithm(r *http.Request) bool {
	raw := r.URL.RawQuery
	if !strings.Contains(raw, "X-Amz-Algorithm") && !strings.Contains(raw, "%") {
		return false
	}
	return serverValues(r).Has("X-Amz-Algorithm")
}

// readSigInput parses and checks the shape of the signature, in the order
// AWS reports problems: key=value syntax, missing parameters, host signed,
// date format.
func readSigInput(r *http.Request) (*sigInput, *apiError) {
	header, query := hasSigV4(r)
	switch {
	case header && query:
		return nil, errForbidden(ErrInvalidSignature, "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
	case !header && !query:
		return nil, errMissingToken()
	case header:
		return readAuthHeader(r)
	default:
		return readPresignQuery(r)
	}
}

func readAuthHeader(r *http.Request) (*sigInput, *apiError) {
	value := strings.TrimSpace(r.Header.Get("Authorization"))
	alg, rest, _ := strings.Cut(value, " ")
	params := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			// API Gateway no longer echoes the header here (it may hold a
			// bearer token); it shows a SHA-256 of it instead.
			sum := sha256.Sum256([]byte(value))
			return nil, errForbidden(ErrIncompleteSignature,
				"Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '%s'.",
				base64.StdEncoding.EncodeToString(sum[:]))
		}
		params[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	in := &sigInput{
		algorithm:  alg,
		credential: params["Credential"],
		signature:  params["Signature"],
		amzDate:    r.Header.Get("X-Amz-Date"),
		token:      r.Header.Get("X-Amz-Security-Token"),
		regionSet:  r.Header.Get(regionSetKey),
	}
	if in.amzDate == "" && r.Header.Get("Date") != "" {
		in.amzDate, in.dateFromHTTP = r.Header.Get("Date"), true
	}
	var msg strings.Builder
	for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[p] == "" {
			fmt.Fprintf(&msg, "Authorization header requires '%s' parameter. ", p)
		}
	}
	if in.amzDate == "" {
		msg.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if msg.Len() > 0 {
		msg.WriteString("Authorization=" + maskAuthWord(alg))
		return nil, errForbidden(ErrIncompleteSignature, "%s", msg.String())
	}
	if !supportedAlgorithm(alg) {
		return nil, errForbidden(ErrIncompleteSignature, "Unsupported AWS 'algorithm': '%s'.", maskAuthWord(alg))
	}
	in.signedHeaders = strings.Split(params["SignedHeaders"], ";")
	return in, checkCommon(in)
}

// maskAuthWord keeps the first word of an Authorization header readable
// ("allow", "Basic") but never prints a whole token that was sent raw.
func maskAuthWord(w string) string {
	if len(w) > 24 {
		return w[:4] + "…"
	}
	return w
}

func readPresignQuery(r *http.Request) (*sigInput, *apiError) {
	q := serverValues(r)
	var msg strings.Builder
	for _, p := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"} {
		if q.Get(p) == "" {
			fmt.Fprintf(&msg, "AWS query-string parameters must include '%s'. ", p)
		}
	}
	if msg.Len() > 0 {
		msg.WriteString("Re-examine the query-string parameters.")
		return nil, errForbidden(ErrIncompleteSignature, "%s", msg.String())
	}
	in := &sigInput{
		presigned:     true,
		algorithm:     q.Get("X-Amz-Algorithm"),
		credential:    q.Get("X-Amz-Credential"),
		signature:     q.Get("X-Amz-Signature"),
		signedHeaders: strings.Split(q.Get("X-Amz-SignedHeaders"), ";"),
		amzDate:       q.Get("X-Amz-Date"),
		expires:       q.Get("X-Amz-Expires"),
		token:         q.Get("X-Amz-Security-Token"),
		regionSet:     q.Get(regionSetKey),
	}
	if !supportedAlgorithm(in.algorithm) {
		return nil, errForbidden(ErrIncompleteSignature, "Unsupported AWS 'algorithm': '%s'.", in.algorithm)
	}
	return in, checkCommon(in)
}

// checkCommon checks what header and query signatures share: host signed,
// date format.
func checkCommon(in *sigInput) *apiError {
	hostSigned := false
	for _, h := range in.signedHeaders {
		if strings.EqualFold(h, "host") {
			hostSigned = true
		}
	}
	if !hostSigned {
		return errForbidden(ErrInvalidSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	var err error
	if in.dateFromHTTP {
		in.signTime, err = http.ParseTime(in.amzDate)
	} else {
		in.signTime, err = time.Parse(amzDateLayout, in.amzDate)
	}
	if err != nil {
		return errForbidden(ErrIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", in.amzDate)
	}
	in.signTime = in.signTime.UTC()
	return nil
}

// checkTime applies the five-minute window around now, and for presigned
// URLs their X-Amz-Expires lifetime.
func checkTime(in *sigInput, now time.Time) *apiError {
	now = now.UTC()
	f := func(t time.Time) string { return t.Format(amzDateLayout) }
	signed := f(in.signTime)
	if in.signTime.After(now.Add(maxSkew)) {
		return errForbidden(ErrInvalidSignature, "Signature not yet current: %s is still later than %s (%s + 5 min.)",
			signed, f(now.Add(maxSkew)), f(now))
	}
	if in.presigned && in.expires != "" {
		secs, err := strconv.ParseInt(in.expires, 10, 64)
		if err != nil || secs < 0 {
			return errForbidden(ErrIncompleteSignature, "X-Amz-Expires must be a non-negative integer number of seconds, got '%s'.", in.expires)
		}
		if time.Duration(secs)*time.Second > maxPresignTTL {
			return errForbidden(ErrIncompleteSignature, "X-Amz-Expires must be less than a week (in seconds) that is 604800, got '%s'.", in.expires)
		}
		limit := now.Add(-time.Duration(secs) * time.Second)
		if in.signTime.Before(limit) {
			return errForbidden(ErrInvalidSignature, "Signature expired: %s is now earlier than %s (%s - %d sec.)",
				signed, f(limit), f(now), secs)
		}
		return nil
	}
	if in.signTime.Before(now.Add(-maxSkew)) {
		return errForbidden(ErrInvalidSignature, "Signature expired: %s is now earlier than %s (%s - 5 min.)",
			signed, f(now.Add(-maxSkew)), f(now))
	}
	return nil
}

// checkScope checks AKID/date/region/service/aws4_request against this
// gateway, collecting every complaint as AWS does.
func checkScope(in *sigInput, region string) *apiError {
	if in.algorithm == sigAlgorithmV4a {
		return checkScopeV4a(in, region)
	}
	parts := strings.Split(strings.TrimRight(in.credential, "/"), "/")
	if len(parts) != 5 {
		return errForbidden(ErrIncompleteSignature,
			"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", in.credential)
	}
	in.akid = parts[0]
	var msg strings.Builder
	if parts[2] != region {
		fmt.Fprintf(&msg, "Credential should be scoped to a valid region, not '%s'. ", parts[2])
	}
	if parts[3] != serviceName {
		fmt.Fprintf(&msg, "Credential should be scoped to correct service: '%s'. ", serviceName)
	}
	if parts[4] != terminator {
		fmt.Fprintf(&msg, "Credential should be scoped with a valid terminator: '%s', not '%s'. ", terminator, parts[4])
	}
	if day := in.signTime.Format("20060102"); parts[1] != day {
		fmt.Fprintf(&msg, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			parts[1], day, in.amzDate)
	}
	if msg.Len() > 0 {
		return errForbidden(ErrInvalidSignature, "%s", msg.String())
	}
	return nil
}

// serverPath is the path API Gateway reads from the one received, as every
// service but S3 does: dot segments removed and duplicate slashes merged
// (awsrule), still percent-encoded. Routing and the signature both use it,
// so a client that signs the normalized path and sends it as written is
// accepted, and one that signs it as written is not.
func serverPath(r *http.Request) string { return awsrule.Standard.Path(wirePath(r)) }

// serverValues are the query parameters as AWS reads the raw query (RFC
// 3986: '+' is a plus, ';' an ordinary byte), not as a form decoder does.
func serverValues(r *http.Request) url.Values {
	v, _ := url.ParseQuery(awsrule.FormDecoderQuery(r.URL.RawQuery))
	return v
}

// wirePath is the request path exactly as the client sent it, still
// percent-encoded.
func wirePath(r *http.Request) string { return awsauth.WirePath(r) }
