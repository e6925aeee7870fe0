package importer

// What the Postman, Insomnia and Bruno importers share: the three tools
// write templates as {{name}} (Insomnia with "_." in front), keep AWS keys
// and tokens next to the requests, and inherit auth from folders. Postman's
// conventions came first and the other two follow them, so the shared
// pieces live with the Postman importer.

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// kitConv is the state of one import: the collection being filled and what
// was learned about variables while walking the requests (which ones hold
// credentials, so that environments leave their values out).
type kitConv struct {
	c    *Collection
	tool string // "Postman", "Insomnia", "Bruno": named in notes

	awsVars  map[string]string // source variable holding an AWS key -> env var name
	credVars map[string]bool   // source variables used as a token or API key
	noted    map[string]bool   // notes already given once
	secrets  map[string]string // secret environment variable -> env var name
	profiles map[string]string // "access|secret|session" -> profile name
	literals []string          // distinct literal access keys met, kept in memory only
	envAllow bool              // {{process.env.X}} (Bruno) is read as {{env.X}}

	folderVars []pmVar // Postman folder variables, moved to the environments
	sharedVars []KV    // Insomnia and Bruno variables of folders or the collection, for every environment
}

func newKitConv(c *Collection, tool string) *kitConv {
	return &kitConv{c: c, tool: tool, awsVars: map[string]string{}, credVars: map[string]bool{},
		noted: map[string]bool{}, secrets: map[string]string{}, profiles: map[string]string{}}
}

// noteOnce adds a finding unless the same key was noted already.
func (k *kitConv) noteOnce(key, where, format string, args ...any) {
	if k.noted[key] {
		return
	}
	k.noted[key] = true
	k.c.Note(where, format, args...)
}

// kitVarName makes a sigscope variable name (letters, digits, _ and -,
// starting with a letter or _) of a source variable name; "base.url"
// becomes "base_url".
func kitVarName(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		case r == '-' || (r >= '0' && r <= '9'):
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "var"
	}
	return b.String()
}

var kitEnvNameRE = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

// kitKeyEnvName is the environment variable a profile's *_env field names for
// a source variable that held an AWS key: the same name when it is a valid
// one, so the user exports what the source already called it.
func kitKeyEnvName(v string) string {
	if kitEnvNameRE.MatchString(v) {
		return v
	}
	return EnvName(v)
}

// kitDynamic maps the built-in kitDynamic variables Postman and Bruno share to
// sigscope's built-ins.
var kitDynamic = map[string]string{
	"$guid": "$uuid", "$randomUUID": "$uuid", "$uuid": "$uuid",
	"$timestamp": "$timestamp", "$isoTimestamp": "$isoTimestamp",
}

// tpl rewrites a Postman or Bruno template into a sigscope one: variable
// names made valid, kitDynamic variables mapped (or turned into variables,
// reported), {{process.env.X}} read from the environment (Bruno), and any
// "{{" that is not a variable escaped.
func (k *kitConv) tpl(s, where string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "{{")
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		end := strings.Index(s[i+2:], "}}")
		inner := ""
		if end >= 0 {
			inner = strings.TrimSpace(s[i+2 : i+2+end])
		}
		if end < 0 || inner == "" || strings.ContainsAny(inner, "{}\n\r") {
			b.WriteString("{{{{")
			i += 2
			continue
		}
		b.WriteString(k.ref(inner, where))
		i += 2 + end + 2
	}
	return b.String()
}

// ref turns the inside of one {{...}} into a sigscope template.
func (k *kitConv) ref(inner, where string) string {
	if strings.HasPrefix(inner, "$") {
		if to, ok := kitDynamic[inner]; ok {
			return "{{" + to + "}}"
		}
		name := kitVarName(strings.TrimPrefix(inner, "$"))
		k.noteOnce("dyn"+inner, where, "%s dynamic variable {{%s}} has no sigscope built-in (built-ins: $uuid, $timestamp, $isoTimestamp): it became the variable {{%s}}; define it in an environment or pass --var %s=VALUE", k.tool, inner, name, name)
		return "{{" + name + "}}"
	}
	if k.envAllow && strings.HasPrefix(inner, "process.env.") {
		return k.processEnv(strings.TrimPrefix(inner, "process.env."), where)
	}
	name := kitVarName(inner)
	if name != inner {
		k.noteOnce("ren"+inner, "variable "+inner, "renamed to %s: sigscope variable names use letters, digits, _ and -", name)
	}
	return "{{" + name + "}}"
}

