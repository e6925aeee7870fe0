package explain

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigscope/sigscope/sign"
)

// Cause is one likely reason for a refusal: what it is, what points to
// it, and the fix.
type Cause struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Evidence string `json:"evidence,omitempty"` // what in the answer, the trace or the request points to it
	Fix      string `json:"fix"`
	// Certain is set when the server's answer itself shows it (the line
	// that differs, the wording), not a guess from circumstances.
	Certain bool `json:"certain,omitempty"`
}

// Cause identifiers.
const (
	CausePath          = "path-encoding"
	CauseQuery         = "query-encoding"
	CausePlus          = "plus-space"
	CauseHost          = "host-port"
	CauseHeader        = "header-changed"
	CausePayload       = "payload-hash"
	CauseMethod        = "method-changed"
	CauseClock         = "clock-skew"
	CauseScope         = "credential-scope"
	CauseSessionToken  = "session-token"
	CauseSecret        = "secret-key"
	CauseAuthHeader    = "authorization-header"
	CauseRoute         = "route-or-unsigned"
	CauseAccessKey     = "access-key"
	CausePermission    = "permission"
	CauseUserPoolToken = "user-pool-token"
	CauseCookies       = "cloudfront-cookies"
)

// catalog holds each cause's title and fix; prior orders the causes of a
// mismatch when nothing points to one (most frequent in the field first).
var catalog = map[string]struct {
	title, fix string
	prior      int
}{
	CausePath:          {"the path is encoded or normalized differently", "API Gateway, Lambda and every service but S3 encode the path twice (an existing %XX becomes %25XX) and remove dot segments and duplicate slashes; S3 encodes it once and keeps it as is. Sign the path exactly as sent, by the service's rule (sigscope: auth.s3 for S3)", 1},
	CauseQuery:         {"the query string is encoded, sorted or filled differently", "encode each name and value per RFC 3986 (%20 for a space, upper-case hex, nothing else left raw), sort by encoded name then value, write a parameter without value as 'name=', and sign exactly the parameters sent", 2},
	CausePlus:          {"a '+' or a space in the query", "AWS reads a raw '+' as a plus (%2B) and only %20 as a space: send %20 for a space and %2B for a plus, and sign the bytes sent (sigscope signs a raw '+' as %2B)", 3},
	CauseHost:          {"the host or port differs", "sign the Host the server receives: without the default port (:443, :80), the same custom domain or regional host, and no proxy that rewrites it", 4},
	CauseHeader:        {"a signed header was changed, added or dropped after signing", "sign after the last change to the headers, or leave out of the signature what clients and proxies rewrite: User-Agent, Content-Type's charset, X-Forwarded-*, Via, Accept-Encoding, Content-Length", 5},
	CausePayload:       {"the payload hash does not match the body", "hash exactly the bytes sent (chunked framing removed); send x-amz-content-sha256 where the service wants it (S3); use UNSIGNED-PAYLOAD only where allowed, and STREAMING-* only with aws-chunked chunk signatures", 6},
	CauseMethod:        {"the method changed", "a redirect or a proxy changed the method: sign the method that reaches the server, or follow the redirect yourself and sign again", 7},
	CauseClock:         {"the clock is off, or the request was signed too long ago", "sync the clock (NTP: timedatectl set-ntp true) and sign right before sending; a saved or queued request must be signed again", 8},
	CauseSessionToken:  {"the session token is missing, stale, empty or sent twice", "temporary credentials (ASIA…) need X-Amz-Security-Token from the same credentials, sent once (header or query, never both, never empty); long-term keys (AKIA…) need none; log in again for fresh ones", 9},
	CauseScope:         {"the region or service in the credential scope is wrong", "sign with the endpoint's region and service: execute-api (API Gateway), s3, lambda, es (OpenSearch), aoss (serverless), bedrock; global endpoints (IAM, sts.amazonaws.com) use us-east-1; opt-in regions must be enabled", 10},
	CauseSecret:        {"the secret access key is not the one for this access key id", "check that the secret belongs to the access key id (no stray space or line break, not swapped with the key id), or fetch fresh credentials; when the server's canonical request and string to sign equal what was signed, only the key can differ", 11},
	CauseAuthHeader:    {"the Authorization header is not a well-formed SigV4 header", "an IAM-authorized route wants 'AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=…, Signature=…'; a Cognito id token goes to a route with a user-pool authorizer, raw, without 'Bearer'", 12},
	CauseRoute:         {"no route for this path and method, or no signature", "API Gateway answers Missing Authentication Token for a path, method or stage it does not know as well as for an unsigned request: check the stage prefix, the path and the method, then sign the request", 13},
	CauseAccessKey:     {"the access key id is unknown", "use an access key id that exists in this account and partition (aws sts get-caller-identity); a deleted or rotated key, or one of another partition (China, GovCloud) is refused; temporary keys (ASIA…) need their session token", 14},
	CausePermission:    {"IAM does not allow the call", "the signature is valid: allow the action (execute-api:Invoke, lambda:InvokeFunctionUrl, …) in the caller's policy and in the resource policy", 15},
	CauseUserPoolToken: {"the user-pool token is refused", "a Cognito authorizer wants the raw id token in Authorization (no 'Bearer '), not expired, from the user pool it trusts: log in again (sigscope login)", 16},
	CauseCookies:       {"CloudFront signed cookies are missing", "send the request that sets them first (sigscope keeps them in the jar unless --no-cookies)", 17},
}

