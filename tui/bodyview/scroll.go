package bodyview

// hStep is the horizontal scroll step in cells: one cell per key press is too
// slow to cross a long line, a whole page loses the reader's place.
const hStep = 8

// wheelStep is lines per wheel notch, as in bubbles' viewport.
const wheelStep = 3

// bottomCache remembers the furthest top position in wrap mode, which costs
// laying out the last screenful of lines.
type bottomCache struct {
	key       renderKey
	height    int
	line, row int
	ok        bool
}

// after reports whether position (l1, r1) is below (l2, r2).
func after(l1, r1, l2, r2 int) bool { return l1 > l2 || (l1 == l2 && r1 > r2) }

func (m *Model) rowCount(line int) int {
	if !m.wrap {
		return 1
	}
	return len(m.line(line).rows)
}

// maxPos is the furthest the top can go: the last row sits at the bottom.
// Wrapped, only the last lines are laid out to find it, never the whole body.
func (m *Model) maxPos() (line, row int) {
	d := m.doc()
	h := max(m.height, 1)
	if !m.wrap {
		return max(0, d.lines-h), 0
	}
	k := m.renderKey()
	if b := m.bottom; b.ok && b.key == k && b.height == h {
		return b.line, b.row
	}
	need := h
	for l := d.lines - 1; l >= 0; l-- {
		r := m.rowCount(l)
		if r >= need {
			line, row = l, r-need
			break
		}
		need -= r
	}
	m.bottom = bottomCache{key: k, height: h, line: line, row: row, ok: true}
	return line, row
}

func (m *Model) scrollDown(n int) {
	ml, mr := m.maxPos()
	if !m.wrap {
		m.top = max(0, min(m.top+n, ml))
		return
	}
	for ; n > 0 && after(ml, mr, m.top, m.topRow); n-- {
		if m.topRow+1 < m.rowCount(m.top) {
			m.topRow++
		} else {
			m.top, m.topRow = m.top+1, 0
		}
	}
}

func (m *Model) scrollUp(n int) {
	if !m.wrap {
		m.top = max(0, m.top-n)
		return
	}
	for ; n > 0; n-- {
		switch {
		case m.topRow > 0:
			m.topRow--
		case m.top > 0:
			m.top--
			m.topRow = m.rowCount(m.top) - 1
		default:
			return
		}
	}
}

func (m *Model) gotoTop() { m.top, m.topRow = 0, 0 }

func (m *Model) gotoBottom() { m.top, m.topRow = m.maxPos() }

// clampTop keeps the top inside the document after a change of size, wrap
// mode or document.
func (m *Model) clampTop() {
	ml, mr := m.maxPos()
	if after(m.top, m.topRow, ml, mr) {
		m.top, m.topRow = ml, mr
	}
	m.top = max(m.top, 0)
	if m.wrap && m.top < m.doc().lines {
		m.topRow = max(0, min(m.topRow, m.rowCount(m.top)-1))
	} else {
		m.topRow = 0
	}
}

func (m *Model) scrollLeft() { m.hoff = max(0, m.hoff-hStep) }

// scrollRight moves right only while some visible line is cut on the right,
// so the view cannot drift into emptiness.
func (m *Model) scrollRight() {
	if m.wrap {
		return
	}
	d := m.doc()
	limit := m.hoff + m.width - min(m.hoff, 1) // the ‹ takes a cell
	for l := m.top; l < min(d.lines, m.top+m.height); l++ {
		if m.lineWidthAtLeast(d, l, limit+1) {
			m.hoff += hStep
			return
		}
	}
}

// lineWidthAtLeast reports whether line is at least n cells wide, looking at
// no more of it than needed.
func (m *Model) lineWidthAtLeast(d *document, line, n int) bool {
	if d.kind == kindHex {
		data := min(d.hexPer, len(d.src)-line*d.hexPer)
		return asciiCol(hexOffsetDigits(len(d.src)), d.hexPer, data)+1 >= n
	}
	m.textUnits(d, line, n)
	total := 0
	for _, u := range m.units {
		total += int(u.w)
	}
	return total >= n
}
