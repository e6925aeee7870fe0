package apigw

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/emulator/iampolicy"
)

// The action every API Gateway method call is authorized for.
const actionInvoke = "execute-api:Invoke"

// Messages of API Gateway's authorization refusals, as AWS's
// troubleshooting pages quote them.
const (
	MsgAuthorizerDenied = "User is not authorized to access this resource"
	msgExplicitDeny     = " with an explicit deny"
	MsgForbidden        = "Forbidden"
	MsgLimitExceeded    = "Limit Exceeded"
	MsgTooManyRequests  = "Too Many Requests"
)

// Error types of the authorization layers.
const (
	ErrAuthorizerConfig = "AuthorizerConfigurationException"
	ErrLimitExceeded    = "LimitExceededException"
	ErrTooManyRequests  = "TooManyRequestsException"
)

// HeaderDecision carries the policy evaluation's reason on an
// AccessDeniedException the emulator answers (AWS sends none): which
// statement denied, or that none allowed.
const HeaderDecision = "X-Sigscope-Authz-Decision"

// ResourceARN is the execute-api ARN a request needs execute-api:Invoke
// on: arn:aws:execute-api:REGION:ACCOUNT:API-ID/STAGE/METHOD/RESOURCE-PATH,
// the path being the one requested after the stage (not the route's
// template), "/" for the stage's root.
func (g *Gateway) ResourceARN(method, stage, path string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:execute-api:" + g.region + ":" + g.deps.AccountID + ":" + g.cfg.ID + "/" + stage + "/" + strings.ToUpper(method) + path
}

// requestARN is ResourceARN for the request being served.
func (g *Gateway) requestARN(r *http.Request, rc *reqCtx) string {
	_, rest := splitStage(serverPath(r))
	parts := splitWirePath(rest)
	return g.ResourceARN(r.Method, rc.stage, "/"+strings.Join(parts, "/"))
}

// compileResourcePolicy is the API's resource policy with "execute-api:/"
// in its resources written out as this API's ARN, as API Gateway stores it.
func (g *Gateway) compileResourcePolicy() *iampolicy.Named {
	if g.cfg.ResourcePolicy == nil || g.cfg.ResourcePolicy.Policy == nil {
		return nil
	}
	src := g.cfg.ResourcePolicy.Policy
	p := &iampolicy.Policy{Version: src.Version, ID: src.ID}
	prefix := fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/", g.region, g.deps.AccountID, g.cfg.ID)
	expand := func(list []string) []string {
		if list == nil {
			return nil
		}
		out := make([]string, len(list))
		for i, r := range list {
			if rest, ok := strings.CutPrefix(r, "execute-api:/"); ok {
				r = prefix + rest
			}
			out[i] = r
		}
		return out
	}
	for _, st := range src.Statements {
		st.Resource, st.NotResource = expand(st.Resource), expand(st.NotResource)
		p.Statements = append(p.Statements, st)
	}
	return &iampolicy.Named{Name: "the API's resource policy", Policy: p}
}

// callerPrincipal is who a verified credential belongs to.
func callerPrincipal(cred Credential) iampolicy.Principal {
	p := cred.Principal
	if p.ARN == "" {
		p.ARN, _ = cred.Caller["userArn"].(string)
	}
	if p.Account == "" {
		p.Account, _ = cred.Caller["accountId"].(string)
	}
	if p.RoleARN == "" && strings.Contains(p.ARN, ":assumed-role/") {
		// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION is a session of
		// arn:aws:iam::ACCOUNT:role/ROLE.
		if acct, rest, ok := strings.Cut(strings.TrimPrefix(p.ARN, "arn:aws:sts::"), ":assumed-role/"); ok {
			role, _, _ := strings.Cut(rest, "/")
			p.RoleARN = "arn:aws:iam::" + acct + ":role/" + role
		}
	}
	return p
}