// processEnv maps Bruno's {{process.env.NAME}}: a declared {{env.NAME}},
// or, for a name shaped like a credential (which a collection may not read
// into a request), an environment variable of a safe name.
func (k *kitConv) processEnv(name, where string) string {
	if kitEnvNameRE.MatchString(name) && EnvName(name) == strings.ToUpper(name) && name == strings.ToUpper(name) {
		k.c.DeclareVariable(name)
		return "{{env." + name + "}}"
	}
	safe := EnvName(name)
	k.c.DeclareVariable(safe)
	k.noteOnce("penv"+name, where, "{{process.env.%s}} is read from the environment variable %s (a collection may not read credential-shaped names into a request): export %s", name, safe, safe)
	return "{{env." + safe + "}}"
}

// kitSingleVar returns the variable a value is made of when the whole value
// is one {{...}} reference, as Postman writes "{{token}}".
func kitSingleVar(v string) (string, bool) {
	t := strings.TrimSpace(v)
	if !strings.HasPrefix(t, "{{") || !strings.HasSuffix(t, "}}") {
		return "", false
	}
	inner := strings.TrimSpace(t[2 : len(t)-2])
	if inner == "" || strings.ContainsAny(inner, "{}") {
		return "", false
	}
	return inner, true
}

// kitKeyRef is where an AWS key comes from in the source.
type kitKeyRef struct {
	kind int // kitKeyEmpty, kitKeyVar, kitKeyEnv, kitKeyLiteral
	name string
}

const (
	kitKeyEmpty = iota
	kitKeyVar
	kitKeyEnv
	kitKeyLiteral
)

func (k *kitConv) classify(v string) kitKeyRef {
	v = strings.TrimSpace(v)
	if v == "" {
		return kitKeyRef{kind: kitKeyEmpty}
	}
	if inner, ok := kitSingleVar(v); ok && !strings.HasPrefix(inner, "$") {
		if k.envAllow && strings.HasPrefix(inner, "process.env.") {
			return kitKeyRef{kind: kitKeyEnv, name: strings.TrimPrefix(inner, "process.env.")}
		}
		return kitKeyRef{kind: kitKeyVar, name: inner}
	}
	return kitKeyRef{kind: kitKeyLiteral}
}

// kitAWSKeys is an AWS SigV4 auth as the three tools store it.
type kitAWSKeys struct {
	Access, Secret, Session string
	Region, Service         string
	Profile                 string // Bruno's profileName: a profile of ~/.aws
}

// awsAuth maps SigV4 auth to a sigscope auth block with a profile that
// reads the keys from environment variables; literal keys are dropped and
// reported. rawURL helps guess a missing region; defRegion is the tool's
// default when there is no other.
func (k *kitConv) awsAuth(where string, a kitAWSKeys, rawURL, defRegion string) *Auth {
	out := &Auth{Mode: "iam"}
	if p := strings.TrimSpace(a.Profile); p != "" {
		name := "aws-" + kitVarName(p)
		k.c.AddProfile(Profile{Name: name, Type: "aws", Fields: []KV{{Key: "profile", Value: p}},
			Comment: "credentials of the AWS profile " + p + " (~/.aws/config), as " + k.tool + " used it"})
		out.Profile = name
		if a.Access != "" || a.Secret != "" || a.Session != "" {
			k.c.Note(where, "the AWS profile %s is used; the access keys written beside it were left out", p)
		}
	} else {
		sfx := ""
		if k.classify(a.Access).kind == kitKeyLiteral {
			sfx = k.suffix(a.Access)
		}
		acc := k.keyEnv(where, "access key", a.Access, "AWS_ACCESS_KEY_ID"+sfx)
		sec := k.keyEnv(where, "secret key", a.Secret, "AWS_SECRET_ACCESS_KEY"+sfx)
		ses := ""
		if strings.TrimSpace(a.Session) != "" {
			ses = k.keyEnv(where, "session token", a.Session, "AWS_SESSION_TOKEN"+sfx)
		}
		acc, sec, ses = k.c.KeyEnvs(where, acc, sec, ses, [3]string{"AWS_ACCESS_KEY_ID" + sfx, "AWS_SECRET_ACCESS_KEY" + sfx, "AWS_SESSION_TOKEN" + sfx})
		id := acc + "|" + sec + "|" + ses
		name, ok := k.profiles[id]
		if !ok {
			name = "aws"
			if n := len(k.profiles); n > 0 {
				name = fmt.Sprintf("aws-%d", n+1)
			}
			k.profiles[id] = name
			k.c.StaticProfile(name, acc, sec, ses, "")
		}
		out.Profile = name
	}
	out.Region = k.placeholders(k.tpl(strings.TrimSpace(a.Region), where), where)
	if out.Region == "" {
		out.Region = kitRegionFromURL(rawURL)
	}
	if out.Region == "" {
		out.Region = defRegion
		k.noteOnce("region"+where, where, "no AWS region in the export: signing for %s (%s's default); change auth.region if the API lives elsewhere", defRegion, k.tool)
	}
	out.Service = k.placeholders(k.tpl(strings.TrimSpace(a.Service), where), where)
	if out.Service == "" {
		out.Service = "execute-api"
	}
	if strings.EqualFold(out.Service, "s3") {
		out.S3 = true
	}
	return out
}

