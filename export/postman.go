package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/workbench"
)

// PostmanSchema is the schema URL a Postman v2.1 collection names.
const PostmanSchema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

// Postman variables that stand for credentials: left empty in the export,
// set by the user in a Postman environment.
const (
	PostmanAccessKey    = "aws_access_key"
	PostmanSecretKey    = "aws_secret_key"
	PostmanSessionToken = "aws_session_token"
	PostmanIDToken      = "id_token"
	PostmanAccessToken  = "access_token"
	PostmanAPIKey       = "api_key"
)

// PostmanOptions say which environment becomes the collection variables
// and which runtime variables (--var) join them.
type PostmanOptions struct {
	Environment string // "" the collection's default, else its first
	Vars        map[string]string
}

// Postman writes the whole collection as a Postman v2.1 collection:
// folders, requests with their templates as written ({{name}} is
// Postman's syntax too), every default applied, auth per request with
// credentials as {{aws_access_key}}-style variables. No secret is in it:
// {{env.NAME}} becomes the empty variable {{NAME}}, and a literal value of
// a header named like a credential becomes a variable too.
func Postman(c *collections.Collection, o PostmanOptions) ([]byte, error) {
	doc, root, err := readLevels(c)
	if err != nil {
		return nil, err
	}
	pm := &postmanCollection{Info: postmanInfo{Name: c.Name, Schema: PostmanSchema}}
	conv := &converter{used: map[string]string{}, profiles: doc.Auth}
	envs := environments(doc)
	chosen := pickEnv(envs, o.Environment, c.DefaultEnvironment)
	var chosenVars []collections.KV
	for _, e := range envs {
		if e.name == chosen {
			chosenVars = e.vars
		}
	}
	hasRegionVar := o.Vars["region"] != ""
	for _, kv := range chosenVars {
		if kv.Key == "region" {
			hasRegionVar = true
		}
	}
	for _, ref := range c.Requests() {
		it, err := requestItem(c, root, ref, conv, hasRegionVar)
		if err != nil {
			return nil, err
		}
		pm.place(ref.Folders, root, it)
	}
	pm.Info.Description = postmanDescription(doc.Description, envs, chosen)
	pm.Variable = conv.variables(chosenVars, o.Vars)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(pm); err != nil {
		return nil, fmt.Errorf("export postman: %w", err)
	}
	return b.Bytes(), nil
}

func pickEnv(envs []namedVars, want, def string) string {
	switch {
	case want != "":
		return want
	case def != "":
		return def
	case len(envs) > 0:
		return envs[0].name
	}
	return ""
}

type postmanCollection struct {
	Info     postmanInfo  `json:"info"`
	Item     []*postmanIt `json:"item"`
	Variable []postmanKV  `json:"variable,omitempty"`
	folders  map[string]*postmanIt
}

type postmanInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema"`
}

// postmanIt is a folder (Item set) or a request (Request set).
type postmanIt struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Item        *[]*postmanIt   `json:"item,omitempty"`
	Request     *postmanRequest `json:"request,omitempty"`
	Event       []postmanEvent  `json:"event,omitempty"`
}

type postmanRequest struct {
	Method      string       `json:"method"`
	Header      []postmanKV  `json:"header"`
	Body        *postmanBody `json:"body,omitempty"`
	URL         postmanURL   `json:"url"`
	Auth        *postmanAuth `json:"auth,omitempty"`
	Description string       `json:"description,omitempty"`
}

type postmanKV struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

type postmanBody struct {
	Mode       string          `json:"mode"`
	Raw        string          `json:"raw,omitempty"`
	URLEncoded []postmanKV     `json:"urlencoded,omitempty"`
	File       *postmanFile    `json:"file,omitempty"`
	Options    *postmanBodyOpt `json:"options,omitempty"`
}

type postmanFile struct {
	Src string `json:"src"`
}

