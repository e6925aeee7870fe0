package workbench

import (
	"io"
	"strings"

	"github.com/sigscope/sigscope/exchange"
)

// fieldScanCap bounds how much of a spooled body (one too big for memory)
// is read for credential fields when its redactor is built. What is found
// there is masked in the whole stream, as any known secret is; a field
// that first appears past the cap is masked only if its value is a
// secret known otherwise: reading a body of gigabytes, or holding back
// an unbounded part of a stream in case a value is still to come, would
// break the streaming that large bodies rely on.
const fieldScanCap = 8 << 20

// foundField is a credential an exchange carries by name, where it was:
// "request_header", "query", "request_body", "response_header",
// "response_body".
type foundField struct {
	where, name, value string
	// written is the field as written (its name to the end of its value)
	// and masked its masked form: they let a stream mask a short value in
	// its field, where the value alone would be too short to look for.
	written, masked string
}

// exchangeFields lists the credentials an exchange carries by name:
// literal values of credential-named headers and query parameters, and
// the credential fields of both bodies.
func exchangeFields(p *exchange.Prepared, res *exchange.Result) []foundField {
	var out []foundField
	header := func(where, name, value string) {
		if !CredentialHeader(name) || strings.HasPrefix(value, "AWS4-") || strings.Contains(value, "…(") {
			return
		}
		if scheme, cred, ok := strings.Cut(value, " "); ok && (strings.EqualFold(name, "authorization") || strings.EqualFold(name, "proxy-authorization")) && !strings.ContainsAny(scheme, "=,") {
			value = strings.TrimSpace(cred)
		}
		if value != "" {
			out = append(out, foundField{where: where, name: name, value: value})
		}
	}
	text := func(where, s string, cut bool) {
		for _, f := range findFields(s) {
			switch {
			case cut && f.end == len(s):
				continue // the value may go on past the cap: a part of it would be masked
			case !CredentialName(f.name):
				continue // a cookie header: its values are the jar's, masked as cookies
			}
			out = append(out, foundField{where: where, name: f.name, value: f.value, written: s[f.start:f.end], masked: s[f.start:f.vstart] + f.masked})
		}
	}
	req := p.Request
	for _, h := range req.Headers {
		header("request_header", h.Name, h.Value)
	}
	if req.RawQuery != "" {
		text("query", "?"+req.RawQuery, false)
	}
	text("request_body", string(req.Body), false)
	if res == nil || res.Response == nil {
		return out
	}
	r := res.Response
	for _, h := range r.Headers {
		header("response_header", h.Name, h.Value)
	}
	body := r.Body
	if r.BodyFile != "" {
		if rc, err := r.OpenBody(); err == nil {
			body, _ = io.ReadAll(io.LimitReader(rc, fieldScanCap))
			rc.Close()
		}
	}
	text("response_body", string(body), r.Truncated || int64(len(body)) < r.Size)
	return out
}
