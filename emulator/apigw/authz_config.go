package apigw

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/emulator/iampolicy"
	"github.com/sigscope/sigscope/internal/lazyre"
)

// AuthCustom is a Lambda authorizer (API Gateway's authorizationType
// CUSTOM); the route names it in authorizer_name.
const AuthCustom = "CUSTOM"

// PolicyDoc is an IAM policy written in the config, either as YAML
// mapping the JSON document or as a string holding the JSON.
type PolicyDoc struct {
	Policy *iampolicy.Policy
}

// UnmarshalYAML parses the policy; errors name the line.
func (d *PolicyDoc) UnmarshalYAML(n *yaml.Node) error {
	var text []byte
	if n.Kind == yaml.ScalarNode {
		text = []byte(n.Value)
	} else {
		var v any
		if err := n.Decode(&v); err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("line %d: the policy cannot be written as JSON: %v", n.Line, err)
		}
		text = b
	}
	p, err := iampolicy.Parse(text)
	if err != nil {
		return fmt.Errorf("line %d: policy: %v", n.Line, err)
	}
	d.Policy = p
	return nil
}

// MarshalYAML writes the document back as its JSON text.
func (d PolicyDoc) MarshalYAML() (any, error) {
	if d.Policy == nil {
		return nil, nil
	}
	return string(d.Policy.JSON()), nil
}

// LambdaAuthorizer is a Lambda authorizer whose answers come from the
// config: a result per identity value (the token of a TOKEN authorizer;
// the identity sources' values joined with "," for a REQUEST one).
type LambdaAuthorizer struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"` // TOKEN or REQUEST
	// IdentitySource is API Gateway's: method.request.header.Authorization
	// for a TOKEN authorizer (the default); a comma-separated list of
	// method.request.header.X / method.request.querystring.x for REQUEST.
	IdentitySource string `yaml:"identity_source,omitempty"`
	// ValidationRegex a TOKEN's value must match before the authorizer
	// is called; otherwise 401.
	ValidationRegex string `yaml:"validation_regex,omitempty"`
	// TTL of the result cache, keyed by the identity value (default 5m,
	// "0s" turns it off), as authorizerResultTtlInSeconds.
	TTL *Duration `yaml:"ttl,omitempty"`
	// Results by identity value. A value not listed is the Lambda raising
	// "Unauthorized" (401).
	Results map[string]AuthorizerResult `yaml:"results,omitempty"`
	// Command, instead of Results, is a local program playing the Lambda
	// (lambda_command.go): its path and arguments, run without a shell,
	// the authorizer event on stdin, the response on stdout. Only the
	// emulator's config can name one; a collection cannot.
	Command []string `yaml:"command,omitempty"`
	// Timeout of the command (default 10s, at most 30s as a Lambda's).
	Timeout *Duration `yaml:"timeout,omitempty"`

	validation *regexp.Regexp
}

// AuthorizerResult is what the authorizer Lambda returns for one value.
type AuthorizerResult struct {
	PrincipalID string `yaml:"principal_id,omitempty"`
	// Effect Allow or Deny builds a policy for execute-api:Invoke on every
	// method of the API; Policy gives the policy document itself.
	Effect  string         `yaml:"effect,omitempty"`
	Policy  *PolicyDoc     `yaml:"policy,omitempty"`
	Context map[string]any `yaml:"context,omitempty"`
	// Response is the Lambda's output as raw JSON ({"principalId":…,
	// "policyDocument":…, "context":…}), read at request time: an output
	// API Gateway cannot use answers 500 AuthorizerConfigurationException.
	Response string `yaml:"response,omitempty"`
}

// APIKey is an API key for routes with api_key_required.
type APIKey struct {
	Name    string `yaml:"name"`
	Value   string `yaml:"value"`
	Enabled *bool  `yaml:"enabled,omitempty"` // default true
}

// UsagePlan limits the keys it lists.
type UsagePlan struct {
	Name     string    `yaml:"name"`
	Keys     []string  `yaml:"keys"` // API key names
	Throttle *Throttle `yaml:"throttle,omitempty"`
	Quota    *Quota    `yaml:"quota,omitempty"`
}

// Throttle is a token bucket: rate requests a second, burst at once.
type Throttle struct {
	Rate  float64 `yaml:"rate"`
	Burst int     `yaml:"burst"`
}

// Quota is a number of requests per DAY, WEEK or MONTH.
type Quota struct {
	Limit  int    `yaml:"limit"`
	Period string `yaml:"period"`
}

var identitySourceRE = lazyre.New(`^method\.request\.(header|querystring)\.[A-Za-z0-9_.-]+$`)

