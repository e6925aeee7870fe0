package workbench

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/sign"
)

// Redactor hides the secrets one exchange involved: tokens, session
// tokens and API keys wherever they appear; cookie values in Cookie and
// Set-Cookie lines, and elsewhere when long enough not to collide with
// ordinary text. Every output of an outcome goes through the one redactor
// built for it.
type Redactor struct {
	show  bool
	repl  *strings.Replacer
	forms []string // every masked string, longest first (for streams)
}

// NewRedactor collects the secrets of a prepared request and, when res is
// not nil, of its answer. show turns masking off (--show-secrets).
func NewRedactor(show bool, p *exchange.Prepared, res *exchange.Result) *Redactor {
	m := &Redactor{show: show}
	if show {
		return m
	}
	return newRedactor(append([]string{}, p.Secrets...), p, res)
}

// newRedactor masks the given secrets and the cookie values of an
// exchange.
func newRedactor(secrets []string, p *exchange.Prepared, res *exchange.Result) *Redactor {
	m := &Redactor{}
	var cookieValues []string
	for _, c := range p.CookiesSent {
		cookieValues = append(cookieValues, c.Cookie.Value)
	}
	if res != nil {
		for _, c := range res.Cookies {
			cookieValues = append(cookieValues, c.Cookie.Value)
		}
	}
	m.repl, m.forms = replacer(secrets, cookieValues, nil)
	return m
}

// NewSecretsRedactor masks a plain list of secrets (a login's tokens and
// password, the demo's keys).
func NewSecretsRedactor(secrets ...string) *Redactor {
	m := &Redactor{}
	m.repl, m.forms = replacer(secrets, nil, nil)
	return m
}

// NewSessionTokenRedactor masks session tokens given on the command line
// (sign, verify, explain) in every form a request or an answer carries
// them, named as what they are: "<session token IQoJ…(880 chars)>".
func NewSessionTokenRedactor(tokens ...string) *Redactor {
	m := &Redactor{}
	m.repl, m.forms = replacer(tokens, nil, func(token, _ string) string {
		return "<session token " + secret.Mask(token) + ">"
	})
	return m
}

// replacer masks every secret (and its encoded forms) and the cookie
// values of 8 characters or more, longest first so that a secret inside
// another is not half-replaced. label writes the mask of one form; nil
// keeps the form's first characters and length.
func replacer(secrets, cookieValues []string, label func(secret, form string) string) (*strings.Replacer, []string) {
	if label == nil {
		label = func(_, form string) string { return cookies.Mask(form) }
	}
	of := map[string]string{} // each form, and the secret it is a form of
	var all []string
	add := func(secret, form string, min int) {
		if _, seen := of[form]; len(form) >= min && !seen {
			of[form] = secret
			all = append(all, form)
		}
	}
	for _, s := range secrets {
		add(s, s, 1)
		for _, v := range encodedForms(s) {
			add(s, v, 8)
		}
	}
	for _, s := range cookieValues {
		add(s, s, 8)
	}
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	var pairs []string
	for _, f := range all {
		pairs = append(pairs, f, label(of[f], f))
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	return strings.NewReplacer(pairs...), all
}

// Showing reports whether secrets are shown in clear.
func (m *Redactor) Showing() bool { return m.show }

// Text masks the known secrets in s, the values of Cookie and Set-Cookie
// lines, and the values of lines whose header name says they carry a
// credential (Authorization other than SigV4's, Proxy-Authorization,
// X-Api-Key, *-Token, *Secret*, *Password*), even when the value was
// written literally in the collection.
func (m *Redactor) Text(s string) string {
	if m.show {
		return s
	}
	if m.repl != nil {
		s = m.repl.Replace(s)
	}
	return maskHeaderLines(s, true)
}

// Known masks only the known secrets: for bodies, whose lines are the
// server's and not headers.
func (m *Redactor) Known(s string) string {
	if m.show || m.repl == nil {
		return s
	}
	return m.repl.Replace(s)
}

// Header masks one header's value: known secrets, cookie values, and the
// whole value of a header named like a credential.
func (m *Redactor) Header(name, value string) string {
	if m.show {
		return value
	}
	return m.Known(maskHeaderValue(name, value))
}

// MaskCookieLines masks the values of lines that are Cookie or Set-Cookie
// headers, in wire form ("Cookie: a=b"), display form ("Cookie:a=b") or
// canonical form ("cookie:a=b").
func MaskCookieLines(s string) string { return maskHeaderLines(s, false) }

// maskHeaderLines masks, line by line, the values of cookie headers and,
// when byName, of headers named like credentials.
func maskHeaderLines(s string, byName bool) string {
	if !strings.Contains(s, ":") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		cr := strings.HasSuffix(value, "\r")
		value = strings.TrimSuffix(value, "\r")
		lead := value[:len(value)-len(strings.TrimLeft(value, " "))]
		n := strings.TrimSpace(name)
		switch {
		case strings.EqualFold(n, "cookie"), strings.EqualFold(n, "set-cookie"),
			byName && CredentialHeader(n):
			value = lead + maskHeaderValue(n, strings.TrimLeft(value, " "))
		default:
			continue
		}
		if cr {
			value += "\r"
		}
		lines[i] = name + ":" + value
	}
	return strings.Join(lines, "\n")
}

