package bodyview

// span says that text from start up to the next span's start has class cls.
type span struct {
	start int
	cls   class
}

// lexJSONLine classifies one line of JSON. JSON strings cannot contain raw
// newlines, so a line of pretty-printed JSON always starts outside a string
// and lexing it alone is exact; only the 64 KiB chunks of an over-long line
// can start inside a string, where the colours may be off until the next
// quote. That trade buys highlighting without tokenising the whole body.
func lexJSONLine(src []byte, start, end int, dst []span) []span {
	add := func(at int, c class) {
		if n := len(dst); n > 0 && dst[n-1].cls == c {
			return
		}
		if n := len(dst); n > 0 && dst[n-1].start == at {
			dst[n-1].cls = c
			return
		}
		dst = append(dst, span{at, c})
	}
	add(start, clsPlain)
	for i := start; i < end; {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			for j < end && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, end)
			k := j
			for k < end && (src[k] == ' ' || src[k] == '\t') {
				k++
			}
			if k < end && src[k] == ':' {
				add(i, clsKey)
			} else {
				add(i, clsString)
			}
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			add(i, clsNumber)
			for i++; i < end && isNumberByte(src[i]); i++ {
			}
		case c >= 'a' && c <= 'z':
			j := i
			for j < end && src[j] >= 'a' && src[j] <= 'z' {
				j++
			}
			switch string(src[i:j]) {
			case "true", "false", "null":
				add(i, clsKeyword)
			default:
				add(i, clsPlain)
			}
			i = j
		case c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':':
			add(i, clsPunct)
			i++
		default:
			add(i, clsPlain)
			i++
		}
	}
	return dst
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}
