package bodyview

import (
	"strings"
	"testing"
)

// classesOf writes each byte's class as one letter, to compare spans with
// what a reader sees: k keyword (tag name), a attribute, s string, d dim
// (comment, CDATA marks, declarations), n entity, p punctuation, . text.
func classesOf(lang language, src string) string {
	letters := map[class]byte{clsKeyword: 'k', clsKey: 'a', clsString: 's', clsDim: 'd', clsNumber: 'n', clsPunct: 'p', clsPlain: '.'}
	spans := markupSpans(lang, []byte(src))
	out := make([]byte, len(src))
	cur, si := clsPlain, 0
	for i := range out {
		for si < len(spans) && spans[si].start <= i {
			cur = spans[si].cls
			si++
		}
		out[i] = letters[cur]
	}
	return string(out)
}

func TestMarkupSpans(t *testing.T) {
	for _, tc := range []struct {
		lang      language
		src, want string
	}{
		{langXML, `<a href="x">t&amp;</a>`, `pk.aaaapsssp.nnnnnppkp`},
		{langXML, `<!-- c --><b/>`, `ddddddddddpkpp`},
		{langXML, `<?xml v="1"?><r/>`, `dddddddddddddpkpp`},
		{langXML, `<x><![CDATA[<y>]]></x>`, `pkpdddddddddsssdddppkp`},
		{langXML, `a < b`, `..p..`},
		{langHTML, `<script>if (a<b) x</script>`, `pkkkkkkp..........ppkkkkkkp`},
		{langXML, `<a b='1' c=2>`, `pk.apsss.apap`},
	} {
		if got := classesOf(tc.lang, tc.src); got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

// FuzzMarkupSpans: any bytes give spans in order, inside the document,
// and the scan never stops short of the end.
func FuzzMarkupSpans(f *testing.F) {
	for _, s := range []string{`<a href="x">t&amp;</a>`, `<!--`, `<![CDATA[`, `<script>`, `<a b="`, "<\xff>", `&#x41;`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, lang := range []language{langXML, langHTML} {
			spans := markupSpans(lang, []byte(s))
			for i, sp := range spans {
				if sp.start < 0 || sp.start >= len(s) || i > 0 && sp.start <= spans[i-1].start {
					t.Fatalf("%q: spans out of order or range: %v", s, spans)
				}
			}
		}
	})
}

func BenchmarkMarkupSpans(b *testing.B) {
	src := []byte("<ListBucketResult>" + strings.Repeat(`<Contents><Key>photos/2026/a &amp; b.jpg</Key><Size>1234</Size><ETag>"abc"</ETag></Contents>`+"\n", 2500) + "</ListBucketResult>")
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		markupSpans(langXML, src)
	}
}
