package tui

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// Response tabs.
const (
	tabBody = iota
	tabHeaders
	tabCookies
	tabTiming
	tabTests
	numTabs
)

var tabNames = [numTabs]string{"Body", "Headers", "Cookies", "Timing", "Tests"}

// responseTitle is the pane's title for one request's outcome: the
// request named, then status (and "incomplete" for an answer cut short),
// time, size and clock skew. The name gives way first when room is short,
// so that the status stays in sight; room is the title's width.
func responseTitle(name string, oc *workbench.Outcome, room int) string {
	var parts []string
	switch {
	case oc == nil:
		parts = []string{"not sent yet"}
	case oc.Result == nil:
		parts = []string{"not sent"}
	case oc.Result.Response == nil:
		parts = []string{"no answer: " + oc.Result.Err.Kind}
	default:
		res := oc.Result
		r := res.Response
		parts = []string{bodyview.Escape(r.StatusText)}
		if r.Incomplete != "" {
			parts = append(parts, "incomplete")
		}
		parts = append(parts, ms(res.Timings.Total), byteSize(r.Size))
		if res.SkewKnown {
			parts = append(parts, fmt.Sprintf("skew %+.1f s", res.ClockSkew.Seconds()))
		}
	}
	rest := strings.Join(parts, " · ")
	if name == "" {
		return "Response · " + rest
	}
	name = bodyview.Escape(name)
	// "Response · " and " · " around the name, and the status itself.
	status := ansi.StringWidth(parts[0])
	// Two more cells: the frame's ellipsis must not fall on the status.
	if avail := room - ansi.StringWidth("Response ·  · ") - status - 2; ansi.StringWidth(name) > avail {
		name = ansi.Truncate(name, max(avail, 4), "…")
	}
	return "Response · " + name + " · " + rest
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func byteSize(n int64) string { return bodyview.ByteSize(n) }

// headerLines is the Headers tab: the status line and every header as
// received, escaped and masked (each value once).
func headerLines(st Styles, oc *workbench.Outcome, red *workbench.Redactor) []string {
	res := oc.Result
	if res.Response == nil {
		return nil
	}
	r := res.Response
	lines := []string{st.status(r.Status).Render(bodyview.Escape(r.Proto + " " + r.StatusText))}
	for _, h := range r.Headers {
		lines = append(lines, st.Bold.Render(bodyview.Escape(h.Name)+":")+" "+bodyview.Escape(maskLine(red, h.Name+": "+h.Value)[len(h.Name)+2:]))
	}
	for _, rd := range res.Redirects {
		lines = append(lines, "", st.Dim.Render(fmt.Sprintf("redirect %d %s → %s", rd.Status, bodyview.Escape(red.Text(rd.URL)), bodyview.Escape(red.Text(rd.Next)))))
	}
	return lines
}

// cookieLines is the Cookies tab: what went out from the jar, what came
// back (stored or rejected, and why), and a CloudFront policy decoded.
func cookieLines(st Styles, oc *workbench.Outcome, jar []cookies.Entry) []string {
	var lines []string
	p := oc.Preview.Prepared
	lines = append(lines, st.Bold.Render(fmt.Sprintf("Sent from the jar (%d)", len(p.CookiesSent))))
	if len(p.CookiesSent) == 0 {
		lines = append(lines, st.Dim.Render("  none"))
	}
	for _, c := range p.CookiesSent {
		lines = append(lines, twoCol("  "+bodyview.Escape(c.Cookie.Name)+"="+cookies.Mask(c.Cookie.Value), st.Dim.Render(bodyview.Escape(c.Domain+c.Path))))
	}
	lines = append(lines, "")
	res := oc.Result
	lines = append(lines, st.Bold.Render(fmt.Sprintf("Received (%d)", len(res.Cookies))))
	if len(res.Cookies) == 0 {
		lines = append(lines, st.Dim.Render("  none"))
	}
	var got []cookies.Cookie
	for _, rc := range res.Cookies {
		state := st.OK.Render("stored")
		switch {
		case rc.Err != "":
			state = st.Error.Render("unreadable: " + bodyview.Escape(rc.Err))
		case rc.Deleted:
			state = st.Warn.Render("deleted (expired)")
		case !rc.Stored:
			state = st.Warn.Render("rejected: " + bodyview.Escape(rc.Reason))
		}
		lines = append(lines, "  "+bodyview.Escape(rc.Cookie.Name)+"="+cookies.Mask(rc.Cookie.Value)+"  "+state)
		if a := rc.Cookie.Attributes(); a != "" {
			lines = append(lines, st.Dim.Render("    "+bodyview.Escape(a)))
		}
		got = append(got, rc.Cookie)
	}
	if cf, ok := cookies.FindCloudFront(got); ok {
		lines = append(lines, "", st.Bold.Render("CloudFront signed cookies"))
		lines = append(lines, "  key pair  "+bodyview.Escape(cf.KeyPairID))
		if cf.Resource != "" {
			lines = append(lines, "  resource  "+bodyview.Escape(cf.Resource))
		}
		if !cf.Expires.IsZero() {
			lines = append(lines, "  expires   "+cf.Expires.UTC().Format(time.RFC3339))
		}
		if cf.SourceIP != "" {
			lines = append(lines, "  source ip "+bodyview.Escape(cf.SourceIP))
		}
		if cf.Policy != "" {
			lines = append(lines, "  policy    "+bodyview.Escape(cf.Policy))
		}
		for _, pr := range cf.Problems {
			lines = append(lines, st.Warn.Render("  ! "+bodyview.Escape(pr)))
		}
	}
	lines = append(lines, "", st.Bold.Render(fmt.Sprintf("In the jar (%d)", len(jar))))
	sort.Slice(jar, func(i, j int) bool { return jar[i].Cookie.Name < jar[j].Cookie.Name })
	for _, e := range jar {
		exp := "session"
		if !e.Expires.IsZero() {
			exp = "until " + e.Expires.UTC().Format(time.RFC3339)
		}
		lines = append(lines, twoCol("  "+bodyview.Escape(e.Cookie.Name), st.Dim.Render(bodyview.Escape(e.Domain+e.Path)+"  "+exp)))
	}
	return lines
}

// timingLines is the Timing tab, with the TLS summary, the warnings and
// the notes (masked: they may quote a URL).
func timingLines(st Styles, oc *workbench.Outcome, mask func(string) string) []string {
	res := oc.Result
	t := res.Timings
	rows := []struct {
		name string
		d    time.Duration
	}{{"dns", t.DNS}, {"connect", t.Connect}, {"tls", t.TLS}, {"send", t.Send}, {"first byte", t.FirstByte}, {"transfer", t.Transfer}, {"total", t.Total}}
	var lines []string
	for _, r := range rows {
		if r.name == "tls" && res.TLS == nil && r.d == 0 {
			continue // plain HTTP: said below, not as "tls 0.0 ms"
		}
		bar := ""
		if t.Total > 0 {
			bar = strings.Repeat("█", int(30*r.d/t.Total))
		}
		lines = append(lines, fmt.Sprintf("%-11s %10s  ", r.name, ms(r.d))+st.Accent.Render(bar))
	}
	switch {
	case res.TLS != nil:
		lines = append(lines, "", st.Bold.Render("TLS"), "  "+bodyview.Escape(res.TLS.Version+" "+res.TLS.CipherSuite), "  "+bodyview.Escape(res.TLS.Subject)+st.Dim.Render(" issued by "+bodyview.Escape(res.TLS.Issuer)))
	case t.TLS == 0:
		lines = append(lines, "", st.Dim.Render("no TLS: plain HTTP"))
	}
	if res.SkewKnown {
		lines = append(lines, "", fmt.Sprintf("clock skew  %+.1f s (server Date minus local clock; SigV4 allows 5 min)", res.ClockSkew.Seconds()))
	}
	for _, w := range append(append([]string{}, oc.Warnings...), res.Warnings...) {
		lines = append(lines, st.Warn.Render("warning: "+bodyview.Escape(mask(w))))
	}
	for _, n := range res.Notes {
		lines = append(lines, st.Dim.Render("note: "+bodyview.Escape(mask(n))))
	}
	return lines
}

// errorLines explains an outcome without an answer, or a failed preview.
func errorLines(st Styles, title string, err error, hint string) []string {
	lines := []string{st.Error.Render(title)}
	for _, l := range strings.Split(bodyview.Escape(strings.ReplaceAll(inUI(err.Error()), "\n", "\x00")), `\x00`) {
		lines = append(lines, l)
	}
	if hint != "" {
		lines = append(lines, "", st.Warn.Render("hint: ")+bodyview.Escape(inUI(hint)))
	}
	return lines
}

// transportLines is the body area when no answer came.
func transportLines(st Styles, e *exchange.TransportError, req *sign.Request) []string {
	msg, hint := transportWording(e)
	return errorLines(st, "No answer ("+e.Kind+", "+e.Op+")", fmt.Errorf("%s", msg), hint)
}

// partialShown is how much of an incomplete body the Body tab shows.
const partialShown = 64 << 10

// incompleteLines is the Body tab of an answer cut short: what happened,
// then the part of the body that arrived, escaped and masked.
func incompleteLines(st Styles, oc *workbench.Outcome, red *workbench.Redactor) []string {
	res := oc.Result
	r := res.Response
	lines := []string{st.Warn.Render("incomplete: " + bodyview.Escape(r.Incomplete))}
	if res.Err != nil && res.Err.Hint != "" {
		lines = append(lines, st.Dim.Render("hint: "+bodyview.Escape(res.Err.Hint)))
	}
	lines = append(lines, "")
	body := r.Body
	if r.BodyFile != "" {
		body = readFileHead(r.BodyFile, partialShown)
	}
	switch {
	case r.Size == 0:
		return append(lines, st.Dim.Render("no byte of the body arrived"))
	case r.Binary:
		return append(lines, st.Dim.Render(fmt.Sprintf("binary body (%s, %s): not shown", byteSize(r.Size), bodyview.Escape(r.BinaryReason))))
	}
	more := int64(len(body)) > partialShown || r.Size > int64(len(body))
	if len(body) > partialShown {
		body = body[:partialShown]
	}
	for _, l := range strings.Split(red.Known(string(body)), "\n") {
		lines = append(lines, bodyview.Escape(l))
	}
	if more {
		lines = append(lines, "", st.Dim.Render(fmt.Sprintf("… the first %s of %s shown", byteSize(int64(len(body))), byteSize(r.Size))))
	}
	return lines
}

// readFileHead reads up to n bytes of a file (a spooled body).
func readFileHead(name string, n int) []byte {
	f, err := os.Open(name)
	if err != nil {
		return []byte("cannot read the spooled body: " + err.Error())
	}
	defer f.Close()
	b := make([]byte, n)
	k, _ := io.ReadFull(f, b)
	return b[:k]
}
