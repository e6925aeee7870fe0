package iampolicy

import "strings"

// Glob matches s against pattern, where * is any run of characters
// (empty too) and ? any one character; everything else is literal.
func Glob(pattern, s string) bool {
	// Iterative matching with one backtrack point: linear in practice and
	// never exponential, whatever the pattern.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// globFold is Glob ignoring case, for action names.
func globFold(pattern, s string) bool { return Glob(strings.ToLower(pattern), strings.ToLower(s)) }
