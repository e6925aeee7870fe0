package workbench

import (
	"context"
	"encoding/json"
	"net"
	"strings"

	"github.com/sigscope/sigscope/explain"
)

// `sigscope why` sends one request and says, layer by layer, how API
// Gateway judged it: the route, then the signature, the Cognito token or
// the Lambda authorizer, then the IAM policies, then the API key. The
// sigscope emulator gives each layer's verdict when asked (the request
// carries X-Sigscope-Why, unsigned, which changes nothing else); against
// AWS, which gives none, the verdicts are read from the answer and its
// diagnosis alone.

// Headers of the emulator's layer verdicts (apigw.HeaderWhy and
// apigw.HeaderLayers; the workbench does not import the emulator).
const (
	headerWhy    = "X-Sigscope-Why"
	headerLayers = "X-Sigscope-Authz-Layers"
)

// Verdicts of a layer.
const (
	VerdictPass      = "pass"
	VerdictRefused   = "refused"
	VerdictSkipped   = "skipped"   // the route does not use this layer
	VerdictUnreached = "unreached" // an earlier layer refused
	VerdictUnknown   = "unknown"   // AWS does not say
)

// WhyLayer is one layer's verdict.
type WhyLayer struct {
	Layer   string `json:"layer"`
	Title   string `json:"title"`
	Verdict string `json:"verdict"`
	Detail  string `json:"detail,omitempty"`
}

// WhyReport is how one request went through the layers.
type WhyReport struct {
	Request   string `json:"request"`
	Method    string `json:"method"`
	URL       string `json:"url"` // secrets masked
	Status    int    `json:"status"`
	ErrorType string `json:"error_type,omitempty"`
	Message   string `json:"message,omitempty"`
	// Source says where the verdicts come from: "emulator" (each layer's
	// own) or "answer" (read from AWS's answer: only the refusing layer
	// is known, those before it passed).
	Source  string     `json:"source"`
	Layers  []WhyLayer `json:"layers"`
	Refused string     `json:"refused,omitempty"` // the refusing layer, "" when all passed
	// Diagnosis is explain's reading of a refusal: the causes and the fix.
	Diagnosis *explain.Diagnosis `json:"diagnosis,omitempty"`
}

// OK reports that no layer refused.
func (r *WhyReport) OK() bool { return r.Refused == "" && r.Status < 400 }

// Why sends the request at requestPath (logging in by the profile's own
// username and password_env when needed, as a run does) and reads each
// layer's verdict. The Outcome is the exchange, for history and errors.
func (w *Workbench) Why(ctx context.Context, requestPath string, run Run) (*WhyReport, *Outcome) {
	pv, err := w.Preview(ctx, requestPath, run)
	if IsLoginRequired(err) {
		if err = w.loginForRun(ctx, err); err == nil {
			pv, err = w.Preview(ctx, requestPath, run)
		}
	}
	if err != nil {
		return nil, &Outcome{Err: err}
	}
	req := pv.Prepared.Request
	if isLoopback(pv.Prepared.Target.Host) {
		// Unsigned: a header the signature does not list changes nothing
		// in its verification. Only the emulator, on loopback, reads it.
		req = req.Clone()
		req.Set(headerWhy, "layers")
	}
	oc := w.SendRequest(ctx, pv, req, run)
	if oc.Err != nil && oc.Result == nil {
		return nil, oc
	}
	return whyReport(requestPath, oc), oc
}

// whyReport reads the layers' verdicts from an outcome.
func whyReport(requestPath string, oc *Outcome) *WhyReport {
	mask := oc.Redact()
	p := oc.Preview.Prepared
	rep := &WhyReport{Request: requestPath, Method: p.Request.Method, URL: mask.Text(p.Request.URL()), Diagnosis: oc.Diagnosis}
	r := oc.Result.Response
	if r == nil {
		rep.Source = "answer"
		return rep
	}
	rep.Status = r.Status
	rep.ErrorType, _ = r.Header("x-amzn-ErrorType")
	if d := oc.Diagnosis; d != nil {
		rep.Message = mask.Text(d.Message)
	}
	if raw, ok := r.Header(headerLayers); ok {
		var layers []WhyLayer
		if json.Unmarshal([]byte(raw), &layers) == nil && len(layers) > 0 {
			rep.Source = "emulator"
			for _, l := range layers {
				l.Title = explain.LayerTitle(l.Layer)
				l.Detail = mask.Text(l.Detail)
				if l.Verdict == VerdictRefused && rep.Refused == "" {
					rep.Refused = l.Layer
				}
				rep.Layers = append(rep.Layers, l)
			}
			return rep
		}
	}
	rep.Source = "answer"
	rep.Layers = inferredLayers(rep.Status, oc.Diagnosis)
	for _, l := range rep.Layers {
		if l.Verdict == VerdictRefused {
			rep.Refused = l.Layer
		}
	}
	if rep.Refused == "" && rep.Status >= 400 {
		rep.Refused = explain.LayerResponse
	}
	return rep
}

// inferredLayers are the verdicts an answer from AWS tells: the layer its
// diagnosis names refused, the route passed before it (unless the route
// refused), and nothing is known of the others.
func inferredLayers(status int, d *explain.Diagnosis) []WhyLayer {
	layer := func(name, verdict, detail string) WhyLayer {
		return WhyLayer{Layer: name, Title: explain.LayerTitle(name), Verdict: verdict, Detail: detail}
	}
	if status < 400 {
		return []WhyLayer{layer(explain.LayerRoute, VerdictPass, ""), layer("all", VerdictPass, "the answer is a success: every layer the route has let the request through")}
	}
	if d == nil || d.Layer == "" {
		return []WhyLayer{layer(explain.LayerRoute, VerdictUnknown, "the answer is no refusal sigscope knows (it may be the API's own error)")}
	}
	hint := d.Hint
	if d.Layer == explain.LayerRoute {
		return []WhyLayer{layer(explain.LayerRoute, VerdictRefused, hint)}
	}
	out := []WhyLayer{layer(explain.LayerRoute, VerdictPass, "API Gateway found a route (it judged a later layer)")}
	out = append(out, layer(d.Layer, VerdictRefused, hint))
	return out
}

// isLoopback reports a host (with or without port) on this machine.
func isLoopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
