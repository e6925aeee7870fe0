package importer

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// Amplify configuration files: amplify_outputs.json (Gen 2),
// aws-exports.js and amplifyconfiguration.json (Gen 1, for the web and for
// the mobile libraries), and hand-written Amplify.configure objects of the
// same shapes. They become a collection: a cognito profile (user pool, web
// client, identity pool, hosted UI domain, with the password policy and MFA
// settings as comments), one folder per REST API with a starter request
// (and a guest one where the identity pool lets guests in), the API
// endpoints as environment variables. AppSync (GraphQL) endpoints are
// reported, not imported. The reading of each generation is in
// amplify_gen1.go and amplify_gen2.go, the writing in amplify_collection.go;
// the file is parsed as data by amplify_literal.go, never run.

func init() { Register(amplifyImporter{}) }

type amplifyImporter struct{}

func (amplifyImporter) Name() string { return "amplify" }

// amplifyMarkers are keys only Amplify configuration files have.
// amplifyWords are the keys amplifyMarkers looks for.
var amplifyWords = []string{"aws_user_pools_id", "aws_cognito_identity_pool_id", "aws_cloud_logic_custom", "aws_project_region", "aws_appsync_graphqlEndpoint", "awsCognitoAuthPlugin", "awsAPIPlugin", "user_pool_client_id", "unauthenticated_identities_enabled"}

func hasAmplifyWord(head []byte) bool {
	for _, w := range amplifyWords {
		if bytes.Contains(head, []byte(w)) {
			return true
		}
	}
	return false
}

var amplifyMarkers = lazyre.New(`["']?(` + strings.Join(amplifyWords, "|") + `)["']?\s*:`)

func (amplifyImporter) Detect(data []byte, filename string) bool {
	base := strings.ToLower(filepath.Base(filename))
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	switch {
	case strings.HasPrefix(base, "amplify_outputs") && strings.HasSuffix(base, ".json"),
		strings.HasPrefix(base, "aws-exports") && (strings.HasSuffix(base, ".js") || strings.HasSuffix(base, ".ts") || strings.HasSuffix(base, ".mjs") || strings.HasSuffix(base, ".cjs")),
		strings.HasPrefix(base, "amplifyconfiguration") && strings.HasSuffix(base, ".json"):
		return true
	}
	// Other names: by content, a JSON or JavaScript object with Amplify's keys.
	t := bytes.TrimSpace(head)
	// The regular expression last, and only when one of its words is
	// there: it costs most.
	return len(t) > 0 && !bytes.Contains(head, []byte(`"openapi"`)) && !bytes.Contains(head, []byte(`"_postman_id"`)) && hasAmplifyWord(head) && amplifyMarkers.Match(head)
}

// amplifyApp is what an Amplify configuration says, whatever its
// generation.
type amplifyApp struct {
	gen    string // "Gen 1" or "Gen 2"
	format string // for the report: "amplify_outputs.json", "aws-exports.js"...

	region, userPoolID, clientID, identityPoolID string
	clientSecret                                 bool   // a mobile config carried the client secret (never written)
	flow                                         string // "password" for USER_PASSWORD_AUTH
	// guests: true when the outputs say the identity pool allows
	// unauthenticated identities, false when they say it does not (or the
	// app requires sign-in), nil when they do not say.
	guests *bool

	domain     string   // hosted UI domain as written
	redirects  []string // sign-in redirect URIs
	scopes     []string
	idps       []string // federated identity providers
	authNotes  []string // password policy, MFA, sign-in attributes: comments on the profile
	apis       []amplifyAPI
	graphql    []amplifyGraphQL
	others     []string // other categories present (storage, analytics...), reported
	emulator   string   // the sigscope emulator's base URL, from custom.sigscope.emulator
	exprFields []string // fields whose value was code, reported
}

type amplifyAPI struct {
	name, endpoint, region string
	auth                   string // API Gateway authorization type when the file names one: AWS_IAM, AMAZON_COGNITO_USER_POOLS, API_KEY, NONE
}

type amplifyGraphQL struct {
	endpoint, auth string
	apiKey         bool
}

