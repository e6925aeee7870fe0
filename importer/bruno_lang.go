package importer

import (
	"fmt"
	"strings"
)

// The .bru language of Bruno: a file is a list of blocks, each a name at
// the start of a line followed by "{" (or "[" for a list), closed by a
// "}" (or "]") alone at the start of a line. A block is a dictionary
// ("key: value" lines indented by two spaces, "~" in front of a disabled
// entry, quoted keys, values of several lines between ''' lines, @-lines
// that annotate the next entry) or, for bodies, scripts, tests and docs,
// text indented by two spaces.

type bruBlock struct {
	name  string
	line  int
	pairs []bruPair
	text  string
	list  []string
}

type bruPair struct {
	key, value string
	disabled   bool
	line       int
}

// bruTextBlock reports whether a block holds text rather than entries.
func bruTextBlock(name string) bool {
	switch {
	case strings.HasPrefix(name, "body:"):
		return name != "body:form-urlencoded" && name != "body:multipart-form" && name != "body:file"
	case strings.HasPrefix(name, "script:"), name == "tests", name == "docs":
		return true
	}
	return false
}

// parseBru reads a .bru file; errors name file:line and quote no more
// of the file than an excerpt.
func parseBru(file, src string) ([]bruBlock, error) {
	lines := strings.Split(strings.ReplaceAll(strings.TrimPrefix(src, "\ufeff"), "\r\n", "\n"), "\n")
	var blocks []bruBlock
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t")
		if strings.TrimSpace(l) == "" {
			continue
		}
		var name, closer string
		switch {
		case strings.HasSuffix(l, "{"):
			name, closer = strings.TrimSpace(strings.TrimSuffix(l, "{")), "}"
		case strings.HasSuffix(l, "["):
			name, closer = strings.TrimSpace(strings.TrimSuffix(l, "[")), "]"
		}
		if name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("%s:%d: expected a block such as \"meta {\", found %s", file, i+1, excerpt(l))
		}
		start := i
		var body []string
		closed := false
		for i++; i < len(lines); i++ {
			if strings.TrimRight(lines[i], " \t") == closer {
				closed = true
				break
			}
			body = append(body, lines[i])
		}
		if !closed {
			return nil, fmt.Errorf("%s:%d: the block %s is not closed: add a line with %q alone", file, start+1, excerpt(name), closer)
		}
		b := bruBlock{name: name, line: start + 1}
		switch {
		case closer == "]":
			for _, x := range body {
				if x = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(x), ",")); x != "" {
					b.list = append(b.list, x)
				}
			}
		case bruTextBlock(name):
			for j, x := range body {
				body[j] = strings.TrimPrefix(x, "  ")
			}
			b.text = strings.Join(body, "\n")
		default:
			pairs, err := bruPairs(file, start+2, body)
			if err != nil {
				return nil, err
			}
			b.pairs = pairs
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// bruPairs reads the entries of a dictionary block; first is the line
// number of body[0].
func bruPairs(file string, first int, body []string) ([]bruPair, error) {
	var out []bruPair
	for i := 0; i < len(body); i++ {
		l := strings.TrimSpace(body[i])
		if l == "" {
			continue
		}
		if bruAnnotation(l) {
			// An annotation of several lines: @description(''' ... ''')
			if strings.Count(l, "'''") == 1 {
				for i++; i < len(body) && !strings.Contains(body[i], "'''"); i++ {
				}
			}
			continue
		}
		p := bruPair{line: first + i}
		if strings.HasPrefix(l, "~") {
			p.disabled = true
			l = l[1:]
		}
		if strings.HasPrefix(l, `"`) {
			end := 1
			for end < len(l) && l[end] != '"' {
				if l[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(l) {
				return nil, fmt.Errorf("%s:%d: the quoted key is not closed", file, p.line)
			}
			p.key = strings.ReplaceAll(l[1:end], `\"`, `"`)
			l = strings.TrimSpace(l[end+1:])
			if !strings.HasPrefix(l, ":") {
				return nil, fmt.Errorf("%s:%d: expected \":\" after the key %s", file, p.line, excerpt(p.key))
			}
			p.value = strings.TrimSpace(l[1:])
		} else {
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				return nil, fmt.Errorf("%s:%d: expected \"key: value\", found %s", file, p.line, excerpt(l))
			}
			p.key, p.value = strings.TrimSpace(k), strings.TrimSpace(v)
		}
		if strings.HasPrefix(p.value, "'''") {
			var ml []string
			closed := false
			for i++; i < len(body); i++ {
				if t := strings.TrimSpace(body[i]); strings.HasPrefix(t, "'''") {
					closed = true
					break
				}
				x := body[i]
				for n := 0; n < 4 && strings.HasPrefix(x, " "); n++ {
					x = x[1:]
				}
				ml = append(ml, x)
			}
			if !closed {
				return nil, fmt.Errorf("%s:%d: the text of %s is not closed: end it with a ''' line", file, p.line, excerpt(p.key))
			}
			p.value = strings.Join(ml, "\n")
		} else if p.value == "[" {
			var items []string
			for i++; i < len(body) && strings.TrimSpace(body[i]) != "]"; i++ {
				items = append(items, strings.TrimSpace(body[i]))
			}
			p.value = strings.Join(items, ", ")
		}
		out = append(out, p)
	}
	return out, nil
}

// bruAnnotation reports whether a line is an annotation of the next entry
// (@number, @description('...')) rather than an entry whose key starts
// with @ (vars:post-response writes "@name: value").
func bruAnnotation(l string) bool {
	if !strings.HasPrefix(l, "@") {
		return false
	}
	end := strings.IndexAny(l, "(: \t")
	return end < 0 || l[end] == '('
}

// bruGet returns a dictionary block's value for key, or "".
func bruGet(b *bruBlock, key string) string {
	if b == nil {
		return ""
	}
	for _, p := range b.pairs {
		if p.key == key && !p.disabled {
			return p.value
		}
	}
	return ""
}

// bruFind returns the first block of that name, or nil.
func bruFind(blocks []bruBlock, name string) *bruBlock {
	for i := range blocks {
		if blocks[i].name == name {
			return &blocks[i]
		}
	}
	return nil
}
