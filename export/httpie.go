package export

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
)

// HTTPie writes a prepared request as an HTTPie command. Stock HTTPie
// (Debian's httpie, the one on most machines) cannot sign SigV4: its
// --auth-type has no aws4 without the httpie-aws-authv4 plugin, which is
// in neither Debian nor the registries people reach. So a request signed
// with IAM is written as signed now (its headers as request items, its
// expiry in a comment), and Options.HTTPiePlugin writes the plugin form
// instead (--auth-type aws4, which reads the keys as the AWS CLI does:
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). A token or
// API key is read from a variable, as in a fresh curl command; with
// Options.Frozen every request is written exactly as signed.
func HTTPie(p *exchange.Prepared, o Options) (string, error) {
	if p == nil || p.Resolved == nil || p.Request == nil {
		return "", fmt.Errorf("export httpie: no prepared request")
	}
	if !httpieMethod(p.Request.Method) {
		return "", fmt.Errorf("export httpie: method %q: HTTPie sends capital letters only, and would read any other method as the URL and the URL as a header (use --as curl)", p.Request.Method)
	}
	vw := newValueWriter(p, &o)
	c := &command{}
	r := p.Request
	query := r.RawQuery
	words := []string{"http", "--path-as-is"}
	var auth []headerItem
	frozen := o.Frozen
	if m := o.auth(p).Mode; !frozen && (m == collections.ModeIAM || m == collections.ModeGuest) && !o.HTTPiePlugin {
		if p.Trace == nil {
			return "", fmt.Errorf("export httpie: stock HTTPie cannot sign SigV4 (its --auth-type has no aws4), so the command is the request as signed now, and no credentials are at hand to sign it: log in or set the profile's keys, or use --httpie-plugin (the httpie-aws-authv4 plugin signs on every run) or --as curl")
		}
		frozen = true
		c.note("stock HTTPie cannot sign SigV4 (no aws4 auth type without the httpie-aws-authv4 plugin): this is the request as signed now; sigscope export --as httpie --httpie-plugin writes the plugin form, which signs on every run")
	}
	if frozen {
		if e := expiry(p); e != "" {
			c.note("%s", e)
		}
	} else {
		r = p.Unsigned
		query = r.RawQuery
		a := o.auth(p)
		switch a.Mode {
		case collections.ModeIAM, collections.ModeGuest:
			region, service, err := regionService(p, a)
			if err != nil {
				return "", fmt.Errorf("export httpie: %w", err)
			}
			c.note("needs the httpie-aws-authv4 plugin, which signs on every run with the keys the AWS CLI would use")
			cv := credentialsFor(p, a, &o)
			for _, n := range cv.notes {
				c.note("%s", n)
			}
			// The plugin reads the AWS CLI's variables: a profile that
			// names others hands them over.
			pass := func(aws, from string) {
				if from != aws {
					c.env = append(c.env, aws+"="+word([]segment{{name: from}}))
				}
			}
			pass("AWS_ACCESS_KEY_ID", cv.access)
			pass("AWS_SECRET_ACCESS_KEY", cv.secret)
			if cv.withToken {
				pass("AWS_SESSION_TOKEN", cv.token)
			}
			words = append(words, "--auth-type", "aws4", "--auth", Quote("service="+service+",region="+region))
			tr, err := canonicalForm(r, a, region, service)
			if err != nil {
				return "", fmt.Errorf("export httpie: %w", err)
			}
			if query != "" && tr.Query.Output != query {
				query = tr.Query.Output
				c.note("the query is written in SigV4 canonical order and encoding, which the plugin signs as written")
			}
			if _, ok := r.Get("X-Amz-Content-Sha256"); !ok && (a.S3 || a.UnsignedPayload) {
				auth = append(auth, headerItem{"x-amz-content-sha256", []segment{{lit: tr.Payload.Hash}}})
			}
		case collections.ModeIDToken, collections.ModeAccessToken:
			name, field := EnvIDToken, "id_token"
			if a.Mode == collections.ModeAccessToken {
				name, field = EnvAccessToken, "access_token"
			}
			prefix := ""
			if a.Bearer {
				prefix = "Bearer "
			}
			c.note("%s", tokenHint(p, name, field, a, &o))
			auth = append(auth, headerItem{"Authorization", []segment{{lit: prefix}, {name: name}}})
		case collections.ModeAPIKey:
			name := o.EnvNames[string(a.APIKey)]
			if name == "" {
				name = EnvAPIKey
				c.note("%s is the API key that the api_key of the collection gives; sigscope export --frozen --show-secrets prints the request with it", EnvAPIKey)
			}
			auth = append(auth, headerItem{"x-api-key", []segment{{name: name}}})
		}
	}
	words = append(words, httpieBody(c, p, r, vw)...)
	// -- ends the options: a header named -o would otherwise make HTTPie
	// write the response over a file.
	words = append(words, "--", Quote(r.Method), word(vw.text(wireURL(p, r, query))))
	c.add(words...)
	var items []headerItem
	if r.Host != p.Target.Host {
		items = append(items, headerItem{"Host", []segment{{lit: r.Host}}})
	}
	items = append(items, auth...)
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, "Content-Length") || (strings.EqualFold(h.Name, "User-Agent") && !frozen && !userHeader(p, h.Name)) {
			continue
		}
		items = append(items, headerItem{h.Name, vw.header(h.Name, h.Value)})
	}
	for _, h := range items {
		it, err := h.item()
		if err != nil {
			return "", fmt.Errorf("export httpie: %w", err)
		}
		c.add(it)
	}
	if vw.masked {
		c.note("values shown as …(N chars) are masked secrets: sigscope export --show-secrets writes them in clear")
	}
	return c.String(), nil
}