// mismatchCauses are the usual causes of a mismatch, in prior order.
var mismatchCauses = []string{CausePath, CauseQuery, CausePlus, CauseHost, CauseHeader, CausePayload, CauseClock, CauseSessionToken, CauseScope, CauseSecret}

// Evidence weights.
const (
	weightPrior   = 5
	weightWeak    = 20
	weightMedium  = 40
	weightStrong  = 60
	weightCertain = 100
)

type scored struct {
	score    int
	certain  bool
	evidence []string
}

type facts struct {
	d        *Diagnosis
	tr       *sign.Trace
	req      *sign.Request
	date     time.Time // the server's Date header
	received time.Time
	causes   map[string]*scored
}

func newFacts(in Input, d *Diagnosis) *facts {
	f := &facts{d: d, tr: in.Trace, req: in.Request, received: in.Received, causes: map[string]*scored{}}
	if t, err := http.ParseTime(in.Date); err == nil {
		f.date = t
	}
	return f
}

// add raises a cause to at least score and notes why.
func (f *facts) add(id string, score int, evidence string, args ...any) {
	c := f.causes[id]
	if c == nil {
		c = &scored{}
		f.causes[id] = c
	}
	c.score = max(c.score, score)
	if score >= weightCertain {
		c.certain = true
	}
	if evidence != "" {
		if len(args) > 0 {
			evidence = fmt.Sprintf(evidence, args...)
		}
		c.evidence = appendOnce(c.evidence, evidence)
	}
}

func (f *facts) certain() bool {
	for _, c := range f.causes {
		if c.certain {
			return true
		}
	}
	return false
}

func (f *facts) list() []Cause {
	ids := make([]string, 0, len(f.causes))
	for id := range f.causes {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		ca, cb := f.causes[a], f.causes[b]
		if ca.score != cb.score {
			return cb.score - ca.score
		}
		return catalog[a].prior - catalog[b].prior
	})
	out := make([]Cause, 0, len(ids))
	for _, id := range ids {
		c := f.causes[id]
		out = append(out, Cause{ID: id, Title: catalog[id].title, Fix: catalog[id].fix, Certain: c.certain, Evidence: strings.Join(c.evidence, "; ")})
	}
	return out
}

// rankCauses orders the likely causes of the refusal.
func rankCauses(f *facts) []Cause {
	switch a := f.d.Answer; a.Kind {
	case KindMismatch:
		f.mismatch()
	case KindExpired, KindNotYetCurrent:
		f.clockFromMessage()
	case KindScopeDate:
		f.add(CauseClock, weightCertain, "the date in the credential scope is not the day of X-Amz-Date (signed around midnight UTC, or with a local date)")
	case KindWrongRegion, KindWrongService:
		f.scope()
	case KindMalformedAuthorization:
		f.authorizationHeader()
	case KindMissingToken:
		f.route()
	case KindInvalidToken, KindExpiredToken:
		f.sessionToken()
	case KindUnknownAccessKey:
		f.add(CauseAccessKey, weightCertain, "AWS does not know the access key id%s", keyNote(f.accessKeyID()))
		if strings.HasPrefix(f.accessKeyID(), "ASIA") {
			f.add(CauseSessionToken, weightStrong, "%s is a temporary key: S3 answers InvalidAccessKeyId when its session token is missing or the credentials expired", f.accessKeyID())
		}
	case KindAccessDenied:
		f.add(CausePermission, weightCertain, "the answer names the action that is not allowed: %q", a.Message)
	case KindUnauthorized, KindUserPoolTokenExpired:
		f.add(CauseUserPoolToken, weightCertain, "")
	case KindCloudFrontCookies:
		f.add(CauseCookies, weightCertain, "")
	}
	return f.list()
}

func keyNote(id string) string {
	if id == "" {
		return ""
	}
	return " " + id
}

func (f *facts) accessKeyID() string {
	if f.d.AccessKeyID != "" {
		return f.d.AccessKeyID
	}
	if f.tr != nil {
		return f.tr.AccessKeyID
	}
	if f.req != nil {
		if info, err := sign.ReadSignature(f.req); err == nil {
			return info.AccessKeyID
		}
	}
	return ""
}