type postmanBodyOpt struct {
	Raw struct {
		Language string `json:"language"`
	} `json:"raw"`
}

type postmanAuth struct {
	Type   string      `json:"type"`
	AWSv4  []postmanKV `json:"awsv4,omitempty"`
	Bearer []postmanKV `json:"bearer,omitempty"`
	APIKey []postmanKV `json:"apikey,omitempty"`
}

// place puts an item into its folder, making the folders on the way.
func (pm *postmanCollection) place(folders []string, root *level, it *postmanIt) {
	if pm.folders == nil {
		pm.folders = map[string]*postmanIt{}
	}
	list := &pm.Item
	key := ""
	lv := root
	for _, f := range folders {
		key += f + "\x00"
		if lv != nil {
			lv = lv.folders[f]
		}
		fo := pm.folders[key]
		if fo == nil {
			fo = &postmanIt{Name: f, Item: &[]*postmanIt{}}
			if lv != nil {
				fo.Description = lv.description
			}
			pm.folders[key] = fo
			*list = append(*list, fo)
		}
		list = fo.Item
	}
	*list = append(*list, it)
}

func requestItem(c *collections.Collection, root *level, ref collections.RequestRef, conv *converter, hasRegionVar bool) (*postmanIt, error) {
	spec, err := c.RequestSpec(ref.Path)
	if err != nil {
		return nil, fmt.Errorf("export postman: %w", err)
	}
	levels := root.chain(ref.Folders)
	var hl [][]header
	var auth yamlAuth
	for _, l := range levels {
		hl = append(hl, l.headers)
		auth = auth.merge(l.auth)
	}
	own := []header{}
	for _, kv := range spec.Headers {
		own = append(own, header{name: kv.Key, values: []string{kv.Value}})
	}
	for _, n := range spec.RemoveHeaders {
		own = append(own, header{name: n, remove: true})
	}
	hl = append(hl, groupHeaders(own))
	if last := levels[len(levels)-1]; last.requests != nil {
		auth = auth.merge(last.requests[ref.Name])
	}

	method := spec.Method
	if method == "" {
		method = "GET"
	}
	req := &postmanRequest{Method: method, Header: []postmanKV{}, Description: spec.Description}
	for _, h := range mergeHeaders(hl...) {
		for _, v := range h.values {
			req.Header = append(req.Header, postmanKV{Key: h.name, Value: conv.header(h.name, v)})
		}
	}
	var query [][2]string
	for _, q := range spec.Query {
		query = append(query, [2]string{conv.text(q.Key), conv.text(q.Value)})
	}
	req.URL = newPostmanURL(conv.text(spec.URL), query)
	req.Body = conv.body(spec.Body)
	req.Auth = conv.auth(auth, hasRegionVar)
	it := &postmanIt{Name: ref.Name, Request: req}
	if ev := conv.guestEvent(auth); ev != nil {
		it.Event = []postmanEvent{*ev}
	}
	return it, nil
}

// groupHeaders folds a request's repeated header names into one entry,
// as its YAML writes them (a list).
func groupHeaders(hs []header) []header {
	var out []header
	for _, h := range hs {
		if n := len(out); n > 0 && strings.EqualFold(out[n-1].name, h.name) && !h.remove && !out[n-1].remove {
			out[n-1].values = append(out[n-1].values, h.values...)
			continue
		}
		out = append(out, h)
	}
	return out
}

// converter turns sigscope templates into Postman's and remembers the
// variables they use.
type converter struct {
	used     map[string]string // variable name → description ("" when ordinary)
	values   map[string]string // variable name → its value, for variables the export fills itself
	profiles map[string]yamlProf
}

