package export

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Quote quotes s as one word of a POSIX shell: bare when every byte is
// safe, in single quotes when it is printable text, and in bash's $'...'
// when it holds control bytes, invalid UTF-8 or characters that reorder or
// hide text on a terminal, so that a pasted command is never more than it
// shows. A NUL cannot be in an argument at all; callers keep it out.
func Quote(s string) string {
	if s != "" && strings.Trim(s, safeChars) == "" {
		return s
	}
	if !needsANSI(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return ansiQuote(s)
}

const safeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%"

func needsANSI(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || hidden(r) {
			return true
		}
		i += size
	}
	return false
}

// hidden reports runes a terminal does not show as themselves: C1
// controls, bidi controls, line and paragraph separators, zero-width
// marks.
func hidden(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r >= 0x200b && r <= 0x200d, r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	}
	return false
}

func ansiQuote(s string) string {
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '\\':
				b.WriteString(`\\`)
			case '\'':
				b.WriteString(`\'`)
			case '\n':
				b.WriteString(`\n`)
			case '\t':
				b.WriteString(`\t`)
			case '\r':
				b.WriteString(`\r`)
			default:
				if c < 0x20 || c == 0x7f {
					fmt.Fprintf(&b, `\x%02x`, c)
				} else {
					b.WriteByte(c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, c) // the byte itself, not U+FFFD
		case hidden(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

// word joins segments into one shell word: literals quoted, variables
// expanded in double quotes. Plain text around variables goes into the
// same double quotes ("Authorization: $TOKEN"), which reads as people
// write it; other text is quoted on its own and the parts concatenated.
func word(segs []segment) string {
	hasVar := false
	for _, s := range segs {
		if s.name != "" {
			hasVar = true
		}
	}
	if !hasVar {
		var b strings.Builder
		for _, s := range segs {
			b.WriteString(s.lit)
		}
		return Quote(b.String())
	}
	if plainForDouble(segs) {
		var b strings.Builder
		b.WriteByte('"')
		for i, s := range segs {
			if s.name != "" {
				// Braces when a name character follows, which would
				// otherwise extend the name.
				if i+1 < len(segs) && segs[i+1].name == "" && startsWithNameChar(segs[i+1].lit) {
					b.WriteString("${" + s.name + "}")
				} else {
					b.WriteString("$" + s.name)
				}
				continue
			}
			b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`").Replace(s.lit))
		}
		b.WriteByte('"')
		return b.String()
	}
	var b strings.Builder
	for _, s := range segs {
		if s.name != "" {
			b.WriteString(`"${` + s.name + `}"`)
		} else if s.lit != "" {
			b.WriteString(forceQuote(s.lit))
		}
	}
	return b.String()
}

// forceQuote quotes even a safe string, so that it cannot join the
// variable before it.
func forceQuote(s string) string {
	q := Quote(s)
	if q == s {
		return "'" + s + "'"
	}
	return q
}

// plainForDouble reports whether the literals can go inside double
// quotes: printable text without '!' (history expansion in an
// interactive bash).
func plainForDouble(segs []segment) bool {
	for _, s := range segs {
		if s.name == "" && (needsANSI(s.lit) || strings.Contains(s.lit, "!")) {
			return false
		}
	}
	return true
}

func startsWithNameChar(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// printfBody writes bytes as a printf format that reproduces them,
// NUL included: the way to feed curl a body that no argument can hold.
func printfBody(body []byte) string {
	var b strings.Builder
	b.WriteString("printf '")
	for _, c := range body {
		switch {
		case c == '%':
			b.WriteString("%%")
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\'':
			b.WriteString(`\047`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, `\%03o`, c)
		}
	}
	b.WriteString("'")
	return b.String()
}

// command is a shell command under construction: comment lines, then
// groups of words, each group on a line of its own.
type command struct {
	comments []string
	prefix   string // a pipe into the command (printf ... |), or ""
	stdin    string // a file redirected into the command, quoted, or ""
	env      []string
	groups   [][]string
}

func (c *command) note(format string, args ...any) {
	c.comments = append(c.comments, comment(fmt.Sprintf(format, args...)))
}

func (c *command) add(words ...string) { c.groups = append(c.groups, words) }

func (c *command) String() string {
	var b strings.Builder
	for _, l := range c.comments {
		b.WriteString(l + "\n")
	}
	if c.prefix != "" {
		b.WriteString(c.prefix + " \\\n  | ")
	}
	for i, g := range c.groups {
		if i > 0 {
			b.WriteString(" \\\n  ")
		}
		if i == 0 && len(c.env) > 0 {
			b.WriteString(strings.Join(c.env, " ") + " ")
		}
		b.WriteString(strings.Join(g, " "))
	}
	if c.stdin != "" {
		b.WriteString(" \\\n  < " + c.stdin)
	}
	b.WriteString("\n")
	return b.String()
}
