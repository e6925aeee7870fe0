package importer

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// The API Gateway authorizers of an OpenAPI document, as auth blocks:
//   - x-amazon-apigateway-authtype awsSigv4: mode iam, service
//     execute-api, an aws profile (the default credential chain);
//   - cognito_user_pools: mode id_token with a cognito profile whose
//     user_pool_id comes from providerARNs;
//   - an HTTP API JWT authorizer: id_token or access_token with a cognito
//     profile when the issuer is a user pool, chosen by the audience;
//   - an API key header x-api-key: mode api_key from an environment
//     variable; other keys and tokens: a header read from one.

// schemeResult is what one security scheme maps to.
type schemeResult struct {
	auth   *Auth
	header *KV // a header to send (a key or token from the environment)
	query  *KV
}

// security sets the auth of a request from its security requirement (or
// the document's).
func (o *oas) security(r *Request, op *yaml.Node) {
	req := get(op, "security")
	if req == nil {
		req = o.global
	}
	if req == nil || req.Kind != yaml.SequenceNode || len(req.Content) == 0 {
		// API Gateway's own extension for IAM without a security scheme.
		if strings.EqualFold(text(get(op, "x-amazon-apigateway-auth", "type")), "AWS_IAM") {
			r.Auth = o.iamAuth()
		}
		return
	}
	first := req.Content[0]
	if len(req.Content) > 1 {
		o.c.Note("request "+r.Name, "the operation accepts several security requirements: the first one is used")
	}
	eachPair(first, func(name string, _ *yaml.Node) {
		res := o.scheme(name)
		switch {
		case res.auth != nil && r.Auth == nil:
			a := *res.auth
			r.Auth = &a
		case res.auth != nil && res.auth.Mode == "api_key":
			// An API key beside IAM or a token: the key goes as a header.
			r.Headers = append(r.Headers, KV{Key: "x-api-key", Value: res.auth.APIKey})
		case res.auth != nil:
			o.c.Note("request "+r.Name, "security scheme %q also required: only the first auth is used", name)
		}
		if res.header != nil {
			r.Headers = append(r.Headers, *res.header)
		}
		if res.query != nil {
			r.Query = append(r.Query, *res.query)
		}
	})
}

var (
	cognitoARN    = lazyre.New(`^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):[^:]*:userpool/(.+)$`)
	cognitoIssuer = lazyre.New(`^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([^/]+)`)
	clientIDShape = lazyre.New(`^[a-z0-9]{20,32}$`)
	poolIDShape   = lazyre.New(`^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$`)
)

