package export

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
)

// HTTPie writes a prepared request as an HTTPie command: by default signed
// on every run by the httpie-aws-authv4 plugin (--auth-type aws4), which
// reads the keys as the AWS CLI does (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); with Options.Frozen the
// request exactly as signed, its headers as request items.
func HTTPie(p *exchange.Prepared, o Options) (string, error) {
	if p == nil || p.Resolved == nil || p.Request == nil {
		return "", fmt.Errorf("export httpie: no prepared request")
	}
	vw := newValueWriter(p, &o)
	c := &command{}
	r := p.Request
	query := r.RawQuery
	words := []string{"http", "--path-as-is"}
	var auth []string
	if o.Frozen {
		if e := expiry(p); e != "" {
			c.note("%s", e)
		}
	} else {
		r = p.Unsigned
		query = r.RawQuery
		a := o.auth(p)
		switch a.Mode {
		case collections.ModeIAM:
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
				auth = append(auth, item("x-amz-content-sha256", []segment{{lit: tr.Payload.Hash}}))
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
			c.note("%s", tokenHint(name, field, a, &o))
			auth = append(auth, item("Authorization", []segment{{lit: prefix}, {name: name}}))
		case collections.ModeAPIKey:
			name := o.EnvNames[string(a.APIKey)]
			if name == "" {
				name = EnvAPIKey
				c.note("%s is the API key the collection's api_key gives; sigscope export --frozen --show-secrets prints the request with it", EnvAPIKey)
			}
			auth = append(auth, item("x-api-key", []segment{{name: name}}))
		}
	}
	words = append(words, httpieBody(c, p, r, vw)...)
	words = append(words, Quote(r.Method), word(vw.text(wireURL(p, r, query))))
	c.add(words...)
	if r.Host != p.Target.Host {
		c.add(item("Host", []segment{{lit: r.Host}}))
	}
	for _, g := range auth {
		c.add(g)
	}
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, "Content-Length") || (strings.EqualFold(h.Name, "User-Agent") && !o.Frozen && !userHeader(p, h.Name)) {
			continue
		}
		c.add(item(h.Name, vw.header(h.Name, h.Value)))
	}
	if vw.masked {
		c.note("values shown as …(N chars) are masked secrets: sigscope export --show-secrets writes them in clear")
	}
	return c.String(), nil
}

// item is an HTTPie header item, Name:value ("Name;" for an empty value).
// A backslash keeps HTTPie from reading a separator in the value.
func item(name string, value []segment) string {
	empty := true
	for _, s := range value {
		if s.lit != "" || s.name != "" {
			empty = false
		}
	}
	if empty {
		return Quote(name + ";")
	}
	return word(append([]segment{{lit: name + ":"}}, value...))
}

// httpieBody is the body's flags: --raw for bytes an argument can hold,
// else the body from standard input (a file, or printf for NUL bytes).
func httpieBody(c *command, p *exchange.Prepared, r *sign.Request, vw *valueWriter) []string {
	if len(r.Body) == 0 {
		return []string{"--ignore-stdin"}
	}
	if b := p.Resolved.Body; b != nil && b.Kind == collections.BodyFile && b.File != "" {
		c.stdin = Quote(b.File)
		return nil
	}
	if bytes.IndexByte(r.Body, 0) >= 0 {
		c.prefix = printfBody(r.Body)
		return nil
	}
	return []string{"--ignore-stdin", "--raw", word(vw.text(string(r.Body)))}
}
