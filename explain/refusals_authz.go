package explain

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/sigscope/sigscope/emulator/iampolicy"
	"github.com/sigscope/sigscope/internal/lazyre"
)

// API Gateway's authorization layers beyond the signature: policies,
// Lambda authorizers, API keys and usage plans.
const (
	KindAuthorizerDenied Kind = "authorizer-denied"        // User is not authorized to access this resource
	KindAuthorizerConfig Kind = "authorizer-configuration" // AuthorizerConfigurationException
	KindAPIKey           Kind = "api-key-forbidden"        // ForbiddenException: Forbidden
	KindThrottled        Kind = "throttled"                // TooManyRequestsException: Too Many Requests
	KindQuotaExceeded    Kind = "quota-exceeded"           // LimitExceededException: Limit Exceeded
)

// Causes of the authorization layers.
const (
	CauseAuthorizer     = "lambda-authorizer"
	CauseAPIKey         = "api-key"
	CauseUsagePlan      = "usage-plan"
	CauseResourcePolicy = "resource-policy"
	CauseARNMismatch    = "arn-not-this-request"
)

func init() {
	// In a fixed order: a cause's prior breaks ties between causes.
	for _, c := range []struct{ id, title, fix string }{
		{CauseAuthorizer, "the Lambda authorizer refused the request", "send the identity source the authorizer reads (the header of a TOKEN authorizer, every header and query parameter of a REQUEST one), matching its validation regex; a policy it returns must allow execute-api:Invoke on this method's ARN, and a cached policy is reused for every method until its TTL ends: return a policy covering the API (arn:…:API-ID/*) or turn the cache off"},
		{CauseAPIKey, "the API key is missing, wrong, disabled or in no usage plan", "send the key's value in x-api-key (not its id, not Authorization); the key must be enabled and attached to a usage plan that includes this API and stage"},
		{CauseUsagePlan, "the usage plan's throttle or quota is used up", "slow down and retry with backoff (throttle), or wait for the quota period to end or raise the plan's limit (quota)"},
		{CauseResourcePolicy, "the API's resource policy refused the caller", "the resource policy must allow this caller (Principal, or \"*\" for unsigned callers) execute-api:Invoke on this method's ARN, and no Deny in it may match (source IP, VPC endpoint conditions)"},
		{CauseARNMismatch, "the ARN in the answer is not this request's", "AWS checked the ARN it names: if a proxy, a custom domain's base path mapping or a rewrite changed the method or path on the way, the policy must allow that ARN (the statement above does); otherwise this answer belongs to another request"},
	} {
		catalog[c.id] = struct {
			title, fix string
			prior      int
		}{c.title, c.fix, 19 + len(catalog)}
	}
	kindHints[KindAuthorizerDenied] = "the Lambda authorizer returned a policy that does not allow this method: its policy must allow execute-api:Invoke on this method's ARN (a cached policy from another method is reused until its TTL ends)"
	kindHints[KindAuthorizerConfig] = "API Gateway could not use the Lambda authorizer's answer (no principalId, a malformed policyDocument, a context value that is an object or list) or could not call it (permission): check the authorizer's output in its CloudWatch logs"
	kindHints[KindAPIKey] = "this method requires an API key: send an enabled key's value in x-api-key, a key attached to a usage plan of this API and stage"
	kindHints[KindThrottled] = "the usage plan's (or the stage's, or the account's) throttle rate was exceeded: retry with backoff, or raise the limit"
	kindHints[KindQuotaExceeded] = "the API key's usage-plan quota for this period is used up: wait for the next period or raise the quota"
}

// kindOfAuthz classifies what the phrases cannot: API Gateway's answers
// whose message alone means nothing ("Forbidden", a null message).
func (a *Answer) kindOfAuthz() Kind {
	switch a.Code {
	case "AuthorizerConfigurationException":
		return KindAuthorizerConfig
	case "ForbiddenException":
		if strings.EqualFold(strings.TrimSpace(a.text), "Forbidden") {
			return KindAPIKey
		}
	case "TooManyRequestsException":
		return KindThrottled
	case "LimitExceededException":
		return KindQuotaExceeded
	}
	return ""
}

func describeAuthz(k Kind) string {
	switch k {
	case KindAuthorizerDenied:
		return "Lambda authorizer's policy does not allow the method"
	case KindAuthorizerConfig:
		return "Lambda authorizer misconfigured"
	case KindAPIKey:
		return "API key missing or not valid"
	case KindThrottled:
		return "throttled (too many requests)"
	case KindQuotaExceeded:
		return "usage-plan quota exceeded"
	}
	return ""
}

