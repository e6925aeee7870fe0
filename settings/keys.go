package settings

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A key is written as the terminal UI names a key press: a character as
// typed ("q", "T", "?", "/"), or a named key ("enter", "pgdown", "f5"),
// after modifiers joined with "+" ("ctrl+s", "alt+enter", "shift+tab").
// NormalizeKey writes a key the way a key press names itself, so that a
// key written "Ctrl+S" or "control+s" is found: the modifiers in
// the order ctrl, alt, shift, meta, hyper, super, names in lower case,
// "shift+t" as "T" (a press of shift and t reads "T"), "Ctrl+S" as
// "ctrl+s".

// modifiers in the order a key press writes them, with the spellings
// accepted for each.
var modifiers = []struct {
	name    string
	aliases []string
}{
	{"ctrl", []string{"ctrl", "control"}},
	{"alt", []string{"alt", "option", "opt"}},
	{"shift", []string{"shift"}},
	{"meta", []string{"meta"}},
	{"hyper", []string{"hyper"}},
	{"super", []string{"super", "cmd", "command", "win"}},
}

// namedKeys are the keys with a name, and their other spellings.
var namedKeys = map[string]string{
	"enter": "enter", "return": "enter", "tab": "tab", "backspace": "backspace",
	"esc": "esc", "escape": "esc", "space": "space", "up": "up", "down": "down",
	"left": "left", "right": "right", "begin": "begin", "find": "find",
	"insert": "insert", "ins": "insert", "delete": "delete", "del": "delete",
	"select": "select", "pgup": "pgup", "pageup": "pgup", "pgdown": "pgdown",
	"pagedown": "pgdown", "pgdn": "pgdown", "home": "home", "end": "end",
}

func init() {
	for i := 1; i <= 24; i++ {
		f := fmt.Sprintf("f%d", i)
		namedKeys[f] = f
	}
}

// NormalizeKey checks one key and writes it in its canonical form.
func NormalizeKey(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		if raw != "" {
			return "space", nil // " " is the space bar
		}
		return "", fmt.Errorf("an empty key: write a key such as q, ctrl+s or enter")
	}
	// The last part is the key; a "+" there is the plus key ("ctrl++").
	var mods []string
	base := s
	if utf8.RuneCountInString(s) > 1 {
		if cut := strings.LastIndexByte(s[:len(s)-1], '+'); cut >= 0 {
			mods = strings.Split(s[:cut], "+")
			base = s[cut+1:]
		}
	}
	var have [6]bool
	for _, m := range mods {
		i := modifierIndex(strings.ToLower(strings.TrimSpace(m)))
		if i < 0 {
			return "", fmt.Errorf("%q is not a key: unknown modifier %q (modifiers: ctrl, alt, shift, meta, hyper, super)", raw, m)
		}
		have[i] = true
	}
	key, err := baseKey(raw, base)
	if err != nil {
		return "", err
	}
	const ctrl, alt, shift = 0, 1, 2
	if r, n := utf8.DecodeRuneInString(key); n == len(key) && unicode.IsLetter(r) {
		others := have[ctrl] || have[alt] || have[3] || have[4] || have[5]
		switch {
		case have[shift] && !others:
			// shift+t is typed as T.
			key, have[shift] = string(unicode.ToUpper(r)), false
		case have[shift] && unicode.IsUpper(r):
			key, have[shift] = string(r), false // shift+T as T
		case others:
			// Ctrl+S means ctrl+s (a terminal sends the same byte for
			// both); ctrl+shift+s says shift.
			key = string(unicode.ToLower(r))
		}
	} else if have[shift] && n == len(key) && !unicode.IsLetter(r) && !isNamed(key) && !(have[ctrl] || have[alt]) {
		// Which character shift+/ types depends on the keyboard.
		return "", fmt.Errorf("%q is not a key: write the character shift types (such as ? for shift+/)", raw)
	}
	var b strings.Builder
	for i, m := range modifiers {
		if have[i] {
			b.WriteString(m.name + "+")
		}
	}
	b.WriteString(key)
	return b.String(), nil
}

func modifierIndex(m string) int {
	for i, mod := range modifiers {
		for _, a := range mod.aliases {
			if m == a {
				return i
			}
		}
	}
	return -1
}

func isNamed(k string) bool {
	_, ok := namedKeys[k]
	return ok
}

// baseKey is a named key in its one spelling, or one printable character.
func baseKey(raw, base string) (string, error) {
	if n, ok := namedKeys[strings.ToLower(base)]; ok {
		return n, nil
	}
	if r, n := utf8.DecodeRuneInString(base); n == len(base) && r != utf8.RuneError {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return "", fmt.Errorf("%q is not a key: %U is not a printable character", raw, r)
		}
		return base, nil
	}
	return "", fmt.Errorf("%q is not a key: %q is neither one character nor a key name (%s)", raw, base, keyNameList())
}

func keyNameList() string {
	return "enter, tab, backspace, esc, space, up, down, left, right, home, end, pgup, pgdown, insert, delete, f1-f24"
}
