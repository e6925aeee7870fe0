package collections

import (
	"strings"
)

// realLine finds the line a YAML syntax error is really on. yaml.v3
// reports the line where its parser noticed the problem, which is often
// the line before the bad one (a known bug there): a dedent to a level
// nothing opened, a tab in the indentation, a flow collection never
// closed. reported is yaml.v3's 1-based line; the result is never earlier
// than the line before it, and reported when nothing better is found.
func realLine(data []byte, msg string, reported int) int {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	found := 0
	switch {
	case strings.Contains(msg, "tab character"):
		found = firstTabIndent(lines, reported-1)
	case strings.Contains(msg, "did not find expected ',' or '}'"), strings.Contains(msg, "did not find expected ',' or ']'"):
		found = unclosedFlow(lines)
	case strings.Contains(msg, "did not find expected '-' indicator"),
		strings.Contains(msg, "did not find expected key"),
		strings.Contains(msg, "mapping values are not allowed"),
		strings.Contains(msg, "block sequence entries are not allowed"):
		found = badDedent(lines)
	}
	if found >= reported-1 && found > 0 {
		return found
	}
	return reported
}

// firstTabIndent is the first line from `from` on whose indentation holds
// a tab.
func firstTabIndent(lines []string, from int) int {
	for i := max(from-1, 0); i < len(lines); i++ {
		l := lines[i]
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if strings.Contains(indent, "\t") {
			return i + 1
		}
	}
	return 0
}

// badDedent is the first line that dedents to a column no enclosing line
// opened: block structure is indentation, so that line is where the
// mapping or sequence broke.
func badDedent(lines []string) int {
	stack := []int{0}
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "---") {
			continue
		}
		indent := len(l) - len(t)
		dedent := false
		for len(stack) > 1 && stack[len(stack)-1] > indent {
			stack = stack[:len(stack)-1]
			dedent = true
		}
		switch top := stack[len(stack)-1]; {
		case indent > top && dedent: // between two levels: nothing opened it
			return i + 1
		case indent > top:
			stack = append(stack, indent)
		case indent != top:
			return i + 1
		}
		// "- key: v" opens the item's mapping at the column after "- ".
		for strings.HasPrefix(t, "- ") {
			indent += 2
			t = strings.TrimLeft(t[2:], " ")
			stack = append(stack, indent)
		}
	}
	return 0
}

// unclosedFlow is the line of the first { or [ never closed, outside
// quotes and comments.
func unclosedFlow(lines []string) int {
	type open struct{ line int }
	var stack []open
	for i, l := range lines {
		var quote byte
		for j := 0; j < len(l); j++ {
			c := l[j]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '#' && (j == 0 || l[j-1] == ' '):
				j = len(l)
			case c == '{' || c == '[':
				stack = append(stack, open{i + 1})
			case (c == '}' || c == ']') && len(stack) > 0:
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return 0
	}
	return stack[0].line
}
