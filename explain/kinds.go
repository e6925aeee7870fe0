package explain

import (
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// Kind is what an answer says went wrong.
type Kind string

const (
	KindMismatch               Kind = "signature-mismatch"        // The request signature we calculated does not match
	KindExpired                Kind = "signature-expired"         // Signature expired: X is now earlier than Y
	KindNotYetCurrent          Kind = "signature-not-yet-current" // Signature not yet current: X is still later than Y; S3's Request is not yet valid
	KindTimeTooSkewed          Kind = "request-time-too-skewed"   // S3's RequestTimeTooSkewed, with RequestTime and ServerTime
	KindScopeDate              Kind = "scope-date"                // Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP
	KindWrongRegion            Kind = "wrong-region"              // Credential should be scoped to a valid region, not '…'; S3's the region '…' is wrong; expecting '…'
	KindWrongService           Kind = "wrong-service"             // Credential should be scoped to correct service
	KindMalformedAuthorization Kind = "malformed-authorization"   // '…' not a valid key=value pair (missing equal-sign) in Authorization header; S3's AuthorizationHeaderMalformed
	KindMalformedPresign       Kind = "malformed-presigned-query" // S3's AuthorizationQueryParametersError
	KindPresignExpired         Kind = "presigned-url-expired"     // S3's AccessDenied: Request has expired
	KindPayloadHashMismatch    Kind = "payload-hash-mismatch"     // S3's XAmzContentSHA256Mismatch
	KindMissingContentSHA256   Kind = "missing-content-sha256"    // S3's InvalidRequest: Missing required header for this request: x-amz-content-sha256
	KindMissingToken           Kind = "missing-authentication-token"
	KindInvalidToken           Kind = "invalid-security-token"  // The security token included in the request is invalid; S3's InvalidToken
	KindExpiredToken           Kind = "expired-security-token"  // The security token included in the request is expired; S3's ExpiredToken
	KindUnknownAccessKey       Kind = "unknown-access-key"      // InvalidAccessKeyId
	KindAccessDenied           Kind = "access-denied"           // … is not authorized to perform …; S3's Access Denied
	KindUnauthorized           Kind = "unauthorized"            // a user-pool authorizer's 401
	KindUserPoolTokenExpired   Kind = "user-pool-token-expired" // The incoming token has expired
	KindCloudFrontCookies      Kind = "cloudfront-cookies"      // Missing or invalid CloudFront signed cookies
)

// Describe names the kind for people.
func (k Kind) Describe() string {
	switch k {
	case KindMismatch:
		return "signature mismatch"
	case KindExpired:
		return "signature expired (clock or replay)"
	case KindNotYetCurrent:
		return "signature not yet current (clock ahead)"
	case KindTimeTooSkewed:
		return "request time too far from S3's clock"
	case KindScopeDate:
		return "credential scope date differs from X-Amz-Date"
	case KindWrongRegion:
		return "wrong region in the credential scope"
	case KindWrongService:
		return "wrong service in the credential scope"
	case KindMalformedAuthorization:
		return "Authorization header is not well-formed SigV4"
	case KindMalformedPresign:
		return "presigned URL's X-Amz-* parameters are not valid"
	case KindPresignExpired:
		return "presigned URL expired"
	case KindPayloadHashMismatch:
		return "payload hash (x-amz-content-sha256) does not match the body"
	case KindMissingContentSHA256:
		return "x-amz-content-sha256 missing (S3 requires it)"
	case KindMissingToken:
		return "missing authentication token (no route, or unsigned)"
	case KindInvalidToken:
		return "invalid security token or access key"
	case KindExpiredToken:
		return "expired security token"
	case KindUnknownAccessKey:
		return "unknown access key id"
	case KindAccessDenied:
		return "not authorized (the signature is valid)"
	case KindUnauthorized:
		return "user-pool authorizer refused the token"
	case KindUserPoolTokenExpired:
		return "user-pool token expired"
	case KindCloudFrontCookies:
		return "CloudFront signed cookies missing"
	}
	if s := describeAuthz(k); s != "" {
		return s
	}
	return string(k)
}

// kindPhrases match AWS's wording, case-insensitively, first match wins:
// S3 reuses codes (AccessDenied, AuthorizationHeaderMalformed) for
// refusals its message tells apart.
var kindPhrases = []struct {
	match string
	kind  Kind
}{
	{"signature we calculated does not match", KindMismatch},
	{"Signature expired", KindExpired},
	{"Signature not yet current", KindNotYetCurrent},
	{"Request is not yet valid", KindNotYetCurrent},
	{"Request has expired", KindPresignExpired},
	{"difference between the request time and the current time is too large", KindTimeTooSkewed},
	{"Date in Credential scope does not match", KindScopeDate},
	{"Invalid credential date", KindScopeDate},
	{"scoped to a valid region", KindWrongRegion},
	{"is wrong; expecting", KindWrongRegion},
	{"scoped to correct service", KindWrongService},
	{"header does not match what was computed", KindPayloadHashMismatch},
	{"Missing required header for this request: x-amz-content-sha256", KindMissingContentSHA256},
	{"not a valid key=value pair", KindMalformedAuthorization},
	{"Authorization header requires", KindMalformedAuthorization},
	{"authorization header is malformed", KindMalformedAuthorization},
	{"X-Amz-Expires must be", KindMalformedPresign},
	{"X-Amz-Expires should be", KindMalformedPresign},
	{"Query-string authentication version 4 requires", KindMalformedPresign},
	{"X-Amz-Algorithm only supports", KindMalformedPresign},
	{"Missing Authentication Token", KindMissingToken},
	{"security token included in the request is invalid", KindInvalidToken},
	{"provided token is malformed or otherwise invalid", KindInvalidToken},
	{"security token included in the request is expired", KindExpiredToken},
	{"provided token has expired", KindExpiredToken},
	{"Access Key Id you provided does not exist", KindUnknownAccessKey},
	{"The incoming token has expired", KindUserPoolTokenExpired},
	{"is not authorized to perform", KindAccessDenied},
	{"not authorized to access this resource", KindAuthorizerDenied},
	{"Missing or invalid CloudFront signed cookies", KindCloudFrontCookies},
}

// codeKinds classify by error code when the wording is unknown (a proxy
// that kept the code and replaced the message).
var codeKinds = map[string]Kind{
	"SignatureDoesNotMatch":               KindMismatch,
	"InvalidSignatureException":           KindMismatch,
	"InvalidSignature":                    KindMismatch,
	"IncompleteSignature":                 KindMalformedAuthorization,
	"IncompleteSignatureException":        KindMalformedAuthorization,
	"AuthorizationHeaderMalformed":        KindMalformedAuthorization,
	"AuthorizationQueryParametersError":   KindMalformedPresign,
	"XAmzContentSHA256Mismatch":           KindPayloadHashMismatch,
	"MissingAuthenticationToken":          KindMissingToken,
	"MissingAuthenticationTokenException": KindMissingToken,
	"InvalidClientTokenId":                KindInvalidToken,
	"UnrecognizedClientException":         KindInvalidToken,
	"InvalidToken":                        KindInvalidToken,
	"InvalidAccessKeyId":                  KindUnknownAccessKey,
	"ExpiredToken":                        KindExpiredToken,
	"ExpiredTokenException":               KindExpiredToken,
	"RequestExpired":                      KindExpired,
	"RequestTimeTooSkewed":                KindTimeTooSkewed,
	"AccessDenied":                        KindAccessDenied,
}

func kindOfText(s string) Kind {
	for _, p := range kindPhrases {
		if indexFold(s, p.match) >= 0 {
			return p.kind
		}
	}
	return ""
}

var (
	expiredRE = lazyre.New(`(\d{8}T\d{6}Z) is now earlier than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) -`)
	notYetRE  = lazyre.New(`(\d{8}T\d{6}Z) is still later than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) \+`)
	regionRE  = lazyre.New(`(?i)scoped to a valid region,? not '([^']*)'`)
	// S3: "the region 'us-east-1' is wrong; expecting 'eu-west-1'"; MinIO
	// leaves out the region signed.
	wrongRegionRE = lazyre.New(`(?i)the region (?:'([^']*)' )?is wrong; expecting '([^']*)'`)
	serviceRE     = lazyre.New(`(?i)scoped to correct service:? '([^']*)'`)
	authHeaderRE  = lazyre.New(`in Authorization header: '([^' ]*)`)
)

// classify names the kind of the answer and reads the facts its message
// carries.
func (a *Answer) classify() {
	a.Kind = kindOfText(a.text)
	if a.Kind == "" {
		a.Kind = a.kindOfAuthz()
	}
	if a.Kind == "" {
		a.Kind = codeKinds[a.Code]
	}
	if a.Kind == "" && strings.EqualFold(strings.TrimSpace(a.text), "Unauthorized") {
		a.Kind = KindUnauthorized
	}
	if m := expiredRE.FindStringSubmatch(a.text); m != nil {
		a.SignedAt, a.ServerTime = m[1], m[2]
	} else if m := notYetRE.FindStringSubmatch(a.text); m != nil {
		a.SignedAt, a.ServerTime = m[1], m[2]
	}
	if m := regionRE.FindStringSubmatch(a.text); m != nil {
		a.Region = m[1]
	}
	if m := wrongRegionRE.FindStringSubmatch(a.text); m != nil {
		a.Region, a.ExpectedRegion = m[1], m[2]
	}
	if m := serviceRE.FindStringSubmatch(a.text); m != nil {
		a.Service = m[1]
	}
	if m := authHeaderRE.FindStringSubmatch(a.text); m != nil {
		a.AuthScheme = m[1]
	}
}
