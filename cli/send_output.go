package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// sendOutcome is everything send prints.
type sendOutcome struct {
	flags    *sendFlags
	prepared *exchange.Prepared
	result   *exchange.Result
	jar      *cookies.Jar
	mismatch *explain.Diagnosis
	hint     string   // for other error answers
	warnings []string // sigscope's own (saving the jar)
	mask     *workbench.Redactor
}

// writeText prints the body on w (after the signing steps and the head
// when asked) and everything else on ew, so that the body can be piped.
func (o *sendOutcome) writeText(w, ew io.Writer) error {
	p, res, f := o.prepared, o.result, o.flags
	var b strings.Builder
	if f.showSigning {
		if steps := workbench.Steps(p.Trace); steps != nil {
			fmt.Fprintf(&b, "Canonical request:\n%s\n\nString to sign:\n%s\n\n", steps[0].Block, steps[1].Block)
		} else {
			fmt.Fprintf(&b, "Not signed: auth mode %s (SigV4 signing is auth mode iam)\n\n", p.Mode)
		}
	}
	if r := res.Response; r != nil && f.include {
		// Each header on its own line: a CR or LF inside one is escaped
		// (on a terminal the whole output is, below).
		fmt.Fprintf(&b, "%s %s\n", termsafe.Line(r.Proto), termsafe.Line(r.StatusText))
		for _, h := range r.Headers {
			fmt.Fprintf(&b, "%s: %s\n", termsafe.Line(h.Name), termsafe.Line(h.Value))
		}
		b.WriteString("\n")
	}
	// On a terminal, the server's bytes are shown escaped, never obeyed;
	// into a pipe or a file they go as received.
	out := w
	var tw *termsafe.Writer
	if isTerminal(w) {
		tw = termsafe.NewWriter(w)
		out = tw
	}
	if _, err := io.WriteString(out, o.mask.Text(b.String())); err != nil {
		return err
	}
	if err := o.writeBody(out, ew, tw != nil); err != nil {
		return err
	}
	if tw != nil {
		if err := tw.EndLine(); err != nil {
			return err
		}
	}
	var e strings.Builder
	o.writeNotes(&e)
	_, err := io.WriteString(ew, termsafe.Text(o.mask.Text(e.String())))
	return err
}

func (o *sendOutcome) writeBody(w, ew io.Writer, terminal bool) error {
	r := o.result.Response
	if r == nil {
		return nil
	}
	if r.Binary && terminal {
		fmt.Fprintf(ew, "sigscope: binary body (%d bytes, %s) not printed to a terminal: redirect the output to a file, or use -o json\n", r.Size, r.BinaryReason)
		return nil
	}
	if r.BodyFile == "" && !r.Binary {
		_, err := io.WriteString(w, o.mask.Known(string(r.Body)))
		return err
	}
	// Binary and spooled bodies go out as received, but for the secrets
	// of this exchange, masked as they stream.
	rc, err := r.OpenBody()
	if err != nil {
		return err
	}
	defer rc.Close()
	mw := o.mask.Writer(w)
	if _, err := io.Copy(mw, rc); err != nil {
		return err
	}
	return mw.Close()
}

// writeNotes describes, for people, what the body alone does not say.
func (o *sendOutcome) writeNotes(e *strings.Builder) {
	p, res, f := o.prepared, o.result, o.flags
	note := func(format string, args ...any) { fmt.Fprintf(e, "sigscope: "+format+"\n", args...) }
	for _, w := range append(append([]string{}, o.warnings...), res.Warnings...) {
		note("warning: %s", w)
	}
	for _, n := range res.Notes {
		note("note: %s", n)
	}
	for _, rd := range res.Redirects {
		extra := ""
		if rd.Note != "" {
			extra = " (" + rd.Note + ")"
		}
		note("followed redirect %d from %s to %s%s", rd.Status, rd.URL, rd.Next, extra)
	}
	if r := res.Response; r != nil {
		if r.Undecoded != "" {
			note("note: %s", r.Undecoded)
		}
		if r.Truncated {
			note("warning: the body was cut at %d bytes", r.Size)
		}
		if f.include && len(r.Decoded) > 0 {
			note("body decoded from %s: %d bytes received, %d decoded", strings.Join(r.Decoded, ", "), r.WireSize, r.Size)
		}
	}
	if f.include {
		for _, n := range p.Notes {
			note("note: %s", n)
		}
		for _, c := range res.Cookies {
			note("%s", cookieLine(c, o.mask.Showing()))
		}
		if cf, ok := cloudFront(res); ok {
			note("%s", cloudFrontLine(cf))
		}
		if len(p.CookiesSent) > 0 {
			names := make([]string, len(p.CookiesSent))
			for i, c := range p.CookiesSent {
				names[i] = c.Cookie.Name
			}
			note("sent cookies from the jar: %s", strings.Join(names, ", "))
		}
	}
	if m := o.mismatch; m != nil {
		note("signature mismatch: %s", termsafe.Line(m.Message))
		if p := m.First; p != nil {
			fmt.Fprintf(e, "  first difference: %s, line %d (%s)\n    signed:   %s\n    received: %s\n", p.Step, p.Line, p.Part, termsafe.Line(p.Ours), termsafe.Line(p.Theirs))
		}
		fmt.Fprintf(e, "  hint: %s\n", m.Hint)
	}
	if o.hint != "" {
		note("hint: %s", o.hint)
	}
}