// validateAuthz checks the authorization parts of a Config.
func validateAuthz(cfg Config, add func(path, format string, args ...any)) {
	names := map[string]bool{}
	for i, a := range cfg.Authorizers {
		p := fmt.Sprintf("authorizers[%d]", i)
		switch {
		case a.Name == "":
			add(p+".name", "the authorizer needs a name (routes name it in authorizer_name)")
		case names[a.Name]:
			add(p+".name", "authorizer %q is defined twice", a.Name)
		}
		names[a.Name] = true
		if a.Type != "TOKEN" && a.Type != "REQUEST" {
			add(p+".type", "type %q: use TOKEN or REQUEST", a.Type)
		}
		for _, src := range splitSources(a.IdentitySource) {
			if !identitySourceRE.MatchString(src) {
				add(p+".identity_source", "%q is not an identity source (use method.request.header.NAME or method.request.querystring.NAME)", src)
			}
		}
		if a.Type == "TOKEN" && len(splitSources(a.IdentitySource)) > 1 {
			add(p+".identity_source", "a TOKEN authorizer reads one header")
		}
		if a.ValidationRegex != "" {
			if _, err := regexp.Compile(a.ValidationRegex); err != nil {
				add(p+".validation_regex", "%v", err)
			}
		}
		if a.TTL != nil && (*a.TTL < 0 || *a.TTL > Duration(3600e9)) {
			add(p+".ttl", "the result cache TTL is 0s to 1h")
		}
		switch {
		case len(a.Command) > 0 && len(a.Results) > 0:
			add(p, "give results or a command, not both")
		case len(a.Command) > 0 && strings.TrimSpace(a.Command[0]) == "":
			add(p+".command", "the command's first element is the program to run")
		case len(a.Command) == 0 && a.Timeout != nil:
			add(p+".timeout", "timeout is for a command authorizer")
		}
		if a.Timeout != nil && (*a.Timeout <= 0 || time.Duration(*a.Timeout) > maxCommandTimeout) {
			add(p+".timeout", "the command's timeout is above 0s and at most 30s, as a Lambda authorizer's")
		}
		for v, r := range a.Results {
			rp := fmt.Sprintf("%s.results[%q]", p, v)
			if r.Effect != "" && r.Effect != iampolicy.Allow && r.Effect != iampolicy.Deny {
				add(rp+".effect", "effect %q: use Allow or Deny", r.Effect)
			}
			n := 0
			for _, set := range []bool{r.Effect != "", r.Policy != nil, r.Response != ""} {
				if set {
					n++
				}
			}
			if n != 1 {
				add(rp, "give exactly one of effect, policy or response")
			}
		}
	}
	keyNames := map[string]bool{}
	keyValues := map[string]bool{}
	for i, k := range cfg.APIKeys {
		p := fmt.Sprintf("api_keys[%d]", i)
		if k.Name == "" || keyNames[k.Name] {
			add(p+".name", "each API key needs a name of its own")
		}
		if len(k.Value) < 20 || keyValues[k.Value] {
			add(p+".value", "an API key value is at least 20 characters and unique, as API Gateway's")
		}
		keyNames[k.Name], keyValues[k.Value] = true, true
	}
	for i, u := range cfg.UsagePlans {
		p := fmt.Sprintf("usage_plans[%d]", i)
		for j, k := range u.Keys {
			if !keyNames[k] {
				add(fmt.Sprintf("%s.keys[%d]", p, j), "no API key named %q", k)
			}
		}
		if t := u.Throttle; t != nil && (t.Rate <= 0 || t.Burst < 1) {
			add(p+".throttle", "a throttle needs a rate above 0 and a burst of at least 1")
		}
		if q := u.Quota; q != nil {
			if q.Limit < 1 {
				add(p+".quota.limit", "the quota limit is at least 1")
			}
			switch strings.ToUpper(q.Period) {
			case "DAY", "WEEK", "MONTH":
			default:
				add(p+".quota.period", "period %q: use DAY, WEEK or MONTH", q.Period)
			}
		}
	}
	for i, rt := range cfg.Routes {
		p := fmt.Sprintf("routes[%d]", i)
		if rt.Authorizer == AuthCustom && !names[rt.AuthorizerName] {
			add(p+".authorizer_name", "a CUSTOM route names one of the authorizers (%q is not defined)", rt.AuthorizerName)
		}
		if rt.Authorizer != AuthCustom && rt.AuthorizerName != "" {
			add(p+".authorizer_name", "authorizer_name is for CUSTOM routes")
		}
		validateCognitoRoute(p, rt, add)
	}
}

// splitSources cuts an identity_source list.
func splitSources(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
