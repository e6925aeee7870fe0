package collections

import (
	"encoding/json"
	"time"

	"gopkg.in/yaml.v3"
)

// AuthMode says how a request is authorized.
type AuthMode string

const (
	ModeIAM         AuthMode = "iam"          // SigV4 with credentials from the profile
	ModeIDToken     AuthMode = "id_token"     // Cognito id_token in Authorization (user-pool authorizer)
	ModeAccessToken AuthMode = "access_token" // Cognito access_token in Authorization
	ModeAPIKey      AuthMode = "api_key"      // x-api-key header from the api_key template
	// ModeGuest is SigV4 with the identity pool's unauthenticated (guest)
	// credentials: GetId without logins, then GetCredentialsForIdentity, as
	// Amplify does while nobody is signed in. It needs a cognito profile
	// with identity_pool_id; nobody logs in.
	ModeGuest AuthMode = "guest"
	ModeNone  AuthMode = "none"
)

var authModes = []string{string(ModeIAM), string(ModeIDToken), string(ModeAccessToken), string(ModeAPIKey), string(ModeGuest), string(ModeNone)}

// Signing algorithms of auth.algorithm (iam mode).
const (
	AlgorithmSigV4  = "sigv4"  // AWS4-HMAC-SHA256, the default
	AlgorithmSigV4a = "sigv4a" // AWS4-ECDSA-P256-SHA256, signed for auth.region_set
)

var authAlgorithms = []string{AlgorithmSigV4, AlgorithmSigV4a}

// ProfileType is the kind of an auth profile.
type ProfileType string

const (
	ProfileCognito ProfileType = "cognito" // user pool login, identity pool credentials
	ProfileAWS     ProfileType = "aws"     // shared config profile or the default chain
	ProfileStatic  ProfileType = "static"  // keys read from named environment variables
)

var profileTypes = []string{string(ProfileCognito), string(ProfileAWS), string(ProfileStatic)}

// BodyKind is the kind of a request body.
type BodyKind string

const (
	BodyJSON BodyKind = "json"
	BodyText BodyKind = "text"
	BodyForm BodyKind = "form"
	BodyFile BodyKind = "file"
)

var bodyKinds = []string{string(BodyJSON), string(BodyText), string(BodyForm), string(BodyFile)}

// KV is one ordered key/value pair of a query or header list; a key may
// repeat.
type KV struct {
	Key, Value string
}

// Secret is a value that must not be printed: fmt shows only its first
// characters. Convert with string(s) where the clear value is needed.
type Secret string

func (s Secret) String() string { return maskSecret(string(s)) }

// GoString keeps %#v from printing the value either.
func (s Secret) GoString() string { return maskSecret(string(s)) }

func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	r := []rune(s)
	if len(r) <= 8 {
		return "…"
	}
	return string(r[:4]) + "…"
}

// Collection is one loaded collection file. Its exported fields are
// read-only views; change the file through the edit methods, which keep the
// YAML text, comments and layout, then Save.
type Collection struct {
	Name               string
	Description        string
	Path               string // the file it was loaded from (or the name given to LoadBytes)
	DefaultEnvironment string // environment used when Resolve gets ""
	// AllowFiles are files (or folders) outside the collection's folder
	// that file bodies may read, because the user said so.
	AllowFiles []string

	src       *source
	doc       *yaml.Node // the document node; root is doc.Content[0]
	root      *yaml.Node
	variables []string // the top-level variables: list, in file order
	envs      []*environment
	profiles  []*profile
	defaults  defaults
	items     []item
	// index finds a request by its escaped path; version names the text
	// it and the model were built from (index.go).
	index   map[string]found
	version uint64

	// Clock and UUID source for built-in variables; tests replace them.
	now  func() time.Time
	uuid func() string

	// The bytes last loaded (from Path, or given to LoadBytes) or written
	// to Path: Dirty compares the text with them and, when fromDisk, Save
	// refuses to write over a file that no longer holds them.
	diskData []byte
	fromDisk bool

	// Set when the last edit could not be made as a local text change and
	// the file was re-encoded whole (tests check the common edits never are).
	reformatted bool
}

type environment struct {
	name  string
	key   *yaml.Node
	vars  []envVar
	index map[string]int
}

func (e *environment) lookup(name string) (tmpl, bool) {
	i, ok := e.index[name]
	if !ok {
		return tmpl{}, false
	}
	return e.vars[i].value, true
}

func (e *environment) names() []string {
	out := make([]string, len(e.vars))
	for i, v := range e.vars {
		out[i] = v.name
	}
	return out
}

type envVar struct {
	name  string
	key   *yaml.Node
	value tmpl
}

type profile struct {
	name   string
	key    *yaml.Node
	typ    ProfileType
	fields map[string]tmpl // templated fields by YAML key
	envs   map[string]string
}

type optStr struct {
	val  string
	node *yaml.Node
}

type optBool struct {
	val  bool
	node *yaml.Node
}

type optInt struct {
	val  int
	node *yaml.Node
}

type authSpec struct {
	mode, profile                              optStr
	service, region, apiKey                    tmpl
	presign, s3, unsignedPayload, bearer, cook optBool
	expires                                    optInt
	algorithm                                  optStr
	regionSet                                  regionSetSpec
}

// regionSetSpec is auth.region_set: a list or a comma-separated string,
// each item a template.
type regionSetSpec struct {
	items []tmpl
	node  *yaml.Node
}