func (amplifyImporter) Import(data []byte, filename string) (*Collection, error) {
	name := filename
	if name == "" || name == "-" {
		name = "amplify configuration"
	}
	doc, err := parseJSConfig(filepath.Base(name), string(data))
	if err != nil {
		return nil, err
	}
	c := &Collection{}
	r := &amplifyReader{c: c}
	var app *amplifyApp
	switch {
	case doc.get("version") != nil && (doc.get("auth") != nil || doc.get("data") != nil || doc.get("custom") != nil || doc.get("storage") != nil):
		app = r.gen2(doc)
	case objAt(doc, "auth", "plugins") != nil || objAt(doc, "api", "plugins") != nil:
		app = r.gen1Mobile(doc)
	default:
		app = r.gen1Web(doc)
	}
	if app.userPoolID == "" && app.identityPoolID == "" && len(app.apis) == 0 && len(app.graphql) == 0 {
		return nil, fmt.Errorf("no Cognito pool, REST API or AppSync endpoint found: is this an Amplify configuration (amplify_outputs.json, aws-exports.js, amplifyconfiguration.json)?")
	}
	if strings.HasSuffix(strings.ToLower(filename), ".js") || strings.HasSuffix(strings.ToLower(filename), ".ts") {
		app.format = filepath.Base(filename)
	}
	r.build(app, filename)
	return c, nil
}

// amplifyReader reads values of the parsed file into the collection's
// vocabulary: literal text escaped, process.env.X mapped to {{env.X}},
// other code reported.
type amplifyReader struct {
	c    *Collection
	app  *amplifyApp
	seen map[string]bool
}

var envExpr = lazyre.New(`^(?:process\.env|import\.meta\.env)\.([A-Za-z_][A-Za-z0-9_]*)(?:\s*(?:\|\||\?\?)\s*(?:'[^']*'|"[^"]*"|` + "`[^`$]*`" + `))?$`)

// text is a string field's value as a template: the literal escaped,
// {{env.NAME}} for process.env.NAME, "" (reported) for other code.
func (r *amplifyReader) text(field string, v jsValue) string {
	switch x := v.(type) {
	case string:
		return Literal(strings.TrimSpace(x))
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case jsExpr:
		if m := envExpr.FindStringSubmatch(x.src); m != nil && EnvName(m[1]) == m[1] {
			r.c.DeclareVariable(m[1])
			r.c.Note(fmt.Sprintf("line %d:%d", x.line, x.col), "%s is %s in the file: the collection reads the environment variable %s (export it before sending)", field, x.src, m[1])
			return "{{env." + m[1] + "}}"
		}
		r.c.Note(fmt.Sprintf("line %d:%d", x.line, x.col), "%s is code (%s), not a value: sigscope reads the file as data and never runs it, so it was left out; write the value into the collection", field, clip(x.src, 60))
		if r.app != nil {
			r.app.exprFields = append(r.app.exprFields, field)
		}
	}
	return ""
}

// plain is a string field's literal value, for values sigscope reads
// itself (ids it checks, URLs it parses); code gives "".
func plain(v jsValue) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func objAt(o *jsObject, path ...string) *jsObject {
	cur := o
	for _, k := range path {
		next, _ := cur.get(k).(*jsObject)
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

func strsOf(v jsValue) []string {
	switch x := v.(type) {
	case []jsValue:
		var out []string
		for _, e := range x {
			if s := plain(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	case string:
		var out []string
		for _, s := range strings.Split(x, ",") { // Gen 1 joins several redirects with commas
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func boolPtr(b bool) *bool { return &b }

// apiRegion is the region of an execute-api host, for endpoints that do
// not name one.
func apiRegion(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		return ""
	}
	parts := strings.Split(host, ".")
	for i, p := range parts {
		if p == "execute-api" && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return ""
}

// addAPI records a REST API, checking its endpoint is a URL.
func (r *amplifyReader) addAPI(app *amplifyApp, where, name string, endpoint, region, auth jsValue) {
	ep := plain(endpoint)
	if ep == "" {
		if e, ok := endpoint.(jsExpr); ok {
			r.text(where+".endpoint", e)
		} else {
			r.c.Note(where, "REST API %q has no endpoint: not imported", name)
		}
		return
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		r.c.Note(where, "REST API %q: endpoint %q is not an http(s) URL: not imported", name, clip(ep, 80))
		return
	}
	if name == "" {
		name = strings.SplitN(u.Host, ".", 2)[0]
	}
	reg := plain(region)
	if reg == "" {
		reg = apiRegion(ep)
	}
	for _, a := range app.apis {
		if a.name == name {
			name = fmt.Sprintf("%s (%d)", name, len(app.apis)+1)
		}
	}
	app.apis = append(app.apis, amplifyAPI{name: name, endpoint: ep, region: reg, auth: plain(auth)})
}
