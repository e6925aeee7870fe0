package bodyview

import (
	"bytes"
	"sort"
	"unicode"
	"unicode/utf8"
)

// maxMatches caps the match list (16 bytes a match): searching for "e" in a
// 50 MB body would otherwise hold millions. MatchInfo's total stops there.
const maxMatches = 1 << 20

// match is a byte range of the document's source.
type match struct{ start, end int }

// Search highlights every case-insensitive occurrence of query in what is
// shown (the bytes of the body, or of the filter result; in a hex dump, the
// raw bytes) and moves to the first match at or after the top line,
// wrapping around to the first one. An empty query clears the search.
func (m *Model) Search(query string) {
	m.query = query
	m.searchGen++
	m.matches, m.cur = nil, -1
	if query == "" {
		return
	}
	d := m.doc()
	m.matches = findAll(d.src, query)
	if len(m.matches) == 0 {
		return
	}
	topOff := 0
	if d.lines > 0 {
		if d.kind == kindHex {
			topOff = m.top * d.hexPer
		} else {
			topOff = d.idx.start(m.top)
		}
	}
	i := sort.Search(len(m.matches), func(i int) bool { return m.matches[i].start >= topOff })
	if i == len(m.matches) {
		i = 0
	}
	m.cur = i
	m.reveal()
}

// NextMatch moves to the next match, wrapping around after the last.
func (m *Model) NextMatch() {
	if len(m.matches) == 0 {
		return
	}
	m.cur = (m.cur + 1) % len(m.matches)
	m.reveal()
}

// PrevMatch moves to the previous match, wrapping around before the first.
func (m *Model) PrevMatch() {
	if len(m.matches) == 0 {
		return
	}
	m.cur = (m.cur - 1 + len(m.matches)) % len(m.matches)
	m.reveal()
}

// MatchInfo returns the 1-based number of the current match and the number
// of matches; (0, 0) without a search or without matches.
func (m *Model) MatchInfo() (current, total int) {
	if len(m.matches) == 0 {
		return 0, 0
	}
	return m.cur + 1, len(m.matches)
}

// research re-runs the search on a new document.
func (m *Model) research() {
	if m.query != "" {
		m.Search(m.query)
	}
}

// reveal scrolls so that the current match is on screen, a third down from
// the top when it has to move, so there is context above it.
func (m *Model) reveal() {
	d := m.doc()
	mt := m.matches[m.cur]
	line := d.lineOf(mt.start)
	col, colEnd, row := m.matchPosition(d, line, mt)

	if m.wrap {
		if !m.rowVisible(line, row) {
			m.top, m.topRow = line, row
			m.scrollUp(m.height / 3)
			m.clampTop()
		}
		return
	}
	if line < m.top || line >= m.top+m.height {
		m.top = line - m.height/3
		m.clampTop()
	}
	// The last cell may hold the truncation ellipsis, and a view scrolled
	// sideways gives its first cell to the ‹.
	if col < m.hoff || colEnd > m.hoff+m.width-1-min(m.hoff, 1) {
		m.hoff = max(0, col-m.width/3)
	}
}

// matchPosition returns the columns a match spans within its line (clipped
// to the line) and, when wrapping, the row it starts on.
func (m *Model) matchPosition(d *document, line int, mt match) (col, colEnd, row int) {
	if d.kind == kindHex {
		digits := hexOffsetDigits(len(d.src))
		j := mt.start - line*d.hexPer
		col = hexCol(digits, d.hexPer, j)
		colEnd = col + 2
		if m.wrap && m.width > 0 {
			row = col / m.width
		}
		return col, colEnd, row
	}
	start, _ := d.bounds(line)
	m.textUnits(d, line, -1)
	rel, relEnd := mt.start-start, mt.end-start
	c := 0
	col, colEnd = -1, -1
	for _, u := range m.units {
		if col < 0 && int(u.off+u.n) > rel {
			col = c
		}
		c += int(u.w)
		if int(u.off) < relEnd {
			colEnd = c
		}
	}
	if col < 0 {
		col = c
	}
	colEnd = max(colEnd, col)
	if m.wrap {
		starts := m.line(line).starts
		row = sort.Search(len(starts), func(i int) bool { return int(starts[i]) > rel }) - 1
		row = max(row, 0)
	}
	return col, colEnd, row
}

// rowVisible reports whether row of line is on screen when wrapping.
func (m *Model) rowVisible(line, row int) bool {
	if after(m.top, m.topRow, line, row) {
		return false
	}
	l, r, left := m.top, m.topRow, m.height
	for left > 0 && l < m.doc().lines {
		n := m.rowCount(l) - r
		if l == line {
			return row-r < left
		}
		left -= n
		l, r = l+1, 0
	}
	return false
}

// findAll returns the non-overlapping case-insensitive matches of query.
func findAll(src []byte, query string) []match {
	for i := 0; i < len(query); i++ {
		if query[i] >= utf8.RuneSelf {
			return findFold(src, query)
		}
	}
	return findASCII(src, query)
}

var lowerTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// findASCII lowercases the text a megabyte at a time into a reused buffer
// and lets bytes.Index do the scanning. ASCII case folding keeps every byte
// in place, so offsets in the buffer are offsets in src.
func findASCII(src []byte, query string) []match {
	q := []byte(query)
	for i, c := range q {
		q[i] = lowerTable[c]
	}
	const chunk = 1 << 20
	buf := make([]byte, min(len(src), chunk+len(q)))
	var out []match
	lastEnd := 0
	for base := 0; base < len(src); base += chunk {
		end := min(len(src), base+chunk+len(q)-1)
		b := buf[:end-base]
		for i, c := range src[base:end] {
			b[i] = lowerTable[c]
		}
		for i := max(0, lastEnd-base); i < len(b); {
			j := bytes.Index(b[i:], q)
			if j < 0 {
				break
			}
			s := base + i + j
			if s >= base+chunk {
				break // the next chunk finds it
			}
			out = append(out, match{s, s + len(q)})
			if len(out) == maxMatches {
				return out
			}
			lastEnd = s + len(q)
			i += j + len(q)
		}
	}
	return out
}

// findFold handles queries with non-ASCII letters, whose case variants can
// differ in length (K and the Kelvin sign), so no buffer trick: candidates
// are positions whose first byte can start a variant of the query's first
// rune, checked rune by rune with simple case folding.
func findFold(src []byte, query string) []match {
	qr := []rune(query)
	var first [256]bool
	r := qr[0]
	for {
		var enc [utf8.UTFMax]byte
		utf8.EncodeRune(enc[:], r)
		first[enc[0]] = true
		if r = unicode.SimpleFold(r); r == qr[0] {
			break
		}
	}
	var out []match
	for i := 0; i < len(src); i++ {
		if !first[src[i]] {
			continue
		}
		if n, ok := foldPrefix(src[i:], qr); ok {
			out = append(out, match{i, i + n})
			if len(out) == maxMatches {
				return out
			}
			i += n - 1
		}
	}
	return out
}

func foldPrefix(b []byte, q []rune) (int, bool) {
	j := 0
	for _, want := range q {
		if j >= len(b) {
			return 0, false
		}
		got, size := utf8.DecodeRune(b[j:])
		if got == utf8.RuneError && size <= 1 {
			return 0, false
		}
		if !equalFold(got, want) {
			return 0, false
		}
		j += size
	}
	return j, true
}

func equalFold(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
