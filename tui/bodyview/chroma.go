package bodyview

import (
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// chromaSpans tokenises a whole XML or HTML document once. Unlike JSON, their
// tokens (comments, CDATA, attribute lists) span lines, so per-line lexing
// would be wrong; the document is at most highlightMax, which keeps this to
// a fraction of a second. It returns nil when there is nothing to show.
func chromaSpans(lang language, src []byte) []span {
	name := "xml"
	if lang == langHTML {
		name = "html"
	}
	lexer := lexers.Get(name)
	if lexer == nil {
		return nil
	}
	// EnsureLF would rewrite CRLF and shift every offset after it.
	it, err := lexer.Tokenise(&chroma.TokeniseOptions{State: "root"}, string(src))
	if err != nil {
		return nil
	}
	var spans []span
	off := 0
	for tok := it(); tok != chroma.EOF; tok = it() {
		if off >= len(src) {
			break
		}
		c := chromaClass(tok.Type)
		if n := len(spans); n == 0 || spans[n-1].cls != c {
			spans = append(spans, span{off, c})
		}
		// chroma works on runes, and an invalid byte comes back as U+FFFD,
		// three bytes; walk src rune by rune to stay aligned with it.
		for range utf8.RuneCountInString(tok.Value) {
			if off >= len(src) {
				break
			}
			_, size := utf8.DecodeRune(src[off:])
			off += size
		}
	}
	return spans
}

func chromaClass(t chroma.TokenType) class {
	switch {
	case t == chroma.NameTag, t.InCategory(chroma.Keyword):
		return clsKeyword
	case t == chroma.NameAttribute:
		return clsKey
	case t == chroma.NameEntity, t.InSubCategory(chroma.LiteralNumber):
		return clsNumber
	case t.InSubCategory(chroma.LiteralString):
		return clsString
	case t.InCategory(chroma.Comment):
		return clsDim
	case t == chroma.Punctuation, t.InCategory(chroma.Operator):
		return clsPunct
	}
	return clsPlain
}
