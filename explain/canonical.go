package explain

import "strings"

// canonicalLines is a canonical request taken apart, each part with the
// 1-based line it sits on, so that a rule can quote it.
type canonicalLines struct {
	lines               []string
	method, path, query string
	queryLine           int // 0 when the copy lost the empty query line
	headers             []canonicalHeader
	signed              []string
	hash                string
}

type canonicalHeader struct {
	name, value string
	line        int
}

func splitCanonical(cr string) (canonicalLines, bool) {
	lines := strings.Split(cr, "\n")
	c := canonicalLines{lines: lines}
	n := len(lines)
	if n < 4 || !signedHeadersRE.MatchString(lines[n-2]) {
		return c, false
	}
	c.method, c.path = lines[0], lines[1]
	c.signed, c.hash = strings.Split(lines[n-2], ";"), lines[n-1]
	end := n - 2
	if lines[end-1] == "" {
		end--
	}
	start := 3
	if strings.HasPrefix(lines[2], c.signed[0]+":") {
		// The empty query line was lost (a copy that dropped blank lines).
		start = 2
	} else {
		c.query, c.queryLine = lines[2], 3
	}
	for i := start; i < end; i++ {
		name, value, _ := strings.Cut(lines[i], ":")
		c.headers = append(c.headers, canonicalHeader{name, value, i + 1})
	}
	return c, true
}

func (c canonicalLines) header(name string) (canonicalHeader, bool) {
	for _, h := range c.headers {
		if h.name == name {
			return h, true
		}
	}
	return canonicalHeader{}, false
}
