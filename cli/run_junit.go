package cli

import (
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sigscope/sigscope/workbench"
)

// JUnit XML as GitLab, Jenkins and GitHub's reporters read it (the
// Jenkins junit schema, junit-10.xsd): one testsuite, one testcase per
// request and iteration; a failed assertion is a <failure>, a request
// without an answer an <error>.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d interface{ Seconds() float64 }) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// junitXML is the run as JUnit XML. Every text in it is masked already
// (the steps' errors and actual values); control bytes XML cannot hold
// are escaped.
func junitXML(name string, res workbench.SuiteResult) ([]byte, error) {
	suite := junitSuite{Name: name, Tests: len(res.Steps), Failures: res.Failed, Errors: res.NoAnswer,
		Time: seconds(res.Duration), Timestamp: time.Now().UTC().Format("2006-01-02T15:04:05")}
	for _, s := range res.Steps {
		folder, req := splitRequestPath(s.Request)
		c := junitCase{Name: req, Classname: strings.TrimSuffix(name+"."+strings.ReplaceAll(folder, "/", "."), "."), Time: seconds(s.Duration)}
		if s.Iteration > 1 {
			c.Name = fmt.Sprintf("%s [%d]", req, s.Iteration)
		}
		lines := s.FailureTexts()
		text := xmlSafe(strings.Join(lines, "\n"))
		switch s.Verdict {
		case workbench.StepFailed:
			c.Failure = &junitProblem{Message: xmlSafe(firstOf(lines)), Type: "AssertionFailed", Text: text}
		case workbench.StepNoAnswer:
			c.Error = &junitProblem{Message: xmlSafe(firstOf(lines)), Type: "NoAnswer", Text: text}
		}
		if s.Verdict == workbench.StepPassed {
			c.SystemOut = fmt.Sprintf("%d, %d assertions held", s.Status, len(s.Checks))
		}
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Name: name, Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Time: suite.Time, Suites: []junitSuite{suite}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func writeJUnit(path, name string, res workbench.SuiteResult) error {
	data, err := junitXML(name, res)
	if err != nil {
		return fmt.Errorf("junit %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write junit %s: %w", path, err)
	}
	return nil
}

func firstOf(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}

// xmlSafe replaces what XML 1.0 cannot hold (most control bytes) with a
// visible escape.
func xmlSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF:
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, `\x%02x`, r)
		}
	}
	return b.String()
}

// splitRequestPath splits "pets/admin/Delete pet" at its last unescaped '/'.
func splitRequestPath(p string) (folder, name string) {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' && (i == 0 || p[i-1] != '\\') {
			return p[:i], strings.ReplaceAll(p[i+1:], `\/`, "/")
		}
	}
	return "", strings.ReplaceAll(p, `\/`, "/")
}
