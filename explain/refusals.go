package explain

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// rankCauses orders the likely causes of the refusal.
func rankCauses(e *Evidence, d *Diagnosis) []Cause {
	r := &ranking{}
	a := d.Answer
	msg := Quote{From: QuoteAnswer, Text: a.Message}
	switch a.Kind {
	case KindMismatch:
		mismatch(r, e, d)
	case KindExpired, KindNotYetCurrent, KindTimeTooSkewed:
		clockFromMessage(r, e)
	case KindScopeDate:
		r.add(CauseClock, weightCertain, "the date in the credential scope is not the day of X-Amz-Date (signed around midnight UTC, or with a local date)").Quotes = []Quote{msg}
	case KindWrongRegion, KindWrongService:
		scopeFromMessage(r, e)
	case KindMalformedAuthorization:
		authorizationHeader(r, e, d)
	case KindMalformedPresign:
		presignParameters(r, e)
	case KindPresignExpired:
		presignExpired(r, e)
	case KindPayloadHashMismatch:
		payloadMismatch(r, e)
	case KindMissingContentSHA256:
		missingContentSHA256(r, e)
	case KindMissingToken:
		route(r, e, d)
	case KindInvalidToken, KindExpiredToken:
		sessionToken(r, e)
	case KindUnknownAccessKey:
		id, q := e.accessKeyID()
		r.add(CauseAccessKey, weightCertain, "AWS does not know the access key id%s", keyNote(id)).Quotes = []Quote{q}
		if strings.HasPrefix(id, "ASIA") {
			r.add(CauseSessionToken, weightStrong, "%s is a temporary key: S3 answers InvalidAccessKeyId when its session token is missing or the credentials expired", id)
		}
	case KindAccessDenied:
		if a.Format == FormatS3XML && !strings.Contains(a.Message, "not authorized") {
			r.add(CausePermission, weightCertain, "S3 answers %q when the signature is valid but no policy allows the call (the bucket policy, the caller's IAM policy, a KMS key policy, Object Ownership), and also for an unsigned request to a private bucket", a.Message).Quotes = []Quote{a.element("Code")}
			d.Hint = "S3 accepted the signature but no policy allows the call: check the caller's s3:* permissions, the bucket policy, the KMS key policy of an encrypted object, and that the request is signed at all"
			break
		}
		if policyDenied(r, e, d) {
			break
		}
		r.add(CausePermission, weightCertain, "the answer names the action that is not allowed: %q", a.Message).Quotes = []Quote{msg}
	case KindUnauthorized, KindUserPoolTokenExpired:
		tokenRefusal(r, e, d)
	case KindCloudFrontCookies:
		r.add(CauseCookies, weightCertain, "")
	case KindAuthorizerDenied, KindAuthorizerConfig, KindAPIKey, KindThrottled, KindQuotaExceeded:
		authzRefusal(r, e, d)
	}
	return r.list()
}

func keyNote(id string) string {
	if id == "" {
		return ""
	}
	return " " + id
}

// mismatch ranks the causes of "the signature does not match": the line
// that differs when both sides are known, then what every rule finds in
// the answer, the trace and the request, then the usual suspects.
func mismatch(r *ranking, e *Evidence, d *Diagnosis) {
	cr, sts := d.ServerCanonicalRequest, d.ServerStringToSign
	switch {
	case d.First != nil:
		fromDifference(r, e, d.First)
	case e.recorded() != nil && (cr != "" || sts != ""):
		r.add(CauseSecret, weightCertain, "the server's %s equals what was signed, so only the signing key can differ", agreeingParts(cr, sts))
	}
	findings := Check(e)
	for _, f := range findings {
		r.addFinding(f)
	}
	if e.Rebuilt && d.First == nil {
		keyFromRebuilt(r, e, findings)
	}
	if !r.certain() {
		for _, id := range mismatchCauses {
			r.add(id, weightPrior, "")
		}
	}
}

