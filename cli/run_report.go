package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

// runReport writes a run as it goes: text or TAP line by line, JSON at the
// end (one object).
type runReport struct {
	w           io.Writer
	format      string
	showSecrets bool
	name        string
	n           int
	steps       []jsonStep
}

func newRunReport(w io.Writer, format string, showSecrets bool, name string) *runReport {
	r := &runReport{w: w, format: format, showSecrets: showSecrets, name: name}
	if format == "tap" {
		fmt.Fprintln(w, "TAP version 13")
	}
	return r
}

// jsonStep is a step as -o json writes it: captured values shown masked
// unless --show-secrets.
type jsonStep struct {
	workbench.StepResult
	Captured []jsonCapture `json:"captures"`
	MS       float64       `json:"duration_ms"`
}

type jsonCapture struct {
	workbench.Captured
	Value string `json:"value"`
}

func (r *runReport) shown(c workbench.Captured) string {
	if r.showSecrets {
		return c.Value
	}
	return c.Shown()
}

func (r *runReport) step(s workbench.StepResult) {
	r.n++
	switch r.format {
	case "json":
		js := jsonStep{StepResult: s, MS: ms(s.Duration), Captured: []jsonCapture{}}
		if js.Checks == nil {
			js.Checks = []workbench.CheckResult{} // [] rather than null: a consumer iterates it
		}
		for _, c := range s.Captures {
			js.Captured = append(js.Captured, jsonCapture{Captured: c, Value: r.shown(c)})
		}
		r.steps = append(r.steps, js)
	case "tap":
		r.tapStep(s)
	default:
		r.textStep(s)
	}
}

func (r *runReport) textStep(s workbench.StepResult) {
	mark, status := s.Mark()
	detail := fmt.Sprintf("%s  %d/%d assertions", fmtDuration(s.Duration), workbench.Held(s.Checks), len(s.Checks))
	if s.Verdict == workbench.StepNoAnswer {
		detail = "no answer"
	}
	fmt.Fprintf(r.w, "%s %s %s  %s\n", mark, status, termsafe.Line(s.Label()), detail)
	for _, line := range s.FailureTexts() {
		fmt.Fprintln(r.w, "    "+termsafe.Line(line))
	}
}

func (r *runReport) tapStep(s workbench.StepResult) {
	ok := "ok"
	if s.Verdict != workbench.StepPassed {
		ok = "not ok"
	}
	fmt.Fprintf(r.w, "%s %d - %s\n", ok, r.n, tapText(s.Label()))
	if lines := s.FailureTexts(); len(lines) > 0 {
		fmt.Fprintln(r.w, "  ---")
		fmt.Fprintf(r.w, "  status: %d\n", s.Status)
		fmt.Fprintln(r.w, "  failures:")
		for _, l := range lines {
			fmt.Fprintf(r.w, "    - %q\n", termsafe.Line(l))
		}
		fmt.Fprintln(r.w, "  ...")
	}
}

// tapText keeps a description on its line: '#' starts a TAP directive.
func tapText(s string) string {
	return strings.NewReplacer("#", `\#`, "\n", " ").Replace(termsafe.Line(s))
}

func (r *runReport) summary(res workbench.SuiteResult) {
	switch r.format {
	case "json":
		out := struct {
			Collection string     `json:"collection"`
			Steps      []jsonStep `json:"steps"`
			Passed     int        `json:"passed"`
			Failed     int        `json:"failed"`
			NoAnswer   int        `json:"no_answer"`
			Stopped    string     `json:"stopped,omitempty"`
			MS         float64    `json:"duration_ms"`
		}{r.name, r.steps, res.Passed, res.Failed, res.NoAnswer, res.Stopped, ms(res.Duration)}
		if out.Steps == nil {
			out.Steps = []jsonStep{}
		}
		enc := json.NewEncoder(r.w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	case "tap":
		fmt.Fprintf(r.w, "1..%d\n", r.n)
		if res.Stopped != "" {
			fmt.Fprintf(r.w, "Bail out! %s\n", tapText(res.Stopped))
		}
	default:
		fmt.Fprintf(r.w, "\n%s, in %s\n", res.Counts(), fmtDuration(res.Duration))
		switch res.Stopped {
		case "":
		case workbench.Stopped:
			fmt.Fprintln(r.w, "stopped: interrupted")
		default:
			fmt.Fprintf(r.w, "stopped %s\n", termsafe.Line(res.Stopped))
		}
	}
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", ms(d))
	}
	return d.Round(time.Millisecond).String()
}
