package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sigscope/sigscope/sign"
)

// Input is an error answer and what is known about the request it
// answers. Only Body is required.
type Input struct {
	// Body is the answer's body, or a whole raw response ("HTTP/1.1 403 …",
	// headers, blank line, body); then Status, Date and ErrorType are read
	// from it when not set.
	Body      []byte
	Status    int    // HTTP status; 0 when unknown
	Date      string // the answer's Date header
	ErrorType string // the answer's x-amzn-ErrorType header
	// Received is when the answer arrived by the local clock; with Date it
	// measures the clock skew. Zero when unknown.
	Received time.Time
	// Trace is what was signed, when known: sigscope's own signature, or
	// one recomputed from a signed request (Recompute). A recomputed one
	// given with its Request is what the server computed from those bytes,
	// not what the client signed: it is read as such (Evidence.Rebuilt).
	Trace *sign.Trace
	// Request is the request as it was sent, when known; it may differ
	// from what was signed (a hand edit, a proxy in between).
	Request *sign.Request
	// AuthzDecision is the sigscope emulator's X-Sigscope-Authz-Decision
	// header: which policy statement refused, or that none allowed.
	AuthzDecision string
}

// Diagnosis is what an error answer means.
type Diagnosis struct {
	Answer
	// First is the first line where what was signed and what the server
	// computed differ (Step, Line, Part, Column, Ours: signed, Theirs:
	// server); nil when they agree or there is nothing to compare.
	First *sign.Problem
	// Hint says in one sentence what to do.
	Hint string
	// Causes are the likely causes, most likely first.
	Causes []Cause
	// Rebuilt says that what was "signed" was rebuilt from the request's
	// own bytes (explain --request-file), so it is what the server reads
	// in them, not a record of what the client computed.
	Rebuilt bool `json:"rebuilt,omitempty"`
	// Layer is the layer of API Gateway that refused (refusals_authz_layer.go):
	// route, api-key, authorizer, token, signature, policy or response.
	Layer string `json:"layer,omitempty"`
}

// Explain reads an error answer and diagnoses it. ok is false when the
// body is no AWS authentication or signature error.
func Explain(in Input) (d Diagnosis, ok bool) {
	e := NewEvidence(in)
	d.Answer, d.Rebuilt = e.Answer, e.Rebuilt
	if d.Kind == "" {
		return d, false
	}
	if d.Kind == KindMismatch {
		d.compare(e)
	} else {
		d.Hint = kindHints[d.Kind]
	}
	d.Causes = rankCauses(e, &d)
	d.Layer = layerOf(&d)
	d.Hint = layerHint(&d)
	if e.Rebuilt && d.Kind == KindMismatch && d.First == nil && (d.ServerCanonicalRequest != "" || d.ServerStringToSign != "") {
		d.Hint = rebuiltHint(d.Causes)
	}
	return d, true
}

// rebuiltHint is the advice when the request's bytes give exactly what
// the server computed: the difference is in how the client signed them.
func rebuiltHint(causes []Cause) string {
	if len(causes) > 0 && causes[0].ID == CauseSecret {
		return "AWS computed exactly what the request's bytes give and no known signer reads them otherwise: check the date, region and service the client derived its signing key for, then the secret access key"
	}
	return "AWS computed exactly what the request's bytes give, so what differs is how the client signed them (a request rebuilt from its bytes cannot show what the client computed): the causes below are the ways known clients sign these bytes otherwise; its signing log, or sigscope verify with the secret, settles it"
}

// Diagnose reads a signature-mismatch answer and compares the server's
// canonical request (or string to sign) with the trace of what was signed
// (nil when nothing was). ok is false when the body is no mismatch.
func Diagnose(body []byte, tr *sign.Trace) (Diagnosis, bool) {
	d, ok := Explain(Input{Body: body, Trace: tr})
	return d, ok && d.Kind == KindMismatch
}

// Hint is the one-sentence advice for an error answer that is not a
// signature mismatch; "" when the answer is not recognized or is a
// mismatch (see Diagnose).
func Hint(status int, body []byte) string {
	if status < 400 {
		return ""
	}
	d, ok := Explain(Input{Body: body, Status: status})
	if !ok || d.Kind == KindMismatch {
		return ""
	}
	return d.Hint
}