func agreeingParts(cr, sts string) string {
	switch {
	case cr != "" && sts != "":
		return "canonical request and string to sign"
	case cr != "":
		return "canonical request"
	}
	return "string to sign"
}

// scopeFromMessage explains "Credential should be scoped to a valid
// region", "to correct service", and S3's "the region '…' is wrong;
// expecting '…'".
func scopeFromMessage(r *ranking, e *Evidence) {
	a := e.Answer
	var signedRegion, signedService string
	if _, rg, sv, _, ok := e.scope(); ok {
		signedRegion, signedService = rg, sv
	}
	host := e.host()
	region, service, global, known := hostScope(host)
	var ev []string
	if a.Kind == KindWrongRegion {
		rg := a.Region
		if rg == "" {
			rg = signedRegion
		}
		if rg != "" {
			ev = append(ev, fmt.Sprintf("signed for region %s", rg))
		}
		switch {
		case a.ExpectedRegion != "":
			ev = append(ev, fmt.Sprintf("AWS says the resource is in %s: sign for %s (S3: the bucket's region, which GetBucketLocation or the x-amz-bucket-region header tells)", a.ExpectedRegion, a.ExpectedRegion))
		case known && global:
			ev = append(ev, fmt.Sprintf("%s is a global endpoint: sign it for us-east-1", host))
		case known:
			ev = append(ev, fmt.Sprintf("the host %s is in %s", host, region))
		default:
			ev = append(ev, "the endpoint's region is the one in its host name (….eu-west-1.amazonaws.com); an opt-in region (ap-east-1, me-south-1, af-south-1, …) must also be enabled for the account")
		}
	} else {
		if a.Service != "" {
			ev = append(ev, fmt.Sprintf("AWS expects service %q", a.Service))
		}
		if signedService != "" {
			ev = append(ev, fmt.Sprintf("signed for %q", signedService))
		}
		if known && service != "" && a.Service == "" {
			ev = append(ev, fmt.Sprintf("the host %s is %s", host, service))
		}
	}
	r.add(CauseScope, weightCertain, strings.Join(ev, "; ")).Quotes = []Quote{{From: QuoteAnswer, Text: a.Message}}
}

// authorizationHeader explains "not a valid key=value pair" and S3's
// "The authorization header is malformed; …".
func authorizationHeader(r *ranking, e *Evidence, d *Diagnosis) {
	a := e.Answer
	q := []Quote{{From: QuoteAnswer, Text: a.Message}}
	s3 := "; S3 wants 'AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/region/s3/aws4_request, SignedHeaders=…, Signature=…'"
	if a.Format == FormatS3XML {
		d.Hint = "the Authorization header is not one S3 can read" + s3
	}
	scheme := a.AuthScheme
	switch msg := a.text; {
	case indexFold(msg, "non-empty Access Key") >= 0:
		r.add(CauseAuthHeader, weightCertain, "the Credential= has no access key id: the client found no credentials (an empty AWS_ACCESS_KEY_ID, a profile or role that did not load) and signed anyway").Quotes = q
	case indexFold(msg, "Credential is mal-formed") >= 0:
		r.add(CauseAuthHeader, weightCertain, "the Credential= is not AKID/YYYYMMDD/REGION/SERVICE/aws4_request: an access key id or region with a '/' or a space in it (often the secret key put where the key id goes, the two swapped), or a part left empty").Quotes = q
	case indexFold(msg, "three components") >= 0:
		r.add(CauseAuthHeader, weightCertain, "the Authorization header lacks one of Credential=, SignedHeaders= and Signature=, or they are not separated by commas").Quotes = q
	case strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "Basic") || strings.HasPrefix(scheme, "eyJ"):
		r.add(CauseAuthHeader, weightCertain, "the Authorization header carries a %s token, not a SigV4 signature: this route is IAM-authorized (send a token to a route with a Cognito or Lambda authorizer, raw for Cognito)", scheme)
		r.add(CauseRoute, weightMedium, "API Gateway also answers this for a path or method it has no route for when an Authorization header is present")
	case scheme == sign.Algorithm:
		r.add(CauseAuthHeader, weightCertain, "the header is SigV4 but a part of it is not key=value: an access key id with a stray space or line break (copied from a console or a secret store), or a missing comma between Credential, SignedHeaders and Signature")
	case a.Format == FormatS3XML:
		r.add(CauseAuthHeader, weightCertain, "S3 could not read the Authorization header: %q", a.Message).Quotes = q
	default:
		r.add(CauseAuthHeader, weightCertain, "")
		r.add(CauseRoute, weightMedium, "API Gateway also answers this for a path or method it has no route for when an Authorization header is present")
	}
}

