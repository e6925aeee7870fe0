// Package importer turns other tools' descriptions of HTTP requests (curl
// command lines, OpenAPI 3 / Swagger 2 documents, Postman, Insomnia and
// Bruno exports) into sigscope collections.
//
// Every format's importer fills the neutral model of this file; one writer
// (Collection.YAML) turns it into collection YAML with comments, and checks
// the result by loading it with collections.LoadBytes, so an import either
// gives a valid collection or an error. Merge adds an imported model to an
// existing collection file instead.
//
// Rules every importer keeps:
//   - Secrets never reach the YAML. AWS keys become a static profile whose
//     *_env fields name environment variables; an API key, a bearer token, a
//     cookie or any header that carries a credential becomes a reference to
//     an environment variable (SecretRef) or a runtime variable, and the
//     report says which variable to set.
//   - Literal text that goes into a template field (URLs, query, headers,
//     bodies, environment values) is escaped with Literal, so a "{{" in the
//     source stays text; text that already is a sigscope template
//     ("{{base_url}}/pets", from Postman or Bruno) is written as is.
//   - Whatever cannot be mapped (scripts, tests, unsupported auth, multipart
//     bodies...) is never dropped silently: Unmapped adds it to the report
//     and, for a request or folder, to its comments in the YAML.
package importer

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/sigscope/sigscope/collections"
)

// Collection is one imported collection, written top to bottom in this
// order: comments, name, description, variables, default_environment,
// environments, auth (Profiles), defaults, requests (Items).
type Collection struct {
	Name        string
	Description string
	// Comments are written above the first line of the file, one line each
	// (without the "# ").
	Comments []string
	// Variables are the process environment variables the collection reads
	// through {{env.NAME}}: the top-level variables: list. Names shaped like
	// credentials (with SECRET, TOKEN or PASSWORD, the AWS key names) are
	// refused by the loader; use EnvName to make a safe name, and a static
	// profile's *_env fields for AWS keys. Declare with DeclareVariable.
	Variables          []string
	DefaultEnvironment string // must name one of Environments, or be ""
	Environments       []Environment
	Profiles           []Profile // the top-level auth: mapping
	Defaults           *Defaults
	Items              []Item
	// Report is what the import did; it is not written into the YAML
	// except as the comments Unmapped adds. The CLI prints it.
	Report Report
}

// KV is an ordered key/value pair: a query parameter, a header, a form
// field, an environment variable or a profile field. A key may repeat
// (query, headers and form fields; the writer makes a list). Comment, when
// set, is written at the end of the line.
type KV struct {
	Key, Value string
	Comment    string
}

// Environment is one entry of environments: a named set of variables
// (base_url, region, path parameters...). Values are templates.
type Environment struct {
	Name    string
	Vars    []KV
	Comment string // written above the environment
}

// Profile is one auth profile of the top-level auth: mapping. Type is
// "static", "aws" or "cognito"; Fields are its fields in order, without
// "type" (see docs/collections.md for each type's fields: static needs
// access_key_id_env and secret_access_key_env; cognito needs user_pool_id
// and client_id). Fields ending in _env hold environment variable NAMES,
// never values.
type Profile struct {
	Name    string
	Type    string
	Fields  []KV
	Comment string // written above the profile
}

// Defaults is a defaults: block (collection or folder).
type Defaults struct {
	Auth    *Auth
	Headers []KV
}

// Item is one entry of a requests: list: exactly one of Folder and Request.
type Item struct {
	Folder  *Folder
	Request *Request
}

// Folder is a folder of requests. Names must be unique within the parent;
// the writer makes them so (UniqueNames) and reports renames.
type Folder struct {
	Name        string
	Description string
	Defaults    *Defaults
	Items       []Item
	Comments    []string // written above the folder, one line each
}

// Request is one request. URL, query, header values and bodies are
// sigscope templates: escape literal text with Literal.
type Request struct {
	Name        string // unique within its folder (the writer makes it so)
	Description string
	Method      string // upper case; GET when empty
	URL         string
	Query       []KV
	Headers     []KV
	Body        *Body
	Auth        *Auth
	// Comments are what could not be mapped, written above the request in
	// the YAML. Add them with Unmapped, which also reports them.
	Comments []string
}

// Body kinds, as in collection files.
const (
	BodyJSON = "json"
	BodyText = "text"
	BodyForm = "form"
	BodyFile = "file"
)

// Body is a request body: Kind says which one field is used.
type Body struct {
	Kind string          // BodyJSON, BodyText, BodyForm or BodyFile
	JSON json.RawMessage // BodyJSON: a JSON document; written as a YAML mapping, key order kept; its strings are templates
	Text string          // BodyText
	Form []KV            // BodyForm: x-www-form-urlencoded fields
	File string          // BodyFile: a path relative to the collection file
}