// mismatch ranks the causes of "the signature does not match": the line
// that differs when both sides are known, then what the server's canonical
// request, the trace and the request as sent show, then the usual suspects.
func (f *facts) mismatch() {
	d := f.d
	cr, sts := d.ServerCanonicalRequest, d.ServerStringToSign
	switch {
	case d.First != nil:
		f.fromDifference(d.First)
	case f.tr != nil && (cr != "" || sts != ""):
		f.add(CauseSecret, weightCertain, "the server's %s equals what was signed, so only the signing key can differ", agreeingParts(cr, sts))
	}
	if cr != "" {
		f.serverCanonical(cr)
	}
	if sts != "" {
		f.serverStringToSign(sts, cr)
	}
	if f.tr != nil {
		f.trace()
		if f.req != nil {
			f.sent()
		}
	}
	f.skew()
	if !f.certain() {
		for _, id := range mismatchCauses {
			f.add(id, weightPrior, "")
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

// fromDifference names the cause the first differing line proves.
func (f *facts) fromDifference(p *sign.Problem) {
	ours, theirs := p.Ours, p.Theirs
	at := fmt.Sprintf("%s line %d (%s): signed %q, the server computed %q", p.Step, p.Line, p.Part, ours, theirs)
	switch p.Part {
	case sign.PartMethod:
		f.add(CauseMethod, weightCertain, at)
	case sign.PartURI:
		f.add(CausePath, weightCertain, at+": "+describePath(ours, theirs))
	case sign.PartQuery:
		if plusOnly(ours, theirs) {
			f.add(CausePlus, weightCertain, at+": only '+', %%2B and %%20 differ")
		} else {
			f.add(CauseQuery, weightCertain, at+": "+describeQuery(ours, theirs))
		}
	case sign.PartHeaders, sign.PartEndOfHeaders, sign.PartExtraLine:
		oname, ovalue, _ := strings.Cut(ours, ":")
		tname, tvalue, _ := strings.Cut(theirs, ":")
		switch {
		case oname == "host" && tname == "host":
			f.add(CauseHost, weightCertain, at)
		case oname == tname && oname == "content-type" && strings.Contains(strings.ToLower(tvalue), "charset") && !strings.Contains(strings.ToLower(ovalue), "charset"):
			f.add(CauseHeader, weightCertain, at+": a charset was appended to Content-Type after signing (browsers, fetch, axios and many HTTP clients do)")
		case oname == tname && oname == "x-amz-security-token":
			f.add(CauseSessionToken, weightCertain, at)
		case oname == tname && oname == "x-amz-date":
			f.add(CauseClock, weightCertain, at+": X-Amz-Date was rewritten after signing")
		case oname == tname:
			f.add(CauseHeader, weightCertain, at+": the header's value changed after signing")
		default:
			f.add(CauseHeader, weightCertain, at+": the set of signed headers differs (a header added, dropped or renamed after signing)")
		}
	case sign.PartSignedHeaders:
		f.add(CauseHeader, weightCertain, at)
	case sign.PartPayloadHash:
		f.add(CausePayload, weightCertain, at+": "+describePayload(ours, theirs))
	case sign.PartAlgorithm:
		f.add(CauseAuthHeader, weightCertain, at)
	case sign.PartRequestDate:
		f.add(CauseClock, weightCertain, at+": the server read another X-Amz-Date (rewritten in flight, or the Date header was used)")
	case sign.PartCredentialScope:
		f.add(CauseScope, weightCertain, at+": "+describeScope(ours, theirs))
	}
	// sign.PartRequestHash: the canonical requests differ but the server
	// did not show its own; the other clues decide.
}

// encodePath encodes every byte but the unreserved ones and '/'.
func encodePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func hasDotSegments(p string) bool {
	return strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
}

func describePath(ours, theirs string) string {
	switch {
	case encodePath(ours) == theirs:
		return "the server encoded the signed path once more (each %XX became %25XX): it encodes the path twice, as every service but S3 does; sign with the path encoded twice (not S3 mode)"
	case encodePath(theirs) == ours:
		return "the signed path was encoded once more than the server's: S3 encodes the path only once; sign in S3 mode (auth.s3)"
	case hasDotSegments(ours) != hasDotSegments(theirs):
		return "one side removed dot segments or duplicate slashes: every service but S3 normalizes the path; S3 keeps it as is"
	case strings.TrimSuffix(ours, "/") == strings.TrimSuffix(theirs, "/"):
		return "a trailing slash was dropped or added between signing and sending (some URL libraries drop it)"
	}
	return "the path differs: a stage prefix, a custom domain's base path mapping, or a proxy changed it"
}

// plusOnly reports two canonical queries that differ only in how '+' and
// spaces were read.
func plusOnly(ours, theirs string) bool {
	norm := func(s string) string {
		return strings.NewReplacer("%2B", "%20", "%2b", "%20", "+", "%20").Replace(s)
	}
	return ours != theirs && norm(ours) == norm(theirs)
}

func describeQuery(ours, theirs string) string {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "&")
	}
	a, b := split(ours), split(theirs)
	as, bs := slices.Clone(a), slices.Clone(b)
	slices.Sort(as)
	slices.Sort(bs)
	if slices.Equal(as, bs) {
		return "the same parameters in another order: sort by encoded name, then by encoded value"
	}
	keys := func(ps []string) []string {
		var k []string
		for _, p := range ps {
			name, _, _ := strings.Cut(p, "=")
			k = append(k, name)
		}
		slices.Sort(k)
		return slices.Compact(k)
	}
	ka, kb := keys(a), keys(b)
	var onlySigned, onlyServer []string
	for _, k := range ka {
		if !slices.Contains(kb, k) {
			onlySigned = append(onlySigned, k)
		}
	}
	for _, k := range kb {
		if !slices.Contains(ka, k) {
			onlyServer = append(onlyServer, k)
		}
	}
	if len(onlySigned)+len(onlyServer) > 0 {
		return fmt.Sprintf("parameters added or dropped on the way: only signed %v, only at the server %v", onlySigned, onlyServer)
	}
	return "the same parameters encoded differently: each name and value is percent-encoded per RFC 3986 with upper-case hex"
}

func describePayload(ours, theirs string) string {
	switch {
	case ours == sign.UnsignedPayload || theirs == sign.UnsignedPayload:
		return "one side signed UNSIGNED-PAYLOAD: send x-amz-content-sha256: UNSIGNED-PAYLOAD when signing it (S3), or sign the body's hash"
	case strings.HasPrefix(ours, "STREAMING-") || strings.HasPrefix(theirs, "STREAMING-"):
		return "a streaming (aws-chunked) payload on one side only"
	case theirs == emptyHash:
		return "the server hashed an empty body: the body was not sent, or sent in a form the server does not count (chunked without decoding)"
	case ours == emptyHash:
		return "the body was signed empty but sent with content"
	}
	return "the body changed after signing (re-serialized JSON, a charset conversion, compression, chunk framing hashed)"
}

func describeScope(ours, theirs string) string {
	o, t := strings.Split(ours, "/"), strings.Split(theirs, "/")
	if len(o) == 4 && len(t) == 4 {
		switch {
		case o[1] != t[1]:
			return fmt.Sprintf("signed for region %s, the endpoint is in %s", o[1], t[1])
		case o[2] != t[2]:
			return fmt.Sprintf("signed for service %s, the endpoint is %s", o[2], t[2])
		case o[0] != t[0]:
			return "the scope's date differs: the day of X-Amz-Date in UTC"
		}
	}
	return "the credential scope differs"
}

const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// proxyHeaders are added or rewritten by proxies and load balancers.
func proxyHeader(name string) bool {
	return strings.HasPrefix(name, "x-forwarded-") || strings.HasPrefix(name, "cf-") || strings.HasPrefix(name, "x-envoy-") ||
		slices.Contains([]string{"via", "forwarded", "x-real-ip", "cdn-loop", "x-amzn-trace-id", "true-client-ip", "x-request-id"}, name)
}

// canonicalLines splits a canonical request into its parts.
type canonicalLines struct {
	method, path, query string
	headers             [][2]string
	signed              []string
	hash                string
}

func splitCanonical(cr string) (canonicalLines, bool) {
	lines := strings.Split(cr, "\n")
	var c canonicalLines
	n := len(lines)
	if n < 4 || !signedHeadersRE.MatchString(lines[n-2]) {
		return c, false
	}
	c.method, c.path = lines[0], lines[1]
	c.signed, c.hash = strings.Split(lines[n-2], ";"), lines[n-1]
	end := n - 2
	if lines[end-1] == "" {
		end--
	}
	start := 3
	if strings.HasPrefix(lines[2], c.signed[0]+":") {
		// The empty query line was lost (a copy that dropped blank lines).
		start = 2
	} else {
		c.query = lines[2]
	}
	for i := start; i < end; i++ {
		name, value, _ := strings.Cut(lines[i], ":")
		c.headers = append(c.headers, [2]string{name, value})
	}
	return c, true
}

func (c canonicalLines) header(name string) (string, bool) {
	for _, h := range c.headers {
		if h[0] == name {
			return h[1], true
		}
	}
	return "", false
}

// serverCanonical reads clues in the canonical request the server
// computed: it shows what arrived.
func (f *facts) serverCanonical(cr string) {
	c, ok := splitCanonical(cr)
	if !ok {
		return
	}
	if strings.Contains(c.path, "%25") {
		f.add(CausePath, weightMedium, "the server's canonical URI %q holds %%25: it encoded the path's own %%XX escapes again, as every service but S3 does; a signer that encodes the path only once signs another line", c.path)
	}
	if hasDotSegments(c.path) {
		f.add(CausePath, weightMedium, "the server's canonical URI %q has dot segments or duplicate slashes, which signers normalize differently", c.path)
	}
	if strings.Contains(c.query, "%2B") || strings.Contains(c.query, "%20") {
		f.add(CausePlus, weightMedium, "the server's canonical query %q holds %%2B or %%20: clients that send '+' for a space (URLSearchParams, form encoding) and signers disagree there", c.query)
	}
	var proxied []string
	for _, h := range c.headers {
		name, value := h[0], h[1]
		switch {
		case name == "authorization":
			f.add(CauseHeader, weightStrong+10, "authorization is among the signed headers: the signer signed an Authorization header that was already there (a token), then replaced it with the signature")
		case proxyHeader(name):
			proxied = append(proxied, name+"="+strconv.Quote(value))
		case name == "content-type" && strings.Contains(strings.ToLower(value), "charset"):
			f.add(CauseHeader, weightMedium, "the server received content-type %q: clients often append the charset after signing", value)
		case name == "content-type" && (c.method == "GET" || c.method == "HEAD"):
			f.add(CauseHeader, weightWeak, "content-type is signed on a %s without a body: some HTTP clients drop it", c.method)
		case name == "user-agent", name == "accept-encoding", name == "expect", name == "connection":
			f.add(CauseHeader, weightMedium, "%s is signed: HTTP clients and proxies rewrite it", name)
		case name == "x-amz-security-token" && value == "":
			f.add(CauseSessionToken, weightStrong+10, "an empty X-Amz-Security-Token was signed and sent: leave the header out with long-term keys, or send the token of the temporary credentials")
		case name == "host" && strings.Contains(value, ":") && !strings.HasSuffix(value, "]"):
			f.add(CauseHost, weightMedium, "the server's host line %q carries a port: signers drop default ports and keep others", value)
		case name == "x-amz-content-sha256" && value != c.hash && c.hash != "":
			f.add(CausePayload, weightStrong, "x-amz-content-sha256 is %q but the server hashed the payload as %q", value, c.hash)
		}
	}
	if len(proxied) > 0 {
		f.add(CauseHeader, weightStrong, "signed headers that proxies and load balancers add or rewrite: %s (as the server received them)", strings.Join(proxied, ", "))
	}
	switch {
	case strings.HasPrefix(c.hash, "STREAMING-"):
		f.add(CausePayload, weightStrong, "the payload is %s: each chunk must then carry its own signature (aws-chunked); a client that sends the body in one piece must sign its hash or UNSIGNED-PAYLOAD", c.hash)
	case c.hash == sign.UnsignedPayload:
		f.add(CausePayload, weightWeak, "the payload is UNSIGNED-PAYLOAD: only S3 (and services that say so) accept it")
	case c.hash == emptyHash && slices.Contains([]string{"POST", "PUT", "PATCH"}, c.method):
		if n, found := c.header("content-length"); found && n != "0" {
			f.add(CausePayload, weightStrong, "the server hashed an empty body while content-length is %s: the body hash was computed on another body", n)
		}
	}
}

// serverStringToSign compares the string to sign with the canonical
// request the server sent with it.
func (f *facts) serverStringToSign(sts, cr string) {
	lines := strings.Split(sts, "\n")
	if len(lines) < 3 {
		return
	}
	date, scope := lines[1], lines[2]
	if c, ok := splitCanonical(cr); ok {
		if v, found := c.header("x-amz-date"); found && v != date && amzDateRE.MatchString(v) && amzDateRE.MatchString(date) {
			f.add(CauseClock, weightStrong, "the canonical request's x-amz-date %s is not the string to sign's date %s: two signing times were mixed", v, date)
		}
	}
	if amzDateRE.MatchString(date) && !strings.HasPrefix(scope, date[:8]) {
		f.add(CauseClock, weightStrong, "the credential scope's day %q is not the day of X-Amz-Date %s", scope, date)
	}
	if strings.HasPrefix(lines[0], "AWS4-") && lines[0] != sign.Algorithm && lines[0] != sign.AlgorithmV4a {
		f.add(CauseAuthHeader, weightMedium, "the server read the algorithm as %q", lines[0])
	}
}

var (
	amzDateRE     = regexp.MustCompile(`^\d{8}T\d{6}Z$`)
	regionLabelRE = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	serviceAfter  = map[string]string{"es": "es", "aoss": "aoss", "queue": "sqs"}
	serviceAlias  = map[string]string{"lambda-url": "lambda", "bedrock-runtime": "bedrock", "bedrock-agent-runtime": "bedrock", "queue": "sqs", "email": "ses", "runtime": "sagemaker"}
	globalHosts   = map[string]string{"sts.amazonaws.com": "sts", "iam.amazonaws.com": "iam", "s3.amazonaws.com": "s3", "route53.amazonaws.com": "route53", "cloudfront.amazonaws.com": "cloudfront", "queue.amazonaws.com": "sqs"}
)

// hostScope guesses the region and signing service from an AWS host name;
// ok is false for custom domains.
func hostScope(host string) (region, service string, global, ok bool) {
	host = strings.ToLower(host)
	if h, _, found := strings.Cut(host, ":"); found {
		host = h
	}
	if s, found := globalHosts[host]; found {
		return "us-east-1", s, true, true
	}
	if !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".on.aws") && !strings.HasSuffix(host, ".amazonaws.com.cn") {
		return "", "", false, false
	}
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if !regionLabelRE.MatchString(l) {
			continue
		}
		region = l
		if i+1 < len(labels) {
			if s, found := serviceAfter[labels[i+1]]; found {
				return region, s, false, true
			}
		}
		if i > 0 {
			service = labels[i-1]
			if s, found := serviceAlias[service]; found {
				service = s
			}
			if strings.HasPrefix(labels[i-1], "s3") {
				service = "s3"
			}
		}
		return region, service, false, service != ""
	}
	if len(labels) >= 3 && labels[len(labels)-3] == "s3" {
		return "us-east-1", "s3", false, true
	}
	return "", "", false, false
}