// suffix gives a second, third... literal access key environment
// variables of their own (AWS_ACCESS_KEY_ID_2), so two identities of the
// source stay two. The keys are compared in memory only.
func (k *kitConv) suffix(literal string) string {
	for i, l := range k.literals {
		if l == literal {
			if i == 0 {
				return ""
			}
			return fmt.Sprintf("_%d", i+1)
		}
	}
	k.literals = append(k.literals, literal)
	if len(k.literals) == 1 {
		return ""
	}
	return fmt.Sprintf("_%d", len(k.literals))
}

// keyEnv returns the environment variable that will hold one AWS key.
func (k *kitConv) keyEnv(where, what, v, def string) string {
	r := k.classify(v)
	switch r.kind {
	case kitKeyVar:
		env := kitKeyEnvName(r.name)
		k.awsVars[r.name] = env
		k.noteOnce("keyvar"+r.name, where, "the AWS %s came from the variable %s: set the environment variable %s", what, r.name, env)
		return env
	case kitKeyEnv:
		return r.name
	case kitKeyLiteral:
		k.c.Note(where, "secret left out: the AWS %s was written in the export; set the environment variable %s", what, def)
		return def
	}
	k.noteOnce("keyempty"+def, where, "the export has no AWS %s: set the environment variable %s", what, def)
	return def
}

var kitRegionRE = lazyre.New(`\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com`)

// kitRegionFromURL finds the region in an AWS host name
// (abc.execute-api.eu-west-1.amazonaws.com).
func kitRegionFromURL(u string) string {
	if m := kitRegionRE.FindStringSubmatch(u); m != nil {
		return m[1]
	}
	return ""
}

