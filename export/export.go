// Package export writes a prepared request, or a whole collection, in
// another tool's form: a curl or HTTPie command, a Postman v2.1
// collection, or the raw HTTP bytes.
//
// A command comes in two forms. The default keeps no signature: curl signs
// it again on every run (--aws-sigv4) from keys it reads from environment
// variables, and tokens are read from variables too, so the command stays
// valid and holds no secret. --frozen writes the request exactly as
// sigscope signed it, which is what to paste into a ticket; it expires, and
// its secrets are masked (or read from the variable that held them) unless
// shown on purpose.
package export

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// Format is an export format.
type Format string

const (
	FormatCurl    Format = "curl"
	FormatHTTPie  Format = "httpie"
	FormatPostman Format = "postman"
	FormatRaw     Format = "raw"
)

// Formats lists the export formats in help order.
var Formats = []Format{FormatCurl, FormatHTTPie, FormatPostman, FormatRaw}

// Options say how one request is exported.
type Options struct {
	// Frozen writes the request as signed now instead of a command that
	// signs again on every run.
	Frozen bool
	// HTTPiePlugin writes an IAM request for HTTPie with the
	// httpie-aws-authv4 plugin (--auth-type aws4), which signs on every
	// run, instead of the request as signed now (stock HTTPie cannot sign).
	HTTPiePlugin bool
	// Environment and Vars are the --env and --var the export was given:
	// the login a comment suggests needs them too (a collection on the
	// emulator reads its address from --var emulator=...).
	Environment string
	Vars        map[string]string
	// ShowSecrets writes session tokens, tokens, API keys and cookie
	// values in clear.
	ShowSecrets bool
	// EnvNames maps a secret value to the environment variable that holds
	// it: the command then reads "$NAME" instead of the value, which keeps
	// it both secret-free and runnable in the same shell.
	EnvNames map[string]string
	// Collection is the collection file as the user named it, for the
	// commands the comments suggest (sigscope login FILE).
	Collection string
	// Auth is the request's auth as the collection has it, when the
	// preview was made without auth (mode none) because no credentials or
	// token were at hand: a fresh command needs neither. nil uses the
	// preview's own.
	Auth *collections.ResolvedAuth
}

// auth is the auth the export writes.
func (o *Options) auth(p *exchange.Prepared) collections.ResolvedAuth {
	if o.Auth != nil {
		return *o.Auth
	}
	return p.Resolved.Auth
}

// Variable names a fresh command reads tokens and keys from, when the
// collection names none.
const (
	EnvIDToken     = "SIGSCOPE_ID_TOKEN"
	EnvAccessToken = "SIGSCOPE_ACCESS_TOKEN"
	EnvAPIKey      = "SIGSCOPE_API_KEY"
)

// credentialVars are the variables a fresh IAM command reads its keys
// from, and the comments that say where they come from.
type credentialVars struct {
	access, secret, token string
	withToken             bool
	notes                 []string
}

