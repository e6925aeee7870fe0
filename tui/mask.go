package tui

import (
	"strings"

	"github.com/sigscope/sigscope/workbench"
)

// One masking pass per value. Redactor.Text over a whole header line
// masks a known secret first and then the value of a cookie or
// credential header by its shape, so a value already masked was masked
// again: "Authorization: eyJh…(1045 …(6 chars)", a cookie shown with
// its mask's length. The panes therefore send header-shaped lines
// through Redactor.Header, which masks the value once, from the bytes
// themselves, with its real length; every other line goes through Text.

// maskOnce masks text line by line, each value once.
func maskOnce(red *workbench.Redactor) func(string) string {
	return func(s string) string {
		if red == nil || red.Showing() {
			return s
		}
		if !strings.Contains(s, "\n") {
			return maskLine(red, s)
		}
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			lines[i] = maskLine(red, l)
		}
		return strings.Join(lines, "\n")
	}
}

// maskLine masks one line: a cookie or credential header, in wire form
// ("Cookie: a=b") or canonical form ("cookie:a=b"), by Header; anything
// else by Text (which leaves the value of any other header to the
// known-secret pass, as Header does).
func maskLine(red *workbench.Redactor, l string) string {
	name, value, ok := strings.Cut(l, ":")
	n := strings.TrimSpace(name)
	if !ok || !(strings.EqualFold(n, "cookie") || strings.EqualFold(n, "set-cookie") || workbench.CredentialHeader(n)) {
		return red.Text(l)
	}
	cr := strings.HasSuffix(value, "\r")
	value = strings.TrimSuffix(value, "\r")
	v := strings.TrimLeft(value, " \t")
	out := name + ":" + value[:len(value)-len(v)] + red.Header(n, v)
	if cr {
		out += "\r"
	}
	return out
}

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
