package importer

import (
	"bytes"
	"encoding/json"
	"strings"
)

// authPlan is what a source auth becomes: an auth block (iam, api_key,
// none), or headers and query parameters that every request using it gets
// (a bearer token, an API key under another name), since sigscope's
// defaults cannot carry those without leaking them into requests that set
// their own auth.
type authPlan struct {
	auth    *Auth
	headers []KV
	query   []KV
}

// block is the auth block a folder's or the collection's defaults get:
// header-carried auths leave mode none there, so an iam default from
// further out does not sign the requests that inherit them.
func (p *authPlan) block() *Auth {
	if p == nil {
		return nil
	}
	if p.auth != nil {
		return p.auth
	}
	return &Auth{Mode: "none"}
}

// apply gives a request the plan: own says the request set it itself (its
// auth block is written); an inherited plan adds only its headers and
// query, the block coming from the folder's defaults.
func (p *authPlan) apply(r *Request, own bool) {
	if p == nil {
		return
	}
	if own {
		r.Auth = p.block()
	}
	for _, h := range p.headers {
		if kitHeader(r, h.Key) == "" {
			r.Headers = append(r.Headers, h)
		}
	}
	r.Query = append(r.Query, p.query...)
}

// pmAuth is a Postman auth: its type and the parameters of that type,
// which v2.1 writes as a list of {key, value} and v2.0 as an object.
type pmAuth struct {
	Type   string
	Params map[string]string
}

func (a *pmAuth) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	_ = json.Unmarshal(m["type"], &a.Type)
	a.Params = map[string]string{}
	raw := bytes.TrimSpace(m[a.Type])
	if len(raw) == 0 {
		return nil
	}
	if raw[0] == '[' {
		var list []struct {
			Key   string          `json:"key"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(raw, &list); err != nil {
			return err
		}
		for _, kv := range list {
			a.Params[kv.Key] = pmText(kv.Value)
		}
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return err
	}
	for key, v := range obj {
		a.Params[key] = pmText(v)
	}
	return nil
}

// pmAuthPlan maps a Postman auth. Types sigscope has no mode for become
// mode none and are reported.
func (k *kitConv) pmAuthPlan(a *pmAuth, where string) *authPlan {
	p := a.Params
	switch a.Type {
	case "noauth", "":
		return &authPlan{auth: &Auth{Mode: "none"}}
	case "awsv4":
		// Postman signs for us-east-1 when no region is set, whatever the host.
		auth := k.awsAuth(where, kitAWSKeys{Access: p["accessKey"], Secret: p["secretKey"],
			Session: p["sessionToken"], Region: p["region"], Service: p["service"]}, "", "us-east-1")
		if strings.EqualFold(strings.TrimSpace(p["addAuthDataToQuery"]), "true") {
			auth.Presign = true
			k.c.Note(where, "Postman added the signature to the query string: written as presign: true (X-Amz-* query parameters, valid 900 s unless auth.expires says otherwise)")
		}
		return &authPlan{auth: auth}
	case "bearer":
		return &authPlan{auth: &Auth{Mode: "none"}, headers: []KV{{Key: "Authorization", Value: "Bearer " + k.secretTemplate(where, "bearer token", p["token"])}}}
	case "apikey":
		return k.apiKeyPlan(where, p["key"], p["value"], p["in"] == "query")
	}
	k.c.Note(where, "%s auth %q has no sigscope equivalent: the requests using it send no auth (sigscope signs SigV4, sends Cognito tokens or API keys); add the header it needs by hand", k.tool, a.Type)
	return &authPlan{auth: &Auth{Mode: "none"}}
}

// apiKeyPlan maps an API key sent in a header or the query. The header
// x-api-key is sigscope's api_key mode; any other name is a header or a
// query parameter of its own. The value never stays in the file.
func (k *kitConv) apiKeyPlan(where, name, value string, inQuery bool) *authPlan {
	if name == "" {
		name = "x-api-key"
	}
	v := k.secretTemplate(where, "api key", value)
	switch {
	case inQuery:
		return &authPlan{auth: &Auth{Mode: "none"}, query: []KV{{Key: k.tpl(name, where), Value: v}}}
	case strings.EqualFold(name, "x-api-key"):
		return &authPlan{auth: &Auth{Mode: "api_key", APIKey: v}}
	}
	if !kitHeaderTokenRE.MatchString(name) {
		k.c.Note(where, "the API key header name %q is not a valid HTTP header name: the key is not sent", name)
		return &authPlan{auth: &Auth{Mode: "none"}}
	}
	return &authPlan{auth: &Auth{Mode: "none"}, headers: []KV{{Key: name, Value: v}}}
}
