package tui

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// wireLines renders a request as it goes on the wire (r: the prepared
// request, or the one sent): request line, each header marked signed,
// unsigned, added by the signer or from the jar, then the body. Secrets
// go through red, each value masked once; bytes from the collection are
// escaped.
func wireLines(st Styles, p *exchange.Prepared, r *sign.Request, red *workbench.Redactor, maxBody int) (lines []string, sources map[string]int) {
	sources = map[string]int{}
	reqLine := fmt.Sprintf("%s %s HTTP/1.1", r.Method, bodyview.Escape(red.Text(r.Target())))
	lines = append(lines, st.method(r.Method).Render(r.Method)+st.Bold.Render(strings.TrimPrefix(reqLine, r.Method)))
	sources["method"], sources["path"], sources["query"] = 0, 0, 0

	signed := map[string]bool{}
	if p.Trace != nil {
		for _, n := range strings.Split(p.Trace.SignedHeaders, ";") {
			signed[n] = true
		}
	}
	before := map[string]bool{}
	for _, h := range p.Unsigned.Headers {
		before[strings.ToLower(h.Name)] = true
	}
	// The Host header is written first on the wire.
	headers := append([]struct{ Name, Value string }{{"host", r.Host}}, nil...)
	for _, h := range r.Headers {
		headers = append(headers, struct{ Name, Value string }{h.Name, h.Value})
	}
	for _, h := range headers {
		ln := strings.ToLower(h.Name)
		value := bodyview.Escape(maskLine(red, h.Name+": "+h.Value))
		var mark string
		switch {
		case ln == "cookie" && len(p.CookiesSent) > 0:
			mark = st.FromJar.Render(sigMark(signed[ln], p.Trace != nil) + " jar")
		case ln == "authorization" && p.Trace == nil && (p.Mode == collections.ModeIDToken || p.Mode == collections.ModeAccessToken):
			mark = st.Added.Render("token")
		case ln == "x-api-key" && p.Mode == collections.ModeAPIKey:
			mark = st.Added.Render("api key")
		case p.Trace == nil:
			mark = ""
		case signed[ln] && !before[ln] && ln != "host":
			mark = st.Added.Render("✓ added")
		case signed[ln]:
			mark = st.Signed.Render("✓")
		case ln == "authorization":
			mark = st.Added.Render("signature")
		default:
			mark = st.Unsigned.Render("✗ unsigned")
		}
		sources["header "+ln] = len(lines)
		lines = append(lines, twoCol(value, mark))
	}
	if len(r.Body) > 0 {
		lines = append(lines, "")
		sources["body"] = len(lines)
		body := string(r.Body)
		bl := strings.Split(body, "\n")
		for i, l := range bl {
			if i >= maxBody {
				lines = append(lines, st.Dim.Render(fmt.Sprintf("… %d more lines (%d bytes)", len(bl)-i, len(r.Body))))
				break
			}
			lines = append(lines, bodyview.Escape(red.Known(l)))
		}
	}
	for _, n := range p.Notes {
		lines = append(lines, "", st.Dim.Render("note: "+n))
	}
	return lines, sources
}

func sigMark(signed, hasTrace bool) string {
	switch {
	case !hasTrace:
		return ""
	case signed:
		return "✓"
	}
	return "✗"
}

// twoCol joins a left text and a right mark with a tab that fit() turns
// into right alignment when the pane is drawn.
func twoCol(left, right string) string {
	if right == "" {
		return left
	}
	return left + "\t" + right
}
