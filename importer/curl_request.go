package importer

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
	"github.com/sigscope/sigscope/sign"
)

// request turns one curl command into requests (one per URL and per
// --next part) and adds them to the collection.
func (imp *curlImport) request(cmd command) {
	for _, cc := range imp.parseArgs(cmd) {
		where := fmt.Sprintf("line %d", cc.line)
		if len(cc.urls) == 0 {
			if len(cc.headers)+len(cc.data) > 0 || cc.method != "" {
				imp.c.Note(where, "a curl command with no URL was skipped")
			}
			continue
		}
		for _, u := range cc.urls {
			r := imp.build(cc, u, where)
			imp.c.Items = append(imp.c.Items, Item{Request: r})
		}
	}
}

// build makes the request of one URL of a command.
func (imp *curlImport) build(cc *curlCmd, u word, where string) *Request {
	c := imp.c
	r := &Request{}
	rawURL, literal := u.lit()
	urlText := imp.tmpl(u)
	if literal {
		if !strings.Contains(rawURL, "://") {
			rawURL = "http://" + rawURL // curl's guess for a URL without a scheme
			c.Note(where, "the URL %q has no scheme: http:// assumed, as curl does", u.prefix())
		}
		rawURL = strings.SplitN(rawURL, "#", 2)[0]
		base, q, hasQ := strings.Cut(rawURL, "?")
		urlText = Literal(base)
		if hasQ {
			if kvs, ok := splitQuery(q); ok {
				r.Query = append(r.Query, kvs...)
			} else {
				urlText += "?" + Literal(q)
			}
		}
	} else if p := u.prefix(); p != "" && !strings.Contains(p, "://") {
		urlText = "http://" + urlText
	}
	r.URL = urlText

	// Data: the body, or the query with -G.
	var body *Body
	var dataCT string
	if len(cc.data) > 0 {
		if cc.get {
			imp.dataToQuery(cc, r, where)
		} else {
			body, dataCT = imp.dataBody(cc, r, where)
		}
	}
	for _, q := range cc.urlQuery {
		imp.urlQuery(q, r, where)
	}

	// Method, as curl picks it.
	switch {
	case cc.method != "":
		r.Method = strings.ToUpper(cc.method)
		if r.Method != cc.method {
			c.Note(where, "method %q written in upper case: HTTP methods are case-sensitive and servers expect %s", cc.method, r.Method)
		}
	case cc.head:
		r.Method = "HEAD"
	case cc.get:
		r.Method = "GET"
	case body != nil || len(cc.forms) > 0 || len(cc.data) > 0:
		r.Method = "POST"
	case len(cc.upload) > 0:
		r.Method = "PUT"
	default:
		r.Method = "GET"
	}
	if literal {
		r.Name = requestName(r.Method, rawURL)
	} else {
		r.Name = requestName(r.Method, u.display())
	}

	// Headers, then what curl adds on its own.
	sig := imp.sigv4(cc, r, rawURL, where)
	hasHeader := func(name string) bool {
		for _, h := range r.Headers {
			if strings.EqualFold(h.Key, name) {
				return true
			}
		}
		return false
	}
	for _, h := range cc.headers {
		if !isHeaderName(h.name) {
			c.Unmapped(r, "", "header %q: not a valid header name", h.name)
			continue
		}
		lname := strings.ToLower(h.name)
		switch {
		case lname == "content-length":
			continue // computed from the body when sent
		case sig && (lname == "x-amz-date" || lname == "authorization" || lname == "x-amz-security-token"):
			continue // the signer writes them
		case sig && lname == "x-amz-content-sha256":
			if v, _ := h.value.lit(); v == "UNSIGNED-PAYLOAD" {
				r.Auth.UnsignedPayload = true
			}
			continue
		}
		r.Headers = append(r.Headers, KV{Key: h.name, Value: imp.headerValue(r, h)})
	}
	if dataCT != "" && !hasHeader("Content-Type") {
		r.Headers = append(r.Headers, KV{Key: "Content-Type", Value: dataCT})
	}
	if cc.jsonFlag && !hasHeader("Accept") {
		r.Headers = append(r.Headers, KV{Key: "Accept", Value: "application/json"})
	}
	if len(cc.cookies) > 0 {
		imp.cookies(cc, r)
	}
	if len(cc.user) > 0 && !sig {
		r.Headers = append(r.Headers, KV{Key: "Authorization", Value: "Basic " + c.SecretRef("request "+r.Name, "BASIC_AUTH")})
		c.Note("request "+r.Name, "-u (basic auth): set BASIC_AUTH to the base64 of user:password; the credentials were not written")
	}
	if len(cc.oauth2) > 0 {
		v := imp.tmpl(cc.oauth2)
		if _, lit := cc.oauth2.lit(); lit {
			v = c.SecretRef("request "+r.Name, "BEARER")
		}
		r.Headers = append(r.Headers, KV{Key: "Authorization", Value: "Bearer " + v})
	}

	if len(cc.upload) > 0 && body == nil {
		if f, ok := cc.upload.lit(); ok && f != "-" && f != "." {
			body = &Body{Kind: BodyFile, File: f}
		} else {
			c.Unmapped(r, "", "-T %s (an upload from standard input or a variable)", cc.upload.prefix())
		}
	}
	r.Body = body
	for _, f := range cc.forms {
		n, _, _ := f.cut("=")
		nm, _ := n.lit()
		c.Unmapped(r, "", "-F %s (multipart/form-data bodies have no form in collections yet; send the part as a file body or text)", nm)
	}
	for _, o := range cc.unmapped {
		c.Unmapped(r, "", "curl option %s", o)
	}
	if len(cc.ignored) > 0 {
		c.Note("request "+r.Name, "curl options with no meaning here, left out: %s", strings.Join(cc.ignored, ", "))
	}
	return r
}

