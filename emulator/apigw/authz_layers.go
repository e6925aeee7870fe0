package apigw

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// A request that carries HeaderWhy gets, on its answer, HeaderLayers: the
// verdict of each layer API Gateway passes it through, in order (route,
// then signature or token or authorizer, then policy, then API key). AWS
// sends nothing like it; `sigscope why` asks for it. The verdicts name
// principals, statements, pools, scopes and key NAMES, never a token, a
// key value or a signature.
const (
	HeaderWhy    = "X-Sigscope-Why"
	HeaderLayers = "X-Sigscope-Authz-Layers"
)

// The layers, as HeaderLayers names them.
const (
	LayerRoute      = "route"
	LayerSignature  = "signature"
	LayerToken      = "token"
	LayerAuthorizer = "authorizer"
	LayerPolicy     = "policy"
	LayerAPIKey     = "api-key"
	LayerResponse   = "response" // the route's own answer (cookies, size)
)

// Verdicts of a layer.
const (
	VerdictPass      = "pass"
	VerdictRefused   = "refused"
	VerdictSkipped   = "skipped"   // the route does not use this layer
	VerdictUnreached = "unreached" // an earlier layer refused
)

// LayerVerdict is one layer's verdict in HeaderLayers (a JSON list).
type LayerVerdict struct {
	Layer   string `json:"layer"`
	Verdict string `json:"verdict"`
	Detail  string `json:"detail,omitempty"`
}

// whyTrail is what the layers noted on their way, for HeaderLayers.
type whyTrail struct {
	notes map[string]string // layer → what it decided, in words
}

func (t *whyTrail) note(layer, format string, args ...any) {
	if t != nil {
		t.notes[layer] = fmt.Sprintf(format, args...)
	}
}

// layersWriter puts HeaderLayers on the answer when it is written.
type layersWriter struct {
	http.ResponseWriter
	g     *Gateway
	r     *http.Request
	rc    *reqCtx
	wrote bool
}

// traceLayers wraps w for a request that asked for the layers' verdicts.
func (g *Gateway) traceLayers(w http.ResponseWriter, r *http.Request, rc *reqCtx) http.ResponseWriter {
	rc.why = &whyTrail{notes: map[string]string{}}
	return &layersWriter{ResponseWriter: w, g: g, r: r, rc: rc}
}

func (lw *layersWriter) WriteHeader(status int) {
	if !lw.wrote {
		lw.wrote = true
		h := lw.Header()
		b, err := json.Marshal(lw.g.layerVerdicts(lw.r, lw.rc, status, h.Get("x-amzn-ErrorType"), h.Get(HeaderDecision)))
		if err == nil {
			h.Set(HeaderLayers, string(b)) // JSON escapes every control character
		}
	}
	lw.ResponseWriter.WriteHeader(status)
}

