package collections

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a collection file, at a position. Line and Col
// start at 1 and Col counts characters (Unicode code points), as YAML
// parsers and most editors do; 0 means unknown and is left out of Error().
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
}

// Errors is every problem found in one pass, sorted by file and position.
// Load, LoadDir, Resolve and the edit methods return it so that a user sees
// all mistakes at once instead of fixing them one run at a time.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find a single *Error inside.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// sorted orders the errors by position and drops exact duplicates, which
// arise when one bad node is reached through two YAML aliases.
func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Msg < b.Msg
	})
	out := es[:0]
	for i, e := range es {
		if i > 0 && *e == *es[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// orNil turns an empty list into a nil error, so callers can write
// `return errs.orNil()` without returning a typed nil.
func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es.sorted()
}

// suggest returns the candidates close to word, closest first: same text
// ignoring case and separators, or within a small edit distance.
func suggest(word string, candidates []string) []string {
	type scored struct {
		s string
		d int
	}
	norm := func(s string) string {
		s = strings.ToLower(s)
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(s)
	}
	nw := norm(word)
	limit := 2
	if len([]rune(word)) <= 3 {
		limit = 1
	}
	var found []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] || c == word {
			continue
		}
		seen[c] = true
		nc := norm(c)
		d := levenshtein(nw, nc)
		switch {
		case nc == nw:
			d = 0
		case d <= limit && d < len([]rune(nw)):
		case len(nw) >= 4 && (strings.Contains(nc, nw) || strings.Contains(nw, nc)):
			d = limit + 1
		default:
			continue
		}
		found = append(found, scored{c, d})
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].d < found[j].d })
	out := make([]string, 0, 3)
	for i := 0; i < len(found) && i < 3; i++ {
		out = append(out, found[i].s)
	}
	return out
}

// didYouMean formats suggest's answer as a sentence to append to a message.
func didYouMean(word string, candidates []string) string {
	s := suggest(word, candidates)
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, c := range s {
		q[i] = fmt.Sprintf("%q", c)
	}
	return "; did you mean " + strings.Join(q, " or ") + "?"
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		// Long strings are never "close" in a useful way; skip the O(n·m) work.
		if a == b {
			return 0
		}
		return 1 << 20
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// quoteList renders names as `"a", "b"` for messages that list choices.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
