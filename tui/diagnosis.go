package tui

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// diagnosisLines are what sigscope reads in an answer, above its body, as
// `send` prints it: the kind of refusal and where the signature first
// differs, the hint, the likely cause (d opens every cause with its
// fix), then the exchange's warnings and notes. Every text is masked and
// escaped: a hint or a cause may quote the request. room bounds the
// lines, so that the body keeps a third of the pane.
func diagnosisLines(st Styles, oc *workbench.Outcome, mask func(string) string, w, room int) []string {
	if w <= 0 {
		return nil
	}
	say := func(s string) string { return bodyview.Escape(mask(s)) }
	var lines []string
	d := oc.Diagnosis
	if d == nil {
		d = oc.Mismatch
	}
	res := oc.Result
	switch {
	case d != nil:
		head, hint := d.Describe(), d.HintAfterLayer()
		if by := d.RefusedBy(); by != "" {
			// The layer leads: which of API Gateway's checks said no.
			head = by + ": " + head
		}
		if d.Kind == explain.KindMismatch {
			if p := d.First; p != nil && p.Line > 0 {
				head += fmt.Sprintf(" at %s line %d", p.Step, p.Line)
			}
			head += " · d shows the diff"
		} else {
			head += " · d shows why"
		}
		lines = append(lines, st.Error.Render(say(head)))
		if hint != "" {
			lines = append(lines, st.Warn.Render("hint: ")+say(hint))
		}
		if len(d.Causes) > 0 {
			c := d.Causes[0]
			l := st.Bold.Render("likely cause: ") + say(c.Title)
			if c.Certain {
				l += st.Dim.Render(" (the answer shows it)")
			}
			if more := len(d.Causes) - 1; more > 0 {
				l += st.Dim.Render(fmt.Sprintf(" · %d more with d", more))
			}
			lines = append(lines, l)
		}
	case oc.Hint != "":
		lines = append(lines, st.Warn.Render("hint: ")+say(oc.Hint))
	}
	for _, wn := range append(append([]string{}, oc.Warnings...), res.Warnings...) {
		lines = append(lines, st.Warn.Render("warning: ")+say(wn))
	}
	if r := res.Response; r != nil {
		if r.Truncated {
			lines = append(lines, st.Warn.Render("warning: ")+fmt.Sprintf("the body was cut at %s", byteSize(r.Size)))
		}
		if r.Undecoded != "" {
			lines = append(lines, st.Dim.Render("note: "+say(r.Undecoded)))
		}
	}
	for _, rd := range res.Redirects {
		if rd.Note != "" {
			lines = append(lines, st.Dim.Render(fmt.Sprintf("note: redirect %d: %s", rd.Status, say(rd.Note))))
		}
	}
	for _, n := range res.Notes {
		lines = append(lines, st.Dim.Render("note: "+say(n)))
	}
	if len(lines) == 0 {
		return nil
	}
	lines = wrapLines(lines, w)
	// The body keeps a third of the pane at least.
	if limit := max(room*2/3, 3); len(lines) > limit {
		lines = append(lines[:limit-1], st.Dim.Render(fit("… d shows the rest", w)))
	}
	return append(lines, "")
}

// diagnosisTitle names what d shows for the selected request.
func diagnosisTitle(d *explain.Diagnosis) string {
	if d == nil || d.Kind == explain.KindMismatch {
		return "Signature mismatch · ] [ next/prev"
	}
	if by := d.RefusedBy(); by != "" {
		return "Refused by " + strings.TrimPrefix(by, "refused by ") + ": " + d.Describe()
	}
	return "Refused: " + d.Describe()
}

// noDiagnosis is the narrow Diff tab of a request without one.
func noDiagnosis(path string) string {
	if path == "" {
		return "No diagnosis: the diff shows when the server refuses a request."
	}
	return "No diagnosis for " + strings.TrimSpace(path) + ": the diff shows when the server refuses it (enter sends it)."
}