// scheme maps one security scheme once.
func (o *oas) scheme(name string) schemeResult {
	s := o.schemes[name]
	where := "security scheme " + name
	if s == nil {
		if !o.noted[where] {
			o.noted[where] = true
			o.c.Note(where, "not defined in the document: requests that need it have no auth")
		}
		return schemeResult{}
	}
	first := !o.noted[where]
	o.noted[where] = true
	note := func(format string, args ...any) {
		if first {
			o.c.Note(where, format, args...)
		}
	}
	authType := strings.ToLower(text(get(s, "x-amazon-apigateway-authtype")))
	authorizer := get(s, "x-amazon-apigateway-authorizer")
	aType := strings.ToLower(text(get(authorizer, "type")))
	typ := text(get(s, "type"))
	in := text(get(s, "in"))
	hname := text(get(s, "name"))
	switch {
	case authType == "awssigv4":
		return schemeResult{auth: o.iamAuth()}
	case authType == "cognito_user_pools" || aType == "cognito_user_pools":
		region, pool := "", ""
		if arns := get(authorizer, "providerARNs"); arns != nil && arns.Kind == yaml.SequenceNode && len(arns.Content) > 0 {
			if m := cognitoARN.FindStringSubmatch(arns.Content[0].Value); m != nil {
				region, pool = m[1], m[2]
			}
			if len(arns.Content) > 1 {
				note("several user pools: the first one is used")
			}
		}
		p := o.cognitoProfile(name, region, pool, "", note)
		return schemeResult{auth: &Auth{Mode: "id_token", Profile: p}}
	case aType == "jwt":
		issuer := text(get(authorizer, "jwtConfiguration", "issuer"))
		if issuer == "" {
			issuer = strings.TrimSuffix(text(get(s, "openIdConnectUrl")), "/.well-known/openid-configuration")
		}
		var audience []string
		if aud := get(authorizer, "jwtConfiguration", "audience"); aud != nil && aud.Kind == yaml.SequenceNode {
			for _, a := range aud.Content {
				audience = append(audience, a.Value)
			}
		}
		m := cognitoIssuer.FindStringSubmatch(issuer)
		if m == nil {
			note("a JWT authorizer whose issuer (%s) is not a Cognito user pool: the token is read from the environment variable AUTHORIZATION", issuer)
			return schemeResult{header: &KV{Key: "Authorization", Value: "Bearer " + o.c.SecretRef(where, "AUTHORIZATION")}}
		}
		client := ""
		mode := "access_token"
		if len(audience) > 0 && clientIDShape.MatchString(audience[0]) {
			client, mode = audience[0], "id_token"
			note("JWT authorizer: the audience %s is an app client id, so the id_token is sent (its aud claim); an access_token passes too (API Gateway matches its client_id) — switch auth.mode if the API reads scopes", audience[0])
		} else {
			note("JWT authorizer: the audience %q is not an app client id, so the access_token is sent (a resource server's scopes); switch auth.mode to id_token if the API expects it", strings.Join(audience, ", "))
		}
		p := o.cognitoProfile(name, m[1], m[2], client, note)
		return schemeResult{auth: &Auth{Mode: mode, Profile: p, Bearer: true}}
	case aType == "token" || aType == "request" || authType == "custom":
		h := hname
		if h == "" || in != "header" {
			h = "Authorization"
		}
		note("a Lambda authorizer (%s): its token is sent in %s from an environment variable", orDefault(aType, authType), h)
		return schemeResult{header: &KV{Key: h, Value: o.c.SecretRef(where, h)}}
	case typ == "apiKey" && in == "header" && strings.EqualFold(hname, "x-api-key"):
		env := EnvName(hname)
		o.c.DeclareVariable(env)
		note("the API key is read from the environment variable %s", env)
		return schemeResult{auth: &Auth{Mode: "api_key", APIKey: "{{env." + env + "}}"}}
	case typ == "apiKey" && in == "header":
		return schemeResult{header: &KV{Key: hname, Value: o.c.SecretRef(where, hname)}}
	case typ == "apiKey" && in == "query":
		return schemeResult{query: &KV{Key: Literal(hname), Value: o.c.SecretRef(where, hname)}}
	case typ == "http" && strings.EqualFold(text(get(s, "scheme")), "basic"), typ == "basic":
		note("basic auth: set BASIC_AUTH to the base64 of user:password")
		return schemeResult{header: &KV{Key: "Authorization", Value: "Basic " + o.c.SecretRef(where, "BASIC_AUTH")}}
	case typ == "http" || typ == "oauth2" || typ == "openIdConnect":
		note("%s: the bearer token is read from the environment variable AUTHORIZATION (sigscope logs into Cognito user pools only)", typ)
		return schemeResult{header: &KV{Key: "Authorization", Value: "Bearer " + o.c.SecretRef(where, "AUTHORIZATION")}}
	}
	note("type %q is not mapped: requests that need it have no auth", typ)
	return schemeResult{}
}

// iamAuth signs for execute-api with the aws profile (added once).
func (o *oas) iamAuth() *Auth {
	p := o.c.AddProfile(Profile{Name: "aws", Type: "aws",
		Comment: "your AWS identity: environment variables, ~/.aws (profile: NAME), SSO; or a cognito profile with identity_pool_id for app users"})
	return &Auth{Mode: "iam", Profile: p, Service: "execute-api"}
}

func orDefault(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cognitoProfile adds a cognito profile for a user pool; what the document
// does not say is a REPLACE_ placeholder, commented.
func (o *oas) cognitoProfile(scheme, region, pool, client string, note func(string, ...any)) string {
	name := strings.ToLower(envSafeName(scheme))
	if name == "" {
		name = "cognito"
	}
	if p := o.c.Profile(name); p != nil {
		return p.Name
	}
	var fields []KV
	if !poolIDShape.MatchString(pool) {
		if pool != "" {
			note("the user pool id %q is a placeholder: replace it", pool)
		}
		r := region
		if !awsRegionRE.MatchString(r) {
			r = "us-east-1"
		}
		fields = append(fields, KV{Key: "user_pool_id", Value: r + "_REPLACEME", Comment: "the user pool id (REGION_ID), from the authorizer"})
	} else {
		fields = append(fields, KV{Key: "user_pool_id", Value: pool})
	}
	if awsRegionRE.MatchString(region) {
		fields = append(fields, KV{Key: "region", Value: region})
	}
	if client == "" {
		fields = append(fields, KV{Key: "client_id", Value: "REPLACE_APP_CLIENT_ID", Comment: "the app client id: the export does not name it"})
		note("the app client id is not in the document: replace REPLACE_APP_CLIENT_ID in profile %s", name)
	} else {
		fields = append(fields, KV{Key: "client_id", Value: client})
	}
	fields = append(fields, KV{Key: "username", Value: "REPLACE_USERNAME"}, KV{Key: "password_env", Value: EnvName(name) + "_PASSWORD", Comment: "the password is read from this environment variable"})
	return o.c.AddProfile(Profile{Name: name, Type: "cognito", Fields: fields,
		Comment: "Cognito user pool login for the " + scheme + " authorizer"})
}