// accessDeniedRE reads "User: P is not authorized to perform: A on
// resource: R[ with an explicit deny][ because …]".
var accessDeniedRE = lazyre.New(`User: (\S+) is not authorized to perform: (\S+) on resource: (\S+?)(?:\s+with an explicit deny(?:\s+in an? ([\w-]+) policy)?)?(?:\s+because\s+(.*?))?\.?$`)

// executeAPIARN is arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH.
var executeAPIARN = lazyre.New(`^arn:(aws[a-z-]*):execute-api:([a-z0-9-]+):([0-9*]+):([^/]+)/([^/]+)/([^/]+)(/.*)?$`)

// PolicyDenial is what an AccessDeniedException says.
type PolicyDenial struct {
	Principal string // the caller's ARN, or "anonymous"
	Action    string
	Resource  string
	Explicit  bool
	Because   string // IAM's newer "because no identity-based policy allows …"
	DenyIn    string // IAM's newer "with an explicit deny in an identity-based policy": identity-based, resource-based…
	// The resource ARN's parts, for execute-api.
	Region, Account, APIID, Stage, Method, Path string
}

// ReadPolicyDenial reads an AccessDeniedException's message.
func ReadPolicyDenial(msg string) (PolicyDenial, bool) {
	m := accessDeniedRE.FindStringSubmatch(strings.TrimSpace(msg))
	if m == nil {
		return PolicyDenial{}, false
	}
	d := PolicyDenial{Principal: m[1], Action: m[2], Resource: m[3], DenyIn: m[4], Because: m[5], Explicit: strings.Contains(msg, "with an explicit deny")}
	if a := executeAPIARN.FindStringSubmatch(d.Resource); a != nil {
		d.Region, d.Account, d.APIID, d.Stage, d.Method, d.Path = a[2], a[3], a[4], a[5], a[6], a[7]
		if d.Path == "" {
			d.Path = "/"
		}
	}
	return d, true
}

// policyDenied explains an AccessDeniedException: which layer (the
// caller's identity policy or the API's resource policy), the statement
// the emulator names, whether the ARN is this request's, and the
// smallest statement that would allow it.
func policyDenied(r *ranking, e *Evidence, d *Diagnosis) bool {
	a := d.Answer
	pd, ok := ReadPolicyDenial(a.Message)
	if !ok {
		return false
	}
	msg := []Quote{{From: QuoteAnswer, Text: a.Message}}
	anonymous := pd.Principal == "anonymous"
	var layer *Cause
	switch {
	case anonymous && pd.Explicit:
		layer = r.add(CauseResourcePolicy, weightCertain, "the caller did not sign (User: anonymous), so only the API's resource policy judged it, and one of its Deny statements matches %s", pd.Resource)
	case anonymous:
		layer = r.add(CauseResourcePolicy, weightCertain, "the caller did not sign (User: anonymous), so only the API's resource policy can allow it, and none of its statements allows %s", pd.Resource)
	case pd.Explicit:
		layer = r.add(CausePermission, weightCertain, "a Deny statement matches %s for %s: in the caller's identity policies, the API's resource policy, a permissions boundary or an SCP; an Allow cannot override it", pd.Resource, pd.Principal)
		// The catalog's title reads as a missing Allow; here a Deny refuses.
		layer.Title = "a Deny statement in IAM refuses the call"
	default:
		layer = r.add(CausePermission, weightCertain, "no statement allows %s %s on %s: neither the caller's identity policies nor the API's resource policy", pd.Principal, pd.Action, pd.Resource)
	}
	layer.Quotes = msg
	if pd.Because != "" {
		layer.Evidence += "; AWS says: because " + pd.Because
	}
	if why := emulatorDecision(e); why != "" {
		layer.Evidence += "; the emulator says: " + why
	}
	if pd.Method != "" {
		if diff := arnAgainstRequest(e, pd); diff != "" {
			c := r.add(CauseARNMismatch, weightStrong, "%s", diff)
			if need := neededARN(e, pd); need != "" {
				c.Evidence += "; this request needs execute-api:Invoke on " + need
			}
		} else if e.Request != nil {
			layer.Evidence += fmt.Sprintf("; the ARN is this request's (stage %s, %s %s)", pd.Stage, pd.Method, pd.Path)
		}
	}
	// send's hint is the fix itself: it names the statement to remove, or
	// the statement to add and where.
	switch {
	case pd.Explicit && anonymous:
		layer.Fix = removeDenyFix(pd, emulatorDecision(e))
		d.Hint = "the API's resource policy explicitly denies unsigned callers this method: " + layer.Fix
	case pd.Explicit:
		layer.Fix = removeDenyFix(pd, emulatorDecision(e))
		d.Hint = "a Deny statement matches this call: " + layer.Fix
	case anonymous:
		layer.Fix = minimalStatementFix(pd)
		d.Hint = "the API's resource policy does not allow unsigned callers this method: " + layer.Fix + "; or sign the request, if the route uses AWS_IAM"
	default:
		layer.Fix = minimalStatementFix(pd)
		d.Hint = "no policy allows " + pd.Principal + " " + pd.Action + " on " + pd.Resource + ": " + layer.Fix
	}
	return true
}