// headerValue writes a header's value: variables as templates; a literal
// value of a header that carries a credential as a reference to an
// environment variable instead.
func (imp *curlImport) headerValue(r *Request, h curlHeader) string {
	if v, lit := h.value.lit(); lit {
		return imp.c.HeaderValue("request "+r.Name, h.name, v, false)
	}
	return imp.tmpl(h.value)
}

func (imp *curlImport) cookies(cc *curlCmd, r *Request) {
	var parts []string
	for _, ck := range cc.cookies {
		v, lit := ck.lit()
		if lit && !strings.Contains(v, "=") {
			imp.c.Unmapped(r, "", "-b %s (cookies read from a file: sigscope keeps its own cookie jar)", v)
			continue
		}
		if lit {
			parts = append(parts, "")
		} else {
			parts = append(parts, imp.tmpl(ck))
		}
	}
	if len(parts) == 0 {
		return
	}
	// Cookie values are credentials: the literal ones are read from one
	// environment variable.
	var out []string
	secret := false
	for _, p := range parts {
		if p == "" {
			if !secret {
				out = append(out, imp.c.SecretRef("request "+r.Name, "COOKIE"))
				secret = true
			}
			continue
		}
		out = append(out, p)
	}
	r.Headers = append(r.Headers, KV{Key: "Cookie", Value: strings.Join(out, "; ")})
}