// text converts {{name}}, {{env.NAME}} and the built-ins; "{{{{" is a
// literal "{{".
func (cv *converter) text(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		if strings.HasPrefix(s, "{{{{") {
			b.WriteString("{{")
			s = s[4:]
			continue
		}
		j := strings.Index(s[2:], "}}")
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		inner := strings.TrimSpace(s[2 : 2+j])
		s = s[2+j+2:]
		switch {
		case inner == "$uuid":
			b.WriteString("{{$guid}}")
		case strings.HasPrefix(inner, "$"):
			b.WriteString("{{" + inner + "}}") // $timestamp, $isoTimestamp: Postman's too
		case strings.HasPrefix(inner, "env."):
			name := inner[len("env."):]
			cv.use(name, fmt.Sprintf("sigscope reads it from the environment variable %s: set it in a Postman environment (a secret, not exported)", name))
			b.WriteString("{{" + name + "}}")
		default:
			cv.use(inner, "")
			b.WriteString("{{" + inner + "}}")
		}
	}
}

// setDefault uses a variable the export gives a value (unless the
// environment or a --var has it).
func (cv *converter) setDefault(name, value, desc string) {
	cv.use(name, desc)
	if cv.values == nil {
		cv.values = map[string]string{}
	}
	if _, ok := cv.values[name]; !ok {
		cv.values[name] = value
	}
}

func (cv *converter) use(name, desc string) {
	if old, ok := cv.used[name]; !ok || old == "" {
		cv.used[name] = desc
	}
}

// header converts a header value; a literal value of a header named like
// a credential is not copied.
func (cv *converter) header(name, v string) string {
	if workbench.CredentialHeader(name) && !strings.Contains(v, "{{") {
		vn := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(name))
		cv.use(vn, fmt.Sprintf("the collection writes the %s header literally; its value is not exported", name))
		return "{{" + vn + "}}"
	}
	return cv.text(v)
}

func (cv *converter) body(b *collections.BodySpec) *postmanBody {
	if b == nil {
		return nil
	}
	switch b.Kind {
	case collections.BodyJSON:
		raw := cv.text(string(b.JSON))
		var pretty bytes.Buffer
		if json.Indent(&pretty, []byte(raw), "", "  ") == nil {
			raw = pretty.String()
		}
		pb := &postmanBody{Mode: "raw", Raw: raw, Options: &postmanBodyOpt{}}
		pb.Options.Raw.Language = "json"
		return pb
	case collections.BodyText:
		return &postmanBody{Mode: "raw", Raw: cv.text(b.Text)}
	case collections.BodyForm:
		pb := &postmanBody{Mode: "urlencoded"}
		for _, kv := range b.Form {
			pb.URLEncoded = append(pb.URLEncoded, postmanKV{Key: cv.text(kv.Key), Value: cv.text(kv.Value)})
		}
		return pb
	case collections.BodyFile:
		return &postmanBody{Mode: "file", File: &postmanFile{Src: cv.text(b.File)}}
	}
	return nil
}

func kv(k, v string) postmanKV { return postmanKV{Key: k, Value: v, Type: "string"} }

// signingRegion is the region an awsv4 auth signs for: the request's,
// the environment's region variable, or its profile's.
func (cv *converter) signingRegion(a yamlAuth, hasRegionVar bool) string {
	switch {
	case a.Region != nil:
		return cv.text(*a.Region)
	case hasRegionVar:
		cv.use("region", "")
		return "{{region}}"
	case a.Profile != nil:
		p := cv.profiles[*a.Profile]
		region := cv.text(p.Region)
		if i := strings.IndexByte(p.UserPoolID, '_'); region == "" && i > 0 {
			region = p.UserPoolID[:i] // a Cognito profile's default
		}
		return region
	}
	return ""
}

func (cv *converter) service(a yamlAuth) string {
	switch {
	case a.Service != nil:
		return cv.text(*a.Service)
	case a.S3 != nil && *a.S3:
		return "s3"
	}
	return "execute-api"
}

