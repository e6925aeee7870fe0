package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/internal/termsafe"
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
	// Quotes are the lines of the answer or the request that point to it,
	// strongest first; Rules the rules that found them.
	Quotes []Quote   `json:"quotes,omitempty"`
	Rules  []string  `json:"rules,omitempty"`
	score  int       // for ranking
	fixBy  fixSource // where Fix came from
}

type fixSource int

const (
	fixCatalog fixSource = iota
	fixRule
)

// Quote is a line of the answer or of the request that points to a
// cause, exactly as written there.
type Quote struct {
	From string `json:"from"`           // one of the Quote* constants
	Line int    `json:"line,omitempty"` // 1-based line in From, when it has lines
	Text string `json:"text"`
}

// Where a quote comes from.
const (
	QuoteServerCanonical = "AWS's canonical request"
	QuoteServerSTS       = "AWS's string to sign"
	QuoteAnswer          = "AWS's answer"
	QuoteRequest         = "the request"
	QuoteSigned          = "the canonical request signed"
)

// Where names the quote's place: "AWS's canonical request, line 4".
func (q Quote) Where() string {
	if q.Line > 0 {
		return fmt.Sprintf("%s, line %d", q.From, q.Line)
	}
	return q.From
}

// String is the quote for a terminal, every control byte escaped: the
// text comes from the network.
func (q Quote) String() string { return termsafe.Line(q.Where() + ": " + q.Text) }

// secretHeaders are the header lines a quote never shows in clear: the
// answers echo them, and explain's output is pasted into tickets.
var secretHeaders = []string{"x-amz-security-token", "authorization", "x-amz-access-token", "x-api-key", "cookie"}

// secretParam is a presigned URL's session token or signature.
var secretParam = lazyre.New(`(?i)(X-Amz-Security-Token=|X-Amz-Signature=)([^&\s"]+)`)

// maskParams hides the session token and signature a query carries.
func maskParams(s string) string {
	return secretParam.ReplaceAllStringFunc(s, func(m string) string {
		sub := secretParam.FindStringSubmatch(m)
		return sub[1] + secret.Mask(sub[2])
	})
}

// masked hides the value of a secret header line ("name:value" as
// canonical, "Name: value" as sent) and the secrets of a query.
func (q Quote) masked() Quote {
	q.Text = maskParams(q.Text)
	name, value, ok := strings.Cut(q.Text, ":")
	if ok && slices.Contains(secretHeaders, strings.ToLower(strings.TrimSpace(name))) {
		lead := value[:len(value)-len(strings.TrimLeft(value, " "))]
		if v := strings.TrimSpace(value); v != "" && v != "…" {
			q.Text = name + ":" + lead + secret.Mask(v)
		}
	}
	return q
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
	CausePresign       = "presigned-url"
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
	CausePresign:       {"the presigned URL expired or its X-Amz-* parameters are not valid", "presign right before the URL is used: X-Amz-Expires is at most 604800 s (7 days) and never outlives the credentials that signed it (a role's session ends it); keep X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature as the signer wrote them", 13},
	CauseRoute:         {"no route for this path and method, or no signature", "API Gateway answers Missing Authentication Token for a path, method or stage it does not know as well as for an unsigned request: check the stage prefix, the path and the method, then sign the request", 14},
	CauseAccessKey:     {"the access key id is unknown", "use an access key id that exists in this account and partition (aws sts get-caller-identity); a deleted or rotated key, or one of another partition (China, GovCloud) is refused; temporary keys (ASIA…) need their session token", 15},
	CausePermission:    {"IAM does not allow the call", "the signature is valid: allow the action (execute-api:Invoke, lambda:InvokeFunctionUrl, s3:GetObject, …) in the caller's policy and in the resource policy", 16},
	CauseUserPoolToken: {"the user-pool token is refused", "a Cognito authorizer wants the raw id token in Authorization (no 'Bearer '), not expired, from the user pool it trusts: log in again (sigscope login)", 17},
	CauseCookies:       {"CloudFront signed cookies are missing", "send the request that sets them first (sigscope keeps them in the jar unless --no-cookies)", 18},
}

// mismatchCauses are the usual causes of a mismatch, in prior order.
var mismatchCauses = []string{CausePath, CauseQuery, CausePlus, CauseHost, CauseHeader, CausePayload, CauseClock, CauseSessionToken, CauseScope, CauseSecret}

// Evidence weights: how strongly a finding points to its cause.
const (
	weightPrior   = 5
	weightWeak    = 20
	weightMedium  = 40
	weightStrong  = 60
	weightCertain = 100
)

// ranking gathers what points to each cause.
type ranking struct {
	causes map[string]*Cause
}

// add raises a cause to at least score and notes why.
func (r *ranking) add(id string, score int, evidence string, args ...any) *Cause {
	if r.causes == nil {
		r.causes = map[string]*Cause{}
	}
	c := r.causes[id]
	if c == nil {
		c = &Cause{ID: id, Title: catalog[id].title, Fix: catalog[id].fix}
		r.causes[id] = c
	}
	c.score = max(c.score, score)
	if score >= weightCertain {
		c.Certain = true
	}
	if evidence != "" {
		if len(args) > 0 {
			evidence = fmt.Sprintf(evidence, args...)
		}
		if c.Evidence == "" {
			c.Evidence = evidence
		} else if !slices.Contains(strings.Split(c.Evidence, "; "), evidence) {
			c.Evidence += "; " + evidence
		}
	}
	return c
}

// addFinding adds what a rule found: its sentence with the quoted line,
// and its fix when it is the strongest finding with one.
func (r *ranking) addFinding(f Finding) {
	f.Quote = f.Quote.masked()
	best := r.causes[f.Cause] == nil || f.Weight > r.causes[f.Cause].score
	c := r.add(f.Cause, f.Weight, f.Sentence())
	if f.Quote.Text != "" {
		if best {
			c.Quotes = append([]Quote{f.Quote}, c.Quotes...)
		} else {
			c.Quotes = append(c.Quotes, f.Quote)
		}
	}
	if !slices.Contains(c.Rules, f.Rule) {
		c.Rules = append(c.Rules, f.Rule)
	}
	if f.Fix != "" && (best || c.fixBy == fixCatalog) {
		c.Fix, c.fixBy = f.Fix, fixRule
	}
}

func (r *ranking) certain() bool {
	for _, c := range r.causes {
		if c.Certain {
			return true
		}
	}
	return false
}

func (r *ranking) list() []Cause {
	out := make([]Cause, 0, len(r.causes))
	for _, c := range r.causes {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Cause) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return catalog[a.ID].prior - catalog[b.ID].prior
	})
	return out
}
