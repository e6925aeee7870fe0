package explain

import "strings"

// Layers of API Gateway a request passes, in order, as `sigscope why`
// and a diagnosis name them.
const (
	LayerRoute      = "route"      // stage, path and method
	LayerAPIKey     = "api-key"    // x-api-key and its usage plan
	LayerAuthorizer = "authorizer" // a Lambda authorizer
	LayerToken      = "token"      // a Cognito authorizer's token
	LayerSignature  = "signature"  // SigV4 and the credentials behind it
	LayerPolicy     = "policy"     // IAM identity and resource policies
	LayerResponse   = "response"   // the route's own answer (cookies)
)

// LayerTitle names a layer for people.
func LayerTitle(layer string) string {
	switch layer {
	case LayerRoute:
		return "the route (stage, path, method)"
	case LayerAPIKey:
		return "the API key and usage plan"
	case LayerAuthorizer:
		return "the Lambda authorizer"
	case LayerToken:
		return "the Cognito authorizer (token)"
	case LayerSignature:
		return "the signature (SigV4)"
	case LayerPolicy:
		return "the IAM policies"
	case LayerResponse:
		return "the route's own check"
	}
	return layer
}

// layerOf is the layer whose refusal the answer is.
func layerOf(d *Diagnosis) string {
	switch d.Kind {
	case "":
		return ""
	case KindMissingToken:
		return LayerRoute
	case KindAccessDenied:
		return LayerPolicy
	case KindAuthorizerDenied, KindAuthorizerConfig:
		return LayerAuthorizer
	case KindAPIKey, KindThrottled, KindQuotaExceeded:
		return LayerAPIKey
	case KindUserPoolTokenExpired:
		return LayerToken
	case KindUnauthorized:
		if len(d.Causes) > 0 && d.Causes[0].ID == CauseAuthorizer {
			return LayerAuthorizer
		}
		return LayerToken
	case KindCloudFrontCookies:
		return LayerResponse
	}
	return LayerSignature
}

// RefusedBy names the layer of API Gateway that refused, for the layers
// beyond the signature (whose kinds alone do not say it: "Unauthorized"
// is a Cognito or a Lambda authorizer): "refused by the Lambda
// authorizer". It is "" for the signature layer, whose hints say it, and
// for S3, which has no such layers.
func (d *Diagnosis) RefusedBy() string {
	if d.Layer == "" || d.Layer == LayerSignature || d.Format == FormatS3XML {
		return ""
	}
	return "refused by " + LayerTitle(d.Layer)
}

// Describe is the kind of refusal in words, as Kind.Describe, but for
// an unsigned caller's AccessDeniedException ("User: anonymous"), which
// no signature came with.
func (d *Diagnosis) Describe() string {
	if d.Kind == KindAccessDenied && strings.HasPrefix(strings.TrimSpace(d.Message), "User: anonymous ") {
		return "not authorized (an unsigned caller: the API's resource policy judged it)"
	}
	return d.Kind.Describe()
}

// HintAfterLayer is the hint without its "refused by LAYER: " lead, for a
// face that shows the layer on its own line.
func (d *Diagnosis) HintAfterLayer() string {
	if by := d.RefusedBy(); by != "" {
		return strings.TrimPrefix(d.Hint, by+": ")
	}
	return d.Hint
}

// layerHint puts the refusing layer in front of an API Gateway hint.
func layerHint(d *Diagnosis) string {
	by, hint := d.RefusedBy(), d.Hint
	if hint == "" || by == "" || strings.HasPrefix(hint, "refused by ") {
		return hint
	}
	return by + ": " + hint
}
