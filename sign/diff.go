package sign

import (
	"fmt"
	"strings"
)

// DiffCanonicalRequest compares a canonical request with the one a server
// says it expected and returns the first differing line, named by the part
// of the canonical request it belongs to; nil when they are equal.
func DiffCanonicalRequest(ours, theirs string) *Problem {
	if ours == theirs {
		return nil
	}
	p := firstDifference(ours, theirs)
	p.Step = "canonical request"
	p.Detail = fmt.Sprintf("line %d (%s) differs", p.Line, canonicalPart(ours, p.Line))
	return p
}

// DiffStringToSign compares two strings-to-sign line by line.
func DiffStringToSign(ours, theirs string) *Problem {
	if ours == theirs {
		return nil
	}
	p := firstDifference(ours, theirs)
	p.Step = "string to sign"
	parts := []string{"algorithm", "request date", "credential scope", "hash of the canonical request"}
	part := "extra line"
	if p.Line >= 1 && p.Line <= len(parts) {
		part = parts[p.Line-1]
	}
	p.Detail = fmt.Sprintf("line %d (%s) differs", p.Line, part)
	return p
}

func firstDifference(ours, theirs string) *Problem {
	a, b := strings.Split(ours, "\n"), strings.Split(theirs, "\n")
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y || i >= len(a) || i >= len(b) {
			return &Problem{Line: i + 1, Ours: x, Theirs: y}
		}
	}
	return &Problem{}
}

// canonicalPart names the part of a canonical request a 1-based line is in:
// method, URI, query, headers until the blank line, then signed headers and
// the payload hash.
func canonicalPart(canonical string, line int) string {
	lines := strings.Split(canonical, "\n")
	blank := -1
	for i := 3; i < len(lines); i++ {
		if lines[i] == "" {
			blank = i + 1
			break
		}
	}
	switch {
	case line == 1:
		return "HTTP method"
	case line == 2:
		return "canonical URI"
	case line == 3:
		return "canonical query string"
	case blank > 0 && line < blank:
		return "canonical headers"
	case line == blank:
		return "end of headers"
	case line == blank+1:
		return "signed headers"
	case line == blank+2:
		return "payload hash"
	}
	return "beyond the payload hash"
}
