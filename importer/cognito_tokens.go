package importer

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// A Postman (Insomnia, Bruno, curl) collection for an API behind Cognito
// logs in by a request of its own (InitiateAuth to cognito-idp, a script
// keeping AuthenticationResult.IdToken in a variable) and sends
// "Authorization: {{id_token}}". sigscope logs in itself: where the
// source names the app client, the login becomes a cognito profile and
// each request that sends the token variable gets auth mode id_token (or
// access_token) instead of the header, so that send logs in and refreshes
// on its own. Where it does not, the variable stays a variable (a
// template is no secret) and the report says how to map it.

// cognitoTokenVar reads a token variable's name: the auth mode it is
// for, or "".
func cognitoTokenVar(name string) string {
	n := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(name))
	n = strings.TrimPrefix(n, "cognito")
	switch n {
	case "idtoken", "idtok":
		return "id_token"
	case "accesstoken":
		return "access_token"
	}
	return ""
}

var tokenHeaderRE = lazyre.New(`^(?i:(bearer)\s+)?\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}$`)

var cognitoIdpHostRE = lazyre.New(`^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/?$`)

// cognitoLogin is what a source's InitiateAuth request says.
type cognitoLogin struct {
	where, region, clientID, username, flow string
}

// findCognitoLogin finds an InitiateAuth request whose app client is
// written (literally, or in a variable of the first environment).
func (c *Collection) findCognitoLogin() *cognitoLogin {
	value := func(s string) string {
		if inner, ok := kitSingleVar(s); ok && len(c.Environments) > 0 {
			for _, kv := range c.Environments[0].Vars {
				if kv.Key == inner && !strings.Contains(kv.Value, "{{") {
					return kv.Value
				}
			}
			return ""
		}
		if strings.Contains(s, "{{") {
			return ""
		}
		return s
	}
	var found *cognitoLogin
	walkItemsPath(c.Items, "", func(string, *Folder) {}, func(path string, r *Request) {
		m := cognitoIdpHostRE.FindStringSubmatch(r.URL)
		if found != nil || m == nil || !strings.HasSuffix(kitHeader(r, "X-Amz-Target"), ".InitiateAuth") || r.Body == nil {
			return
		}
		var body struct {
			AuthFlow       string
			ClientID       string `json:"ClientId"`
			AuthParameters map[string]string
		}
		raw := []byte(r.Body.Text)
		if r.Body.Kind == BodyJSON {
			raw = r.Body.JSON
		}
		if json.Unmarshal(raw, &body) != nil {
			return
		}
		l := &cognitoLogin{where: "request " + path, region: m[1], clientID: value(body.ClientID), username: value(body.AuthParameters["USERNAME"])}
		switch body.AuthFlow {
		case "USER_PASSWORD_AUTH":
			l.flow = "password"
		case "USER_SRP_AUTH":
			l.flow = "srp"
		}
		if l.clientID != "" {
			found = l
		}
	})
	return found
}

// mapCognitoTokens turns "Authorization: [Bearer ]{{id_token}}" headers
// into auth mode id_token (access_token) with a cognito profile of the
// import, the one of the source's login request, or profile (a cognito
// profile of the collection merged into; "" for none); else it reports how
// to. It reports whether it mapped any.
func (c *Collection) mapCognitoTokens(profile string) bool {
	type use struct {
		r      *Request
		path   string
		mode   string
		bearer bool
		name   string
	}
	var uses []use
	walkItemsPath(c.Items, "", func(string, *Folder) {}, func(path string, r *Request) {
		m := tokenHeaderRE.FindStringSubmatch(kitHeader(r, "Authorization"))
		if m == nil {
			return
		}
		if mode := cognitoTokenVar(m[2]); mode != "" {
			uses = append(uses, use{r, path, mode, m[1] != "", m[2]})
		}
	})
	if len(uses) == 0 {
		return false
	}
	for _, p := range c.Profiles {
		if p.Type == "cognito" && profile == "" {
			profile = p.Name
		}
	}
	if profile == "" {
		if l := c.findCognitoLogin(); l != nil {
			profile = c.cognitoLoginProfile(l)
		}
	}
	if profile == "" {
		// Kept as the variable (a template, not a secret); the note says
		// what the user adds for sigscope to log in itself: a profile.
		var order []string
		byVar := map[string][]use{}
		for _, u := range uses {
			if byVar[u.name] == nil {
				order = append(order, u.name)
			}
			byVar[u.name] = append(byVar[u.name], u)
		}
		for _, name := range order {
			us := byVar[name]
			var paths []string
			for _, u := range us {
				paths = append(paths, strconv.Quote(u.path))
			}
			u := us[0]
			auth := "{mode: " + u.mode + ", profile: cognito}"
			if u.bearer {
				auth = "{mode: " + u.mode + ", profile: cognito, bearer: true}"
			}
			c.Note("variable "+name, "Authorization: %s{{%s}} sends a Cognito %s, and the source names no app client to log in with, so it stays the variable %s: give it with --var %s=TOKEN. For sigscope to log in and send the token itself, add a cognito profile (auth: {cognito: {type: cognito, user_pool_id: REGION_ID, client_id: APP_CLIENT_ID}}) and give %s auth: %s in place of the header; `sigscope import --merge` into a collection that has a cognito profile does both", map[bool]string{true: "Bearer ", false: ""}[u.bearer], name, u.mode, name, name, plural(paths, "the request", "the requests"), auth)
		}
		return false
	}
	for _, u := range uses {
		u.r.Headers = slices.DeleteFunc(u.r.Headers, func(h KV) bool { return strings.EqualFold(h.Key, "Authorization") })
		u.r.Auth = &Auth{Mode: u.mode, Profile: profile, Bearer: u.bearer}
		c.Note("request "+u.path, "Authorization: {{%s}} became auth mode %s with the cognito profile %s: sigscope logs in and sends the token itself", u.name, u.mode, profile)
	}
	for _, u := range uses {
		c.dropUnused(u.name)
		// The advice given before a merge brought a profile is done.
		c.Report.Findings = slices.DeleteFunc(c.Report.Findings, func(f Finding) bool {
			return f.Where == "variable "+u.name && strings.Contains(f.What, "sends a Cognito ")
		})
	}
	return true
}

