package bodyview

import (
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// tabStop is the tab width on display. Four, not eight: bodies are mostly
// indented data, and the pane is narrow.
const tabStop = 4

// Escape makes a single-line string from the network safe to print: every
// byte or rune that a terminal would interpret instead of display is replaced
// by a visible escape. CR becomes \r, ESC \x1b, other C0 controls, DEL and
// C1 controls (U+0080–U+009F) \xNN, invalid UTF-8 bytes \xNN, bidi controls
// and line/paragraph separators \uNNNN; a tab becomes spaces up to the next
// multiple of four columns. Everything else, wide runes included, is kept.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	col := 0 // only tabs need it; a rough rune count is enough for them
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\t':
				n := tabStop - col%tabStop
				b.WriteString("    "[:n])
				col += n
			case c < 0x20 || c == 0x7f:
				col += writeByteEscape(&b, c)
			default:
				b.WriteByte(c)
				col++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			col += writeByteEscape(&b, c)
		case isC1(r):
			col += writeByteEscape(&b, byte(r))
		case isInvisible(r):
			col += writeRuneEscape(&b, r)
		default:
			b.WriteString(s[i : i+size])
			col++
		}
		i += size
	}
	return b.String()
}

// needsEscape is the fast path of Escape: most header values are plain.
func needsEscape[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return true
		}
	}
	return false
}

// isC1 reports the C1 controls: several terminals act on U+009B as CSI and on
// U+009D as OSC, so they are as dangerous as ESC.
func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// isInvisible reports runes that reorder or break text on terminals that
// implement bidi or treat them as newlines; shown raw they can make a body
// read differently from what it is ("Trojan Source").
func isInvisible(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0xfeff:
		return true
	case r >= 0x2028 && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// byteEscapeWidth is the display width of writeByteEscape's output.
func byteEscapeWidth(c byte) int {
	if c == '\r' {
		return 2
	}
	return 4
}

func writeByteEscape(b *strings.Builder, c byte) int {
	if c == '\r' {
		b.WriteString(`\r`)
		return 2
	}
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
	return 4
}

const runeEscapeWidth = 6

func writeRuneEscape(b *strings.Builder, r rune) int {
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&0xf])
	}
	return runeEscapeWidth
}

// escapeText returns the whole-text form used by PlainText: like Escape but
// newlines and tabs are kept, so that what is copied keeps its layout, and a
// CR of a CRLF pair is dropped as the view does.
func escapeText(src []byte) string {
	var b strings.Builder
	b.Grow(len(src) + len(src)/64)
	start := 0
	for start < len(src) {
		end := len(src)
		next := end
		if i := indexNL(src[start:]); i >= 0 {
			end = start + i
			next = end + 1
			if end > start && src[end-1] == '\r' {
				end--
			}
		}
		line := src[start:end]
		if needsEscape(line) {
			for _, part := range strings.SplitAfter(string(line), "\t") {
				tab := strings.HasSuffix(part, "\t")
				b.WriteString(Escape(strings.TrimSuffix(part, "\t")))
				if tab {
					b.WriteByte('\t')
				}
			}
		} else {
			b.Write(line)
		}
		if next > end {
			b.WriteByte('\n')
		}
		start = next
	}
	return b.String()
}
