// Package termsafe makes bytes that came from the network or a file safe
// to print on a terminal: every control sequence is shown escaped, never
// interpreted (an OSC that retitles the window, a CSI that clears the
// screen, a bidi override that reorders a line). Machine output (-o json)
// does not go through it: it stays exact.
package termsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Line makes one line safe: control bytes (line breaks and tabs too),
// DEL, C1 controls and invalid UTF-8 become \xNN; bidi controls and line
// or paragraph separators \uNNNN. Everything else is kept.
func Line(s string) string { return escape(s, false) }

// Text is Line for several lines: '\n' is kept, everything else as Line
// (a CR too, which would move the cursor back over a line).
func Text(s string) string { return escape(s, true) }

func escape(s string, keepNewlines bool) string {
	if !needsEscape(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' && keepNewlines:
				b.WriteByte(c)
			case c < 0x20 || c == 0x7f:
				fmt.Fprintf(&b, `\x%02x`, c)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, c)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case invisible(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && !(c == '\n' && keepNewlines)) || c >= 0x7f {
			return true
		}
	}
	return false
}

// invisible reports runes that reorder or break text on terminals: bidi
// embeddings, overrides and isolates, the line and paragraph separators,
// and marks that draw nothing.
func invisible(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0x2028 || r == 0x2029 || r == 0xfeff:
		return true
	}
	return false
}
