package apigw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sigscope/sigscope/emulator/iampolicy"
)

// defaultAuthorizerTTL is authorizerResultTtlInSeconds' default.
const defaultAuthorizerTTL = 5 * time.Minute

// lambdaAuthorizer is a configured Lambda authorizer with its result cache.
type lambdaAuthorizer struct {
	LambdaAuthorizer
	ttl     time.Duration
	sources []string
	now     func() time.Time

	mu    sync.Mutex
	cache map[string]cachedResult
}

type cachedResult struct {
	out     authorizerOutput
	expires time.Time
}

// authorizerOutput is what a Lambda authorizer returns, once read.
type authorizerOutput struct {
	principalID string
	policy      *iampolicy.Policy
	context     map[string]any
}

func compileAuthorizers(list []LambdaAuthorizer, now func() time.Time) map[string]*lambdaAuthorizer {
	out := map[string]*lambdaAuthorizer{}
	for _, a := range list {
		la := &lambdaAuthorizer{LambdaAuthorizer: a, ttl: defaultAuthorizerTTL, now: now, cache: map[string]cachedResult{}}
		if a.TTL != nil {
			la.ttl = time.Duration(*a.TTL)
		}
		la.sources = splitSources(a.IdentitySource)
		if len(la.sources) == 0 {
			la.sources = []string{"method.request.header.Authorization"}
		}
		if a.ValidationRegex != "" {
			la.validation = regexp.MustCompile(a.ValidationRegex) // checked by Validate
		}
		out[a.Name] = la
	}
	return out
}

// identity reads the identity sources; ok is false when one is missing
// or empty, which API Gateway answers 401 without calling the Lambda.
func (la *lambdaAuthorizer) identity(r *http.Request) (string, bool) {
	vals := make([]string, 0, len(la.sources))
	for _, src := range la.sources {
		var v string
		if name, ok := strings.CutPrefix(src, "method.request.header."); ok {
			v = r.Header.Get(name)
		} else if name, ok := strings.CutPrefix(src, "method.request.querystring."); ok {
			v = r.URL.Query().Get(name)
		}
		if v == "" {
			return "", false
		}
		vals = append(vals, v)
	}
	return strings.Join(vals, ","), true
}

// authorizeLambda runs the route's Lambda authorizer: 401 Unauthorized for
// a missing identity, one that fails the validation regex or that the
// Lambda refuses; 500 AuthorizerConfigurationException for an output API
// Gateway cannot use; 403 when the policy returned does not allow this
// method's ARN. It returns requestContext.authorizer.
func (g *Gateway) authorizeLambda(r *http.Request, rc *reqCtx) (map[string]any, *apiError) {
	la := g.authorizers[rc.match.route.AuthorizerName]
	value, ok := la.identity(r)
	if !ok || (la.Type == "TOKEN" && la.validation != nil && !la.validation.MatchString(value)) {
		return nil, errUnauthorized(MsgUnauthorized)
	}
	out, e := la.result(value, g)
	if e != nil {
		return nil, e
	}
	// The policy cached for one method is evaluated afresh for the next,
	// as API Gateway does: a policy naming only the first method's ARN
	// refuses the others until the cache entry expires.
	arn := g.requestARN(r, rc)
	deny, allow := iampolicy.Evaluate([]iampolicy.Named{{Name: "the authorizer's policy", Policy: out.policy}},
		iampolicy.Request{Action: actionInvoke, Resource: arn, Context: g.policyContext(r, nil)}, false)
	switch {
	case deny != nil:
		return nil, errForbidden(ErrAccessDenied, "%s", MsgAuthorizerDenied+msgExplicitDeny)
	case allow == nil:
		return nil, errForbidden(ErrAccessDenied, "%s", MsgAuthorizerDenied)
	}
	ctx := map[string]any{"principalId": out.principalID}
	for k, v := range out.context {
		ctx[k] = v
	}
	return ctx, nil
}