// credentialsFor picks the variables: a static profile's own (the command
// then runs in the shell that sigscope itself reads), else the AWS CLI's.
func credentialsFor(p *exchange.Prepared, a collections.ResolvedAuth, o *Options) credentialVars {
	cv := credentialVars{access: "AWS_ACCESS_KEY_ID", secret: "AWS_SECRET_ACCESS_KEY", token: "AWS_SESSION_TOKEN"}
	signedWithToken := false
	if p.Request != nil {
		_, signedWithToken = p.Request.Get("X-Amz-Security-Token")
		if !signedWithToken && p.Trace != nil && strings.Contains(p.Request.RawQuery, "X-Amz-Security-Token=") {
			signedWithToken = true
		}
	}
	prof := a.Profile
	switch {
	case a.Mode == collections.ModeGuest:
		cv.withToken = true
		cv.notes = append(cv.notes, guestRecipe(prof)...)
	case prof != nil && prof.Type == collections.ProfileStatic:
		if prof.AccessKeyIDEnv != "" {
			cv.access = prof.AccessKeyIDEnv
		}
		if prof.SecretAccessKeyEnv != "" {
			cv.secret = prof.SecretAccessKeyEnv
		}
		if prof.SessionTokenEnv != "" {
			cv.token = prof.SessionTokenEnv
		}
		// Signed without a token although the profile names a variable:
		// the variable is empty in this shell, so the command leaves it out.
		cv.withToken = signedWithToken || (o.Auth != nil && prof.SessionTokenEnv != "")
		cv.notes = append(cv.notes, fmt.Sprintf("the keys are read from %s, as profile %s of the collection reads them", joinNames(cv.access, cv.secret, cv.token, cv.withToken), Quote(prof.Name)))
	case prof != nil && prof.Type == collections.ProfileCognito:
		cv.withToken = true
		cv.notes = append(cv.notes, fmt.Sprintf("profile %s signs with temporary credentials from the Cognito identity pool %s, which sigscope does not print: set %s to such credentials (aws cognito-identity get-credentials-for-identity gives them), or export with --frozen", Quote(prof.Name), Quote(prof.IdentityPoolID), joinNames(cv.access, cv.secret, cv.token, true)))
	case prof != nil && prof.Type == collections.ProfileAWS && prof.AWSProfile != "":
		cv.withToken = signedWithToken
		// Quoted for the shell: whoever follows the advice runs it.
		cv.notes = append(cv.notes, fmt.Sprintf("the keys of AWS profile %s: eval \"$(aws configure export-credentials --profile %s --format env)\"", Quote(prof.AWSProfile), Quote(prof.AWSProfile)))
	default:
		cv.withToken = signedWithToken
		cv.notes = append(cv.notes, "the keys of the default AWS credential chain: eval \"$(aws configure export-credentials --format env)\"")
	}
	if !cv.withToken && (prof == nil || prof.Type != collections.ProfileStatic) {
		cv.notes = append(cv.notes, fmt.Sprintf("temporary credentials also need -H \"x-amz-security-token: $%s\"", cv.token))
	}
	return cv
}

func joinNames(access, secret, token string, withToken bool) string {
	if withToken {
		return access + ", " + secret + " and " + token
	}
	return access + " and " + secret
}

// valueWriter writes a header value or URL for a command: in clear with
// ShowSecrets, else with each secret that came from an environment
// variable read from that variable, and every other secret masked.
type valueWriter struct {
	show   bool
	names  map[string]string
	redact *workbench.Redactor
	masked bool // something was masked: the command will not run as is
}

func newValueWriter(p *exchange.Prepared, o *Options) *valueWriter {
	return &valueWriter{show: o.ShowSecrets, names: o.EnvNames, redact: workbench.NewRedactor(o.ShowSecrets, p, nil)}
}

// segment is a piece of a shell word: a literal, or a variable to expand.
type segment struct {
	lit  string
	name string // set for a variable
}

// header returns the value of a header as shell segments.
func (v *valueWriter) header(name, value string) []segment {
	if v.show {
		return []segment{{lit: value}}
	}
	segs := v.vars(value)
	for i, s := range segs {
		if s.name != "" {
			continue
		}
		m := v.redact.Header(name, s.lit)
		if len(segs) > 1 {
			m = v.redact.Known(s.lit) // a part of a value is no whole credential
		}
		if m != s.lit {
			v.masked = true
		}
		segs[i].lit = m
	}
	return segs
}

// text masks known secrets in free text (a URL, a body).
func (v *valueWriter) text(s string) []segment {
	if v.show {
		return []segment{{lit: s}}
	}
	segs := v.vars(s)
	for i, sg := range segs {
		if sg.name == "" {
			m := v.redact.Known(sg.lit)
			if m != sg.lit {
				v.masked = true
			}
			segs[i].lit = m
		}
	}
	return segs
}

