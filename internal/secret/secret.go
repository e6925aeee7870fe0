// Package secret masks credentials and tokens before they reach a screen, a
// log or test output.
package secret

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// Mask keeps enough of a secret to tell two apart (its first four
// characters and its length) and hides the rest. A value masked already
// is kept as it is: masking it again would hide its real length behind
// the mask's own ("…(16 chars)" for a 168-character cookie).
func Mask(s string) string {
	if Masked(s) {
		return s
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return ""
	case n == 1:
		return "…(1 char)"
	case n <= 8:
		return fmt.Sprintf("…(%d chars)", n)
	}
	prefix := []rune(s)[:4]
	return fmt.Sprintf("%s…(%d chars)", string(prefix), n)
}

// masked is what Mask writes: up to four characters, "…(", a count and
// " chars)" (" char)" for one).
var masked = lazyre.New(`^[^…]{0,4}…\([0-9]+ chars?\)$`)

// Masked reports whether s is a value Mask wrote, or one a server cut
// short with "…" itself (an echo that masks what it shows): neither holds
// the secret any more.
func Masked(s string) bool {
	return masked.MatchString(s) || strings.HasSuffix(s, "…") && utf8.RuneCountInString(s) <= 8
}
