package explain

import (
	"os"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/termsafe"
)

// xmlEntities are the entities an XML body escapes its text with.
var xmlEntities = []string{"&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#38;", "&#x26;"}

// FuzzParse feeds the parsers real answers and their mutations: nothing
// panics, the server's canonical request read from an XML body is entity-
// decoded (it holds an entity only where the body escaped one twice), and
// everything Escape returns, and every quote, prints safely.
func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		_, body := readCase(f, e.Name())
		f.Add(body)
	}
	f.Add([]byte(mismatchBodyString()))
	f.Add([]byte("<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>GET\n/\na=1&amp;b=2&amp;amp;c\nhost:h\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest><CanonicalRequestBytes>47 45 54</CanonicalRequestBytes></Error>"))
	f.Add([]byte("HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: InvalidSignatureException\n\n{\"message\":\"x\"}"))
	tr := sampleTraceF(f)
	rebuilt, _, err := Recompute(tr.Signed)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, _ := Parse(body)
		if strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(string(body), "\ufeff")), "<") {
			for _, e := range xmlEntities {
				if strings.Contains(a.ServerCanonicalRequest, e) && !strings.Contains(string(body), "&amp;"+e[1:]) {
					t.Fatalf("canonical request %q keeps %s escaped (body %q)", a.ServerCanonicalRequest, e, body)
				}
			}
		}
		d, ok := Explain(Input{Body: body, Trace: tr, Request: tr.Signed})
		if ok && len(d.Causes) == 0 {
			t.Fatalf("explained without a cause: %+v", d.Answer)
		}
		// As explain --request-file reads it: the trace rebuilt from the
		// request's bytes; every quote prints safely.
		r, _ := Explain(Input{Body: body, Trace: rebuilt, Request: tr.Signed})
		for _, c := range append(d.Causes, r.Causes...) {
			for _, q := range c.Quotes {
				if s := q.String(); strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
					t.Fatalf("quote %q prints a control character", s)
				}
			}
		}
		for _, s := range []string{d.Message, d.ServerCanonicalRequest, d.ServerStringToSign} {
			if e := termsafe.Line(s); strings.IndexFunc(e, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) }) >= 0 {
				t.Fatalf("Escape left a control character in %q", e)
			}
		}
	})
}

func sampleTraceF(f *testing.F) *signTrace { return sampleTraceTB(f) }
