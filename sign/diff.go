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
	p.Part = CanonicalPart(ours, p.Line)
	p.Detail = fmt.Sprintf("line %d (%s) differs", p.Line, p.Part)
	return p
}

// DiffStringToSign compares two strings-to-sign line by line.
func DiffStringToSign(ours, theirs string) *Problem {
	if ours == theirs {
		return nil
	}
	p := firstDifference(ours, theirs)
	p.Step = "string to sign"
	p.Part = StringToSignPart(p.Line)
	p.Detail = fmt.Sprintf("line %d (%s) differs", p.Line, p.Part)
	return p
}

// Parts of a string to sign, by line.
const (
	PartAlgorithm       = "algorithm"
	PartRequestDate     = "request date"
	PartCredentialScope = "credential scope"
	PartRequestHash     = "hash of the canonical request"
)

// StringToSignPart names the part of a string to sign a 1-based line is.
func StringToSignPart(line int) string {
	parts := []string{PartAlgorithm, PartRequestDate, PartCredentialScope, PartRequestHash}
	if line >= 1 && line <= len(parts) {
		return parts[line-1]
	}
	return PartExtraLine
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

// Parts of a canonical request, by line.
const (
	PartMethod        = "HTTP method"
	PartURI           = "canonical URI"
	PartQuery         = "canonical query string"
	PartHeaders       = "canonical headers"
	PartEndOfHeaders  = "end of headers"
	PartSignedHeaders = "signed headers"
	PartPayloadHash   = "payload hash"
	PartExtraLine     = "extra line"
)

// CanonicalPart names the part of a canonical request a 1-based line is in:
// method, URI, query, headers until the blank line, then signed headers and
// the payload hash.
func CanonicalPart(canonical string, line int) string {
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
		return PartMethod
	case line == 2:
		return PartURI
	case line == 3:
		return PartQuery
	case blank < 0 || line < blank:
		return PartHeaders
	case line == blank:
		return PartEndOfHeaders
	case line == blank+1:
		return PartSignedHeaders
	case line == blank+2:
		return PartPayloadHash
	}
	return PartExtraLine
}