// headerItem is a header to write as an HTTPie request item.
type headerItem struct {
	name  string
	value []segment
}

// item writes Name:value ("Name;" for an empty value) with each character
// HTTPie reads as part of a separator escaped: unescaped, the value
// @FILE (Name:@FILE) or =@FILE (Name:=@FILE) makes HTTPie send the file's
// contents. Variables are the user's own values, read when the command
// runs, and stay as they are.
func (h headerItem) item() (string, error) {
	name, err := httpieEscape(h.name, true)
	if err != nil {
		return "", fmt.Errorf("header name %q: %w", h.name, err)
	}
	segs := []segment{{lit: name + ":"}}
	empty := true
	for _, s := range h.value {
		if s.lit != "" || s.name != "" {
			empty = false
		}
		if s.name == "" {
			if s.lit, err = httpieEscape(s.lit, false); err != nil {
				return "", fmt.Errorf("header %s: %w", h.name, err)
			}
		}
		segs = append(segs, s)
	}
	if empty {
		return Quote(name + ";"), nil
	}
	return word(segs), nil
}

// httpieSeparators are the characters of HTTPie's request-item separators
// (: ; = @ in : ; :@ == ==@ = := @ =@ :=@).
const httpieSeparators = ":;=@"

// httpieEscape puts a backslash before every separator character, as
// HTTPie's escaping rules have it. HTTPie keeps a backslash before any
// other character as it is, and reads backslashes in pairs: an odd run of
// them before a separator cannot be written at all, nor at the end of a
// key, where the separator follows.
func httpieEscape(s string, key bool) (string, error) {
	var b strings.Builder
	run := 0 // backslashes just before
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(httpieSeparators, c) >= 0 {
			if run%2 == 1 {
				return "", fmt.Errorf("HTTPie has no way to write a backslash before %q in a request item (use --as curl)", c)
			}
			b.WriteByte('\\')
		}
		if c == '\\' {
			run++
		} else {
			run = 0
		}
		b.WriteByte(c)
	}
	if key && run%2 == 1 {
		return "", fmt.Errorf("HTTPie has no way to write a backslash at the end of a name (use --as curl)")
	}
	return b.String(), nil
}

// httpieMethod reports a method HTTPie sends as it is: it upper-cases
// methods, and takes anything but letters for the URL.
func httpieMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}

// httpieBody is the body's flags: --raw for text an argument can hold,
// else the body from standard input (a file, or printf for a NUL or bytes
// a terminal would not show).
func httpieBody(c *command, p *exchange.Prepared, r *sign.Request, vw *valueWriter) []string {
	if len(r.Body) == 0 {
		return []string{"--ignore-stdin"}
	}
	if b := p.Resolved.Body; b != nil && b.Kind == collections.BodyFile && b.File != "" {
		c.stdin = Quote(b.File)
		return nil
	}
	segs := vw.text(string(r.Body))
	if needsPipe(r.Body) {
		c.prefix = printfCommand(segs)
		return nil
	}
	// --raw=: a body starting with - is no option.
	return []string{"--ignore-stdin", word(append([]segment{{lit: "--raw="}}, segs...))}
}