// policyContext holds the condition keys of a request. Every request a
// conditional policy judges builds it, so the keys are written already
// lower case (as Context.Set stores them) and the values share one array.
func (g *Gateway) policyContext(r *http.Request, cred *Credential) iampolicy.Context {
	now := g.now().UTC()
	ctx := make(iampolicy.Context, 12+len(cred.contextOrNil()))
	vals := make([]string, 0, 16)
	set := func(key, v string) {
		vals = append(vals, v)
		ctx[key] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	nowText := now.Format("2006-01-02T15:04:05Z")
	set("aws:sourceip", remoteIP(r))
	set("aws:currenttime", nowText)
	set("aws:epochtime", strconv.FormatInt(now.Unix(), 10))
	set("aws:securetransport", strconv.FormatBool(r.TLS != nil))
	if ua := r.UserAgent(); ua != "" {
		set("aws:useragent", ua)
	}
	if ref := r.Referer(); ref != "" {
		set("aws:referer", ref)
	}
	if cred == nil {
		set("aws:principaltype", "Anonymous")
		return ctx
	}
	p := callerPrincipal(*cred)
	if p.RoleARN != "" {
		set("aws:principalarn", p.RoleARN)
	} else {
		set("aws:principalarn", p.ARN)
	}
	set("aws:principalaccount", p.Account)
	if id, _ := cred.Caller["user"].(string); id != "" {
		set("aws:userid", id)
	}
	switch {
	case strings.Contains(p.ARN, ":user/"):
		set("aws:principaltype", "User")
		set("aws:username", p.ARN[strings.LastIndex(p.ARN, "/")+1:])
	case p.RoleARN != "":
		set("aws:principaltype", "AssumedRole")
	}
	if cred.SessionToken != "" {
		set("aws:tokenissuetime", nowText)
	}
	if v, _ := cred.Caller["cognitoIdentityId"].(string); v != "" {
		set("cognito-identity.amazonaws.com:sub", v)
	}
	if v, _ := cred.Caller["cognitoIdentityPoolId"].(string); v != "" {
		set("cognito-identity.amazonaws.com:aud", v)
	}
	if v, _ := cred.Caller["cognitoAuthenticationType"].(string); v != "" {
		set("cognito-identity.amazonaws.com:amr", v)
	}
	for k, v := range cred.Context {
		ctx.Set(k, v) // the caller's own keys, in any case
	}
	return ctx
}

// contextOrNil is the credential's own condition keys (none for nil).
func (c *Credential) contextOrNil() map[string]string {
	if c == nil {
		return nil
	}
	return c.Context
}

// readsContext reports whether a policy has a condition or a policy
// variable in a resource, the only statements that read the request's
// condition keys.
func readsContext(p *iampolicy.Named) bool {
	if p == nil || p.Policy == nil {
		return false
	}
	for _, st := range p.Policy.Statements {
		if len(st.Conditions) > 0 {
			return true
		}
		for _, list := range [][]string{st.Resource, st.NotResource} {
			for _, res := range list {
				if strings.Contains(res, "${") {
					return true
				}
			}
		}
	}
	return false
}

// identityPolicies are the caller's identity policies: those its
// credential carries, and its role's from role_policies. restricted is
// false for a caller with none configured, whom the emulator lets invoke
// everything (as before policies existed).
func (g *Gateway) identityPolicies(cred Credential, p iampolicy.Principal) (pols []iampolicy.Named, restricted bool) {
	return IdentityPolicies(cred, p, g.cfg.RolePolicies)
}

// IdentityPolicies are a caller's identity policies given the roles'
// (role_policies): what the gateway judges execute-api:Invoke by, and the
// Cognito Admin* calls their own actions.
func IdentityPolicies(cred Credential, p iampolicy.Principal, rolePolicies map[string][]PolicyDoc) (pols []iampolicy.Named, restricted bool) {
	pols = append(pols, cred.Policies...)
	restricted = cred.Restricted || len(cred.Policies) > 0
	if p.RoleARN != "" {
		if docs, ok := rolePolicies[p.RoleARN]; ok {
			restricted = true
			for i, d := range docs {
				pols = append(pols, iampolicy.Named{Name: fmt.Sprintf("policy %d of role %s", i+1, p.RoleARN), Policy: d.Policy})
			}
		}
	}
	return pols, restricted
}

// CallerPrincipal is who a verified credential belongs to.
func CallerPrincipal(cred Credential) iampolicy.Principal { return callerPrincipal(cred) }

// authorizePolicies evaluates the caller's identity policies and the
// API's resource policy; cred is nil for a caller that did not sign.
func (g *Gateway) authorizePolicies(w http.ResponseWriter, r *http.Request, rc *reqCtx, cred *Credential) *apiError {
	in := iampolicy.Input{Resource: g.resourcePolicy, ResourceAccount: g.deps.AccountID}
	if cred != nil {
		in.Request.Principal = callerPrincipal(*cred)
		var restricted bool
		in.Identity, restricted = g.identityPolicies(*cred, in.Request.Principal)
		in.Unrestricted = !restricted
		if in.Unrestricted && in.Resource == nil {
			rc.why.note(LayerPolicy, "no identity policy is configured for %s and the API has no resource policy: the emulator lets it invoke every method", in.Request.Principal.ARN)
			return nil
		}
	} else if in.Resource == nil {
		return nil // no resource policy: NONE routes are open, as in API Gateway
	}
	in.Request.Action = actionInvoke
	in.Request.Resource = g.requestARN(r, rc)
	// The condition keys are a dozen strings and a map per request; only
	// a condition or a ${variable} reads them.
	if readsContext(in.Resource) || slices.ContainsFunc(in.Identity, func(n iampolicy.Named) bool { return readsContext(&n) }) {
		in.Request.Context = g.policyContext(r, cred)
	}
	res := iampolicy.Authorize(in)
	rc.decision = res.Reason
	if res.Decision == iampolicy.Allowed {
		rc.why.note(LayerPolicy, "%s", res.Reason)
		return nil
	}
	rc.why.refuse(LayerPolicy)
	who := "anonymous"
	if cred != nil {
		who = in.Request.Principal.ARN
	}
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", who, actionInvoke, in.Request.Resource)
	if res.Decision == iampolicy.ExplicitDeny {
		msg += msgExplicitDeny
	}
	w.Header().Set(HeaderDecision, res.Reason)
	return errForbidden(ErrAccessDenied, "%s", msg)
}