type headerEntry struct {
	name   string
	key    *yaml.Node
	values []tmpl
	remove bool // `Name: null` drops an inherited default
}

type queryEntry struct {
	key    tmpl
	values []tmpl
}

type defaults struct {
	auth    authSpec
	headers []headerEntry
	asserts []Assert
}

type bodySpec struct {
	kind BodyKind
	node *yaml.Node // the body mapping
	json *yaml.Node
	text tmpl
	form []queryEntry
	file tmpl
}

type request struct {
	name        string
	nameNode    *yaml.Node
	node        *yaml.Node
	description string
	method      string
	url         tmpl
	query       []queryEntry
	headers     []headerEntry
	body        *bodySpec
	auth        authSpec
	captures    []Capture
	asserts     []Assert
}

type folder struct {
	name        string
	nameNode    *yaml.Node
	node        *yaml.Node
	description string
	defaults    defaults
	items       []item
}

type item struct {
	req    *request
	folder *folder
}

// RequestRef names one request of a collection for listing and lookup.
type RequestRef struct {
	Path    string   // folder path and name joined by '/', with '/' in names escaped as `\/`; pass it to Resolve
	Folders []string // enclosing folder names, outermost first
	Name    string
	Method  string
	URL     string // as written, templates not expanded
	Line    int    // position of the request in the file
	Col     int
}

// Request is a request as written in a file: the argument of AddRequest
// and the result of RequestSpec.
type Request struct {
	Name        string
	Description string
	Method      string // GET when empty
	URL         string
	Query       []KV // a repeated key is written as a list
	Headers     []KV
	// RemoveHeaders names headers inherited from defaults that the request
	// drops (written `Name: null`).
	RemoveHeaders []string
	Body          *BodySpec
	Auth          *AuthSpec
}

// BodySpec is a body for AddRequest and SetBody. Set Kind and the one
// matching field.
type BodySpec struct {
	Kind BodyKind
	JSON json.RawMessage // any JSON document; written as YAML, key order kept
	Text string
	Form []KV
	File string // relative to the collection file
}

// AuthSpec is an auth block for AddRequest; zero fields are left out.
type AuthSpec struct {
	Mode            AuthMode
	Profile         string
	Service         string
	Region          string
	Presign         *bool
	Expires         int
	S3              *bool
	UnsignedPayload *bool
	Bearer          *bool
	APIKey          string // a template such as "{{env.PETS_API_KEY}}", never the key itself
	Cookies         *bool
	Algorithm       string   // "sigv4" or "sigv4a"; "" leaves it out
	RegionSet       []string // sigv4a regions, templates as written
}

// ResolvedRequest is a request with every template expanded and every
// default applied: what the sender needs, nothing left to look up.
type ResolvedRequest struct {
	Collection  string
	Path        string
	Name        string
	Environment string // "" when none was chosen
	Method      string
	URL         string // as written after templating; not re-encoded
	Query       []KV   // to append to URL's own query, in order
	Headers     []KV   // in order; a name may repeat
	Body        *ResolvedBody
	Auth        ResolvedAuth
	// Secrets are the values that came from the process environment
	// ({{env.NAME}}): every output masks them wherever they went.
	Secrets []string
}

// ResolvedBody is the bytes to send. ContentType is the Content-Type
// header of the request when it sets one, else the default for the kind.
type ResolvedBody struct {
	Kind        BodyKind
	Bytes       []byte
	ContentType string
	File        string // absolute path, for file bodies
}

// ResolvedAuth is the effective auth of a request.
type ResolvedAuth struct {
	Mode            AuthMode
	Profile         *Profile // nil when Mode is none or api_key without a profile
	Service         string   // SigV4 service; execute-api unless set (s3 when S3)
	Region          string   // auth.region, else the variable "region", else the profile's region
	Presign         bool
	Expires         time.Duration // presign lifetime; 15 minutes unless set
	S3              bool          // S3 rules: path not double-encoded, payload hash header
	UnsignedPayload bool          // x-amz-content-sha256: UNSIGNED-PAYLOAD
	Bearer          bool          // "Bearer " before an id or access token
	APIKey          Secret        // api_key mode
	Cookies         bool          // keep and send cookies (default true)
	// Algorithm is AlgorithmSigV4 or AlgorithmSigV4a (iam mode); RegionSet
	// the regions a SigV4a signature is valid in (nil: Region alone).
	Algorithm string
	RegionSet []string
}

// Profile is an auth profile with its templates expanded. Secrets are
// never read here: the *Env fields name the environment variables the
// auth package reads them from.
type Profile struct {
	Name string
	Type ProfileType

	Region string // all types; for cognito defaults to the user pool's region

	// cognito
	UserPoolID      string
	ClientID        string
	ClientSecretEnv string
	IdentityPoolID  string
	Flow            string // srp (default), password or hosted
	Endpoint        string // emulator base URL; "" for AWS
	Username        string
	PasswordEnv     string
	// Hosted UI (flow: hosted): the user pool domain, an identity provider
	// to go to directly, space-separated scopes, the registered callback port.
	Domain           string
	IdentityProvider string
	Scopes           string
	RedirectPort     string

	// aws
	AWSProfile string // shared config profile; "" for the default chain

	// static
	AccessKeyIDEnv     string
	SecretAccessKeyEnv string
	SessionTokenEnv    string
}
