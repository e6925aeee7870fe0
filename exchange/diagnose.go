package exchange

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sigscope/sigscope/sign"
)

// MaxClockSkew is the gap between the server's Date and the local clock
// above which Send warns. AWS refuses signatures more than 5 minutes off
// ("Signature expired"); a minute already says the clock is not synced.
const MaxClockSkew = 60 * time.Second

func (res *Result) checkSkew(now time.Time) {
	date, ok := res.Response.Header("Date")
	if !ok {
		return
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return
	}
	// Date has one-second resolution: compare whole seconds.
	res.ClockSkew = t.Sub(now.Truncate(time.Second))
	res.SkewKnown = true
	if d := res.ClockSkew.Abs(); d > MaxClockSkew {
		way := "ahead of"
		if res.ClockSkew < 0 {
			way = "behind"
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"the server's clock (Date: %s) is %s %s yours: SigV4 signatures more than %s off are refused with \"Signature expired\" or \"Signature not yet current\"; sync the local clock (NTP, timedatectl set-ntp true)",
			date, d.Round(time.Second), way, sign.MaxSkew))
	}
}

// Mismatch explains an answer that says the signature does not match.
type Mismatch struct {
	Message string `json:"message"` // the server's message, first line
	// ServerCanonicalRequest and ServerStringToSign are what the server
	// says it computed, when it says so.
	ServerCanonicalRequest string `json:"server_canonical_request,omitempty"`
	ServerStringToSign     string `json:"server_string_to_sign,omitempty"`
	// Line is the first line that differs from what sigscope signed.
	Step   string `json:"step,omitempty"` // canonical request or string to sign
	Line   int    `json:"line,omitempty"`
	Part   string `json:"part,omitempty"` // sign.PartMethod, sign.PartURI, ... sign.PartCredentialScope
	Signed string `json:"signed,omitempty"`
	Server string `json:"server,omitempty"`
	Hint   string `json:"hint"`
}

// DiagnoseMismatch reads a signature-mismatch answer and compares the
// server's canonical request (or string to sign) with the trace of what
// was signed. ok is false when body is no mismatch message.
func DiagnoseMismatch(body []byte, tr *sign.Trace) (m Mismatch, ok bool) {
	exp, ok := sign.ParseMismatch(body)
	if !ok {
		return m, false
	}
	m.Message, _, _ = strings.Cut(exp.Message, "\n")
	m.ServerCanonicalRequest, m.ServerStringToSign = exp.CanonicalRequest, exp.StringToSign
	if tr == nil {
		m.Hint = "the request was not signed by sigscope (auth mode is not iam), so there is nothing to compare"
		return m, true
	}
	switch {
	case exp.CanonicalRequest != "":
		p := sign.DiffCanonicalRequest(tr.CanonicalRequest, exp.CanonicalRequest)
		if p == nil {
			m.Hint = "the canonical requests agree, so the keys differ: check the secret access key, the session token, the region and the service in the credential scope"
			if exp.StringToSign != "" {
				if q := sign.DiffStringToSign(tr.StringToSign, exp.StringToSign); q != nil {
					m.Step, m.Line, m.Part, m.Signed, m.Server = q.Step, q.Line, q.Part, q.Ours, q.Theirs
					m.Hint = stringToSignHint(m.Part)
				}
			}
			return m, true
		}
		m.Step, m.Line, m.Part, m.Signed, m.Server = p.Step, p.Line, p.Part, p.Ours, p.Theirs
		m.Hint = canonicalHint(m.Part, p.Ours, p.Theirs)
	case exp.StringToSign != "":
		if q := sign.DiffStringToSign(tr.StringToSign, exp.StringToSign); q != nil {
			m.Step, m.Line, m.Part, m.Signed, m.Server = q.Step, q.Line, q.Part, q.Ours, q.Theirs
			m.Hint = stringToSignHint(m.Part)
		} else {
			m.Hint = "the strings to sign agree, so the signing keys differ: check the secret access key"
		}
	default:
		m.Hint = "the server did not say what it computed; compare the canonical request (--show-signing) with what the server receives, and check the secret key, region and service"
	}
	return m, true
}

func canonicalHint(part, ours, theirs string) string {
	switch part {
	case sign.PartMethod:
		return "the method changed between signing and arrival (a proxy or a redirect turned it into another)"
	case sign.PartURI:
		return "the path was encoded differently: API Gateway and most services encode the path twice, S3 once (auth.s3); also check the stage prefix and a proxy that rewrites the path"
	case sign.PartQuery:
		return "the query was encoded or sorted differently: '+' is read as a space, write %2B for a plus; check for parameters added or dropped on the way"
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

// errorHints are AWS's usual refusals, matched by their wording, with what
// to check.
var errorHints = []struct{ match, hint string }{
	{"Signature expired", "X-Amz-Date is more than 5 minutes from the server's clock: sync the local clock (NTP); a saved request must be signed again before it is replayed"},
	{"Signature not yet current", "X-Amz-Date is in the server's future: the local clock is ahead; sync it (NTP)"},
	{"Credential should be scoped to a valid region", "the signature names another region than the endpoint's: set auth.region (or the collection's region variable) to the API's region"},
	{"Credential should be scoped to correct service", "the signature names another service: API Gateway is execute-api, S3 is s3 (auth.service)"},
	{"security token included in the request is invalid", "the session token is missing, wrong or from other credentials: temporary credentials (ASIA…) need their session token; log in again for fresh ones"},
	{"security token included in the request is expired", "the temporary credentials expired: log in again or refresh the profile (aws sso login)"},
	{"Missing Authentication Token", "API Gateway answers this for a path or method without a route as well as for an unsigned request: check the stage, the path and the method, then the auth mode"},
	{"The incoming token has expired", "the user-pool token expired: log in again (sigscope login) or refresh it"},
	{"is not authorized to perform", "the signature is valid but the IAM policy does not allow the call: check the role's execute-api:Invoke permission and the resource policy"},
	{"Missing or invalid CloudFront signed cookies", "this route wants CloudFront signed cookies: send the request that sets them first (cookies are kept in the jar unless --no-cookies)"},
}

// ExplainError gives a hint for an error answer that is not a signature
// mismatch (see DiagnoseMismatch); "" when the answer is not recognized.
func ExplainError(status int, body []byte) string {
	if status < 400 {
		return ""
	}
	exp, _ := sign.ParseMismatch(body) // its Message is the unescaped message of any JSON or text answer
	for _, h := range errorHints {
		if strings.Contains(exp.Message, h.match) {
			return h.hint
		}
	}
	if status == 401 && strings.Contains(exp.Message, "Unauthorized") {
		return "the Cognito authorizer refused the token: API Gateway REST APIs want the raw id token in Authorization (no \"Bearer \"), not expired, from the user pool the authorizer trusts"
	}
	return ""
}