// compare diffs the server's canonical request and string to sign with
// the trace.
func (d *Diagnosis) compare(e *Evidence) {
	tr := e.Trace
	cr, sts := d.ServerCanonicalRequest, d.ServerStringToSign
	switch {
	case tr == nil:
		if cr == "" && sts == "" {
			d.Hint = noDetailsHint
		} else {
			d.Hint = "there is no record of what was signed to compare with the server's canonical request: sign the request with sigscope (auth mode iam), or give the request as sent (explain --request-file)"
		}
	case cr != "":
		if p := sign.DiffCanonicalRequest(tr.CanonicalRequest, cr); p != nil {
			d.First = p
			d.Hint = canonicalHint(p.Part, p.Ours, p.Theirs)
			break
		}
		d.Hint = "the canonical requests agree, so the keys differ: check the secret access key, the session token, the region and the service in the credential scope"
		if sts != "" {
			if q := sign.DiffStringToSign(tr.StringToSign, sts); q != nil {
				d.First = q
				d.Hint = stringToSignHint(q.Part)
			}
		}
	case sts != "":
		if q := sign.DiffStringToSign(tr.StringToSign, sts); q != nil {
			d.First = q
			d.Hint = stringToSignHint(q.Part)
		} else {
			d.Hint = "the strings to sign agree, so the signing keys differ: check the secret access key"
		}
	default:
		d.Hint = noDetailsHint
	}
	if p := d.First; p != nil && p.Column == 0 {
		// As sign.Verify locates it: the 1-based byte offset.
		n := min(len(p.Ours), len(p.Theirs))
		p.Column = n + 1
		for i := 0; i < n; i++ {
			if p.Ours[i] != p.Theirs[i] {
				p.Column = i + 1
				break
			}
		}
	}
}

const noDetailsHint = "the server did not say what it computed; compare the canonical request (--show-signing) with what the server receives, and check the secret key, region and service"

// Column is the 1-based position, in characters, of the first character
// where a and b differ (len+1 of the shorter when one is a prefix of the
// other; 0 when they are equal): where to put a caret under a and b as
// printed. sign.Problem.Column counts bytes.
func Column(a, b string) int {
	if a == b {
		return 0
	}
	ra, rb := []rune(a), []rune(b)
	n := min(len(ra), len(rb))
	for i := 0; i < n; i++ {
		if ra[i] != rb[i] {
			return i + 1
		}
	}
	return n + 1
}

func canonicalHint(part, ours, theirs string) string {
	switch part {
	case sign.PartMethod:
		return "the method changed between signing and arrival (a proxy or a redirect turned it into another)"
	case sign.PartURI:
		return "the path was encoded differently: API Gateway and most services encode the path twice, S3 once (auth.s3); also check the stage prefix and a proxy that rewrites the path"
	case sign.PartQuery:
		return "the query was encoded or sorted differently: AWS reads a raw '+' as a plus (%2B) and only %20 as a space; check for parameters added or dropped on the way"
	case sign.PartHeaders, sign.PartEndOfHeaders:
		oname, _, _ := strings.Cut(ours, ":")
		tname, _, _ := strings.Cut(theirs, ":")
		if oname == tname && oname != "" {
			if oname == "host" {
				return "the Host differs: the server sees another host or port than the one signed (a proxy, a custom domain, or a default port)"
			}
			return fmt.Sprintf("the signed header %q reached the server with another value: something between sigscope and the server (a proxy, a load balancer, a client library) changed it after signing", oname)
		}
		return "the set of signed headers differs: a header was added, removed or renamed after signing"
	case sign.PartSignedHeaders:
		return "the server signs other headers than the ones listed: a signed header did not arrive"
	case sign.PartPayloadHash:
		return "the body changed after signing, or the service expects x-amz-content-sha256 (S3: auth.s3 or unsigned_payload)"
	}
	return "the canonical requests differ at a line sigscope cannot place"
}

func stringToSignHint(part string) string {
	switch part {
	case sign.PartRequestDate:
		return "the X-Amz-Date the server read differs: check the local clock and any proxy that rewrites headers"
	case sign.PartCredentialScope:
		return "the credential scope differs: sign for the region and service the endpoint is in (auth.region, auth.service)"
	case sign.PartRequestHash:
		return "the canonical requests differ; the server did not send its own"
	}
	return "the strings to sign differ"
}