// result is the Lambda's answer for an identity value, from the cache
// while its TTL lasts.
func (la *lambdaAuthorizer) result(value string, g *Gateway) (authorizerOutput, *apiError) {
	now := la.now()
	if la.ttl > 0 {
		la.mu.Lock()
		c, hit := la.cache[value]
		la.mu.Unlock()
		if hit && now.Before(c.expires) {
			g.logf("apigw authorizer %s: cached result", la.Name)
			return c.out, nil
		}
	}
	res, ok := la.Results[value]
	if !ok {
		return authorizerOutput{}, errUnauthorized(MsgUnauthorized) // the Lambda raised "Unauthorized"
	}
	out, err := la.output(res, g)
	if err != nil {
		g.logf("apigw authorizer %s: %v", la.Name, err)
		return authorizerOutput{}, &apiError{status: http.StatusInternalServerError, errType: ErrAuthorizerConfig, message: "", extra: map[string]any{"message": nil}}
	}
	if la.ttl > 0 {
		la.mu.Lock()
		if len(la.cache) > 10000 {
			la.cache = map[string]cachedResult{}
		}
		la.cache[value] = cachedResult{out: out, expires: now.Add(la.ttl)}
		la.mu.Unlock()
	}
	return out, nil
}

// output turns a configured result into what the Lambda returned.
func (la *lambdaAuthorizer) output(res AuthorizerResult, g *Gateway) (authorizerOutput, error) {
	switch {
	case res.Effect != "":
		all := fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/*", g.region, g.deps.AccountID, g.cfg.ID)
		p := &iampolicy.Policy{Version: "2012-10-17", Statements: []iampolicy.Statement{{Effect: res.Effect, Action: []string{actionInvoke}, Resource: []string{all}}}}
		p = iampolicy.MustParse(string(p.JSON())) // the same document a Lambda would send
		return authorizerOutput{principalID: res.PrincipalID, policy: p, context: res.Context}, checkContext(res.Context)
	case res.Policy != nil:
		return authorizerOutput{principalID: res.PrincipalID, policy: res.Policy.Policy, context: res.Context}, checkContext(res.Context)
	}
	return parseAuthorizerResponse([]byte(res.Response))
}

// parseAuthorizerResponse reads a Lambda authorizer's JSON output as API
// Gateway does: principalId and a valid policyDocument are required;
// context values are strings, numbers or booleans.
func parseAuthorizerResponse(b []byte) (authorizerOutput, error) {
	var raw struct {
		PrincipalID    *string         `json:"principalId"`
		PolicyDocument json.RawMessage `json:"policyDocument"`
		Context        map[string]any  `json:"context"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return authorizerOutput{}, fmt.Errorf("the output is not a JSON object: %v", err)
	}
	if raw.PrincipalID == nil {
		return authorizerOutput{}, fmt.Errorf("the output has no principalId")
	}
	if len(raw.PolicyDocument) == 0 {
		return authorizerOutput{}, fmt.Errorf("the output has no policyDocument")
	}
	doc := raw.PolicyDocument
	var s string
	if json.Unmarshal(doc, &s) == nil {
		doc = []byte(s) // a policy sent as a JSON string
	}
	p, err := iampolicy.Parse(doc)
	if err != nil {
		return authorizerOutput{}, fmt.Errorf("policyDocument: %v", err)
	}
	if err := checkContext(raw.Context); err != nil {
		return authorizerOutput{}, err
	}
	return authorizerOutput{principalID: *raw.PrincipalID, policy: p, context: raw.Context}, nil
}

// checkContext: API Gateway refuses context values that are objects or lists.
func checkContext(ctx map[string]any) error {
	for k, v := range ctx {
		switch v.(type) {
		case string, bool, int, int64, float64, json.Number:
		default:
			return fmt.Errorf("context.%s is a %T: context values are strings, numbers or booleans", k, v)
		}
	}
	return nil
}
