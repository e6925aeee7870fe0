package iampolicy

import (
	"strconv"
	"strings"
)

// Context holds the request's condition keys (aws:SourceIp,
// aws:username, cognito-identity.amazonaws.com:sub...). Keys are matched
// without regard to case, as AWS does; a key may have several values.
type Context map[string][]string

// Set stores a key's values (replacing any).
func (c Context) Set(key string, values ...string) { c[lower(key)] = values }

func (c Context) values(key string) ([]string, bool) {
	v, ok := c[lower(key)]
	return v, ok && len(v) > 0
}

// Principal is who makes the request. An empty ARN is an anonymous
// (unsigned) caller.
type Principal struct {
	ARN     string // arn:aws:iam::123456789012:user/alice, arn:aws:sts::…:assumed-role/R/S
	Account string // 123456789012
	// RoleARN is the role of an assumed-role session, which a policy's
	// Principal names (arn:aws:iam::123456789012:role/R).
	RoleARN string
}

// Anonymous reports whether the caller did not sign.
func (p Principal) Anonymous() bool { return p.ARN == "" }

// Request is what is evaluated.
type Request struct {
	Principal Principal
	Action    string // execute-api:Invoke
	Resource  string // arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets
	Context   Context
}

// Decision is the outcome of an evaluation.
type Decision int

const (
	ImplicitDeny Decision = iota // no statement allowed
	Allowed
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicit deny"
	}
	return "implicit deny"
}

// Named is a policy with the name it is reported under ("resource
// policy", "user sigscope-demo inline policy 1"...).
type Named struct {
	Name   string
	Policy *Policy
}

// Ref points at the statement that decided.
type Ref struct {
	Policy string // the Named policy's name
	Index  int    // the statement's index in it
	Sid    string
}

func (r Ref) String() string {
	if r.Sid != "" {
		return r.Policy + ", statement " + strconv.Quote(r.Sid)
	}
	return r.Policy + ", statement " + strconv.Itoa(r.Index)
}

// Result says what was decided and by which statement.
type Result struct {
	Decision Decision
	// By is the Deny that denied or the Allow that allowed; nil for an
	// implicit deny.
	By *Ref
	// Reason says it in words: "no statement allows execute-api:Invoke on …".
	Reason string
}

// Evaluate runs one set of policies (all of one kind) over a request:
// the first matching Deny, else the first matching Allow, else nothing.
func Evaluate(policies []Named, req Request, resourcePolicy bool) (deny, allow *Ref) {
	for _, np := range policies {
		if np.Policy == nil {
			continue
		}
		for i, st := range np.Policy.Statements {
			if !st.Matches(req, resourcePolicy) {
				continue
			}
			ref := &Ref{Policy: np.Name, Index: i, Sid: st.Sid}
			if st.Effect == Deny {
				if deny == nil {
					deny = ref
				}
			} else if allow == nil {
				allow = ref
			}
		}
	}
	return deny, allow
}

// Input is everything an authorization decision reads.
type Input struct {
	Request Request
	// Identity are the caller's identity-based policies. Unrestricted
	// stands for a caller whose identity policies allow everything (an
	// emulator user configured without policies).
	Identity     []Named
	Unrestricted bool
	// Resource is the resource's policy (an API's), nil when it has none.
	Resource *Named
	// ResourceAccount owns the resource; a caller from another account
	// needs both its identity policy and the resource policy to allow.
	ResourceAccount string
}

// Authorize decides as AWS's policy evaluation logic does within one
// account: any explicit Deny denies; else a resource-policy Allow or an
// identity-policy Allow allows (both for a caller from another account);
// an anonymous caller can be allowed by the resource policy only.
func Authorize(in Input) Result {
	req := in.Request
	var rdeny, rallow *Ref
	if in.Resource != nil {
		rdeny, rallow = Evaluate([]Named{*in.Resource}, req, true)
	}
	var ideny, iallow *Ref
	if !req.Principal.Anonymous() {
		ideny, iallow = Evaluate(in.Identity, req, false)
		if in.Unrestricted && iallow == nil {
			iallow = &Ref{Policy: "unrestricted identity", Index: -1}
		}
	}
	// Concatenation, not fmt: the emulator authorizes every request, and
	// the reasons were a tenth of its handler.
	what := req.Action + " on " + req.Resource
	switch {
	case rdeny != nil:
		return Result{Decision: ExplicitDeny, By: rdeny, Reason: rdeny.String() + " denies " + what}
	case ideny != nil:
		return Result{Decision: ExplicitDeny, By: ideny, Reason: ideny.String() + " denies " + what}
	}
	crossAccount := in.ResourceAccount != "" && req.Principal.Account != "" && req.Principal.Account != in.ResourceAccount
	switch {
	case req.Principal.Anonymous():
		if rallow != nil {
			return Result{Decision: Allowed, By: rallow, Reason: rallow.String() + " allows " + what}
		}
		if in.Resource == nil {
			return Result{Decision: ImplicitDeny, Reason: "an anonymous caller needs a resource policy that allows " + what + ", and there is none"}
		}
		return Result{Decision: ImplicitDeny, Reason: "no statement of the resource policy allows an anonymous caller " + what}
	case crossAccount:
		if rallow != nil && iallow != nil {
			return Result{Decision: Allowed, By: rallow, Reason: rallow.String() + " and " + iallow.String() + " allow " + what}
		}
		return Result{Decision: ImplicitDeny, Reason: "a caller from account " + req.Principal.Account + " needs both its identity policy and the resource policy to allow " + what}
	case iallow != nil:
		return Result{Decision: Allowed, By: iallow, Reason: iallow.String() + " allows " + what}
	case rallow != nil:
		return Result{Decision: Allowed, By: rallow, Reason: rallow.String() + " allows " + what}
	}
	return Result{Decision: ImplicitDeny, Reason: "no statement allows " + what}
}