func (lw *layersWriter) Write(b []byte) (int, error) {
	if !lw.wrote {
		lw.WriteHeader(http.StatusOK)
	}
	return lw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (lw *layersWriter) Unwrap() http.ResponseWriter { return lw.ResponseWriter }

// layerVerdicts reads, once the answer is known, how far the request got.
func (g *Gateway) layerVerdicts(r *http.Request, rc *reqCtx, status int, errType, decision string) []LayerVerdict {
	refused := status >= 400
	if rc.match.route == nil {
		return []LayerVerdict{{Layer: LayerRoute, Verdict: VerdictRefused, Detail: g.noRouteDetail(r)}}
	}
	rt := rc.match.route
	out := []LayerVerdict{{Layer: LayerRoute, Verdict: VerdictPass, Detail: fmt.Sprintf("%s %s in stage %s (authorizer %s)", rt.method, rt.Path, rc.stage, rt.Authorizer)}}
	var order []string
	switch rt.Authorizer {
	case AuthIAM:
		order = []string{LayerSignature, LayerPolicy}
	case AuthCognito:
		order = []string{LayerToken, LayerPolicy}
	case AuthCustom:
		order = []string{LayerAuthorizer, LayerPolicy}
	default:
		order = []string{LayerPolicy}
	}
	order = append(order, LayerAPIKey, LayerResponse)
	at := ""
	if refused {
		at = g.refusingLayer(rc, errType)
	}
	past := false
	for _, layer := range order {
		v := LayerVerdict{Layer: layer}
		switch {
		case past:
			v.Verdict = VerdictUnreached
		case layer == at:
			v.Verdict, v.Detail, past = VerdictRefused, g.refusalDetail(r, rc, layer, decision), true
		case !g.layerApplies(rc, layer):
			v.Verdict, v.Detail = VerdictSkipped, g.skipDetail(rc, layer)
		default:
			v.Verdict, v.Detail = VerdictPass, rc.why.notes[layer]
			if layer == LayerSignature && v.Detail == "" {
				if arn, _ := rc.identity["userArn"].(string); arn != "" {
					v.Detail = "signed by " + arn
				}
			}
			if layer == LayerAPIKey && rc.apiKey != nil {
				v.Detail = fmt.Sprintf("key %s of usage plan %s", rc.apiKey.Name, rc.apiKey.plan.plan.Name)
			}
		}
		out = append(out, v)
	}
	return out
}

// refusingLayer names the layer whose refusal the answer is: the
// authorization layers note theirs; the others are known by error type.
func (g *Gateway) refusingLayer(rc *reqCtx, errType string) string {
	switch {
	case rc.why.notes[refusedKey] != "":
		return rc.why.notes[refusedKey]
	case errType == ErrForbidden || errType == ErrTooManyRequests || errType == ErrLimitExceeded:
		return LayerAPIKey
	case rc.match.route.Authorizer == AuthIAM && rc.identity == nil:
		return LayerSignature
	}
	return LayerResponse
}

// refusedKey is the note holding the refusing layer's name.
const refusedKey = "refused"

func (t *whyTrail) refuse(layer string) {
	if t != nil {
		t.notes[refusedKey] = layer
	}
}

func (g *Gateway) layerApplies(rc *reqCtx, layer string) bool {
	rt := rc.match.route
	switch layer {
	case LayerPolicy:
		return g.resourcePolicy != nil || rt.Authorizer == AuthIAM
	case LayerAPIKey:
		return rt.APIKeyRequired
	}
	return true
}

func (g *Gateway) skipDetail(rc *reqCtx, layer string) string {
	switch layer {
	case LayerPolicy:
		return "the API has no resource policy and the route is not AWS_IAM"
	case LayerAPIKey:
		return "the route does not require an API key"
	}
	return ""
}

// refusalDetail says why a layer refused, without quoting a secret.
func (g *Gateway) refusalDetail(r *http.Request, rc *reqCtx, layer, decision string) string {
	switch layer {
	case LayerAPIKey:
		return g.keys.why(r.Header.Get("X-Api-Key"))
	case LayerSignature:
		return "the AWS_IAM authorizer refused the signature or the credentials (the answer's message says which)"
	}
	if decision != "" {
		return decision
	}
	if n := rc.why.notes[layer]; n != "" {
		return n
	}
	return "the answer's message says why"
}

// noRouteDetail says what has no route: the stage, or the method and path.
func (g *Gateway) noRouteDetail(r *http.Request) string {
	stage, rest := splitStage(serverPath(r))
	if !g.stages[stage] {
		return fmt.Sprintf("no stage %q: the API's stages are %s (the path starts with the stage)", stage, strings.Join(g.cfg.Stages, ", "))
	}
	var same []string
	for _, rt := range g.routes {
		if _, ok := matchSegments(rt.segs, splitWirePath(rest)); ok {
			same = append(same, rt.method)
		}
	}
	if len(same) > 0 {
		return fmt.Sprintf("the path %s has routes for %s, not %s", rest, strings.Join(same, ", "), r.Method)
	}
	return fmt.Sprintf("no route matches %s %s in stage %s", r.Method, rest, stage)
}

// why says why a key value is refused, without quoting it.
func (ks *apiKeys) why(value string) string {
	if value == "" {
		return "no x-api-key header: this route requires an API key"
	}
	for _, k := range ks.keys {
		if subtle.ConstantTimeCompare([]byte(k.Value), []byte(value)) != 1 {
			continue
		}
		switch {
		case k.Enabled != nil && !*k.Enabled:
			return fmt.Sprintf("key %s is disabled", k.Name)
		case k.plan == nil:
			return fmt.Sprintf("key %s is in no usage plan", k.Name)
		}
		return fmt.Sprintf("key %s: usage plan %s's throttle or quota is used up", k.Name, k.plan.plan.Name)
	}
	return "the x-api-key value is not a key of this API"
}