// trace reads clues in what was signed.
func (f *facts) trace() {
	tr := f.tr
	in := tr.URI.Input
	if strings.Contains(in, "%") {
		f.add(CausePath, weightWeak, "the path %q holds %%XX escapes: signers disagree on encoding them once (S3) or twice (every other service)", in)
	}
	if strings.IndexFunc(in, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("!'()*", r) }) >= 0 {
		f.add(CausePath, weightWeak, "the path %q has spaces, non-ASCII bytes or !'()*, which signers encode differently", in)
	}
	for _, rule := range tr.URI.Rules {
		if rule == sign.RuleDotSegments || rule == sign.RuleDuplicateSlash {
			f.add(CausePath, weightMedium, "the path was normalized when signed (%s); S3 and some clients do not normalize", rule)
		}
	}
	if strings.Contains(tr.Query.Input, "+") {
		f.add(CausePlus, weightStrong, "the query %q holds a raw '+': AWS reads it as a plus (%%2B); a client or signer that reads it as a space signs %%20", tr.Query.Input)
	}
	keys := map[string]int{}
	for _, p := range tr.Query.Params {
		keys[p.Key]++
		for _, r := range p.Rules {
			if r == sign.RuleNoEquals {
				f.add(CauseQuery, weightMedium, "the parameter %q has no '=': signers disagree on it", p.RawKey)
			}
		}
	}
	for k, n := range keys {
		if n > 1 {
			f.add(CauseQuery, weightMedium, "the parameter %q is repeated: some clients keep only one, or reorder them", k)
		}
	}
	var token bool
	for _, h := range tr.Headers {
		switch name := h.Name; {
		case name == "host" && strings.Contains(strings.TrimPrefix(h.Value, "["), ":"):
			f.add(CauseHost, weightMedium, "the signed host %q carries a port: a proxy or load balancer in front may forward another", h.Value)
		case proxyHeader(name):
			f.add(CauseHeader, weightStrong, "%s is signed: proxies and load balancers add or rewrite it", name)
		case name == "user-agent", name == "accept-encoding":
			f.add(CauseHeader, weightMedium, "%s is signed: HTTP clients rewrite it", name)
		case name == "content-type" && !strings.Contains(strings.ToLower(h.Value), "charset"):
			f.add(CauseHeader, weightWeak, "content-type %q is signed: browsers, fetch and axios may append '; charset=UTF-8' after signing", h.Value)
		case name == "content-length":
			f.add(CauseHeader, weightWeak, "content-length is signed: a client that re-encodes or compresses the body changes it")
		case name == "x-amz-security-token":
			token = true
			if h.Value == "" {
				f.add(CauseSessionToken, weightStrong+10, "an empty X-Amz-Security-Token was signed")
			}
		}
	}
	for _, p := range tr.Query.Params {
		if p.Key == "X-Amz-Security-Token" {
			token = true
		}
	}
	switch id := tr.AccessKeyID; {
	case strings.HasPrefix(id, "ASIA") && !token:
		f.add(CauseSessionToken, weightStrong, "%s is a temporary access key, but no X-Amz-Security-Token was signed", id)
	case strings.HasPrefix(id, "AKIA") && token:
		f.add(CauseSessionToken, weightMedium, "%s is a long-term access key, yet a session token was signed", id)
	}
	switch h := tr.Payload.Hash; {
	case h == sign.UnsignedPayload:
		f.add(CausePayload, weightWeak, "UNSIGNED-PAYLOAD was signed: only S3 (and services that say so) accept it")
	case strings.HasPrefix(h, "STREAMING-"):
		f.add(CausePayload, weightMedium, "a streaming payload (%s) was signed: each chunk must then be signed", h)
	}
	if parts := strings.Split(tr.CredentialScope, "/"); len(parts) == 4 {
		for _, h := range tr.Headers {
			if h.Name != "host" {
				continue
			}
			region, service, _, ok := hostScope(h.Value)
			if ok && region != parts[1] {
				f.add(CauseScope, weightStrong, "signed for region %s, but the host %s is in %s", parts[1], h.Value, region)
			}
			if ok && service != "" && service != parts[2] {
				f.add(CauseScope, weightMedium, "signed for service %s, but the host %s looks like %s", parts[2], h.Value, service)
			}
		}
	}
}