func cookieLine(c cookies.Received, show bool) string {
	if c.Err != "" {
		return "unreadable Set-Cookie: " + c.Err
	}
	v := c.Cookie.Value
	if !show {
		v = c.Cookie.Masked()
	}
	state := "stored in the jar"
	switch {
	case c.Deleted:
		state = "removed from the jar (" + c.Reason + ")"
	case !c.Stored && c.Reason != "":
		state = "not stored: " + c.Reason
	case !c.Stored:
		state = "not stored (cookies off)"
	}
	attrs := c.Cookie.Attributes()
	if attrs != "" {
		attrs = "; " + attrs
	}
	return fmt.Sprintf("cookie %s=%s%s: %s", c.Cookie.Name, v, attrs, state)
}

func cloudFront(res *exchange.Result) (cookies.CloudFrontCookies, bool) {
	var cs []cookies.Cookie
	for _, c := range res.Cookies {
		if c.Err == "" {
			cs = append(cs, c.Cookie)
		}
	}
	return cookies.FindCloudFront(cs)
}

func cloudFrontLine(cf cookies.CloudFrontCookies) string {
	var b strings.Builder
	b.WriteString("CloudFront signed cookies")
	if cf.KeyPairID != "" {
		fmt.Fprintf(&b, " (key pair %s)", cf.KeyPairID)
	}
	if cf.Resource != "" {
		fmt.Fprintf(&b, " for %s", cf.Resource)
	}
	if !cf.Expires.IsZero() {
		fmt.Fprintf(&b, ", valid until %s", cf.Expires.UTC().Format(time.RFC3339))
	}
	for _, p := range cf.Problems {
		fmt.Fprintf(&b, "; problem: %s", p)
	}
	return b.String()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// sendJSON is send's machine-readable output; field names are stable.
type sendJSON struct {
	Request   sendRequestJSON          `json:"request"`
	Signing   *signJSON                `json:"signing"`
	Response  *sendResponseJSON        `json:"response"`
	Error     *exchange.TransportError `json:"error"`
	Mismatch  *explain.Diagnosis       `json:"mismatch,omitempty"`
	Hint      string                   `json:"hint,omitempty"`
	Cookies   sendCookiesJSON          `json:"cookies"`
	Timings   map[string]float64       `json:"timings_ms"`
	TLS       *exchange.TLSInfo        `json:"tls"`
	Redirects []exchange.Redirect      `json:"redirects"`
	ClockSkew *float64                 `json:"clock_skew_seconds"`
	Warnings  []string                 `json:"warnings"`
	Notes     []string                 `json:"notes"`
}

type sendRequestJSON struct {
	Collection  string `json:"collection"`
	Path        string `json:"path"`
	Environment string `json:"environment,omitempty"`
	Method      string `json:"method"`
	URL         string `json:"url"`
	Auth        string `json:"auth"`
	Region      string `json:"region,omitempty"`
	Service     string `json:"service,omitempty"`
	// Wire is the exact request bytes (CRLF line ends) when they are
	// UTF-8; WireBase64 holds them otherwise.
	Wire       string `json:"wire,omitempty"`
	WireBase64 string `json:"wire_base64,omitempty"`
}

type sendResponseJSON struct {
	Status           int               `json:"status"`
	StatusText       string            `json:"status_text"`
	Proto            string            `json:"proto"`
	Headers          []exchange.Header `json:"headers"`
	Body             *string           `json:"body"`
	BodyBase64       string            `json:"body_base64,omitempty"`
	BodyFile         string            `json:"body_file,omitempty"`
	Size             int64             `json:"size"`
	WireSize         int64             `json:"wire_size"`
	Binary           bool              `json:"binary"`
	BinaryReason     string            `json:"binary_reason,omitempty"`
	Decoded          []string          `json:"decoded,omitempty"`
	Undecoded        string            `json:"undecoded,omitempty"`
	TransferEncoding []string          `json:"transfer_encoding,omitempty"`
	Truncated        bool              `json:"truncated,omitempty"`
	// Incomplete says how an answer cut short stopped ("the connection
	// closed after 10 of 50 bytes"); the body is what arrived.
	Incomplete string `json:"incomplete,omitempty"`
}

type sendCookieJSON struct {
	cookies.Cookie
	Stored  bool   `json:"stored"`
	Deleted bool   `json:"deleted,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Error   string `json:"error,omitempty"`
}

type sendCookiesJSON struct {
	Sent       []string                   `json:"sent"`
	Received   []sendCookieJSON           `json:"received"`
	Jar        string                     `json:"jar,omitempty"`
	CloudFront *cookies.CloudFrontCookies `json:"cloudfront,omitempty"`
}

func (o *sendOutcome) writeJSON(w io.Writer) error {
	p, res, m := o.prepared, o.result, o.mask
	rr := p.Resolved
	v := sendJSON{
		Request: sendRequestJSON{
			Collection: rr.Collection, Path: rr.Path, Environment: rr.Environment,
			Method: p.Request.Method, URL: p.Request.URL(), Auth: string(p.Mode), Region: p.Region, Service: p.Service,
		},
		Error: res.Err, Mismatch: o.mismatch, Hint: o.hint, TLS: res.TLS,
		Warnings: append(append([]string{}, o.warnings...), res.Warnings...), Notes: append(append([]string{}, p.Notes...), res.Notes...),
		Timings: map[string]float64{
			"dns": ms(res.Timings.DNS), "connect": ms(res.Timings.Connect), "tls": ms(res.Timings.TLS), "send": ms(res.Timings.Send),
			"first_byte": ms(res.Timings.FirstByte), "transfer": ms(res.Timings.Transfer), "total": ms(res.Timings.Total),
		},
	}
	if utf8.Valid(res.Wire) {
		v.Request.Wire = string(res.Wire)
	} else {
		v.Request.WireBase64 = base64.StdEncoding.EncodeToString([]byte(m.Text(string(res.Wire))))
	}
	if tr := p.Trace; tr != nil {
		sj := signingJSON(tr)
		maskKeys(&sj, o.flags.showSecrets)
		v.Signing = &sj
	}
	if r := res.Response; r != nil {
		rj := &sendResponseJSON{
			Status: r.Status, StatusText: r.StatusText, Proto: r.Proto, Headers: r.Headers,
			BodyFile: r.BodyFile, Size: r.Size, WireSize: r.WireSize, Binary: r.Binary, BinaryReason: r.BinaryReason,
			Decoded: r.Decoded, Undecoded: r.Undecoded, TransferEncoding: r.TransferEncoding, Truncated: r.Truncated,
			Incomplete: r.Incomplete,
		}
		switch {
		case r.BodyFile != "":
		case r.Binary:
			// Masked before encoding: inside the base64 of a whole body a
			// secret has no fixed shape to find.
			rj.BodyBase64 = base64.StdEncoding.EncodeToString([]byte(m.Known(string(r.Body))))
		default:
			s := string(r.Body)
			rj.Body = &s
		}
		if !m.Showing() {
			hs := make([]exchange.Header, len(r.Headers))
			for i, h := range r.Headers {
				hs[i] = h
				hs[i].Value = m.Header(h.Name, h.Value)
			}
			rj.Headers = hs
		}
		v.Response = rj
		if res.SkewKnown {
			s := res.ClockSkew.Seconds()
			v.ClockSkew = &s
		}
	}
	v.Cookies.Sent = []string{}
	for _, c := range p.CookiesSent {
		v.Cookies.Sent = append(v.Cookies.Sent, c.Cookie.Name)
	}
	v.Cookies.Received = []sendCookieJSON{}
	for _, c := range res.Cookies {
		cj := sendCookieJSON{Cookie: c.Cookie, Stored: c.Stored, Deleted: c.Deleted, Reason: c.Reason, Error: c.Err}
		if !m.Showing() {
			cj.Value = c.Cookie.Masked()
		}
		v.Cookies.Received = append(v.Cookies.Received, cj)
	}
	if p.StoreCookies && o.jar != nil {
		v.Cookies.Jar = o.jar.Path()
	}
	if cf, ok := cloudFront(res); ok {
		v.Cookies.CloudFront = &cf
	}
	v.Redirects = make([]exchange.Redirect, len(res.Redirects))
	for i, rd := range res.Redirects {
		v.Redirects[i] = rd
		if !m.Showing() {
			hs := make([]exchange.Header, len(rd.Headers))
			for j, h := range rd.Headers {
				hs[j] = h
				hs[j].Value = m.Header(h.Name, h.Value)
			}
			v.Redirects[i].Headers = hs
		}
	}
	// Multi-line texts are masked before encoding, where their lines are
	// still lines; known secrets are replaced once more in the encoded text.
	v.Request.Wire = m.Text(v.Request.Wire)
	if v.Signing != nil {
		v.Signing.CanonicalRequest = m.Text(v.Signing.CanonicalRequest)
		v.Signing.SignedRequest = m.Text(v.Signing.SignedRequest)
		hs := make([]sign.HeaderLine, len(v.Signing.CanonicalHeaders))
		copy(hs, v.Signing.CanonicalHeaders)
		for i, h := range hs {
			if h.Name == "cookie" && !m.Showing() {
				hs[i].Value = cookies.MaskCookieHeader(h.Value)
				hs[i].Values = []string{cookies.MaskCookieHeader(strings.Join(h.Values, ","))}
			}
		}
		v.Signing.CanonicalHeaders = hs
	}
	if v.Response != nil && v.Response.Body != nil {
		s := m.Known(*v.Response.Body)
		v.Response.Body = &s
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	out := b.String()
	out = m.Known(out)
	_, err := io.WriteString(w, out)
	return err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
