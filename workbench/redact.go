package workbench

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
)

// Redactor hides the secrets one exchange involved: tokens, session
// tokens and API keys wherever they appear; cookie values in Cookie and
// Set-Cookie lines, and elsewhere when long enough not to collide with
// ordinary text. Every output of an outcome goes through the one redactor
// built for it.
type Redactor struct {
	show bool
	repl *strings.Replacer
}

// NewRedactor collects the secrets of a prepared request and, when res is
// not nil, of its answer. show turns masking off (--show-secrets).
func NewRedactor(show bool, p *exchange.Prepared, res *exchange.Result) *Redactor {
	m := &Redactor{show: show}
	if show {
		return m
	}
	var secrets []string
	secrets = append(secrets, p.Secrets...)
	var cookieValues []string
	for _, c := range p.CookiesSent {
		cookieValues = append(cookieValues, c.Cookie.Value)
	}
	if res != nil {
		for _, c := range res.Cookies {
			cookieValues = append(cookieValues, c.Cookie.Value)
		}
	}
	m.repl = replacer(secrets, cookieValues)
	return m
}

// NewSecretsRedactor masks a plain list of secrets (a login's tokens and
// password, the demo's keys).
func NewSecretsRedactor(secrets ...string) *Redactor {
	return &Redactor{repl: replacer(secrets, nil)}
}

// replacer masks every secret and the cookie values of 8 characters or
// more, longest first so that a secret inside another is not
// half-replaced.
func replacer(secrets, cookieValues []string) *strings.Replacer {
	seen := map[string]bool{}
	var all []string
	add := func(s string, min int) {
		if len(s) >= min && !seen[s] {
			seen[s] = true
			all = append(all, s)
		}
	}
	for _, s := range secrets {
		add(s, 1)
		for _, v := range encodedForms(s) {
			add(v, 8)
		}
	}
	for _, s := range cookieValues {
		add(s, 8)
	}
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	var pairs []string
	for _, s := range all {
		pairs = append(pairs, s, cookies.Mask(s))
	}
	if len(pairs) == 0 {
		return nil
	}
	return strings.NewReplacer(pairs...)
}

// Showing reports whether secrets are shown in clear.
func (m *Redactor) Showing() bool { return m.show }

// Text masks the known secrets in s, and the values of Cookie and
// Set-Cookie lines.
func (m *Redactor) Text(s string) string {
	if m.show {
		return s
	}
	s = MaskCookieLines(s)
	if m.repl != nil {
		s = m.repl.Replace(s)
	}
	return s
}

// Known masks only the known secrets: for bodies, whose lines are the
// server's and not headers.
func (m *Redactor) Known(s string) string {
	if m.show || m.repl == nil {
		return s
	}
	return m.repl.Replace(s)
}

// MaskCookieLines masks the values of lines that are Cookie or Set-Cookie
// headers, in wire form ("Cookie: a=b"), display form ("Cookie:a=b") or
// canonical form ("cookie:a=b").
func MaskCookieLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		cr := strings.HasSuffix(value, "\r")
		value = strings.TrimSuffix(value, "\r")
		lead := value[:len(value)-len(strings.TrimLeft(value, " "))]
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "cookie":
			value = lead + cookies.MaskCookieHeader(strings.TrimLeft(value, " "))
		case "set-cookie":
			value = lead + cookies.MaskSetCookie(strings.TrimLeft(value, " "))
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