// Matches reports whether a statement applies to the request: its
// principal (in a resource policy), action, resource and every condition.
func (s Statement) Matches(req Request, resourcePolicy bool) bool {
	if resourcePolicy || s.Principal != nil || s.NotPrincipal != nil {
		switch {
		case s.Principal != nil:
			if !principalMatches(s.Principal, req.Principal) {
				return false
			}
		case s.NotPrincipal != nil:
			if principalMatches(s.NotPrincipal, req.Principal) {
				return false
			}
		default:
			return false // a resource policy statement names its principal
		}
	}
	if s.Action != nil && !anyGlob(s.Action, req.Action, globFold) {
		return false
	}
	if s.NotAction != nil && anyGlob(s.NotAction, req.Action, globFold) {
		return false
	}
	if s.hasResource {
		if s.Resource != nil && !resourceMatches(s.Resource, req) {
			return false
		}
		if s.NotResource != nil && resourceMatches(s.NotResource, req) {
			return false
		}
	}
	// Several keys, several operators: all of them (AND).
	for _, c := range s.Conditions {
		if !c.holds(req.Context) {
			return false
		}
	}
	return true
}

func anyGlob(patterns []string, s string, match func(p, s string) bool) bool {
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}

// resourceMatches substitutes policy variables in each pattern; a pattern
// whose variable the request lacks matches nothing, as AWS documents.
func resourceMatches(patterns []string, req Request) bool {
	for _, p := range patterns {
		if s, ok := substitute(p, req.Context); ok && Glob(s, req.Resource) {
			return true
		}
	}
	return false
}

// principalMatches checks a Principal element: "*" matches everyone,
// anonymous callers too; an account id or its root ARN every principal of
// that account; a role ARN that role's sessions.
func principalMatches(pr map[string][]string, p Principal) bool {
	if _, ok := pr["*"]; ok {
		return true
	}
	for _, v := range pr["AWS"] {
		switch {
		case v == "*":
			return true
		case p.Anonymous():
			continue
		case v == p.ARN, p.RoleARN != "" && v == p.RoleARN:
			return true
		case p.Account != "" && (v == p.Account || v == "arn:aws:iam::"+p.Account+":root"):
			return true
		}
	}
	return false
}

// substitute replaces ${key} and ${key, 'default'} with the request's
// value, and ${*}, ${?}, ${$} with the literal character. ok is false when
// a variable has no value and no default.
func substitute(s string, ctx Context) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		inner := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		switch inner {
		case "*", "?", "$":
			b.WriteString(inner)
			continue
		}
		key, def, hasDef := strings.Cut(inner, ",")
		key = strings.TrimSpace(key)
		if v, ok := ctx.values(key); ok {
			b.WriteString(v[0])
			continue
		}
		if hasDef {
			def = strings.TrimSpace(def)
			if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
				b.WriteString(def[1 : len(def)-1])
				continue
			}
		}
		return "", false
	}
}

// MinimalAllow is the smallest statement that allows exactly this
// request: its action on its resource, and in a resource policy its
// principal ("*" for an anonymous caller).
func MinimalAllow(req Request, resourcePolicy bool) Statement {
	st := Statement{Effect: Allow, Action: []string{req.Action}, Resource: []string{req.Resource}, hasResource: true}
	if resourcePolicy {
		who := req.Principal.ARN
		if req.Principal.RoleARN != "" {
			who = req.Principal.RoleARN
		}
		if who == "" {
			st.Principal = map[string][]string{"*": {"*"}}
		} else {
			st.Principal = map[string][]string{"AWS": {who}}
		}
	}
	return st
}