// kindHints are the one-sentence advice for refusals other than a
// mismatch.
var kindHints = map[Kind]string{
	KindExpired:                "X-Amz-Date is more than 5 minutes from the server's clock: sync the local clock (NTP); a saved request must be signed again before it is replayed",
	KindNotYetCurrent:          "X-Amz-Date is in the server's future: the local clock is ahead; sync it (NTP)",
	KindScopeDate:              "the date in the credential scope is not the day of X-Amz-Date: sign both from the same moment, in UTC",
	KindWrongRegion:            "the signature names another region than the endpoint's: set auth.region (or the collection's region variable) to the API's region",
	KindWrongService:           "the signature names another service: API Gateway is execute-api, S3 is s3, OpenSearch es (aoss when serverless), Lambda lambda (auth.service)",
	KindMalformedAuthorization: "the Authorization header is not a SigV4 header: an IAM-authorized route wants AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…; a token in it belongs to a route with a Cognito authorizer",
	KindMissingToken:           "it is the route, not a token: API Gateway answers this for a path, method or stage without a route as well as for an unsigned request to an IAM route; check the stage, the path and the method, then the auth mode",
	KindInvalidToken:           "the session token is missing, wrong or from other credentials: temporary credentials (ASIA…) need their session token; log in again for fresh ones",
	KindExpiredToken:           "the temporary credentials expired: log in again or refresh the profile (aws sso login)",
	KindUnknownAccessKey:       "AWS does not know this access key id: a typo, a deleted key, another partition, or temporary credentials (ASIA…) sent without their session token",
	KindAccessDenied:           "the signature is valid but the IAM policy does not allow the call: check the role's execute-api:Invoke permission and the resource policy",
	KindUnauthorized:           "the Cognito authorizer refused the token: API Gateway REST APIs want the raw id token in Authorization (no \"Bearer \"), not expired, from the user pool the authorizer trusts",
	KindUserPoolTokenExpired:   "the user-pool token expired: log in again (sigscope login) or refresh it",
	KindCloudFrontCookies:      "this route wants CloudFront signed cookies: send the request that sets them first (cookies are kept in the jar unless --no-cookies)",
	KindTimeTooSkewed:          "X-Amz-Date is more than 15 minutes from S3's clock: sync the local clock (NTP), write the time in UTC, and sign right before sending",
	KindMalformedPresign:       "the presigned URL's X-Amz-* parameters are not valid: presign again with X-Amz-Expires from 1 to 604800 seconds and keep every X-Amz-* parameter as the signer wrote it",
	KindPresignExpired:         "the presigned URL expired: presign it again right before it is used (X-Amz-Expires up to 7 days, and no longer than the credentials that sign it)",
	KindMissingContentSHA256:   "S3 requires x-amz-content-sha256 on a request signed in the Authorization header: sign in S3 mode (sigscope: --s3 or auth.s3; the SDKs' S3 clients do it), which sends the body's SHA-256 (or UNSIGNED-PAYLOAD) and signs it",
	KindPayloadHashMismatch:    "the body sent is not the body hashed: compute x-amz-content-sha256 on the exact bytes sent, after the last change to the body (or sign UNSIGNED-PAYLOAD where S3 allows it)",
}

// MarshalJSON writes a diagnosis flat: the answer's fields, then the
// first differing line as step, line, part, signed, server and column.
func (d Diagnosis) MarshalJSON() ([]byte, error) {
	type answer Answer // without Diagnosis's methods
	out := struct {
		answer
		Step   string  `json:"step,omitempty"` // "canonical request" or "string to sign"
		Line   int     `json:"line,omitempty"`
		Part   string  `json:"part,omitempty"` // sign.PartMethod, sign.PartURI, … sign.PartCredentialScope
		Signed string  `json:"signed,omitempty"`
		Server string  `json:"server,omitempty"`
		Column int     `json:"column,omitempty"` // 1-based byte offset in signed and server
		Hint   string  `json:"hint"`
		Layer  string  `json:"layer,omitempty"` // the layer that refused
		Causes []Cause `json:"causes,omitempty"`
	}{answer: answer(d.Answer), Hint: d.Hint, Layer: d.Layer, Causes: d.Causes}
	if p := d.First; p != nil {
		out.Step, out.Line, out.Part, out.Signed, out.Server, out.Column = p.Step, p.Line, p.Part, p.Ours, p.Theirs, p.Column
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // canonical queries are full of '&'
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