// Auth is an auth block (request or defaults). Zero fields are left out.
// Mode is "iam", "id_token", "access_token", "api_key" or "none"; Profile
// names one of Collection.Profiles. APIKey is a template such as
// "{{env.PETS_API_KEY}}" (declared in Variables), never the key itself.
type Auth struct {
	Mode, Profile   string
	Service, Region string
	Bearer          bool
	APIKey          string
	S3              bool
	UnsignedPayload bool
	// Presign signs in the query string (X-Amz-* parameters) instead of
	// headers, as a source that signed "in the URL" did.
	Presign bool
}

// Report says what an import did: Imported counts the requests written;
// Findings are the things not mapped, or mapped by a guess, in the order
// they were met.
type Report struct {
	Source   string // the file name, or "-" for standard input
	Format   string // the importer's Name
	Imported int
	Findings []Finding
}

// Finding is one thing the import did not map, or mapped by a guess.
// Where names it for a person ("request Create pet", "folder admin",
// "line 3"); What says what happened and what to do.
type Finding struct {
	Where, What string
}

// Note adds a finding to the report only (for things with no request or
// folder to comment on, and for guesses worth telling).
func (c *Collection) Note(where, format string, args ...any) {
	c.Report.Findings = append(c.Report.Findings, Finding{Where: where, What: fmt.Sprintf(format, args...)})
}

// Unmapped records something of a request that was not imported: in the
// report (where is the request's name when empty) and as a comment above
// the request in the YAML.
func (c *Collection) Unmapped(r *Request, where, format string, args ...any) {
	what := fmt.Sprintf(format, args...)
	if where == "" {
		where = "request " + r.Name
	}
	r.Comments = append(r.Comments, "not imported: "+what)
	c.Report.Findings = append(c.Report.Findings, Finding{Where: where, What: what})
}

// UnmappedFolder is Unmapped for a folder.
func (c *Collection) UnmappedFolder(f *Folder, format string, args ...any) {
	what := fmt.Sprintf(format, args...)
	f.Comments = append(f.Comments, "not imported: "+what)
	c.Report.Findings = append(c.Report.Findings, Finding{Where: "folder " + f.Name, What: what})
}

// DeclareVariable adds a process environment variable name to Variables
// once.
func (c *Collection) DeclareVariable(name string) {
	for _, v := range c.Variables {
		if v == name {
			return
		}
	}
	c.Variables = append(c.Variables, name)
}

// Profile returns the profile named name, or nil.
func (c *Collection) Profile(name string) *Profile {
	for i := range c.Profiles {
		if c.Profiles[i].Name == name {
			return &c.Profiles[i]
		}
	}
	return nil
}

// AddProfile adds p unless a profile of that name exists already; it
// returns the profile's name.
func (c *Collection) AddProfile(p Profile) string {
	if c.Profile(p.Name) == nil {
		c.Profiles = append(c.Profiles, p)
	}
	return p.Name
}

// Environment returns the environment named name, creating it (at the
// end) when there is none.
func (c *Collection) Environment(name string) *Environment {
	for i := range c.Environments {
		if c.Environments[i].Name == name {
			return &c.Environments[i]
		}
	}
	c.Environments = append(c.Environments, Environment{Name: name})
	return &c.Environments[len(c.Environments)-1]
}

// Set sets an environment variable, replacing its value when it exists.
func (e *Environment) Set(key, value string) {
	for i := range e.Vars {
		if e.Vars[i].Key == key {
			e.Vars[i].Value = value
			return
		}
	}
	e.Vars = append(e.Vars, KV{Key: key, Value: value})
}

// Requests counts the requests of the collection, folders included.
func (c *Collection) Requests() int { return countItems(c.Items) }

func countItems(items []Item) int {
	n := 0
	for _, it := range items {
		if it.Request != nil {
			n++
		}
		if it.Folder != nil {
			n += countItems(it.Folder.Items)
		}
	}
	return n
}

// Literal escapes text that must stay as written in a template field: a
// "{{" becomes "{{{{" (the collection format's escape).
func Literal(s string) string { return strings.ReplaceAll(s, "{{", "{{{{") }

// EnvName makes an environment variable name from any text (a header name,
// a Postman variable, a shell variable): upper case, letters, digits and
// "_", not starting with a digit, and never shaped like a credential name
// (which a collection may not read through {{env.NAME}}): TOKEN becomes
// TOK, SECRET becomes SEC, PASSWORD becomes PASSWD, and the AWS key names
// get an IMPORTED_ prefix.
func EnvName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	n := strings.Trim(b.String(), "_")
	if n == "" {
		n = "VALUE"
	}
	if n[0] >= '0' && n[0] <= '9' {
		n = "V_" + n
	}
	n = strings.NewReplacer("PASSWORD", "PASSWD", "SECRET", "SEC", "TOKEN", "TOK").Replace(n)
	switch n {
	case "AWS_ACCESS_KEY_ID":
		n = "IMPORTED_" + n
	}
	return n
}