// denyingStatementRE reads the emulator's decision on an explicit deny:
// "POLICY, statement "SID" denies …" (or "statement N" without a Sid).
var denyingStatementRE = lazyre.New(`^(.+), statement ("[^"]*"|\d+) denies `)

// removeDenyFix is what to do about an explicit deny: an Allow cannot
// override a Deny, so the Deny must go or stop matching. The emulator
// names the statement; AWS does not, so then it says where to look.
func removeDenyFix(pd PolicyDenial, decision string) string {
	if m := denyingStatementRE.FindStringSubmatch(decision); m != nil {
		return fmt.Sprintf("remove the Deny statement %s from %s, or narrow it (its Resource, Action or a Condition) so that it no longer matches execute-api:Invoke on %s; adding an Allow does not help: an explicit Deny wins", m[2], m[1], pd.Resource)
	}
	resourcePolicy := "the API's resource policy"
	if !strings.HasPrefix(pd.Action, "execute-api:") {
		resourcePolicy = "the resource's own policy"
	}
	where := "the caller's identity policies (" + pd.Principal + "), " + resourcePolicy + ", a permissions boundary or an SCP"
	switch {
	case pd.DenyIn == "identity-based":
		where = "the caller's identity policies (" + pd.Principal + ")"
		if strings.Contains(pd.Principal, ":assumed-role/") {
			where = "the policies of the role " + roleOfSession(pd.Principal)
		}
	case pd.DenyIn == "resource-based":
		where = resourcePolicy
	case pd.Principal == "anonymous":
		where = "the API's resource policy (unsigned callers are judged by it alone; look at its source IP and VPC endpoint conditions)"
	case strings.Contains(pd.Principal, ":assumed-role/"):
		where = "the policies of the role " + roleOfSession(pd.Principal) + " (for Cognito identity-pool credentials: the pool's authenticated or unauthenticated role), " + resourcePolicy + ", a permissions boundary or an SCP"
	}
	return fmt.Sprintf("find the Deny statement whose Action and Resource match %s on %s in %s, and remove it or narrow it so that it no longer matches; adding an Allow does not help: an explicit Deny wins", pd.Action, pd.Resource, where)
}

// roleOfSession is the role arn:aws:iam::ACCOUNT:role/ROLE whose session
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION is.
func roleOfSession(principal string) string {
	acct, rest, _ := strings.Cut(strings.TrimPrefix(principal, "arn:aws:sts::"), ":assumed-role/")
	role, _, _ := strings.Cut(rest, "/")
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, role)
}

// minimalStatementFix is the smallest statement that allows the call, and
// where it goes.
func minimalStatementFix(pd PolicyDenial) string {
	resource := pd.Resource
	if strings.Contains(pd.Account, "*") {
		// API Gateway masks all but the account's last digits.
		resource = strings.Replace(resource, ":"+pd.Account+":", ":*:", 1)
	}
	req := iampolicy.Request{Action: pd.Action, Resource: resource}
	where := "the caller's identity policy (" + pd.Principal + ")"
	resourcePolicy := false
	switch {
	case pd.Principal == "anonymous":
		where, resourcePolicy = "the API's resource policy", true
	case strings.Contains(pd.Principal, ":assumed-role/"):
		where = "a policy of the role " + roleOfSession(pd.Principal) + " (for Cognito identity-pool credentials: the pool's authenticated or unauthenticated role)"
	}
	st := iampolicy.MinimalAllow(req, resourcePolicy)
	// On one line: the UI shows a cause's fix escaped, line breaks too.
	one := strings.NewReplacer("\n  ", " ", "\n}", " }").Replace(string(iampolicy.StatementJSON(st)))
	return fmt.Sprintf("add to %s: %s", where, one)
}