// sent compares the request as sent with what was signed.
func (f *facts) sent() {
	tr, req := f.tr, f.req
	for _, h := range tr.Headers {
		if h.Name == "host" {
			if sent := req.Host; sent != "" && !strings.EqualFold(sent, h.Value) && !strings.EqualFold(hostWithoutDefaultPort(sent, req.Scheme), h.Value) {
				f.add(CauseHost, weightStrong+10, "signed host %q, sent %q", h.Value, sent)
			}
			continue
		}
		if h.Source == "signer" {
			continue
		}
		var values []string
		for _, rh := range req.Headers {
			if strings.EqualFold(rh.Name, h.Name) {
				values = append(values, strings.Join(strings.Fields(rh.Value), " "))
			}
		}
		switch {
		case len(values) == 0:
			f.add(CauseHeader, weightStrong+10, "%s was signed but not sent", h.Name)
		case strings.Join(values, ",") != h.Value:
			f.add(CauseHeader, weightStrong+10, "%s was signed as %q and sent as %q", h.Name, h.Value, strings.Join(values, ","))
		}
	}
	if req.Path != "" && req.Path != tr.URI.Input {
		f.add(CausePath, weightStrong+10, "the path sent %q is not the path signed %q", req.Path, tr.URI.Input)
	}
	if req.RawQuery != tr.Query.Input && tr.Mode == "header" {
		if plusOnly(req.RawQuery, tr.Query.Input) {
			f.add(CausePlus, weightStrong+10, "the query sent %q is the query signed %q with '+' and spaces written differently", req.RawQuery, tr.Query.Input)
		} else {
			f.add(CauseQuery, weightStrong+10, "the query sent %q is not the query signed %q", req.RawQuery, tr.Query.Input)
		}
	}
	if te, ok := req.Get("Transfer-Encoding"); ok && strings.Contains(strings.ToLower(te), "chunked") {
		f.add(CausePayload, weightMedium, "the request is sent chunked: the payload hash must cover the decoded body, not the chunk framing")
	}
	if _, inHeader := req.Get("X-Amz-Security-Token"); inHeader && strings.Contains(req.RawQuery, "X-Amz-Security-Token=") {
		f.add(CauseSessionToken, weightStrong+15, "X-Amz-Security-Token is sent twice, in a header and in the query")
	}
}

