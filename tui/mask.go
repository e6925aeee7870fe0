package tui

import (
	"strings"

	"github.com/sigscope/sigscope/workbench"
)

// maskOnce masks text as every face does (Redactor.Text), or keeps it
// when secrets are shown. The redactor masks each value once, with its
// real length: a value masked already is left as it is.
func maskOnce(red *workbench.Redactor) func(string) string {
	return func(s string) string {
		if red == nil || red.Showing() {
			return s
		}
		return red.Text(s)
	}
}

// maskLine is maskOnce for one header line.
func maskLine(red *workbench.Redactor, l string) string { return maskOnce(red)(l) }

// maskWire masks a request's wire bytes for a copy: the request line and
// headers line by line, the body as a body (known secrets only). CRLFs
// stay, so that the copy parses as the request did.
func maskWire(red *workbench.Redactor, wire []byte) string {
	if red == nil || red.Showing() {
		return string(wire)
	}
	head, body, found := strings.Cut(string(wire), "\r\n\r\n")
	out := maskOnce(red)(head)
	if found {
		out += "\r\n\r\n" + red.Known(body)
	}
	return out
}