var lowerEscapes = regexp.MustCompile(`%[0-9A-F]{2}`)

// encodedForms are the shapes a secret takes when a server or a client
// echoes it: percent-encoded (upper- and lower-case hex), JSON-escaped
// (\/ for '/', \u002b for '+', Go's \u003c-style escapes), and base64.
// A token that comes back in any of them is masked like the token.
func encodedForms(s string) []string {
	uri := sign.URIEncode(s)
	forms := []string{uri, lowerEscapes.ReplaceAllStringFunc(uri, strings.ToLower)}
	if b, err := json.Marshal(s); err == nil {
		forms = append(forms, strings.Trim(string(b), `"`))
	}
	forms = append(forms,
		strings.ReplaceAll(s, "/", `\/`),
		strings.NewReplacer("+", `\u002b`, "/", `\/`).Replace(s),
		strings.NewReplacer("+", `\u002B`, "/", `\/`).Replace(s),
		base64.StdEncoding.EncodeToString([]byte(s)),
		base64.RawURLEncoding.EncodeToString([]byte(s)),
	)
	return forms
}

// credentialName matches header names that carry a credential whatever
// the API calls them (X-Auth-Token, X-Client-Secret, Ocp-Apim-Subscription-Key,
// X-Amz-Security-Token); names that only talk about credentials
// (Access-Control-Allow-Credentials, WWW-Authenticate) are not among them.
var credentialName = regexp.MustCompile(`(?i)^(authorization|proxy-authorization|x-api-key|api-?key|.*token.*|.*secret.*|.*passw.*|.*api-?key.*|.*-key|.*session-?id)$`)

// CredentialHeader reports whether a header's value is a credential by its
// name alone.
func CredentialHeader(name string) bool {
	if strings.HasPrefix(strings.ToLower(name), "access-control-") {
		return false
	}
	return credentialName.MatchString(name)
}

// maskHeaderValue masks a cookie header's values, or the credential in a
// header named like one: the scheme of an Authorization value stays
// ("Bearer …"), and a SigV4 Authorization stays whole, since its parts
// are what a user debugging a signature reads (its signature is no secret
// key; history fingerprints it separately).
func maskHeaderValue(name, value string) string {
	switch {
	case strings.EqualFold(name, "cookie"):
		return cookies.MaskCookieHeader(value)
	case strings.EqualFold(name, "set-cookie"):
		return cookies.MaskSetCookie(value)
	case !CredentialHeader(name) || value == "":
		return value
	}
	if strings.EqualFold(name, "authorization") || strings.EqualFold(name, "proxy-authorization") {
		if strings.HasPrefix(value, "AWS4-") {
			return value
		}
		if scheme, cred, ok := strings.Cut(value, " "); ok && !strings.ContainsAny(scheme, "=,") {
			return scheme + " " + secret.Mask(strings.TrimSpace(cred))
		}
	}
	if strings.Contains(value, "…(") {
		return value // masked already
	}
	return secret.Mask(value)
}