func hostWithoutDefaultPort(host, scheme string) string {
	if scheme == "http" {
		return strings.TrimSuffix(host, ":80")
	}
	return strings.TrimSuffix(host, ":443")
}

const amzDate = "20060102T150405Z"

// signedAt is the request's X-Amz-Date, when known.
func (f *facts) signedAt() (time.Time, bool) {
	var s string
	switch {
	case f.tr != nil:
		s = f.tr.RequestDate
	case f.req != nil:
		s, _ = f.req.Get("X-Amz-Date")
	case f.d.ServerStringToSign != "":
		if lines := strings.Split(f.d.ServerStringToSign, "\n"); len(lines) > 1 {
			s = lines[1]
		}
	}
	t, err := time.Parse(amzDate, s)
	return t, err == nil
}

// skew compares the signing time with the server's Date, and the local
// clock with it.
func (f *facts) skew() {
	if f.date.IsZero() {
		return
	}
	if at, ok := f.signedAt(); ok {
		if d := f.date.Sub(at); d.Abs() > sign.MaxSkew {
			f.add(CauseClock, weightStrong, "signed at %s, the server's Date is %s: %s apart", at.Format(amzDate), f.date.UTC().Format(amzDate), d.Abs().Round(time.Second))
		}
	}
	if !f.received.IsZero() {
		if d := f.date.Sub(f.received.Truncate(time.Second)); d.Abs() > time.Minute {
			f.add(CauseClock, weightMedium, "the server's clock is %s off the local clock", d.Abs().Round(time.Second))
		}
	}
}