// dropUnused removes an environment variable no request or profile reads
// any more, and the process variable only it read, with the findings
// that asked to set them.
func (c *Collection) dropUnused(name string) {
	if c.reads("{{" + name + "}}") {
		return
	}
	var envRefs []string
	for i := range c.Environments {
		e := &c.Environments[i]
		e.Vars = slices.DeleteFunc(e.Vars, func(kv KV) bool {
			if kv.Key != name {
				return false
			}
			for _, m := range envRefRE.FindAllStringSubmatch(kv.Value, -1) {
				envRefs = append(envRefs, m[1])
			}
			return true
		})
	}
	for _, env := range envRefs {
		if c.reads("{{env."+env+"}}") || !slices.Contains(c.Variables, env) {
			continue
		}
		c.Variables = slices.DeleteFunc(c.Variables, func(v string) bool { return v == env })
		c.Report.Findings = slices.DeleteFunc(c.Report.Findings, func(f Finding) bool {
			return f.Where == "variable "+name && strings.Contains(f.What, env)
		})
	}
}

var envRefRE = lazyre.New(`\{\{env\.([A-Za-z_][A-Za-z0-9_]*)\}\}`)

// reads reports whether any request, environment value or profile field
// holds s.
func (c *Collection) reads(s string) bool {
	found := false
	in := func(v string) {
		found = found || strings.Contains(v, s)
	}
	kvs := func(list []KV) {
		for _, kv := range list {
			in(kv.Key)
			in(kv.Value)
		}
	}
	for _, e := range c.Environments {
		kvs(e.Vars)
	}
	for _, p := range c.Profiles {
		kvs(p.Fields)
	}
	auth := func(a *Auth) {
		if a != nil {
			in(a.APIKey)
			in(a.Region)
			in(a.Service)
		}
	}
	defaults := func(d *Defaults) {
		if d != nil {
			kvs(d.Headers)
			auth(d.Auth)
		}
	}
	defaults(c.Defaults)
	walkItemsPath(c.Items, "", func(_ string, f *Folder) { defaults(f.Defaults) }, func(_ string, r *Request) {
		in(r.URL)
		kvs(r.Query)
		kvs(r.Headers)
		auth(r.Auth)
		if b := r.Body; b != nil {
			in(string(b.JSON))
			in(b.Text)
			in(b.File)
			kvs(b.Form)
		}
	})
	return found
}

// cognitoLoginProfile adds the cognito profile a source's login request
// describes. The user pool is not in an InitiateAuth call: its id is a
// placeholder, reported.
func (c *Collection) cognitoLoginProfile(l *cognitoLogin) string {
	fields := []KV{
		{Key: "user_pool_id", Value: l.region + "_REPLACEME", Comment: "the user pool id (REGION_ID): the login request does not name it"},
		{Key: "region", Value: l.region},
		{Key: "client_id", Value: l.clientID},
	}
	if l.flow != "" {
		fields = append(fields, KV{Key: "flow", Value: l.flow})
	}
	if l.username != "" {
		fields = append(fields, KV{Key: "username", Value: Literal(l.username)})
	}
	fields = append(fields, KV{Key: "password_env", Value: "COGNITO_PASSWORD", Comment: "the password is read from this environment variable"})
	name := c.AddProfile(Profile{Name: "cognito", Type: "cognito", Fields: fields,
		Comment: "the Cognito login of the source's " + strings.TrimPrefix(l.where, "request ") + " request"})
	c.Note(l.where, "a Cognito login (InitiateAuth): it became the cognito profile %s (app client %s); its user_pool_id is the placeholder %s_REPLACEME, replace it with the pool's id; the password is read from COGNITO_PASSWORD", name, l.clientID, l.region)
	return name
}

// plural is "the request \"a\"" or "the requests \"a\", \"b\"".
func plural(quoted []string, one, many string) string {
	if len(quoted) == 1 {
		return one + " " + quoted[0]
	}
	return many + " " + strings.Join(quoted, ", ")
}
