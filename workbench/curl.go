package workbench

import (
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// CurlCommand writes the request as a curl command that sends the same
// bytes: the method, the URL as on the wire (--path-as-is keeps curl from
// normalizing it), every header in order, and the body.
func CurlCommand(r *sign.Request) string {
	var b strings.Builder
	b.WriteString("curl --path-as-is")
	if r.Method != "GET" || len(r.Body) > 0 {
		b.WriteString(" -X " + shellQuote(r.Method))
	}
	b.WriteString(" " + shellQuote(r.URL()))
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, "Content-Length") {
			continue // curl computes it from the body
		}
		b.WriteString(" \\\n  -H " + shellQuote(h.Name+": "+h.Value))
	}
	if len(r.Body) > 0 {
		b.WriteString(" \\\n  --data-binary " + shellQuote(string(r.Body)))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell: single quotes, with each single
// quote written as '\”.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
