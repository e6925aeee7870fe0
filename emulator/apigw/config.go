package apigw

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Authorizer types, spelled as API Gateway spells a method's authorizationType.
const (
	AuthIAM     = "AWS_IAM"
	AuthCognito = "COGNITO_USER_POOLS"
	AuthNone    = "NONE"
)

// Response kinds a route can answer with.
const (
	KindEcho            = "echo"
	KindStatic          = "static"
	KindSetCookies      = "set-cookies"
	KindCookieProtected = "cookie-protected"
)

// Config describes one REST API: its id, its stages and its routes.
type Config struct {
	ID     string   `yaml:"id"`
	Stages []string `yaml:"stages"`
	Routes []Route  `yaml:"routes"`
	// ResourcePolicy is the API's resource policy; "execute-api:/…" in
	// its Resource stands for this API's ARN, as in API Gateway's console.
	ResourcePolicy *PolicyDoc `yaml:"resource_policy,omitempty"`
	// RolePolicies are the identity policies of IAM roles by role ARN
	// (arn:aws:iam::123456789012:role/NAME): the roles whose sessions the
	// identity pools hand out.
	RolePolicies map[string][]PolicyDoc `yaml:"role_policies,omitempty"`
	Authorizers  []LambdaAuthorizer     `yaml:"authorizers,omitempty"`
	APIKeys      []APIKey               `yaml:"api_keys,omitempty"`
	UsagePlans   []UsagePlan            `yaml:"usage_plans,omitempty"`
}

// Route is one method on one resource path, e.g. GET /pets/{id}.
type Route struct {
	Method     string `yaml:"method"` // GET, POST, ... or ANY
	Path       string `yaml:"path"`   // /pets/{id}, /files/{proxy+}
	Authorizer string `yaml:"authorizer"`
	// AuthorizerName names the Lambda authorizer of a CUSTOM route.
	AuthorizerName string `yaml:"authorizer_name,omitempty"`
	// The Cognito authorizer of a COGNITO_USER_POOLS route (authz_cognito.go).
	CognitoRoute `yaml:",inline"`
	// APIKeyRequired asks for a valid x-api-key of a usage plan.
	APIKeyRequired bool     `yaml:"api_key_required,omitempty"`
	Response       Response `yaml:"response"`
	// ProxyHeaders are set on the request before it is verified, as a
	// proxy in front of the gateway might (one that appends a charset to
	// Content-Type, say): a teaching aid for headers changed after signing.
	ProxyHeaders map[string]string `yaml:"proxy_headers,omitempty"`
}

// Response says what a route answers once the caller is authorized.
type Response struct {
	Kind    string            `yaml:"kind"`
	Status  int               `yaml:"status,omitempty"`  // static, cookie-protected (default 200)
	Body    any               `yaml:"body,omitempty"`    // static, cookie-protected: sent as JSON
	Headers map[string]string `yaml:"headers,omitempty"` // added to a successful answer
	// Resource is the path pattern the CloudFront policy of a set-cookies
	// route covers, e.g. /prod/private/*; the scheme and host of the request
	// are put in front of it. Default: /<stage>/*.
	Resource string `yaml:"resource,omitempty"`
	// Lifetime of set-cookies cookies (default 1h).
	Lifetime Duration `yaml:"lifetime,omitempty"`
	// Secure marks set-cookies cookies Secure even over plain HTTP (they
	// always are over TLS).
	Secure bool `yaml:"secure,omitempty"`
}

// Duration reads "90s", "15m" or "1h" from YAML.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (use e.g. 15m or 1h)", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// FieldError is one semantic error in a Config, located by a path such as
// "routes[2].method" so that a loader can point at the YAML line.
type FieldError struct {
	Path string
	Msg  string
}

func (e FieldError) Error() string { return e.Path + ": " + e.Msg }

// ValidationError lists every problem found in a Config.
type ValidationError struct{ Errors []FieldError }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		parts[i] = fe.Error()
	}
	return "invalid api config: " + strings.Join(parts, "; ")
}

var knownMethods = map[string]bool{
	"ANY": true, http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// Validate checks a Config without building a Gateway. The error, if any, is
// a *ValidationError.
func Validate(cfg Config) error {
	var errs []FieldError
	add := func(path, format string, args ...any) {
		errs = append(errs, FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if cfg.ID == "" {
		add("id", "the API needs an id (e.g. abc123)")
	} else if strings.ContainsAny(cfg.ID, "/?# ") {
		add("id", "%q may not contain '/', '?', '#' or spaces", cfg.ID)
	}
	if len(cfg.Stages) == 0 {
		add("stages", "the API needs at least one stage (e.g. [prod])")
	}
	seenStage := map[string]bool{}
	for i, s := range cfg.Stages {
		p := fmt.Sprintf("stages[%d]", i)
		switch {
		case s == "" || strings.ContainsAny(s, "/?#{} %"):
			add(p, "stage %q must be a non-empty name without '/', '?', '#', braces, '%%' or spaces", s)
		case seenStage[s]:
			add(p, "stage %q is listed twice", s)
		}
		seenStage[s] = true
	}
	seenRoute := map[string]int{}
	for i, rt := range cfg.Routes {
		p := fmt.Sprintf("routes[%d]", i)
		m := strings.ToUpper(rt.Method)
		if !knownMethods[m] {
			add(p+".method", "unknown method %q (use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY)", rt.Method)
		}
		segs, err := parsePath(rt.Path)
		if err != nil {
			add(p+".path", "%v", err)
		} else {
			key := m + " " + shapeOf(segs)
			if j, dup := seenRoute[key]; dup {
				add(p+".path", "%s %s repeats routes[%d] (same method and resource)", m, rt.Path, j)
			} else {
				seenRoute[key] = i
			}
		}
		switch rt.Authorizer {
		case AuthIAM, AuthCognito, AuthNone, AuthCustom:
		case "":
			add(p+".authorizer", "missing authorizer (use AWS_IAM, COGNITO_USER_POOLS, CUSTOM or NONE)")
		default:
			add(p+".authorizer", "unknown authorizer %q (use AWS_IAM, COGNITO_USER_POOLS, CUSTOM or NONE)", rt.Authorizer)
		}
		rp := p + ".response"
		switch rt.Response.Kind {
		case KindEcho, KindSetCookies, KindCookieProtected, KindStore:
		case KindStatic:
			if rt.Response.Status != 0 && (rt.Response.Status < 100 || rt.Response.Status > 599) {
				add(rp+".status", "status %d is not an HTTP status", rt.Response.Status)
			}
		case "":
			add(rp+".kind", "missing response kind (use echo, static, set-cookies, cookie-protected or store)")
		default:
			add(rp+".kind", "unknown response kind %q (use echo, static, set-cookies, cookie-protected or store)", rt.Response.Kind)
		}
		if rt.Response.Kind == KindSetCookies {
			if r := rt.Response.Resource; r != "" && !strings.HasPrefix(r, "/") {
				add(rp+".resource", "resource %q must be a path starting with '/' (e.g. /prod/private/*)", r)
			}
			if rt.Response.Lifetime < 0 {
				add(rp+".lifetime", "lifetime must be positive")
			}
		}
	}
	validateAuthz(cfg, add)
	if len(errs) > 0 {
		return &ValidationError{Errors: errs}
	}
	return nil
}