// dataBody makes the body of -d, --data-raw, --data-binary,
// --data-urlencode and --json, and the Content-Type curl would send with
// it when no header sets one.
func (imp *curlImport) dataBody(cc *curlCmd, r *Request, where string) (*Body, string) {
	c := imp.c
	ct := "application/x-www-form-urlencoded" // curl's default for -d
	if cc.jsonFlag {
		ct = "application/json"
	}
	headerCT := ""
	for _, h := range cc.headers {
		if strings.EqualFold(h.name, "Content-Type") {
			headerCT, _ = h.value.lit()
			headerCT = strings.ToLower(headerCT)
		}
	}
	// A file as the whole body.
	for _, d := range cc.data {
		p := d.w.prefix()
		if (d.kind == "data" || d.kind == "binary" || d.kind == "json") && strings.HasPrefix(p, "@") {
			f, lit := d.w.lit()
			if !lit || f == "@-" || len(cc.data) > 1 {
				c.Note(where, "the body read from %s cannot be imported (standard input, a variable or several parts): left out", p)
				return nil, ""
			}
			if d.kind == "data" {
				c.Note(where, "-d @%s: curl strips the file's line breaks; sigscope sends the file as it is", f[1:])
			}
			return &Body{Kind: BodyFile, File: f[1:]}, ct
		}
	}
	// Form fields when every part is a name=value pair that encodes back
	// to the same bytes.
	var form []KV
	formOK := headerCT == "" || strings.Contains(headerCT, "x-www-form-urlencoded")
	var texts []string
	for _, d := range cc.data {
		if d.kind == "urlencode" {
			kv, text, ok := imp.urlencodePart(d.w, where)
			if !ok {
				return nil, ""
			}
			texts = append(texts, text)
			if kv != nil && formOK {
				form = append(form, *kv)
			} else {
				formOK = false
			}
			continue
		}
		t := imp.tmpl(d.w)
		texts = append(texts, t)
		if raw, lit := d.w.lit(); lit && formOK {
			if kvs, ok := splitQuery(raw); ok {
				form = append(form, kvs...)
				continue
			}
		}
		formOK = false
	}
	if formOK && len(form) > 0 && !cc.jsonFlag {
		for i, kv := range form {
			if secretValue(kv.Key, kv.Value) && !onlyTemplates(kv.Value) {
				form[i].Value = c.SecretRef("request "+requestName("", r.URL)+" form field "+kv.Key, kv.Key)
			}
		}
		return &Body{Kind: BodyForm, Form: form}, ""
	}
	text := strings.Join(texts, "&")
	trimmed := strings.TrimSpace(text)
	if (strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")) && json.Valid([]byte(trimmed)) {
		if !cc.jsonFlag && headerCT == "" {
			c.Note("request "+requestName("", r.URL), "curl sends this JSON as application/x-www-form-urlencoded (no Content-Type was given); the header is kept: change it if the API expects application/json")
			return &Body{Kind: BodyJSON, JSON: json.RawMessage(trimmed)}, ct
		}
		if cc.jsonFlag || strings.Contains(headerCT, "json") {
			return &Body{Kind: BodyJSON, JSON: json.RawMessage(trimmed)}, ct
		}
	}
	return &Body{Kind: BodyText, Text: text}, ct
}

// urlencodePart reads one --data-urlencode argument: "content", "=content",
// "name=content", "@file" or "name@file". It returns the pair (nil when
// there is no name) and its encoded text.
func (imp *curlImport) urlencodePart(w word, where string) (*KV, string, bool) {
	p := w.prefix()
	eq := strings.IndexByte(p, '=')
	at := strings.IndexByte(p, '@')
	if at >= 0 && (eq < 0 || at < eq) {
		imp.c.Note(where, "--data-urlencode %s reads a file: left out", p)
		return nil, "", false
	}
	if eq < 0 {
		return nil, imp.encoded(w), true
	}
	name, val, _ := w.cut("=")
	n, _ := name.lit()
	v := imp.tmpl(val)
	if n == "" {
		return nil, imp.encoded(val), true
	}
	return &KV{Key: Literal(n), Value: v}, Literal(n) + "=" + v, true
}

// encoded writes a word percent-encoded as curl's URL encoding does
// (RFC 3986: all but A-Z a-z 0-9 - . _ ~); variables stay templates.
func (imp *curlImport) encoded(w word) string {
	var b strings.Builder
	for _, s := range w {
		if s.v != "" || s.cmd != "" {
			b.WriteString(imp.tmpl(word{s}))
			continue
		}
		b.WriteString(Literal(sign.URIEncode(s.text)))
	}
	return b.String()
}

// dataToQuery appends the data to the query, as -G does.
func (imp *curlImport) dataToQuery(cc *curlCmd, r *Request, where string) {
	for _, d := range cc.data {
		if d.kind == "urlencode" {
			kv, text, ok := imp.urlencodePart(d.w, where)
			switch {
			case !ok:
			case kv != nil:
				r.Query = append(r.Query, *kv)
			default:
				appendQuery(r, text)
			}
			continue
		}
		if raw, lit := d.w.lit(); lit {
			if kvs, ok := splitQuery(raw); ok {
				r.Query = append(r.Query, kvs...)
				continue
			}
		}
		name, val, found := d.w.cut("=")
		if n, ok := name.lit(); ok && found && n != "" {
			r.Query = append(r.Query, KV{Key: Literal(n), Value: imp.tmpl(val)})
			continue
		}
		imp.c.Note(where, "-G data %q is not name=value: appended to the URL", d.w.prefix())
		sep := "?"
		if strings.Contains(r.URL, "?") {
			sep = "&"
		}
		r.URL += sep + imp.tmpl(d.w)
	}
}

