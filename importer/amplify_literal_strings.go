package importer

import (
	"strconv"
	"strings"
	"unicode"
)

// The strings of the object-literal parser: both quotes and backticks,
// JavaScript's escapes, and the strings inside an expression kept as text.

// str reads a quoted string; a backtick string may not hold ${...}.
func (p *jsParser) str() (string, error) {
	line, col := p.line, p.col
	q := p.next()
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.errAt(line, col, "this string is never closed")
		}
		r := p.next()
		switch {
		case r == q:
			return b.String(), nil
		case r == '\n' && q != '`':
			return "", p.errAt(line, col, "this string is never closed on its line")
		case r == '$' && q == '`' && p.peek() == '{':
			return "", p.errAt(p.line, p.col-1, "a template literal with ${...} is code, not data: write the value out")
		case r == '\\':
			if p.eof() {
				return "", p.errAt(line, col, "this string is never closed")
			}
			el, ec := p.line, p.col-1
			e := p.next()
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'v':
				b.WriteByte('\v')
			case '0':
				b.WriteByte(0)
			case '\n': // a line continuation
			case 'x', 'u':
				n := 2
				if e == 'u' {
					n = 4
					if p.peek() == '{' {
						p.next()
						end := strings.IndexByte(p.src[p.pos:], '}')
						if end < 0 || end > 6 {
							return "", p.errAt(el, ec, "bad \\u{...} escape")
						}
						n = end
					}
				}
				if p.pos+n > len(p.src) {
					return "", p.errAt(el, ec, "bad \\%c escape", e)
				}
				v, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
				if err != nil || v > unicode.MaxRune {
					return "", p.errAt(el, ec, "bad \\%c escape", e)
				}
				for i := 0; i < n; i++ {
					p.next()
				}
				if e == 'u' && p.peek() == '}' && n != 4 {
					p.next()
				}
				b.WriteRune(rune(v))
			default:
				b.WriteRune(e) // \' \" \\ \/ and the rest stand for themselves
			}
		default:
			b.WriteRune(r)
		}
	}
}

// rawString passes a string inside an expression, ${...} allowed.
func (p *jsParser) rawString() (string, error) {
	line, col := p.line, p.col
	q := p.next()
	for {
		if p.eof() {
			return "", p.errAt(line, col, "this string is never closed")
		}
		r := p.next()
		if r == '\\' && !p.eof() {
			p.next()
			continue
		}
		if r == q {
			return "", nil
		}
	}
}