// route explains "Missing Authentication Token".
func route(r *ranking, e *Evidence, d *Diagnosis) {
	signed := e.Trace != nil || e.sigOK
	if e.Request != nil {
		if auth, ok := e.Request.Get("Authorization"); ok && strings.HasPrefix(auth, "AWS4-") {
			signed = true
		}
	}
	if signed {
		r.add(CauseRoute, weightCertain, "the request carried a signature, so API Gateway found no route: check the stage prefix, the path (a trailing slash, the root of the stage) and the method")
		if e.Request != nil && e.Request.Path != "" {
			stage, rest, _ := strings.Cut(strings.TrimPrefix(e.Request.Path, "/"), "/")
			d.Hint = fmt.Sprintf("it is the route, not a token: the request is signed, so API Gateway has no %s /%s in stage %q (a stage, path or method it does not know, or an API not deployed to that stage since the route was added); check the stage prefix, the path and the method", strings.ToUpper(e.Request.Method), rest, stage)
		}
		return
	}
	r.add(CauseRoute, weightCertain, "")
}

// sessionToken explains "The security token included in the request is
// invalid" and "… is expired", and S3's InvalidToken and ExpiredToken.
func sessionToken(r *ranking, e *Evidence) {
	a := e.Answer
	id, _ := e.accessKeyID()
	token := false
	if e.Trace != nil {
		for _, h := range e.Trace.Headers {
			if h.Name == "x-amz-security-token" {
				token = true
			}
		}
	}
	if e.Request != nil {
		if _, ok := e.Request.Get("X-Amz-Security-Token"); ok {
			token = true
		}
	}
	msg := []Quote{{From: QuoteAnswer, Text: a.Message}}
	switch {
	case a.Kind == KindExpiredToken:
		r.add(CauseSessionToken, weightCertain, "the temporary credentials expired").Quotes = msg
	case strings.HasPrefix(id, "ASIA") && !token && (e.Trace != nil || e.Request != nil):
		r.add(CauseSessionToken, weightCertain, "%s is a temporary access key sent without its session token", id)
	case strings.HasPrefix(id, "AKIA") && token:
		r.add(CauseSessionToken, weightCertain, "%s is a long-term access key sent with a session token", id)
	case a.Code == "InvalidToken":
		r.add(CauseSessionToken, weightCertain, "S3 could not read the session token: it is cut, carries a line break or quotes from where it was copied, or is not the token of the access key it came with").Quotes = msg
	default:
		r.add(CauseSessionToken, weightCertain, "the session token does not belong to the access key, expired, or was revoked").Quotes = msg
	}
	if region, service, _, ok := hostScope(e.host()); ok && optInRegions[region] {
		r.add(CauseSessionToken, weightCertain, "%s is an opt-in region: session tokens from the global STS endpoint (sts.amazonaws.com) are valid only in regions enabled by default; get them from a regional STS endpoint or switch the global endpoint to version 2 tokens (%s here)", region, service)
	}
	if a.Code == "InvalidClientTokenId" || a.Code == "UnrecognizedClientException" {
		r.add(CauseAccessKey, weightMedium, "%s also means the access key id itself is unknown (deleted, another partition, or an opt-in region not enabled)", a.Code)
	}
}
