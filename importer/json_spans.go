package importer

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Spans of a JSON value that encoding/json has already checked (a
// json.RawMessage it decoded): an object's members and an array's
// elements as sub-slices, found in one pass over the bytes. The Postman
// importer reads its nested values through them instead of a
// json.Unmarshal per value, each of which checked and decoded the bytes
// again. Anything unexpected (a key with escapes, bytes that end early)
// says !ok, and the caller decodes with encoding/json as before.

func jsonSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonStringEnd returns the offset after the string starting at b[i]
// (a '"'), and whether it holds escapes.
func jsonStringEnd(b []byte, i int) (int, bool, bool) {
	escaped := false
	for i++; i < len(b); i++ {
		switch b[i] {
		case '"':
			return i + 1, escaped, true
		case '\\':
			escaped = true
			i++
		}
	}
	return 0, false, false
}

// jsonValueEnd returns the offset after the value starting at b[i].
func jsonValueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		end, _, ok := jsonStringEnd(b, i)
		return end, ok
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				end, _, ok := jsonStringEnd(b, i)
				if !ok {
					return 0, false
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1, true
				}
			}
		}
		return 0, false
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i, true
		}
	}
	return i, true
}

// jsonMembers hands each member of an object to fn, in order, its key
// without escapes (or !ok); fn returning false stops with !ok.
func jsonMembers(b []byte, fn func(key, val []byte) bool) bool {
	return jsonList(b, '{', '}', func(i int) (int, bool) {
		if b[i] != '"' {
			return 0, false
		}
		end, escaped, ok := jsonStringEnd(b, i)
		if !ok || escaped {
			return 0, false
		}
		key := b[i+1 : end-1]
		i = jsonSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = jsonSpace(b, i+1)
		vend, ok := jsonValueEnd(b, i)
		return vend, ok && fn(key, b[i:vend])
	})
}

// jsonElements hands each element of an array to fn; fn returning false
// stops with !ok.
func jsonElements(b []byte, fn func(el []byte) bool) bool {
	return jsonList(b, '[', ']', func(i int) (int, bool) {
		end, ok := jsonValueEnd(b, i)
		return end, ok && fn(b[i:end])
	})
}

// jsonList walks the comma-separated entries between open and closing,
// item reading the entry at an offset and returning the offset after it.
func jsonList(b []byte, open, closing byte, item func(i int) (int, bool)) bool {
	i := jsonSpace(b, 0)
	if i >= len(b) || b[i] != open {
		return false
	}
	i = jsonSpace(b, i+1)
	if i < len(b) && b[i] == closing {
		return true
	}
	for i < len(b) {
		end, ok := item(i)
		if !ok {
			return false
		}
		i = jsonSpace(b, end)
		if i < len(b) && b[i] == closing {
			return true
		}
		if i >= len(b) || b[i] != ',' {
			return false
		}
		i = jsonSpace(b, i+1)
	}
	return false
}

// jsonPlainString is the text of a string literal without escapes or
// bytes encoding/json would change (control characters, invalid UTF-8).
func jsonPlainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	s := b[1 : len(b)-1]
	for _, c := range s {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(s) {
		return "", false
	}
	return string(s), true
}

// jsonStringInto sets *dst as encoding/json decodes a string field:
// null leaves it, another kind of value is !ok.
func jsonStringInto(b []byte, dst *string) bool {
	if string(b) == "null" {
		return true
	}
	if s, ok := jsonPlainString(b); ok {
		*dst = s
		return true
	}
	if len(b) == 0 || b[0] != '"' {
		return false
	}
	return json.Unmarshal(b, dst) == nil
}

// jsonBoolInto sets *dst as encoding/json decodes a bool field.
func jsonBoolInto(b []byte, dst *bool) bool {
	switch string(b) {
	case "null":
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return false
	}
	return true
}

// jsonFoldedKey reports whether encoding/json could match key to one of
// fields by folding case (or Unicode) only: the fast readers match keys
// exactly, and leave such a document to encoding/json.
func jsonFoldedKey(key []byte, fields ...string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, f := range fields {
		if string(key) != f && strings.EqualFold(string(key), f) {
			return true
		}
	}
	return false
}

// jsonSeen is the fields a fast reader met, by their index: a field given
// twice is left to encoding/json, which merges or replaces by the kind of
// field.
type jsonSeen uint32

func (s *jsonSeen) first(i int) bool {
	if *s&(1<<i) != 0 {
		return false
	}
	*s |= 1 << i
	return true
}
