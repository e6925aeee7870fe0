package bodyview

import (
	"sort"
	"strings"
)

// hexBytesPerLine is the classic hexdump -C layout, 78 columns:
//
//	00000000  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  |.ELF............|
//
// A narrower pane gets 8, 4, 2 or 1 bytes a line (hexPerLine), so that the
// ASCII column is never cut off. A hex line is a pure function of its
// number, so a hex dump needs no index and a 50 MB binary body opens as
// fast as a small one.
const hexBytesPerLine = 16

// hexPerLine is how many bytes a line of the dump of size bytes holds in
// width cells: 16 when it fits (or when the width is not known yet), else
// the largest power of two that does.
func hexPerLine(width, size int) int {
	digits := hexOffsetDigits(size)
	n := hexBytesPerLine
	for width > 0 && n > 1 && hexLineWidth(digits, n) > width {
		n /= 2
	}
	return n
}

// hexLineWidth is the width of a full line of n bytes.
func hexLineWidth(digits, n int) int { return asciiCol(digits, n, n) + 1 }

// hexOffsetDigits is the width of the offset column: 8, or more for bodies
// beyond 4 GiB, fixed per body so that columns line up.
func hexOffsetDigits(size int) int {
	n := 8
	for size > 0xffffffff && n < 16 {
		n++
		size >>= 4
	}
	return n
}

// hexCol returns the column of byte j's first hex digit within a hex line
// of per bytes; a line of 16 has a gap between its halves.
func hexCol(digits, per, j int) int {
	c := digits + 2 + 3*j
	if per > 8 && j >= per/2 {
		c++
	}
	return c
}

// asciiCol returns the column of byte j in the ASCII column.
func asciiCol(digits, per, j int) int { return hexCol(digits, per, per) + 2 + j }

// hexUnits builds hex line number line into m.hexBuf and its units; every
// character of a hex line is one cell.
func (m *Model) hexUnits(d *document, line int) []byte {
	per := d.hexPer
	start := line * per
	data := d.src[start:min(len(d.src), start+per)]
	digits := hexOffsetDigits(len(d.src))

	buf := m.hexBuf[:0]
	units := m.units[:0]
	add := func(c byte, cls class) {
		if n := len(units); n > 0 && units[n-1].cls == cls {
			units[n-1].n++
			units[n-1].w++
		} else {
			units = append(units, unit{off: int32(len(buf)), n: 1, w: 1, kind: uASCII, cls: cls})
		}
		buf = append(buf, c)
	}
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		add(hexDigits[(start>>shift)&0xf], clsDim)
	}

	// Per byte class: matches win over the zero/printable distinction.
	var classes [hexBytesPerLine]class
	matches := m.matches
	mi := sort.Search(len(matches), func(i int) bool { return matches[i].end > start })
	for j, c := range data {
		pos := start + j
		for mi < len(matches) && matches[mi].end <= pos {
			mi++
		}
		switch {
		case mi < len(matches) && matches[mi].start <= pos:
			classes[j] = clsMatch
			if mi == m.cur {
				classes[j] = clsCurrent
			}
		case c == 0:
			classes[j] = clsDim // runs of padding fade away
		default:
			classes[j] = clsPlain
		}
	}

	add(' ', clsPlain)
	for j := range per {
		// A gap between two bytes of one class takes that class: a
		// coloured space looks the same, a match reads as one block, and
		// the line does not switch styles 32 times.
		gap := clsPlain
		if j > 0 && j < len(data) && classes[j] == classes[j-1] {
			gap = classes[j]
		}
		add(' ', gap)
		if per > 8 && j == per/2 {
			add(' ', gap)
		}
		if j < len(data) {
			add(hexDigits[data[j]>>4], classes[j])
			add(hexDigits[data[j]&0xf], classes[j])
		} else {
			add(' ', clsPlain)
			add(' ', clsPlain)
		}
	}
	add(' ', clsPlain)
	add(' ', clsPlain)
	add('|', clsDim)
	for j, c := range data {
		cls := classes[j]
		if c < 0x20 || c >= 0x7f {
			c = '.'
			if cls == clsPlain {
				cls = clsDim
			}
		}
		add(c, cls)
	}
	add('|', clsDim)
	m.hexBuf, m.units = buf, units
	return buf
}

// hexText is the whole dump, for PlainText.
func hexText(src []byte) string {
	var b strings.Builder
	digits := hexOffsetDigits(len(src))
	lines := (len(src) + hexBytesPerLine - 1) / hexBytesPerLine
	b.Grow(lines * (hexLineWidth(digits, hexBytesPerLine) + 1))
	m := &Model{}
	d := &document{kind: kindHex, src: src, hexPer: hexBytesPerLine}
	for l := range lines {
		buf := m.hexUnits(d, l)
		b.Write(buf)
		b.WriteByte('\n')
	}
	return b.String()
}

// fitHex gives a hex dump on screen as many bytes a line as the width
// holds, keeping the byte at the top in view.
func (m *Model) fitHex() {
	d := m.body
	if d.kind != kindHex {
		return
	}
	per := hexPerLine(m.width, len(d.src))
	if per == d.hexPer {
		return
	}
	top := m.top * d.hexPer
	d.hexPer, d.lines = per, (len(d.src)+per-1)/per
	m.top, m.topRow = top/per, 0
	m.frameOK = false
	clear(m.cache)
}