// arnAgainstRequest compares the ARN's method, stage and path with the
// request's; "" when they agree or the request is unknown.
func arnAgainstRequest(e *Evidence, pd PolicyDenial) string {
	if e.Request == nil {
		return ""
	}
	method := strings.ToUpper(e.Request.Method)
	path := e.Request.Path
	stage, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	rest = "/" + rest
	var diffs []string
	if method != "" && pd.Method != "*" && !strings.EqualFold(pd.Method, method) {
		diffs = append(diffs, fmt.Sprintf("method %s, the request's is %s", pd.Method, method))
	}
	if stage != pd.Stage {
		// A custom domain's base path mapping hides the stage: then the
		// path is the request's whole path.
		if rest == pd.Path || path == pd.Path {
			return ""
		}
		diffs = append(diffs, fmt.Sprintf("stage %s and path %s, the request's path is %s", pd.Stage, pd.Path, path))
	} else if rest != pd.Path && unescapePath(rest) != pd.Path {
		diffs = append(diffs, fmt.Sprintf("path %s, the request's is %s", pd.Path, rest))
	}
	if len(diffs) == 0 {
		return ""
	}
	return "the ARN in the answer is not this request's: " + strings.Join(diffs, "; ") + " (the answer belongs to another request, or a proxy rewrote it)"
}

// neededARN is the ARN the request itself needs, in the API, region and
// account of the denied one: its method and its path after the stage.
func neededARN(e *Evidence, pd PolicyDenial) string {
	if e.Request == nil || pd.APIID == "" {
		return ""
	}
	stage, rest, _ := strings.Cut(strings.TrimPrefix(e.Request.Path, "/"), "/")
	if stage == "" {
		return ""
	}
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s/%s", pd.Region, pd.Account, pd.APIID, stage, strings.ToUpper(e.Request.Method), unescapePath(rest))
}

func unescapePath(p string) string {
	if s, err := url.PathUnescape(p); err == nil {
		return s
	}
	return p
}

// emulatorDecision is the sigscope emulator's reason header, when the
// answer was given whole (a raw response).
func emulatorDecision(e *Evidence) string {
	return strings.TrimSpace(e.authzDecision)
}

// authzDecisionHeader is apigw.HeaderDecision (explain does not import
// the emulator's gateway).
const authzDecisionHeader = "X-Sigscope-Authz-Decision"

// authzRefusal ranks the causes of the other authorization answers.
func authzRefusal(r *ranking, e *Evidence, d *Diagnosis) {
	a := d.Answer
	msg := []Quote{{From: QuoteAnswer, Text: a.Message}}
	defer func() {
		// The emulator names the statement, the cache or the command.
		if why := emulatorDecision(e); why != "" && (a.Kind == KindAuthorizerDenied || a.Kind == KindAuthorizerConfig) {
			if c := r.causes[CauseAuthorizer]; c != nil {
				c.Evidence += "; the emulator says: " + why
			}
			d.Hint = why + ": " + d.Hint
		}
	}()
	switch a.Kind {
	case KindAuthorizerDenied:
		if strings.Contains(a.Message, "explicit deny") {
			c := r.add(CauseAuthorizer, weightCertain, "the Lambda authorizer returned a policy with a Deny that matches this method")
			c.Quotes = msg
			c.Fix = "send a token (or identity source) the authorizer allows, or change the authorizer's code or the policy it returns for this token; an Allow beside its Deny does not help"
			d.Hint = "the Lambda authorizer decided to refuse this caller (a Deny in its policy): " + c.Fix
		} else {
			r.add(CauseAuthorizer, weightCertain, "the Lambda authorizer returned a policy in which no statement allows this method's ARN (often one cached from another method)").Quotes = msg
		}
	case KindAuthorizerConfig:
		c := r.add(CauseAuthorizer, weightCertain, "API Gateway answers 500 AuthorizerConfigurationException when the authorizer's output cannot be used or the authorizer cannot be invoked")
		c.Quotes = msg
		if why := emulatorDecision(e); strings.Contains(why, "did not answer within") || strings.Contains(why, "timeout") {
			c.Fix = "make the authorizer answer sooner (a cold start, a slow call it makes) or raise its timeout; API Gateway answers 500 rather than wait"
			d.Hint = "the Lambda authorizer did not answer in time: " + c.Fix
		}
	case KindAPIKey:
		c := r.add(CauseAPIKey, weightCertain, "API Gateway answers a bare \"Forbidden\" (ForbiddenException) when a method requires an API key and the request has none that is valid")
		c.Quotes = msg
		if e.Request != nil {
			if _, ok := e.Request.Get("X-Api-Key"); !ok {
				c.Evidence += "; the request sent no x-api-key header"
			} else {
				c.Evidence += "; the request sent an x-api-key that API Gateway does not accept (wrong value, disabled, or in no usage plan of this stage)"
			}
		}
	case KindThrottled:
		r.add(CauseUsagePlan, weightCertain, "429 Too Many Requests: a throttle (usage plan, stage, method or account) was exceeded").Quotes = msg
	case KindQuotaExceeded:
		r.add(CauseUsagePlan, weightCertain, "429 Limit Exceeded: the API key's usage-plan quota for this period is used up").Quotes = msg
	}
}
