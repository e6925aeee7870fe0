package bodyview

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

type unitKind uint8

const (
	uText   unitKind = iota // a grapheme cluster, written as it is
	uASCII                  // a run of printable ASCII, one cell per byte
	uEscape                 // a byte or rune shown as \xNN, \r or \uNNNN
	uTab                    // spaces up to the next tab stop
)

// unit is a piece of a display line: a run of printable ASCII of one class,
// a grapheme cluster, an escape or a tab. Layout works on units so that a
// wide rune or an escape is never split into something the terminal would
// draw differently than measured; ASCII runs may be split anywhere, and
// keeping them whole makes a line of text a handful of units, not one per
// byte.
type unit struct {
	off  int32 // into the line's bytes
	n    int32
	w    int32 // cells, always at least 1
	kind unitKind
	cls  class
}

// textUnits splits line of d into units, stopping once more than limit cells
// are collected (limit < 0: the whole line). It returns the line's bytes.
func (m *Model) textUnits(d *document, line, limit int) []byte {
	start, end := d.bounds(line)
	buf := d.src[start:end]

	var spans []span
	if d.highlight {
		if d.spans != nil {
			i := sort.Search(len(d.spans), func(i int) bool { return d.spans[i].start > start }) - 1
			spans = d.spans[max(i, 0):]
		} else {
			// Unwrapped, only the start of a line is drawn; lexing all of
			// a 64 KiB chunk for it would cost more than the rest of the
			// frame. Past the budget the colours may be off, nothing else.
			lexEnd := end
			if limit >= 0 {
				lexEnd = min(end, start+16*(limit+16))
			}
			m.spanBuf = lexJSONLine(d.src, start, lexEnd, m.spanBuf[:0])
			spans = m.spanBuf
		}
	}
	si := 0
	matches := m.matches
	mi := sort.Search(len(matches), func(i int) bool { return matches[i].end > start })

	units := m.units[:0]
	col := 0
	for i := 0; i < len(buf) && (limit < 0 || col <= limit); {
		pos := start + i

		// The class at pos, and how far it holds (runEnd, relative).
		for si+1 < len(spans) && spans[si+1].start <= pos {
			si++
		}
		cls := clsPlain
		if si < len(spans) && spans[si].start <= pos {
			cls = spans[si].cls
		}
		runEnd := len(buf)
		if si+1 < len(spans) {
			runEnd = min(runEnd, spans[si+1].start-start)
		}
		for mi < len(matches) && matches[mi].end <= pos {
			mi++
		}
		inMatch := false
		if mi < len(matches) {
			if matches[mi].start <= pos {
				inMatch = true
				runEnd = min(runEnd, matches[mi].end-start)
			} else {
				runEnd = min(runEnd, matches[mi].start-start)
			}
		}

		n, w, kind := 1, 1, uText
		c := buf[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			stop := runEnd
			if limit >= 0 {
				stop = min(stop, i+limit-col+1)
			}
			j := i + 1
			for j < stop && buf[j] >= 0x20 && buf[j] < 0x7f {
				j++
			}
			// A non-ASCII rune after the run may be a combining mark that
			// belongs with the run's last letter.
			if j < len(buf) && buf[j] >= utf8.RuneSelf {
				j--
			}
			if j > i {
				n, w, kind = j-i, j-i, uASCII
			} else {
				n, w, kind = cluster(buf[i:])
			}
		case c == '\t':
			w, kind = tabStop-col%tabStop, uTab
		case c < utf8.RuneSelf:
			w, kind = byteEscapeWidth(c), uEscape
		default:
			n, w, kind = cluster(buf[i:])
		}

		if kind == uEscape {
			cls = clsDim
		}
		if inMatch || (mi < len(matches) && matches[mi].start < pos+n) {
			cls = clsMatch
			if mi == m.cur {
				cls = clsCurrent
			}
		}
		units = append(units, unit{off: int32(i), n: int32(n), w: int32(w), kind: kind, cls: cls})
		col += w
		i += n
	}
	m.units = units
	return buf
}

// cluster measures the unit starting at a non-ASCII byte (or at ASCII
// followed by non-ASCII): a grapheme cluster measured as lipgloss measures
// it, or an escape for what must not be printed.
func cluster(b []byte) (n, w int, kind unitKind) {
	r, size := utf8.DecodeRune(b)
	switch {
	case r == utf8.RuneError && size <= 1:
		return 1, 4, uEscape
	case isC1(r):
		return size, 4, uEscape
	case isInvisible(r):
		return size, runeEscWidth(r), uEscape
	}
	cl, cw := ansi.FirstGraphemeCluster(b, ansi.GraphemeWidth)
	if len(cl) == 0 {
		cl = b[:size]
	}
	// Grapheme rules always break before controls, but do not trust a
	// library with terminal safety: cut the cluster before anything that
	// needs escaping.
	for j := size; j < len(cl); {
		r2, s2 := utf8.DecodeRune(cl[j:])
		if r2 < 0x20 || r2 == 0x7f || (r2 == utf8.RuneError && s2 <= 1) || isC1(r2) || isInvisible(r2) {
			cl, cw = cl[:j], -1
			break
		}
		j += s2
	}
	if cw < 0 {
		cw = ansi.StringWidth(string(cl))
	}
	if cw <= 0 {
		// A lone zero-width rune (a combining mark with nothing to combine
		// with, a variation selector) would attach to whatever is drawn
		// before it, the pane border included; show it as an escape.
		return size, runeEscWidth(r), uEscape
	}
	return len(cl), cw, uText
}

