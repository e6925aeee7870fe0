package apigw

import (
	"bytes"
	"encoding/json"
	"errors"
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
		la.Command = resolveCommand(a.Command)
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
// method's ARN. It returns requestContext.authorizer. Each refusal says
// why in HeaderDecision, naming no identity value.
func (g *Gateway) authorizeLambda(w http.ResponseWriter, r *http.Request, rc *reqCtx) (map[string]any, *apiError) {
	la := g.authorizers[rc.match.route.AuthorizerName]
	refuse := func(reason string, e *apiError) (map[string]any, *apiError) {
		rc.decision = "authorizer " + la.Name + ": " + reason
		w.Header().Set(HeaderDecision, rc.decision)
		rc.why.refuse(LayerAuthorizer)
		return nil, e
	}
	value, ok := la.identity(r)
	if !ok {
		return refuse(fmt.Sprintf("the identity source %s is missing or empty, so API Gateway did not call the authorizer", strings.Join(la.sources, ", ")), errUnauthorized(MsgUnauthorized))
	}
	if la.Type == "TOKEN" && la.validation != nil && !la.validation.MatchString(value) {
		return refuse(fmt.Sprintf("the token does not match the validation regex %s, so API Gateway did not call the authorizer", la.ValidationRegex), errUnauthorized(MsgUnauthorized))
	}
	out, cached, err := la.result(value, r, rc, g)
	switch {
	case errors.Is(err, errRaisedUnauthorized):
		return refuse("the authorizer raised Unauthorized for this identity", errUnauthorized(MsgUnauthorized))
	case err != nil:
		g.logf("apigw authorizer %s: %v", la.Name, err)
		return refuse(err.Error(), &apiError{status: http.StatusInternalServerError, errType: ErrAuthorizerConfig, message: "", extra: map[string]any{"message": nil}})
	}
	// The policy cached for one method is evaluated afresh for the next,
	// as API Gateway does: a policy naming only the first method's ARN
	// refuses the others until the cache entry expires.
	arn := g.requestARN(r, rc)
	deny, allow := iampolicy.Evaluate([]iampolicy.Named{{Name: "the authorizer's policy", Policy: out.policy}},
		iampolicy.Request{Action: actionInvoke, Resource: arn, Context: g.policyContext(r, nil)}, false)
	note := ""
	if cached {
		note = " (a cached result: the cache keeps it for " + la.ttl.String() + ", whichever method asked first)"
	}
	switch {
	case deny != nil:
		return refuse(fmt.Sprintf("%s denies %s on %s%s", deny, actionInvoke, arn, note), errForbidden(ErrAccessDenied, "%s", MsgAuthorizerDenied+msgExplicitDeny))
	case allow == nil:
		return refuse(fmt.Sprintf("no statement of the authorizer's policy allows %s on %s%s", actionInvoke, arn, note), errForbidden(ErrAccessDenied, "%s", MsgAuthorizerDenied))
	}
	rc.decision = fmt.Sprintf("authorizer %s: principalId %s; %s allows it%s", la.Name, out.principalID, allow, note)
	rc.why.note(LayerAuthorizer, "%s", rc.decision)
	ctx := map[string]any{"principalId": out.principalID}
	for k, v := range out.context {
		ctx[k] = v
	}
	return ctx, nil
}

// result is the Lambda's answer for an identity value, from the cache
// while its TTL lasts; errRaisedUnauthorized when the Lambda refuses.
func (la *lambdaAuthorizer) result(value string, r *http.Request, rc *reqCtx, g *Gateway) (authorizerOutput, bool, error) {
	now := la.now()
	if la.ttl > 0 {
		la.mu.Lock()
		c, hit := la.cache[value]
		la.mu.Unlock()
		if hit && now.Before(c.expires) {
			g.logf("apigw authorizer %s: cached result", la.Name)
			return c.out, true, nil
		}
	}
	var out authorizerOutput
	var err error
	if len(la.Command) > 0 {
		out, err = la.runCommand(r.Context(), g.commandEvent(la, value, r, rc))
	} else if res, ok := la.Results[value]; ok {
		out, err = la.output(res, g)
	} else {
		err = errRaisedUnauthorized
	}
	if err != nil {
		return authorizerOutput{}, false, err
	}
	if la.ttl > 0 {
		la.mu.Lock()
		if len(la.cache) > 10000 {
			la.cache = map[string]cachedResult{}
		}
		la.cache[value] = cachedResult{out: out, expires: now.Add(la.ttl)}
		la.mu.Unlock()
	}
	return out, false, nil
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
