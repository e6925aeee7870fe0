package bodyview

import "bytes"

// markupSpans classifies a whole XML or HTML document once: tags and their
// names, attributes and their quoted values, comments, CDATA, processing
// instructions and declarations, character references. Unlike JSON, these
// span lines, so the document is read as one. A hand-written scanner:
// linear, no allocation but the spans, and nothing initialised at start-up
// (a highlighting library registers hundreds of lexers in its init).
func markupSpans(lang language, src []byte) []span {
	var spans []span
	mark := func(off int, c class) {
		if off >= len(src) {
			return
		}
		if n := len(spans); n > 0 && spans[n-1].cls == c {
			return
		}
		if n := len(spans); n > 0 && spans[n-1].start == off {
			spans[n-1].cls = c
			return
		}
		spans = append(spans, span{off, c})
	}
	// until returns the offset just past end, searched from i, or len(src).
	until := func(i int, end string) int {
		if j := bytes.Index(src[i:], []byte(end)); j >= 0 {
			return i + j + len(end)
		}
		return len(src)
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '&':
			j := i + 1
			for j < len(src) && j-i < 32 && (isNameByte(src[j]) || src[j] == '#') {
				j++
			}
			if j < len(src) && src[j] == ';' && j > i+1 {
				mark(i, clsNumber)
				mark(j+1, clsPlain)
				i = j + 1
				continue
			}
			mark(i, clsPlain)
			i++
		case c != '<':
			mark(i, clsPlain)
			i++
		case bytes.HasPrefix(src[i:], []byte("<!--")):
			mark(i, clsDim)
			i = until(i+4, "-->")
		case bytes.HasPrefix(src[i:], []byte("<![CDATA[")):
			mark(i, clsDim)
			mark(i+9, clsString)
			end := until(i+9, "]]>")
			if end-3 >= i+9 && bytes.HasSuffix(src[:end], []byte("]]>")) {
				mark(end-3, clsDim)
			}
			i = end
		case bytes.HasPrefix(src[i:], []byte("<?")), bytes.HasPrefix(src[i:], []byte("<!")):
			mark(i, clsDim)
			i = until(i+2, ">")
		default:
			i = tag(src, i, mark)
			if lang == langHTML {
				// Script and style hold text, not markup, until their end tag.
				for _, raw := range []string{"script", "style"} {
					if openTag(src, i, raw) {
						mark(i, clsPlain)
						if j := indexFold(src[i:], "</"+raw); j >= 0 {
							i += j
						} else {
							i = len(src)
						}
					}
				}
			}
		}
	}
	return spans
}

// tag classifies one tag from its '<' and returns the offset after it.
func tag(src []byte, i int, mark func(int, class)) int {
	mark(i, clsPunct)
	i++
	if i < len(src) && src[i] == '/' {
		i++
	}
	if i >= len(src) || !isNameByte(src[i]) {
		return i // a lone '<' in text
	}
	mark(i, clsKeyword)
	for i < len(src) && isNameByte(src[i]) {
		i++
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == '>':
			mark(i, clsPunct)
			return i + 1
		case c == '/' || c == '=':
			mark(i, clsPunct)
			i++
		case c == '"' || c == '\'':
			mark(i, clsString)
			j := bytes.IndexByte(src[i+1:], c)
			if j < 0 {
				return len(src)
			}
			i += j + 2
		case isNameByte(c):
			mark(i, clsKey)
			for i < len(src) && isNameByte(src[i]) {
				i++
			}
		case c == '<':
			return i // an unclosed tag: the next one starts here
		default:
			mark(i, clsPlain)
			i++
		}
	}
	return i
}

// openTag reports whether the tag just before i opened name (<script ...>).
func openTag(src []byte, i int, name string) bool {
	j := bytes.LastIndexByte(src[:i], '<')
	if j < 0 || j+1+len(name) > len(src) || !bytes.EqualFold(src[j+1:j+1+len(name)], []byte(name)) {
		return false
	}
	k := j + 1 + len(name)
	return k < len(src) && !isNameByte(src[k]) && src[i-1] == '>' && src[i-2] != '/'
}

func indexFold(s []byte, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if bytes.EqualFold(s[i:i+len(sub)], []byte(sub)) {
			return i
		}
	}
	return -1
}

func isNameByte(c byte) bool {
	return c == '-' || c == '_' || c == ':' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}
