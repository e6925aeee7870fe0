package workbench

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/internal/lazyre"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/sign"
)

// Redactor hides the secrets one exchange involved: tokens, session
// tokens and API keys wherever they appear; cookie values in Cookie and
// Set-Cookie lines, and elsewhere when long enough not to collide with
// ordinary text; the values of credential-named headers, query
// parameters and body fields (CredentialName), in their place and, once
// seen, wherever they are echoed. Every output of an outcome goes through
// the one redactor built for it.
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
	return newRedactor(append([]string{}, p.Secrets...), exchangeFields(p, res), p, res)
}

// newRedactor masks the given secrets, the cookie values of an exchange,
// and the credentials its headers, query and bodies carry by name
// (fields, from exchangeFields), also where they are echoed without it.
func newRedactor(secrets []string, fields []foundField, p *exchange.Prepared, res *exchange.Result) *Redactor {
	ms := newMaskSet(nil, secrets...)
	for _, c := range p.CookiesSent {
		ms.cookie(c.Cookie.Value)
	}
	if res != nil {
		for _, c := range res.Cookies {
			ms.cookie(c.Cookie.Value)
		}
	}
	for _, f := range fields {
		ms.secret(f.value, 8) // a short one would match ordinary text
		if f.written != "" {
			ms.add(f.written, f.masked, 1)
		}
	}
	return ms.redactor()
}

// NewSecretsRedactor masks a plain list of secrets (a login's tokens and
// password, the demo's keys).
func NewSecretsRedactor(secrets ...string) *Redactor {
	return newMaskSet(nil, secrets...).redactor()
}

// NewSessionTokenRedactor masks session tokens given on the command line
// (sign, verify, explain) in every form a request or an answer carries
// them, named as what they are: "<session token IQoJ…(880 chars)>".
func NewSessionTokenRedactor(tokens ...string) *Redactor {
	return newMaskSet(func(token, _ string) string {
		return "<session token " + secret.Mask(token) + ">"
	}, tokens...).redactor()
}

// maskSet gathers the strings to mask and the mask of each: every secret
// with its encoded forms, cookie values, fields as written.
type maskSet struct {
	label func(secret, form string) string
	mask  map[string]string // each form, and its mask
	all   []string
}

// newMaskSet masks the given secrets, whatever their length; label
// writes the mask of one form of a secret, nil keeping the form's first
// characters and length.
func newMaskSet(label func(secret, form string) string, secrets ...string) *maskSet {
	if label == nil {
		label = func(_, form string) string { return cookies.Mask(form) }
	}
	ms := &maskSet{label: label, mask: map[string]string{}}
	for _, s := range secrets {
		ms.secret(s, 1)
	}
	return ms
}

func (ms *maskSet) add(form, mask string, min int) {
	if _, seen := ms.mask[form]; len(form) >= min && !seen {
		ms.mask[form] = mask
		ms.all = append(ms.all, form)
	}
}

// secret masks s when it has min bytes or more, and its encoded forms
// when they have 8 or more.
func (ms *maskSet) secret(s string, min int) {
	ms.add(s, ms.label(s, s), min)
	for _, v := range encodedForms(s) {
		ms.add(v, ms.label(s, v), max(min, 8))
	}
}

// cookie masks a cookie value of 8 bytes or more, as it is: shorter
// ones would collide with ordinary text, and cookie lines are masked by
// their shape anyway.
func (ms *maskSet) cookie(v string) { ms.add(v, ms.label(v, v), 8) }

// redactor replaces every form, longest first so that a secret inside
// another is not half-replaced.
func (ms *maskSet) redactor() *Redactor {
	m := &Redactor{}
	if len(ms.all) == 0 {
		return m
	}
	sort.Slice(ms.all, func(i, j int) bool { return len(ms.all[i]) > len(ms.all[j]) })
	pairs := make([]string, 0, 2*len(ms.all))
	for _, f := range ms.all {
		pairs = append(pairs, f, ms.mask[f])
	}
	m.repl, m.forms = strings.NewReplacer(pairs...), ms.all
	return m
}

// Showing reports whether secrets are shown in clear.
func (m *Redactor) Showing() bool { return m.show }

// Text masks the known secrets in s, the values of Cookie and Set-Cookie
// lines, the values of lines whose header name says they carry a
// credential (Authorization other than SigV4's, Proxy-Authorization,
// X-Api-Key, *-Token, *Secret*, *Password*), and credential fields (a
// URL's access_token=, a body's "RefreshToken"), even when the value was
// written literally in the collection.
func (m *Redactor) Text(s string) string {
	if m.show {
		return s
	}
	if m.repl != nil {
		s = m.repl.Replace(s)
	}
	return maskFields(maskHeaderLines(s, true))
}

// Known masks the known secrets and credential fields: for bodies, whose
// lines are the server's and not headers.
func (m *Redactor) Known(s string) string {
	if m.show {
		return s
	}
	if m.repl != nil {
		s = m.repl.Replace(s)
	}
	return maskFields(s)
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

var lowerEscapes = lazyre.New(`%[0-9A-F]{2}`)

// encodedForms are the shapes a secret takes when a client writes it or
// a server echoes it: percent-encoded as the query and form builder does
// (sign.URIEncode), as a URL path is sent (exchange.EscapeTarget: space
// and the like only), in SigV4's canonical path (encoded once more, '/'
// kept), as Go's url package and HTML forms write it (space as '+'), all
// in upper- and lower-case hex; JSON-escaped (\/ for '/', \u002b for '+',
// Go's \u003c-style escapes), Go-quoted (%q in an error message), and
// base64. A secret that comes back in any of them is masked like the
// secret.
func encodedForms(s string) []string {
	uri := sign.URIEncode(s)
	path := exchange.EscapeTarget(s)
	percent := []string{
		uri,
		strings.ReplaceAll(uri, "%2F", "/"), // S3's canonical path
		path,
		strings.ReplaceAll(sign.URIEncode(path), "%2F", "/"), // the canonical path of every other service
		url.QueryEscape(s),
		url.PathEscape(s),
	}
	var forms []string
	for _, f := range percent {
		forms = append(forms, f, lowerEscapes.ReplaceAllStringFunc(f, strings.ToLower))
	}
	if b, err := json.Marshal(s); err == nil {
		forms = append(forms, strings.Trim(string(b), `"`))
	}
	forms = append(forms,
		strings.ReplaceAll(s, "/", `\/`),
		strings.NewReplacer("+", `\u002b`, "/", `\/`).Replace(s),
		strings.NewReplacer("+", `\u002B`, "/", `\/`).Replace(s),
		strings.Trim(strconv.Quote(s), `"`),
		base64.StdEncoding.EncodeToString([]byte(s)),
		base64.RawURLEncoding.EncodeToString([]byte(s)),
	)
	return forms
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
	case !CredentialName(name) || value == "" || secret.Masked(value):
		return value // a masked value's own space must not read as a scheme
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