var kitHeaderTokenRE = lazyre.New("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// addHeader appends a header to a request, spelled as an earlier header
// of the same name when there is one (the format refuses names that differ
// only in case), its value made safe (credentials become references).
func (k *kitConv) addHeader(r *Request, where, name, value string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	if !kitHeaderTokenRE.MatchString(name) {
		k.c.Unmapped(r, where, "header %q: not a valid HTTP header name", name)
		return
	}
	if strings.ContainsAny(value, "\r\n") {
		k.c.Unmapped(r, where, "header %s: its value spans several lines, which a header cannot", name)
		return
	}
	for _, h := range r.Headers {
		if strings.EqualFold(h.Key, name) {
			name = h.Key
			break
		}
	}
	v := k.tpl(value, where)
	if SensitiveHeader(name) && strings.TrimSpace(value) != "" {
		rest := value
		if i := strings.IndexByte(value, ' '); i > 0 && strings.EqualFold(name, "authorization") {
			rest = value[i+1:]
		}
		if inner, ok := kitSingleVar(rest); ok {
			if !strings.HasPrefix(inner, "$") {
				k.credVars[inner] = true
			}
		} else {
			v = k.c.HeaderValue(where, name, value, false)
		}
	}
	r.Headers = append(r.Headers, KV{Key: name, Value: v})
}

var kitPlaceholderRE = lazyre.New(`<([A-Za-z][A-Za-z0-9_.-]*)>`)

// placeholders turns documentation placeholders such as <ApiEndpoint>
// or <aws-region> into variables, so the value is asked for instead of
// sent as written.
func (k *kitConv) placeholders(s, where string) string {
	if !kitPlaceholderRE.MatchString(s) {
		return s
	}
	return kitPlaceholderRE.ReplaceAllStringFunc(s, func(m string) string {
		name := kitVarName(m[1 : len(m)-1])
		k.noteOnce("ph"+m, where, "the placeholder %s became the variable {{%s}}: define it in an environment", m, name)
		return "{{" + name + "}}"
	})
}

// fixURL makes a source URL one the collection format accepts: absolute
// http(s) or starting with a variable. A URL without a scheme gets http://
// (what the three tools do), and documentation placeholders such as
// <ApiEndpoint> become variables.
func (k *kitConv) fixURL(r *Request, where, u string) string {
	u = k.placeholders(strings.TrimSpace(u), where)
	if u == "" {
		k.c.Unmapped(r, where, "the request has no URL: it was given {{base_url}}; define base_url in an environment")
		return "{{base_url}}"
	}
	if strings.HasPrefix(u, "{{") && !strings.HasPrefix(u, "{{{{") {
		return u
	}
	low := strings.ToLower(u)
	if !strings.HasPrefix(low, "http://") && !strings.HasPrefix(low, "https://") {
		if i := strings.Index(u, "://"); i > 0 && !strings.ContainsAny(u[:i], "/{") {
			k.c.Unmapped(r, where, "the URL %q is not http or https", u)
			return "{{base_url}}"
		}
		u = "http://" + u
	}
	return u
}

// kitSplitQuery separates the query of a URL from the rest, for tools whose
// URL carries parameters that are also listed (or only there).
func kitSplitQuery(u string) (string, []KV) {
	i := strings.IndexByte(u, '?')
	if i < 0 {
		return u, nil
	}
	base, q := u[:i], u[i+1:]
	if j := strings.IndexByte(q, '#'); j >= 0 {
		q = q[:j]
	}
	var out []KV
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		key, val, _ := strings.Cut(part, "=")
		key, val = queryUnescape(key), queryUnescape(val)
		out = append(out, KV{Key: key, Value: val})
	}
	return base, out
}

// queryUnescape decodes a query key or value as AWS reads it: %XX is the
// byte, a raw + stays a plus (not a space, as form decoding would have
// it). Text that is not valid percent-encoding is kept as written.
func queryUnescape(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// kitScriptLines keeps a script's lines as comments (under a header line
// that the report also gets), so nothing of it is silently dropped.
func kitScriptLines(kind, code string) []string {
	code = strings.TrimRight(code, " \n\r\t")
	if strings.TrimSpace(code) == "" {
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(code, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, "  | "+l)
	}
	return out
}

// script records a request's script as unmapped, its code kept as
// comments above the request.
func (k *kitConv) script(r *Request, where, kind, code string) {
	lines := kitScriptLines(kind, code)
	if lines == nil {
		return
	}
	k.c.Unmapped(r, where, "%s script (%d lines, kept below as comments): sigscope runs no scripts", kind, len(lines))
	r.Comments = append(r.Comments, lines...)
}

// folderScript is script for a folder.
func (k *kitConv) folderScript(f *Folder, kind, code string) {
	lines := kitScriptLines(kind, code)
	if lines == nil {
		return
	}
	k.c.UnmappedFolder(f, "%s script (%d lines, kept below as comments): sigscope runs no scripts", kind, len(lines))
	f.Comments = append(f.Comments, lines...)
}

// collectionScript is script for the whole collection: the comments go at
// the top of the file.
func (k *kitConv) collectionScript(kind, code string) {
	lines := kitScriptLines(kind, code)
	if lines == nil {
		return
	}
	what := fmt.Sprintf("%s script of the collection (%d lines, kept as comments at the top): sigscope runs no scripts", kind, len(lines))
	k.c.Note("collection", "%s", what)
	k.c.Comments = append(k.c.Comments, "not imported: "+what)
	k.c.Comments = append(k.c.Comments, lines...)
}

// kitSortedKeys returns a map's keys in order, for stable output.
func kitSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for key := range m {
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}