// clockFromMessage explains "Signature expired" and "Signature not yet
// current" from the times they quote.
func (f *facts) clockFromMessage() {
	a := f.d.Answer
	signed, err1 := time.Parse(amzDate, a.SignedAt)
	server, err2 := time.Parse(amzDate, a.ServerTime)
	if err1 != nil || err2 != nil {
		f.add(CauseClock, weightCertain, "")
		return
	}
	d := server.Sub(signed)
	switch {
	case a.Kind == KindNotYetCurrent:
		f.add(CauseClock, weightCertain, "signed at %s, %s ahead of the server's clock (%s): the local clock is ahead", a.SignedAt, (-d).Round(time.Second), a.ServerTime)
	case d > 24*time.Hour:
		f.add(CauseClock, weightCertain, "signed at %s, %s before the server's clock (%s): a request signed long ago was replayed, or the device's clock is far behind", a.SignedAt, formatDays(d), a.ServerTime)
	default:
		f.add(CauseClock, weightCertain, "signed at %s, %s before the server's clock (%s): the local clock is behind, or the request waited (a queue, a retry) before it was sent", a.SignedAt, d.Round(time.Second), a.ServerTime)
	}
}

func formatDays(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	return strconv.Itoa(days) + " days " + (d % (24 * time.Hour)).Round(time.Second).String()
}