// urlQuery reads --url-query: "name=content" (content encoded),
// "+name=content" (as is), "content".
func (imp *curlImport) urlQuery(w word, r *Request, where string) {
	p := w.prefix()
	if strings.HasPrefix(p, "+") {
		w = append(word{{text: strings.TrimPrefix(w[0].text, "+")}}, w[1:]...)
		if raw, lit := w.lit(); lit {
			if kvs, ok := splitQuery(raw); ok {
				r.Query = append(r.Query, kvs...)
				return
			}
		}
	}
	kv, text, ok := imp.urlencodePart(w, where)
	switch {
	case !ok:
	case kv != nil:
		r.Query = append(r.Query, *kv)
	default:
		appendQuery(r, text)
	}
}

// appendQuery adds a query part with no name to the URL itself (the
// query: mapping always writes name=value).
func appendQuery(r *Request, part string) {
	sep := "?"
	if strings.Contains(r.URL, "?") {
		sep = "&"
	}
	r.URL += sep + part
}

// splitQuery splits a raw query into decoded pairs when writing them back
// (every byte but A-Z a-z 0-9 - . _ ~ as upper-case %XX) gives the same
// bytes; otherwise the query stays in the URL as written.
func splitQuery(raw string) ([]KV, bool) {
	if raw == "" {
		return nil, false
	}
	var out []KV
	for _, part := range strings.Split(raw, "&") {
		k, v, found := strings.Cut(part, "=")
		if !found || k == "" || !canonicalEscaped(k) || !canonicalEscaped(v) {
			return nil, false
		}
		dk, err1 := url.PathUnescape(k)
		dv, err2 := url.PathUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, false
		}
		out = append(out, KV{Key: Literal(dk), Value: Literal(dv)})
	}
	return out, true
}

// canonicalEscaped reports whether s is written as RFC 3986 encoding
// writes it: unreserved bytes as they are, every other byte %XX in upper
// case.
func canonicalEscaped(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.', c == '_', c == '~':
		case c == '%' && i+2 < len(s) && isUpperHex(s[i+1]) && isUpperHex(s[i+2]):
			b := unhex(s[i+1])<<4 | unhex(s[i+2])
			if b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '_' || b == '~' {
				return false // an escaped unreserved byte would be written plain
			}
			i += 2
		default:
			return false
		}
	}
	return true
}

func isUpperHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	if c >= 'A' {
		return c - 'A' + 10
	}
	return c - '0'
}

var tokenRE = lazyre.New("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

func isHeaderName(s string) bool { return tokenRE.MatchString(s) }

// requestName is "METHOD /path" (the URL's path, without query).
func requestName(method, u string) string {
	host, p := "", u
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
		host = p
		if j := strings.IndexByte(p, '/'); j >= 0 {
			host, p = p[:j], p[j:]
		} else {
			p = "/"
		}
	}
	p = strings.SplitN(p, "?", 2)[0]
	return PathName(method, p, strings.Contains(host, ".execute-api."))
}

// PathName names a request by its method and path as people say it: "GET
// pets {petId}" for GET /pets/{petId}, without the '/' that separates
// folders in a request path (a name with one must be escaped as
// "GET \/pets" to be named). stage drops the first segment, an API
// Gateway stage ("GET /prod/pets" is "GET pets"); the root is "GET root".
func PathName(method, path string, stage bool) string {
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	if stage && len(segs) > 1 {
		segs = segs[1:]
	}
	name := strings.Join(segs, " ")
	if name == "" {
		name = "root"
	}
	if len(name) > 80 {
		name = name[:77] + "..."
	}
	return strings.TrimSpace(method + " " + name)
}
