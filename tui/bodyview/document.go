package bodyview

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Size thresholds. Above prettyMax json.Indent would stall the UI for half a
// second or more and add a copy of the body. Above highlightMax bodies are
// shown plain: past prettyMax their lines are mostly 64 KiB chunks of
// minified text, where a per-line lexer would start inside strings, and
// below it the budget keeps the cost of a frame independent of the body.
const (
	prettyMax    = 8 << 20
	highlightMax = 1 << 20
	sniffLen     = 8 << 10
	// markupMax bounds the XML and HTML bodies classified as a whole
	// (markupSpans, linear: a few ms a MiB).
	markupMax = highlightMax
)

type docKind uint8

const (
	kindText docKind = iota
	kindHex
)

type language uint8

const (
	langNone language = iota
	langJSON
	langXML
	langHTML
)

// document is what the view shows: the body as indexed text, a filter result,
// or a hex dump. gen identifies it in cache keys.
type document struct {
	gen  uint64
	kind docKind
	src  []byte
	idx  *lineIndex // kindText only
	// hexPer is the bytes a line of a hex dump shows (kindHex only), set
	// from the width by Model.fitHex.
	hexPer int
	lines  int
	lang   language
	// spans is set when the whole document was tokenised up front (markup);
	// JSON documents are lexed per visible line instead.
	spans []span
	// highlight is false above highlightMax: plain text, no lexing at all.
	highlight bool
	// placeholder is shown, dimmed, when there are no lines.
	placeholder string
	// note says what was skipped for size (Note).
	note string
}

// bounds returns the byte range of a text line.
func (d *document) bounds(line int) (int, int) { return d.idx.bounds(line) }

// lineOf returns the display line holding byte offset off.
func (d *document) lineOf(off int) int {
	if d.kind == kindHex {
		return off / d.hexPer
	}
	return d.idx.lineOf(off)
}

// newDocument classifies and indexes a body. It keeps body, it does not copy it.
func newDocument(gen uint64, contentType string, body []byte) *document {
	if isBinary(contentType, body) {
		return &document{gen: gen, kind: kindHex, src: body, hexPer: hexBytesPerLine, lines: (len(body) + hexBytesPerLine - 1) / hexBytesPerLine}
	}
	lang := detectLanguage(contentType, body)
	src := body
	if lang == langJSON && len(body) <= prettyMax {
		if pretty, ok := prettyJSON(body); ok {
			src = pretty
		}
	}
	d := newTextDocument(gen, src, lang, len(body) <= highlightMax)
	switch {
	case lang == langJSON && len(body) > prettyMax:
		d.note = "shown as sent, not pretty-printed or highlighted: over 8 MiB"
	case lang != langNone && !d.highlight && len(body) > highlightMax:
		d.note = "not highlighted: over 1 MiB"
	}
	return d
}

func newTextDocument(gen uint64, src []byte, lang language, highlight bool) *document {
	d := &document{gen: gen, kind: kindText, src: src, lang: lang, highlight: highlight && lang != langNone}
	d.idx = newLineIndex(src)
	d.lines = d.idx.n
	if d.highlight && (lang == langXML || lang == langHTML) && len(src) <= markupMax {
		d.spans = markupSpans(lang, src)
	}
	// JSON is lexed line by line when drawn; anything else needs spans.
	d.highlight = d.highlight && (lang == langJSON || d.spans != nil)
	return d
}

// prettyJSON re-indents valid JSON; json.Indent validates as it goes, so
// invalid JSON costs one failed pass and is shown as sent.
func prettyJSON(body []byte) ([]byte, bool) {
	var buf bytes.Buffer
	// Sized once. json.Indent grows the buffer by twice the body, then
	// writes into what is free and copies over when that runs out: from a
	// guess, an 8 MB minified body passed through 12, 16 and 32 MB buffers.
	// With room for the exact size and for Indent's own Grow, it writes in
	// place.
	buf.Grow(max(indentedSize(body), 2*len(body)) + 64)
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		return nil, false
	}
	out := buf.Bytes()
	// The buffer grew by doubling; kept as is, up to half of it would be
	// held for nothing for as long as the body is shown.
	if cap(out)-len(out) > len(out)/16 {
		out = bytes.Clone(out)
	}
	return out, true
}

// indentedSize is the size json.Indent(dst, body, "", "  ") writes for
// valid JSON: whitespace outside strings goes, a newline and two spaces a
// level come after every '{', '[' and ',' and before every '}' and ']'
// (an empty object or array stays "{}" or "[]"), a space after ':', and
// whitespace after the value is kept. For invalid JSON it is only a
// guess, which is all a buffer size needs.
func indentedSize(body []byte) int {
	n, depth := len(body)-len(bytes.TrimRight(body, " \t\r\n")), 0
	inString, escaped, open := false, false, false
	for _, c := range body {
		if inString {
			n++
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		if open && c != '}' && c != ']' {
			n += 1 + 2*depth // the newline and indent after an opening
		}
		wasOpen := open
		open = false
		switch c {
		case '"':
			inString = true
			n++
		case '{', '[':
			depth++
			open = true
			n++
		case '}', ']':
			depth--
			if !wasOpen {
				n += 1 + 2*max(depth, 0)
			}
			n++
		case ',':
			n += 2 + 2*depth
		case ':':
			n += 2
		default:
			n++
		}
	}
	return n
}

func detectLanguage(contentType string, body []byte) language {
	ct := strings.ToLower(contentType)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch {
	case strings.Contains(ct, "json"):
		return langJSON
	case strings.Contains(ct, "html"):
		return langHTML
	case strings.Contains(ct, "xml"):
		return langXML
	case ct != "" && ct != "text/plain" && ct != "application/octet-stream":
		return langNone
	}
	// No useful content type: AWS services and emulators often omit it or
	// say text/plain, so look at the first byte.
	head := bytes.TrimLeft(body[:min(len(body), 512)], " \t\r\n\ufeff")
	switch {
	case len(head) == 0:
		return langNone
	case head[0] == '{' || head[0] == '[':
		return langJSON
	case bytes.HasPrefix(bytes.ToLower(head[:min(len(head), 15)]), []byte("<!doctype html")),
		bytes.HasPrefix(bytes.ToLower(head[:min(len(head), 5)]), []byte("<html")):
		return langHTML
	case head[0] == '<':
		return langXML
	}
	return langNone
}

// isBinary decides between text and hex dump from the first 8 KiB, the way
// file(1) and git do: text has next to no NULs, stray controls or invalid
// UTF-8. Media types that are never text skip the sniffing.
func isBinary(contentType string, body []byte) bool {
	if len(body) == 0 {
		return false
	}
	ct := strings.ToLower(contentType)
	for _, p := range []string{"image/", "audio/", "video/", "font/", "application/zip", "application/gzip", "application/x-gzip", "application/pdf", "application/x-protobuf", "application/vnd.google.protobuf", "application/cbor"} {
		if strings.HasPrefix(ct, p) && !strings.Contains(ct, "svg") {
			return true
		}
	}
	sample := body[:min(len(body), sniffLen)]
	bad := 0
	for i := 0; i < len(sample); {
		c := sample[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				bad += 4 // a NUL is a far stronger sign than a stray control
			} else if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b {
				bad++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(sample[i:])
		if r == utf8.RuneError && size <= 1 {
			// A rune cut by the end of the sample is not evidence.
			if len(sample) < len(body) && !utf8.FullRune(sample[i:]) {
				break
			}
			bad++
		}
		i += size
	}
	return bad*10 > len(sample)
}