// SecretRef declares an environment variable named EnvName(hint) and
// returns the template that reads it, "{{env.NAME}}", for a value that
// must not be written into the file (an API key, a bearer token, a cookie).
// The report says to export the variable. where names the place for it.
func (c *Collection) SecretRef(where, hint string) string {
	name := EnvName(hint)
	c.DeclareVariable(name)
	c.Note(where, "a secret value was left out of the file: it is read from the environment variable %s (export it before sending)", name)
	return "{{env." + name + "}}"
}

// SensitiveHeader reports whether a header carries a credential by its
// name: Authorization, Cookie, X-Api-Key, or a name with the word token,
// secret, password, auth, session, credential or signature in it
// (X-Amz-Security-Token, X-Auth-Token; not Authority).
func SensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey":
		return true
	}
	words := strings.FieldsFunc(n, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	api := false
	for _, w := range words {
		switch w {
		case "token", "secret", "password", "passwd", "auth", "session", "credential", "credentials", "signature", "cookie", "apikey":
			return true
		case "api":
			api = true
		case "key":
			if api {
				return true
			}
		}
	}
	return false
}

// HeaderValue returns what to write for a header of a request: the value
// escaped as a literal, or, for a sensitive header, a reference to an
// environment variable named after the header (the bearer scheme kept:
// "Bearer {{env.AUTHORIZATION}}"). Values that are already templates only
// (every part inside "{{...}}", as Postman writes "{{token}}") are kept.
func (c *Collection) HeaderValue(where, name, value string, template bool) string {
	if !SensitiveHeader(name) || strings.TrimSpace(value) == "" || allDigits(value) {
		if template {
			return value
		}
		return Literal(value)
	}
	if template && onlyTemplates(value) {
		return value
	}
	scheme := ""
	if i := strings.IndexByte(value, ' '); i > 0 && strings.EqualFold(name, "authorization") {
		scheme = value[:i+1]
		if template && onlyTemplates(value[i+1:]) {
			return value
		}
	}
	return Literal(scheme) + c.SecretRef(where, name)
}

// onlyTemplates reports whether s is made only of "{{...}}" parts and
// spaces.
func onlyTemplates(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for s != "" {
		if !strings.HasPrefix(s, "{{") {
			return false
		}
		end := strings.Index(s, "}}")
		if end < 0 {
			return false
		}
		s = strings.TrimSpace(s[end+2:])
	}
	return true
}

// KeyEnvs makes the variables a source gave for an AWS key's three parts
// safe to write into a static profile: a name the loader would refuse in
// its role (the secret key read as the session token, a token as the
// access key id: values that would leave in clear), or one already used
// for another part, becomes that part's default name (defs), and the
// finding says so. sessionEnv may be "" (no session token).
func (c *Collection) KeyEnvs(where, accessEnv, secretEnv, sessionEnv string, defs [3]string) (string, string, string) {
	envs := []*string{&accessEnv, &secretEnv, &sessionEnv}
	fields := [3]string{"access_key_id_env", "secret_access_key_env", "session_token_env"}
	for i, e := range envs {
		if *e == "" {
			continue
		}
		why := collections.CredentialEnvProblem(fields[i], *e)
		for j := 0; j < i && why == ""; j++ {
			if *envs[j] == *e {
				why = fmt.Sprintf("%s is already read by %s: one variable may feed one role only", *e, fields[j])
			}
		}
		if why != "" && *e != defs[i] {
			c.Note(where, "the source's %s was not kept (%s): the profile reads %s instead", fields[i], why, defs[i])
			*e = defs[i]
		}
	}
	return accessEnv, secretEnv, sessionEnv
}

// StaticProfile adds (or reuses) a static profile reading AWS keys from the
// environment variables named, and returns its name. sessionEnv may be "".
func (c *Collection) StaticProfile(name, accessEnv, secretEnv, sessionEnv, region string) string {
	fields := []KV{{Key: "access_key_id_env", Value: accessEnv}, {Key: "secret_access_key_env", Value: secretEnv}}
	if sessionEnv != "" {
		fields = append(fields, KV{Key: "session_token_env", Value: sessionEnv})
	}
	if region != "" {
		fields = append(fields, KV{Key: "region", Value: region})
	}
	return c.AddProfile(Profile{Name: name, Type: "static", Fields: fields,
		Comment: "AWS keys are read from these environment variables; they are never written here"})
}

// allDigits: a number is a setting (a TTL, a version), not a secret.
func allDigits(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 8 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
