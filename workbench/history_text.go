package workbench

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigscope/sigscope/history"
)

// This file renders history entries as text for both faces: the command
// line escapes each line with termsafe, the UI with its own escaper. No
// line here is escaped yet: it holds the server's bytes as kept.

type SectionDiff struct {
	Title string
	Same  bool
	Lines []history.DiffLine
}

// entryText is an entry for people: every byte that came from a server
// or a file escaped.
func EntryText(e *history.Entry) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	status := e.StatusText
	if status == "" {
		status = StatusWord(e.Status, e.Error, e.Mismatch)
	}
	line("#%d  %s  %s  %s › %s", e.ID, e.Time.Local().Format("2006-01-02 15:04:05 MST"), one(status), one(e.Collection), one(e.Request))
	var about []string
	add := func(label, v string) {
		if v != "" {
			about = append(about, label+" "+one(v))
		}
	}
	add("environment", e.Environment)
	add("auth", e.Mode)
	add("profile", e.Profile)
	add("user", e.User)
	add("from", e.Source)
	add("took", RoundDuration(e.Timings.Total))
	line("  %s", strings.Join(about, " · "))
	if e.CollectionPath != "" {
		line("  collection file: %s", one(e.CollectionPath))
	}
	if e.Error != "" {
		line("\nError (%s): %s", one(e.ErrorKind), one(e.Error))
	}
	line("\nRequest")
	indent(&b, e.RequestWireHead)
	bodyText(&b, e.RequestBody)
	if sg := e.Signing; sg != nil {
		line("\nSigV4 (%s, signed %s, scope %s)", one(sg.Algorithm), one(sg.RequestDate), one(sg.Scope))
		line("  Canonical request:")
		indent(&b, sg.CanonicalRequest)
		line("  String to sign:")
		indent(&b, sg.StringToSign)
		line("  Signature: %s (a fingerprint: the history keeps no signature)", one(sg.Signature))
	}
	if e.Status != 0 {
		line("\nResponse")
		var head strings.Builder
		fmt.Fprintf(&head, "%s\n", e.StatusText)
		for _, h := range e.ResponseHeaders {
			fmt.Fprintf(&head, "%s: %s\n", h.Name, h.Value)
		}
		indent(&b, head.String())
		bodyText(&b, e.ResponseBody)
	}
	if len(e.CookiesSent)+len(e.CookiesReceived) > 0 {
		line("\nCookies")
		for _, c := range e.CookiesSent {
			line("  sent      %s=%s", one(c.Name), one(c.Value))
		}
		for _, c := range e.CookiesReceived {
			kept := "stored"
			if !c.Stored {
				kept = "not stored: " + c.Reason
			}
			line("  received  %s=%s; %s (%s)", one(c.Name), one(c.Value), one(c.Attributes), one(kept))
		}
	}
	if t := e.Timings; t.Total > 0 {
		line("\nTimings: dns %s · connect %s · tls %s · send %s · first byte %s · transfer %s · total %s",
			RoundDuration(t.DNS), RoundDuration(t.Connect), RoundDuration(t.TLS), RoundDuration(t.Send), RoundDuration(t.FirstByte), RoundDuration(t.Transfer), RoundDuration(t.Total))
	}
	if e.TLS != "" {
		line("TLS: %s", one(e.TLS))
	}
	if e.Diagnosis != "" {
		kind := "Diagnosis"
		if e.Mismatch {
			kind = "Signature mismatch"
		}
		line("\n%s: %s", kind, one(e.Diagnosis))
		line("  (sigscope history diff %d compares it with the last success of the same request)", e.ID)
	}
	if len(e.Secrets) > 0 {
		line("\nMasked secrets")
		for _, s := range e.Secrets {
			where := ""
			if s.Name != "" {
				where = " in " + s.Name
			}
			line("  %s%s %s%s", one(s.Kind), one(where), s.Fingerprint, claimsText(s.Claims))
		}
	}
	for _, w := range e.Warnings {
		line("warning: %s", one(w))
	}
	return b.String()
}

func claimsText(c map[string]string) string {
	if len(c) == 0 {
		return ""
	}
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		v := c[k]
		if k == "exp" || k == "iat" || k == "auth_time" {
			var sec int64
			if _, err := fmt.Sscan(v, &sec); err == nil {
				v = time.Unix(sec, 0).UTC().Format(time.RFC3339)
			}
		}
		parts = append(parts, k+"="+v)
	}
	return "  " + one(strings.Join(parts, " "))
}

func indent(b *strings.Builder, text string) {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if text == "" {
		return
	}
	for _, l := range strings.Split(text, "\n") {
		b.WriteString("    " + one(l) + "\n")
	}
}

func bodyText(b *strings.Builder, body history.Body) {
	switch {
	case body.Size == 0 && len(body.Data) == 0:
		return
	case body.Binary || !utf8.Valid(body.Data):
		fmt.Fprintf(b, "\n    (binary body, %d bytes; -o json holds what was kept in base64)\n", body.Size)
		return
	}
	b.WriteString("\n")
	indent(b, string(body.Data))
	if body.Truncated {
		fmt.Fprintf(b, "    … (kept %d of %d bytes)\n", len(body.Data), body.Size)
	}
}

func SectionDiffs(a, b *history.Entry) []SectionDiff {
	as, bs := history.Sections(a), history.Sections(b)
	byTitle := map[string]string{}
	for _, s := range as {
		byTitle[s.Title] = s.Text
	}
	var out []SectionDiff
	for _, s := range bs {
		old := byTitle[s.Title]
		d := SectionDiff{Title: s.Title, Same: old == s.Text}
		if !d.Same {
			d.Lines = history.DiffLines(old, s.Text)
		}
		out = append(out, d)
	}
	return out
}

// diffText prints each section that differs as a unified diff, old
// (usually the success) first.
func DiffText(a, b *history.Entry) string {
	var out strings.Builder
	head := func(sign string, e *history.Entry) {
		st := e.StatusText
		if st == "" {
			st = StatusWord(e.Status, e.Error, e.Mismatch)
		}
		fmt.Fprintf(&out, "%s #%d  %s  %s  %s › %s\n", sign, e.ID, e.Time.Local().Format("2006-01-02 15:04:05"), one(st), one(e.Collection), one(e.Request))
	}
	head("---", a)
	head("+++", b)
	for _, d := range SectionDiffs(a, b) {
		if d.Same {
			fmt.Fprintf(&out, "\n== %s: the same\n", d.Title)
			continue
		}
		fmt.Fprintf(&out, "\n== %s\n", d.Title)
		for _, l := range d.Lines {
			fmt.Fprintf(&out, "%c %s\n", l.Op, one(l.Text))
		}
	}
	return out.String()
}

// StatusWord is an entry's status in a word: the code, "error" when no
// answer came, a "!" after the code of a signature mismatch.
func StatusWord(status int, errText string, mismatch bool) string {
	switch {
	case status == 0 && errText != "":
		return "error"
	case mismatch:
		return strconv.Itoa(status) + "!"
	case status == 0:
		return "-"
	}
	return strconv.Itoa(status)
}

// RoundDuration rounds a timing for reading.
func RoundDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

// one keeps a value that should be one line on one line: a line break
// inside it is written as \n.
func one(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}