func runeEscWidth(r rune) int {
	if r > 0xffff {
		return 10
	}
	return runeEscapeWidth
}

// escapeUnit returns the text of an escape unit.
func escapeUnit(buf []byte, u unit, scratch *[10]byte) []byte {
	b := buf[u.off : u.off+u.n]
	if u.n == 1 {
		if b[0] == '\r' {
			return append(scratch[:0], '\\', 'r')
		}
		return append(scratch[:0], '\\', 'x', hexDigits[b[0]>>4], hexDigits[b[0]&0xf])
	}
	r, _ := utf8.DecodeRune(b)
	if isC1(r) {
		return append(scratch[:0], '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
	}
	out := append(scratch[:0], '\\', 'u')
	digits := 4
	if r > 0xffff {
		out[1] = 'U'
		digits = 8
	}
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		out = append(out, hexDigits[(r>>shift)&0xf])
	}
	return out
}

// painter writes styled text, switching styles only when the class changes.
type painter struct {
	sb     *strings.Builder
	sgr    *[numClasses]sgr
	cur    class
	active bool
	esc    [10]byte
}

func (p *painter) write(c class, b []byte) {
	if !p.active || p.cur != c {
		p.end()
		p.cur, p.active = c, true
		p.sb.WriteString(p.sgr[c].open)
	}
	p.sb.Write(b)
}

func (p *painter) end() {
	if p.active {
		p.sb.WriteString(p.sgr[p.cur].close)
		p.active = false
	}
}

func (p *painter) spaces(n int) {
	p.end()
	for ; n > 0; n -= len(blanks) {
		p.sb.WriteString(blanks[:min(n, len(blanks))])
	}
}

const blanks = "                                                                "

// unitPart writes cells [from, to) of u.
func (p *painter) unitPart(buf []byte, u unit, from, to int) {
	switch {
	case u.kind == uASCII:
		p.write(u.cls, buf[int(u.off)+from:int(u.off)+to])
	case from == 0 && to == int(u.w) && u.kind == uText:
		p.write(u.cls, buf[u.off:u.off+u.n])
	case u.kind == uEscape:
		p.write(u.cls, escapeUnit(buf, u, &p.esc)[from:to])
	case u.kind == uTab:
		p.write(u.cls, blankBytes[:to-from])
	default:
		// Part of a wide rune: its visible half becomes blanks.
		p.write(u.cls, blankBytes[:to-from])
	}
}

var (
	blankBytes    = []byte(blanks[:tabStop])
	ellipsisBytes = []byte("…")
	// leftBytes marks a line scrolled sideways, as the Request pane does.
	leftBytes = []byte("‹")
)

// layoutLine renders units as one row of exactly w cells starting hoff cells
// into the line, with an ellipsis in the last cell when the line goes on
// and, scrolled sideways (hoff > 0), a ‹ in the first cell before column
// hoff, so that a view a search match moved sideways says so.
func (p *painter) layoutLine(buf []byte, units []unit, hoff, w int) string {
	if w <= 0 {
		return ""
	}
	total := 0
	for _, u := range units {
		total += int(u.w)
	}
	p.sb.Grow(w + w/2)
	col, drawn := 0, 0
	if hoff > 0 && total > 0 && w > 1 {
		p.write(clsDim, leftBytes)
		drawn = 1
	}
	visEnd := hoff + w - drawn
	overflow := total > visEnd
	if overflow {
		visEnd--
	}
	for _, u := range units {
		a, b := col, col+int(u.w)
		col = b
		if b <= hoff {
			continue
		}
		if a >= visEnd {
			break
		}
		lo, hi := max(a, hoff), min(b, visEnd)
		p.unitPart(buf, u, lo-a, hi-a)
		drawn += hi - lo
	}
	if overflow {
		p.write(clsDim, ellipsisBytes)
		drawn++
	}
	p.spaces(w - drawn)
	p.end()
	return p.take()
}

// layoutWrapped renders units as rows of exactly w cells, breaking before a
// unit that does not fit. starts receives the byte offset each row starts at.
func (p *painter) layoutWrapped(buf []byte, units []unit, w int) (rows []string, starts []int32) {
	if w <= 0 {
		return []string{""}, []int32{0}
	}
	starts = append(starts, 0)
	col := 0
	for _, u := range units {
		if u.kind == uASCII {
			for done := 0; done < int(u.n); {
				if col == w {
					rows = append(rows, p.take())
					starts = append(starts, u.off+int32(done))
					col = 0
				}
				take := min(int(u.n)-done, w-col)
				p.unitPart(buf, u, done, done+take)
				col += take
				done += take
			}
			continue
		}
		uw := int(u.w)
		if col > 0 && col+uw > w {
			p.spaces(w - col)
			rows = append(rows, p.take())
			starts = append(starts, u.off)
			col = 0
		}
		cut := min(uw, w) // only a unit wider than the whole row is cut
		p.unitPart(buf, u, 0, cut)
		col += cut
	}
	p.spaces(w - col)
	rows = append(rows, p.take())
	return rows, starts
}

func (p *painter) take() string {
	p.end()
	s := p.sb.String()
	p.sb.Reset()
	return s
}