// scope explains "Credential should be scoped to a valid region" and "to
// correct service".
func (f *facts) scope() {
	a := f.d.Answer
	var signedRegion, signedService string
	if f.tr != nil {
		if p := strings.Split(f.tr.CredentialScope, "/"); len(p) == 4 {
			signedRegion, signedService = p[1], p[2]
		}
	}
	host := f.host()
	region, service, global, known := hostScope(host)
	var ev []string
	if a.Kind == KindWrongRegion {
		r := a.Region
		if r == "" {
			r = signedRegion
		}
		if r != "" {
			ev = append(ev, fmt.Sprintf("signed for region %s", r))
		}
		switch {
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
	f.add(CauseScope, weightCertain, strings.Join(ev, "; "))
}

// authorizationHeader explains "not a valid key=value pair".
func (f *facts) authorizationHeader() {
	scheme := f.d.AuthScheme
	switch {
	case strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "Basic") || strings.HasPrefix(scheme, "eyJ"):
		f.add(CauseAuthHeader, weightCertain, "the Authorization header carries a %s token, not a SigV4 signature: this route is IAM-authorized (send a token to a route with a Cognito or Lambda authorizer, raw for Cognito)", scheme)
		f.add(CauseRoute, weightMedium, "API Gateway also answers this for a path or method it has no route for when an Authorization header is present")
	case scheme == sign.Algorithm:
		f.add(CauseAuthHeader, weightCertain, "the header is SigV4 but a part of it is not key=value: an access key id with a stray space or line break (copied from a console or a secret store), or a missing comma between Credential, SignedHeaders and Signature")
	default:
		f.add(CauseAuthHeader, weightCertain, "")
		f.add(CauseRoute, weightMedium, "API Gateway also answers this for a path or method it has no route for when an Authorization header is present")
	}
}

// route explains "Missing Authentication Token".
func (f *facts) route() {
	signed := f.tr != nil
	if f.req != nil {
		if _, err := sign.ReadSignature(f.req); err == nil {
			signed = true
		}
	}
	if signed {
		f.add(CauseRoute, weightCertain, "the request carried a signature, so API Gateway found no route: check the stage prefix, the path (a trailing slash, the root of the stage) and the method")
		return
	}
	f.add(CauseRoute, weightCertain, "")
}

// optInRegions must be enabled for an account before use; the global STS
// endpoint's version 1 session tokens are not valid there.
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true, "ap-southeast-3": true, "ap-southeast-4": true,
	"ap-southeast-5": true, "ap-southeast-7": true, "ca-west-1": true, "eu-central-2": true, "eu-south-1": true,
	"eu-south-2": true, "il-central-1": true, "me-central-1": true, "me-south-1": true, "mx-central-1": true,
}

// host is the request's host, from the trace or the request.
func (f *facts) host() string {
	if f.tr != nil {
		for _, h := range f.tr.Headers {
			if h.Name == "host" {
				return h.Value
			}
		}
	}
	if f.req != nil {
		return f.req.Host
	}
	return ""
}

// sessionToken explains "The security token included in the request is
// invalid" and "… is expired".
func (f *facts) sessionToken() {
	id := f.accessKeyID()
	token := false
	if f.tr != nil {
		for _, h := range f.tr.Headers {
			if h.Name == "x-amz-security-token" {
				token = true
			}
		}
	}
	if f.req != nil {
		if _, ok := f.req.Get("X-Amz-Security-Token"); ok {
			token = true
		}
	}
	switch {
	case f.d.Kind == KindExpiredToken:
		f.add(CauseSessionToken, weightCertain, "the temporary credentials expired")
	case strings.HasPrefix(id, "ASIA") && !token && (f.tr != nil || f.req != nil):
		f.add(CauseSessionToken, weightCertain, "%s is a temporary access key sent without its session token", id)
	case strings.HasPrefix(id, "AKIA") && token:
		f.add(CauseSessionToken, weightCertain, "%s is a long-term access key sent with a session token", id)
	default:
		f.add(CauseSessionToken, weightCertain, "the session token does not belong to the access key, expired, or was revoked")
	}
	if region, service, _, ok := hostScope(f.host()); ok && optInRegions[region] {
		f.add(CauseSessionToken, weightCertain, "%s is an opt-in region: session tokens from the global STS endpoint (sts.amazonaws.com) are valid only in regions enabled by default; get them from a regional STS endpoint or switch the global endpoint to version 2 tokens (%s here)", region, service)
	}
	if f.d.Code == "InvalidClientTokenId" || f.d.Code == "UnrecognizedClientException" {
		f.add(CauseAccessKey, weightMedium, "%s also means the access key id itself is unknown (deleted, another partition, or an opt-in region not enabled)", f.d.Code)
	}
}