func (cv *converter) auth(a yamlAuth, hasRegionVar bool) *postmanAuth {
	mode := collections.ModeNone
	if a.Mode != nil {
		mode = collections.AuthMode(*a.Mode)
	}
	tokenVar := func(name, desc string) string {
		cv.use(name, desc)
		return "{{" + name + "}}"
	}
	switch mode {
	case collections.ModeIAM:
		return &postmanAuth{Type: "awsv4", AWSv4: []postmanKV{
			kv("accessKey", tokenVar(PostmanAccessKey, "AWS access key id: set it in a Postman environment")),
			kv("secretKey", tokenVar(PostmanSecretKey, "AWS secret access key: set it in a Postman environment (secret)")),
			kv("sessionToken", tokenVar(PostmanSessionToken, "AWS session token of temporary credentials, else empty (secret)")),
			kv("region", cv.signingRegion(a, hasRegionVar)),
			kv("service", cv.service(a)),
		}}
	case collections.ModeGuest:
		return cv.guestAuth(a, hasRegionVar)
	case collections.ModeIDToken, collections.ModeAccessToken:
		name, what := PostmanIDToken, "id token"
		if mode == collections.ModeAccessToken {
			name, what = PostmanAccessToken, "access token"
		}
		v := tokenVar(name, fmt.Sprintf("the Cognito %s: sigscope login COLLECTION -o json --show-tokens prints it (secret)", what))
		if a.Bearer != nil && *a.Bearer {
			return &postmanAuth{Type: "bearer", Bearer: []postmanKV{kv("token", v)}}
		}
		// API Gateway's Cognito authorizer reads the raw token.
		return &postmanAuth{Type: "apikey", APIKey: []postmanKV{kv("key", "Authorization"), kv("value", v), kv("in", "header")}}
	case collections.ModeAPIKey:
		v := ""
		if a.APIKey != nil && strings.Contains(*a.APIKey, "{{") {
			v = cv.text(*a.APIKey)
		} else {
			v = tokenVar(PostmanAPIKey, "the API key (secret)")
		}
		return &postmanAuth{Type: "apikey", APIKey: []postmanKV{kv("key", "x-api-key"), kv("value", v), kv("in", "header")}}
	}
	return &postmanAuth{Type: "noauth"}
}

// variables are the collection variables: the chosen environment's (a
// runtime variable of the same name in its place), the other runtime
// ones, then every other variable used, empty.
func (cv *converter) variables(env []collections.KV, vars map[string]string) []postmanKV {
	var out []postmanKV
	seen := map[string]bool{}
	for _, kv := range env {
		// A runtime variable wins over the environment's, as in send.
		if v, ok := vars[kv.Key]; ok {
			out = append(out, postmanKV{Key: kv.Key, Value: v, Type: "string", Description: "given with --var"})
		} else {
			out = append(out, postmanKV{Key: kv.Key, Value: cv.text(kv.Value), Type: "string"})
		}
		seen[kv.Key] = true
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if seen[k] {
			continue
		}
		out = append(out, postmanKV{Key: k, Value: vars[k], Type: "string", Description: "given with --var"})
		seen[k] = true
	}
	rest := make([]string, 0, len(cv.used))
	for k := range cv.used {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, postmanKV{Key: k, Value: cv.values[k], Type: "string", Description: cv.used[k]})
	}
	return out
}

func postmanDescription(desc string, envs []namedVars, chosen string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(desc))
	if len(envs) == 0 {
		return b.String()
	}
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "Exported by sigscope. The collection variables hold the environment %q; the sigscope collection's environments are:\n", chosen)
	for _, e := range envs {
		var parts []string
		for _, kv := range e.vars {
			parts = append(parts, kv.Key+" = "+kv.Value)
		}
		fmt.Fprintf(&b, "- %s: %s\n", e.name, strings.Join(parts, ", "))
	}
	b.WriteString("Credentials and tokens are variables left empty ({{aws_access_key}}, {{aws_secret_key}}, {{aws_session_token}}, {{id_token}}...): set them in a Postman environment.")
	return b.String()
}
