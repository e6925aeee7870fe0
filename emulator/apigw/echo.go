package apigw

import (
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// respond writes the route's answer once the caller is authorized.
func (g *Gateway) respond(w http.ResponseWriter, r *http.Request, rc *reqCtx) *apiError {
	rt := rc.match.route
	for k, v := range rt.Response.Headers {
		w.Header().Set(k, v)
	}
	switch rt.Response.Kind {
	case KindEcho:
		writeEcho(w, g.echo(r, rc))
	case KindStatic:
		status := rt.Response.Status
		if status == 0 {
			status = http.StatusOK
		}
		writeJSON(w, status, jsonBody(rt.Response.Body))
	case KindSetCookies:
		return g.setCookies(w, r, rc)
	case KindCookieProtected:
		return g.cookieProtected(w, r, rc)
	case KindStore:
		return g.serveStore(w, r, rc)
	}
	return nil
}

// jsonBody turns a YAML-decoded body into something encoding/json accepts
// (yaml.v3 gives map[string]any already; nil becomes {}).
func jsonBody(b any) any {
	if b == nil {
		return map[string]any{}
	}
	return b
}

// echo builds a Lambda-proxy-style picture of the request as received.
func (g *Gateway) echo(r *http.Request, rc *reqCtx) *echoEvent {
	rt := rc.match.route
	_, rest := splitStage(serverPath(r))
	decodedPath := rest
	if d, err := url.PathUnescape(rest); err == nil {
		decodedPath = d
	}

	var query, multiQuery any
	if q := r.URL.Query(); len(q) > 0 {
		single := map[string]string{}
		for k, vs := range q {
			if len(vs) > 0 {
				single[k] = vs[len(vs)-1]
			}
		}
		query, multiQuery = single, map[string][]string(q)
	}
	var pathParams any
	if len(rc.match.params) > 0 {
		pathParams = rc.match.params
	}
	body, b64 := encodeBody(rc.body)
	var bodyVal any = body
	if len(rc.body) == 0 {
		bodyVal = nil
	}

	// The IAM caller's map is this request's own (verifyIAM made it with
	// room for these): filled in place, its own keys winning, as when
	// they were copied over these.
	identity := rc.identity
	if identity == nil {
		identity = make(map[string]any, 4)
	}
	if _, ok := identity["sourceIp"]; !ok {
		identity["sourceIp"] = remoteIP(r)
	}
	if _, ok := identity["userAgent"]; !ok {
		identity["userAgent"] = r.UserAgent()
	}
	rctx := echoContext{
		AccountID:         g.deps.AccountID,
		APIID:             g.cfg.ID,
		Stage:             rc.stage,
		ResourcePath:      rt.Path,
		HTTPMethod:        r.Method,
		Path:              serverPath(r),
		Protocol:          r.Proto,
		RequestID:         rc.requestID,
		RequestTimeEpoch:  g.now().UnixMilli(),
		DomainName:        r.Host,
		AuthorizationType: rt.Authorizer,
		Identity:          identity,
	}
	if rc.claims != nil {
		rctx.Authorizer = map[string]any{"claims": rc.claims}
	}
	if rc.authorizer != nil {
		rctx.Authorizer = rc.authorizer
	}
	if rc.apiKey != nil {
		identity["apiKey"] = mask(rc.apiKey.Value)
		identity["apiKeyId"] = rc.apiKey.id
	}
	return &echoEvent{
		Resource:                        rt.Path,
		Path:                            decodedPath,
		RawPath:                         wirePath(r),
		RawQuery:                        r.URL.RawQuery,
		HTTPMethod:                      r.Method,
		Headers:                         echoHeaders(r),
		QueryStringParameters:           query,
		MultiValueQueryStringParameters: multiQuery,
		PathParameters:                  pathParams,
		RequestContext:                  rctx,
		Body:                            bodyVal,
		IsBase64Encoded:                 b64,
	}
}

// echoEvent is the echo's answer, written by appendJSON (echo_json.go)
// with its keys in the order of their names, the bytes a map of the same
// keys gave through encoding/json.
type echoEvent struct {
	Body                            any
	Headers                         headerList // headers and multiValueHeaders
	HTTPMethod                      string
	IsBase64Encoded                 bool
	MultiValueQueryStringParameters any
	Path                            string
	PathParameters                  any
	QueryStringParameters           any
	RawPath                         string
	RawQuery                        string
	RequestContext                  echoContext
	Resource                        string
	StageVariables                  any
}

type echoContext struct {
	AccountID         string
	APIID             string
	AuthorizationType string
	Authorizer        any // left out when nil
	DomainName        string
	HTTPMethod        string
	Identity          map[string]any
	Path              string
	Protocol          string
	RequestID         string
	RequestTimeEpoch  int64
	ResourcePath      string
	Stage             string
}

// maskHeaderValue hides secrets a client sent: a session token, an API
// key, and an Authorization header that is not a SigV4 one (an id_token
// is a bearer secret; a SigV4 header holds none).
func maskHeaderValue(name, v string) string {
	switch strings.ToLower(name) {
	case "x-amz-security-token", "x-api-key":
		return mask(v)
	case "authorization":
		if !strings.HasPrefix(v, sigAlgorithm+" ") {
			return mask(v)
		}
	}
	return v
}

func mask(s string) string {
	if len(s) <= 4 {
		return "…"
	}
	return s[:4] + "…"
}

// encodeBody returns the body as text, or as base64 and true when it is not
// valid UTF-8.
func encodeBody(b []byte) (string, bool) {
	if utf8.Valid(b) {
		return string(b), false
	}
	return base64.StdEncoding.EncodeToString(b), true
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
