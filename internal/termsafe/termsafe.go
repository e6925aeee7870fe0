// Package termsafe makes bytes that came from the network or a file safe
// to print on a terminal: every control sequence is shown escaped, never
// interpreted (an OSC that retitles the window, a CSI that clears the
// screen, a bidi override that reorders a line). Machine output (-o json)
// does not go through it: it stays exact.
package termsafe

import (
	"fmt"
	"io"
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

// Writer escapes what is written to a terminal as Text does, for output
// too big to hold (a spooled body). A UTF-8 sequence split between two
// writes is held back until it is whole; Flush writes what is left.
type Writer struct {
	w       io.Writer
	pending []byte
	last    byte // the last byte written, for EndLine
}

// NewWriter escapes for w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

func (t *Writer) Write(p []byte) (int, error) {
	buf := append(t.pending, p...)
	cut := len(buf)
	// Hold back an incomplete rune at the end (at most 3 bytes).
	for i := 1; i <= 3 && i <= len(buf); i++ {
		c := buf[len(buf)-i]
		if c < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(buf[len(buf)-i:]) {
				cut = len(buf) - i
			}
			break
		}
	}
	out := Text(string(buf[:cut]))
	t.pending = append([]byte(nil), buf[cut:]...)
	if len(out) > 0 {
		t.last = out[len(out)-1]
		if _, err := io.WriteString(t.w, out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes a held-back partial rune, escaped as the invalid bytes it is.
func (t *Writer) Flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	out := Text(string(t.pending))
	t.pending = nil
	t.last = out[len(out)-1]
	_, err := io.WriteString(t.w, out)
	return err
}

// EndLine writes a newline unless the output already ends with one, so
// that a body without a final newline does not run into the shell prompt.
func (t *Writer) EndLine() error {
	if err := t.Flush(); err != nil {
		return err
	}
	if t.last != 0 && t.last != '\n' {
		t.last = '\n'
		_, err := io.WriteString(t.w, "\n")
		return err
	}
	return nil
}
