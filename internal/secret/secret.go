// Package secret masks credentials and tokens before they reach a screen, a
// log or test output.
package secret

import (
	"fmt"
	"unicode/utf8"
)

// Mask keeps enough of a secret to tell two apart (its first four
// characters and its length) and hides the rest.
func Mask(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return ""
	case n <= 8:
		return fmt.Sprintf("…(%d chars)", n)
	}
	prefix := []rune(s)[:4]
	return fmt.Sprintf("%s…(%d chars)", string(prefix), n)
}