// vars splits s around the secrets whose variable is known, longest
// secret first.
func (v *valueWriter) vars(s string) []segment {
	if len(v.names) == 0 || s == "" {
		return []segment{{lit: s}}
	}
	secrets := make([]string, 0, len(v.names))
	for val, name := range v.names {
		// A short value would match ordinary text; a name that is no
		// shell name would be read as code in "$NAME".
		if len(val) >= 4 && isShellName(name) {
			secrets = append(secrets, val)
		}
	}
	sort.Slice(secrets, func(i, j int) bool {
		if len(secrets[i]) != len(secrets[j]) {
			return len(secrets[i]) > len(secrets[j])
		}
		return secrets[i] < secrets[j]
	})
	var out []segment
	rest := s
	for rest != "" {
		at, which := -1, ""
		for _, sec := range secrets {
			if i := strings.Index(rest, sec); i >= 0 && (at < 0 || i < at) {
				at, which = i, sec
			}
		}
		if at < 0 {
			out = append(out, segment{lit: rest})
			break
		}
		if at > 0 {
			out = append(out, segment{lit: rest[:at]})
		}
		out = append(out, segment{name: v.names[which]})
		rest = rest[at+len(which):]
	}
	return out
}

func isShellName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// expiry says until when a frozen request is accepted: 15 minutes after
// X-Amz-Date for a signed header, X-Amz-Expires for a presigned URL.
func expiry(p *exchange.Prepared) string {
	tr := p.Trace
	if tr == nil {
		return ""
	}
	t, err := time.Parse("20060102T150405Z", tr.RequestDate)
	if err != nil {
		return ""
	}
	if tr.Mode == "query" {
		secs := queryValue(p.Request.RawQuery, "X-Amz-Expires")
		var n int
		if _, err := fmt.Sscanf(secs, "%d", &n); err == nil && n > 0 {
			return fmt.Sprintf("presigned at %s (X-Amz-Date): the URL expires %d seconds later, at %s", tr.RequestDate, n, t.Add(time.Duration(n)*time.Second).UTC().Format(time.RFC3339))
		}
	}
	return fmt.Sprintf("signed at %s (X-Amz-Date): AWS accepts it until 15 minutes later, %s (and refuses it when the clock is 15 minutes behind)", tr.RequestDate, t.Add(15*time.Minute).UTC().Format(time.RFC3339))
}

func queryValue(raw, key string) string {
	for _, kv := range strings.Split(raw, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// wireURL is the request's URL as on the wire, at the host the
// connection goes to.
func wireURL(p *exchange.Prepared, r *sign.Request, query string) string {
	u := p.Target.Scheme + "://" + p.Target.Host + r.Path
	if query != "" {
		u += "?" + query
	}
	return u
}

// canonicalForm is the request as a SigV4 server reads it (the query
// decoded, encoded again and sorted; the path encoded again outside S3):
// signing with throwaway keys gives it without any credential.
func canonicalForm(r *sign.Request, a collections.ResolvedAuth, region, service string) (*sign.Trace, error) {
	c := r.Clone()
	c.Del("Authorization")
	c.Del("X-Amz-Date")
	c.Del("X-Amz-Security-Token")
	return sign.Sign(c, sign.Options{
		Credentials: sign.Credentials{AccessKeyID: "AKIDEXPORT", SecretAccessKey: "export"},
		Region:      region, Service: service, Time: time.Unix(0, 0), S3: a.S3, UnsignedPayload: a.UnsignedPayload,
	})
}

// regionService is the scope a fresh command signs for.
func regionService(p *exchange.Prepared, a collections.ResolvedAuth) (string, string, error) {
	region, service := p.Region, p.Service
	if region == "" {
		region = a.Region
	}
	if region == "" && a.Profile != nil {
		region = a.Profile.Region
	}
	if service == "" {
		service = a.Service
	}
	if service == "" {
		service = "execute-api"
	}
	if region == "" {
		return "", "", fmt.Errorf("request %q: no region to sign for: set auth.region or a region variable in the collection", p.Resolved.Path)
	}
	return region, service, nil
}

// userHeader reports whether the collection set a header itself (rather
// than sigscope adding it: User-Agent, Content-Length).
func userHeader(p *exchange.Prepared, name string) bool {
	for _, h := range p.Resolved.Headers {
		if strings.EqualFold(h.Key, name) {
			return true
		}
	}
	return false
}

// comment writes text as a shell comment, one line, terminal-safe.
func comment(text string) string { return "# " + termsafe.Line(text) }
