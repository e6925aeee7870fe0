package export

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Quote quotes s as one word that POSIX sh, bash and zsh all read back as
// s: bare when every byte is safe, else in single quotes, with each byte
// a terminal would not show as itself (control bytes, invalid UTF-8,
// characters that reorder or hide text) written by printf in octal, so
// that a pasted command is never more than it shows. bash's $'...' would
// be shorter, but dash reads it as '$' and a quoted string, which let a
// tab in a body turn the rest of it into commands. A NUL cannot be in an
// argument at all; callers keep it out.
func Quote(s string) string {
	if s != "" && strings.Trim(s, safeChars) == "" && s[0] != '=' { // zsh expands a leading =
		return s
	}
	if s == "" {
		return "''"
	}
	// Command substitution drops trailing newlines: those go in the
	// single quotes as they are.
	core := strings.TrimRight(s, "\n")
	var q quoter
	carry := false // the byte before was a newline: printf takes the next rune too
	for i := 0; i < len(core); {
		size, plain := unit(core[i:])
		if plain && !carry {
			q.literal(core[i : i+size])
		} else {
			q.octal(core[i : i+size])
		}
		carry = core[i] == '\n'
		i += size
	}
	q.literal(s[len(core):])
	return q.String()
}

const safeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%"

// unit measures the rune at the start of s (one byte when invalid) and
// reports whether it may appear in the command as itself.
func unit(s string) (size int, plain bool) {
	c := s[0]
	if c < utf8.RuneSelf {
		return 1, c >= 0x20 && c != 0x7f
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return 1, false
	}
	return size, !hidden(r)
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		size, plain := unit(s[i:])
		if !plain {
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

// quoter writes a word as adjacent parts: text in single quotes, a quote
// as \', other bytes as "$(printf '\ooo')". Two quotes never meet,
// which zsh's RC_QUOTES would read as a quote.
type quoter struct {
	out        strings.Builder
	text, octs strings.Builder
}

func (q *quoter) literal(s string) {
	q.flushOctal()
	for _, part := range strings.SplitAfter(s, "'") {
		lit, quote := strings.CutSuffix(part, "'")
		q.text.WriteString(lit)
		if quote {
			q.flushText()
			q.out.WriteString(`\'`)
		}
	}
}

func (q *quoter) octal(s string) {
	q.flushText()
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&q.octs, `\%03o`, s[i])
	}
}

func (q *quoter) flushText() {
	if q.text.Len() > 0 {
		q.out.WriteString("'" + q.text.String() + "'")
		q.text.Reset()
	}
}

func (q *quoter) flushOctal() {
	if q.octs.Len() > 0 {
		q.out.WriteString(`"$(printf '` + q.octs.String() + `')"`)
		q.octs.Reset()
	}
}

func (q *quoter) String() string {
	q.flushText()
	q.flushOctal()
	return q.out.String()
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
		if s.name == "" && (needsEscape(s.lit) || strings.Contains(s.lit, "!")) {
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

// needsPipe reports a body that goes through printfCommand rather than
// an argument: a NUL, which no argument holds, or bytes Quote would hand
// to printf, whose command substitution would drop trailing newlines.
func needsPipe(body []byte) bool {
	return bytes.IndexByte(body, 0) >= 0 || needsEscape(string(body))
}

// printfCommand writes a printf that prints the segments, variables
// expanded: the way to feed a body no argument can hold (NUL, or bytes
// a terminal would not show) to curl or HTTPie on standard input.
func printfCommand(segs []segment) string {
	var f, args strings.Builder
	for _, s := range segs {
		if s.name != "" {
			f.WriteString("%s")
			args.WriteString(` "${` + s.name + `}"`)
			continue
		}
		for i := 0; i < len(s.lit); i++ {
			switch c := s.lit[i]; {
			case c == '%':
				f.WriteString("%%")
			case c == '\\':
				f.WriteString(`\\`)
			case c == '\'':
				f.WriteString(`\047`)
			case c >= 0x20 && c < 0x7f && !(c == '-' && f.Len() == 0): // a leading - reads as an option
				f.WriteByte(c)
			default:
				fmt.Fprintf(&f, `\%03o`, c)
			}
		}
	}
	return "printf '" + f.String() + "'" + args.String()
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
