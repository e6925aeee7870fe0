package workbench

import (
	"fmt"
	"strings"
)

// What a step of a run says, in the words every face prints (the command
// line's text, TAP and JUnit, the UI's run dialog): one place, so that a
// failure reads the same wherever it is seen.

// FailureKind sorts a failure line, for a face that colours them.
type FailureKind int

const (
	FailError   FailureKind = iota // the request was not sent or got no answer
	FailAssert                     // an assertion that does not hold
	FailCapture                    // a capture that found nothing
	FailHint                       // the debugger's hint on a refused request
)

// FailureLine is one line of what a failed step says.
type FailureLine struct {
	Kind FailureKind
	Text string
}

// Failures are what a failed or unanswered step says: the error (one a
// line), each failed assertion as expected against actual with its
// file:line, each capture that found nothing, and the hint. A passed step
// says nothing.
func (s StepResult) Failures() []FailureLine {
	var out []FailureLine
	if s.Err != "" {
		for _, l := range strings.Split(s.Err, "\n") {
			out = append(out, FailureLine{FailError, l})
		}
	}
	for _, c := range s.Checks {
		if !c.Pass {
			out = append(out, FailureLine{FailAssert, c.Failure()})
		}
	}
	for _, c := range s.Captures {
		if c.Err != "" {
			out = append(out, FailureLine{FailCapture, fmt.Sprintf("capture %s: %s (%s)", c.Var, c.Err, c.Where)})
		}
	}
	if s.Hint != "" && s.Verdict != StepPassed {
		out = append(out, FailureLine{FailHint, "hint: " + s.Hint})
	}
	return out
}

// FailureTexts are the texts of Failures.
func (s StepResult) FailureTexts() []string {
	fs := s.Failures()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Text
	}
	return out
}

// Failure is a failed assertion in one line: `json .type == "cat":
// expected true, got false (.type is "dog") (api.yaml:12:9)`.
func (c CheckResult) Failure() string {
	s := fmt.Sprintf("%s: expected %s, got %s", c.Name, c.Expected, c.Actual)
	if c.Where != "" {
		s += " (" + c.Where + ")"
	}
	return s
}

// Held counts the assertions that held.
func Held(checks []CheckResult) int {
	n := 0
	for _, c := range checks {
		if c.Pass {
			n++
		}
	}
	return n
}

// Mark is the step's sign and status as a run lists it: ✓ passed, ✗
// failed, ! no answer (its status "---").
func (s StepResult) Mark() (mark, status string) {
	switch s.Verdict {
	case StepFailed:
		return "✗", fmt.Sprint(s.Status)
	case StepNoAnswer:
		return "!", "---"
	}
	return "✓", fmt.Sprint(s.Status)
}
