package explain

import (
	"encoding/hex"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// normalizeBreaks turns CRLF and lone CR into LF.
func normalizeBreaks(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// hasEscapedBreaks reports a message whose line breaks are written as \n:
// a JSON body printed by a log, or escaped twice.
func hasEscapedBreaks(s string) bool {
	if !strings.Contains(s, `\n`) {
		return false
	}
	return !strings.Contains(s, "\n") || strings.Contains(s, `been\n'`) || strings.Contains(s, `been\\n'`)
}

// unescapeBackslashes undoes one level of JSON-style escaping: \n \r \t
// \" \\ \/ and \uXXXX. Other backslashes are kept.
func unescapeBackslashes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; n {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '"', '\\', '/', '\'':
			b.WriteByte(n)
		case 'u':
			if i+6 <= len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += 5
					continue
				}
			}
			b.WriteByte(c)
			continue
		default:
			b.WriteByte(c)
			continue
		}
		i++
	}
	return normalizeBreaks(b.String())
}

// escapeRawControls escapes control bytes that sit raw inside JSON
// strings, so that a body pasted with real line breaks inside its
// "message" decodes.
func escapeRawControls(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 32)
	in, esc := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case in && c < 0x20:
			switch c {
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&15])
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

const hexDigits = "0123456789abcdef"

// unescapeXML decodes XML's entities (&amp; &lt; &gt; &quot; &apos; and
// numeric references) once.
func unescapeXML(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return html.UnescapeString(s)
}

// indexFold is strings.Index, ignoring ASCII case.
func indexFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

func appendOnce(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

// quotedBlock is the text AWS quotes after "should have been": between
// the opening quote and its closing quote. When bounded (the segment ends
// where the next block starts) the closing quote is the last one followed
// only by white space; otherwise the first quote that ends a line.
// Without quotes, the block runs to the first blank line.
func quotedBlock(seg string, bounded bool) string {
	seg = strings.TrimLeft(seg, " \t\n:")
	if !strings.HasPrefix(seg, "'") {
		if i := strings.Index(seg, "\n\n"); i >= 0 {
			seg = seg[:i]
		}
		return strings.TrimSpace(seg)
	}
	seg = seg[1:]
	if bounded {
		t := strings.TrimRight(seg, " \t\n")
		if strings.HasSuffix(t, "'") {
			return t[:len(t)-1]
		}
		return t // the closing quote is missing (a redacted paste)
	}
	for i := 0; i < len(seg); i++ {
		if seg[i] != '\'' {
			continue
		}
		rest := seg[i+1:]
		if rest == "" || strings.TrimLeft(rest, " \t") == "" || strings.HasPrefix(strings.TrimLeft(rest, " \t"), "\n") || strings.HasPrefix(rest, `"`) {
			return seg[:i]
		}
	}
	if i := strings.Index(seg, "\n\n"); i >= 0 {
		return strings.TrimSpace(seg[:i])
	}
	return strings.TrimRight(seg, " \t\n")
}

var signedHeadersRE = lazyre.New(`^[a-z0-9_.-]+(;[a-z0-9_.-]+)*$`)

func isPayloadHash(s string) bool {
	if s == "UNSIGNED-PAYLOAD" || strings.HasPrefix(s, "STREAMING-") {
		return true
	}
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(hexDigits, rune(s[i])) {
			return false
		}
	}
	return true
}

// unflattenCanonical restores the line breaks of a canonical request
// printed on one line (each break turned into a space, or runs of white
// space folded into one). The signed header list and the payload hash at
// the end say which header lines to expect, so header values may hold
// spaces.
func unflattenCanonical(s string) (string, bool) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return "", false
	}
	hash := s[i+1:]
	if !isPayloadHash(hash) {
		return "", false
	}
	rest := strings.TrimRight(s[:i], " ")
	j := strings.LastIndexByte(rest, ' ')
	if j < 0 {
		return "", false
	}
	signed := rest[j+1:]
	if !signedHeadersRE.MatchString(signed) {
		return "", false
	}
	names := strings.Split(signed, ";")
	head := strings.TrimRight(rest[:j], " ")
	parts := strings.SplitN(head, " ", 3)
	if len(parts) < 3 {
		return "", false
	}
	method, path, r := parts[0], parts[1], parts[2]
	query := ""
	switch {
	case strings.HasPrefix(r, " "): // two spaces: an empty query line
		r = r[1:]
	case strings.HasPrefix(r, names[0]+":"): // white space folded: no query
	default:
		k := strings.IndexByte(r, ' ')
		if k < 0 {
			return "", false
		}
		query, r = r[:k], r[k+1:]
	}
	lines := []string{method, path, query}
	for n, name := range names {
		if !strings.HasPrefix(r, name+":") {
			return "", false
		}
		var value string
		if n+1 < len(names) {
			k := strings.Index(r, " "+names[n+1]+":")
			if k < len(name) {
				return "", false
			}
			value, r = r[len(name)+1:k], r[k+1:]
		} else {
			value, r = r[len(name)+1:], ""
		}
		lines = append(lines, name+":"+strings.TrimSpace(value))
	}
	lines = append(lines, "", signed, hash)
	return strings.Join(lines, "\n"), true
}

// unflattenStringToSign restores a string to sign printed on one line.
func unflattenStringToSign(s string) (string, bool) {
	f := strings.Fields(s)
	if len(f) != 4 {
		return "", false
	}
	return strings.Join(f, "\n"), true
}

// decodeByteDump reads S3's CanonicalRequestBytes and StringToSignBytes:
// two hex digits per byte, separated by spaces (and, in pasted copies,
// line breaks anywhere).
func decodeByteDump(dump string) ([]byte, bool) {
	var b strings.Builder
	for _, r := range dump {
		switch {
		case r == ' ' || r == '\n' || r == '\r' || r == '\t':
		case r < utf8.RuneSelf && strings.ContainsRune(hexDigits+"ABCDEF", r):
			b.WriteRune(r)
		default:
			return nil, false
		}
	}
	if b.Len() == 0 || b.Len()%2 != 0 {
		return nil, false
	}
	out, err := hex.DecodeString(b.String())
	return out, err == nil
}

// response is a raw HTTP response pasted whole.
type response struct {
	status  int
	headers [][2]string
	body    []byte
}

func (r response) header(name string) string {
	for _, h := range r.headers {
		if strings.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

// splitResponse reads "HTTP/1.1 403 Forbidden", headers and a blank line
// before the body, as curl -i and bug reports show an answer.
func splitResponse(data []byte) (response, bool) {
	s := strings.TrimLeft(string(data), " \t\r\n\ufeff")
	if !strings.HasPrefix(s, "HTTP/") {
		return response{}, false
	}
	var r response
	line, rest, _ := strings.Cut(s, "\n")
	f := strings.Fields(line)
	if len(f) < 2 {
		return response{}, false
	}
	status, err := strconv.Atoi(f[1])
	if err != nil {
		return response{}, false
	}
	r.status = status
	for {
		if rest == "" {
			break
		}
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		r.headers = append(r.headers, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	r.body = []byte(rest)
	return r, true
}
