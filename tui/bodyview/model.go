package bodyview

import (
	"strings"

	"charm.land/bubbles/v2/spinner"
)

// Model is the body viewer. It is a child component: the root model calls
// its methods and Update, and places View's output.
type Model struct {
	KeyMap KeyMap

	sgr       [numClasses]sgr
	stylesGen int

	width, height int

	id         int
	hasBody    bool
	raw        []byte // as received, for jq
	gen        uint64 // last document generation handed out
	body       *document
	filtered   *document // the jq result, when a filter is set
	filterExpr string

	wrap              bool
	top, topRow, hoff int // topRow: first visible row of the top line when wrapping

	query     string
	matches   []match
	cur       int // index into matches, -1 for none
	searchGen int

	// Rendered rows per line, valid for cacheKey; a scroll by one line
	// renders one line and reuses the rest.
	cache    map[int]*rendered
	cacheKey renderKey
	frame    string
	frameKey frameKey
	frameOK  bool
	bottom   bottomCache

	// Scratch buffers reused from line to line, so a frame allocates little
	// more than its output.
	units   []unit
	spanBuf []span
	hexBuf  []byte
	sb      strings.Builder
	p       painter

	// load is set while a body is read or prepared off the UI loop
	// (SetPending, Load); spin turns meanwhile.
	load loading
	spin spinner.Model
}

// rendered is one line laid out for the current renderKey.
type rendered struct {
	rows   []string
	starts []int32 // byte offset within the line where each row starts
}

// renderKey is everything a rendered line depends on besides its number.
type renderKey struct {
	gen       uint64
	width     int
	hoff      int
	wrap      bool
	searchGen int
	cur       int
	stylesGen int
}

type frameKey struct {
	renderKey
	top, topRow, height int
}

// New returns an empty viewer with DefaultStyles and DefaultKeyMap.
func New() *Model {
	m := &Model{KeyMap: DefaultKeyMap(), cur: -1, cache: map[int]*rendered{}, spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	m.SetStyles(DefaultStyles())
	m.p.sb = &m.sb
	m.p.sgr = &m.sgr
	m.body = m.emptyDoc("")
	return m
}

// SetStyles replaces the styles; the next View re-renders everything.
func (m *Model) SetStyles(s Styles) {
	m.sgr = compileStyles(s)
	m.stylesGen++
}

// SetSize sets the size View fills, in cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 0), max(h, 0)
	m.fitHex()
	m.clampTop()
}

// SetBody shows a new body. id is the content version: calling again with
// the same id is a no-op, so the root model may call it on every update.
// The viewer keeps body without copying it; the caller must not modify it
// afterwards. A new body scrolls to the top, re-runs an active search and
// re-applies an active jq filter (dropping it if it fails on the new body).
func (m *Model) SetBody(id int, contentType string, body []byte) {
	if m.hasBody && id == m.id && !m.load.on {
		return
	}
	m.load = loading{}
	m.id, m.hasBody, m.raw = id, true, body
	m.body = newDocument(m.nextGen(), contentType, body)
	if len(body) == 0 {
		m.body.placeholder = "(empty body)"
	}
	m.filtered = nil
	m.top, m.topRow, m.hoff = 0, 0, 0
	m.fitHex()
	if expr := m.filterExpr; expr != "" {
		m.filterExpr = ""
		if m.SetFilter(expr) == nil { // it searches again itself
			return
		}
	}
	m.research()
}

// Lines is the number of display lines of what is shown (the filter result
// when filtering). Lines of more than 64 KiB count once per 64 KiB chunk;
// wrapped rows are not counted.
func (m *Model) Lines() int { return m.doc().lines }

// Note says what the body view skipped for the body's size ("not
// highlighted: over 1 MiB"), or "" when nothing was. It is about the
// body, not a jq result.
func (m *Model) Note() string {
	if m.load.on {
		return ""
	}
	return m.body.note
}

// Top is the first visible line, counted from 0.
func (m *Model) Top() int { return m.top }

// Wrap reports whether long lines are soft-wrapped.
func (m *Model) Wrap() bool { return m.wrap }

// SetWrap turns soft-wrapping on or off, keeping the top line.
func (m *Model) SetWrap(on bool) {
	if m.wrap == on {
		return
	}
	m.wrap = on
	m.topRow, m.hoff = 0, 0
	m.clampTop()
}

// PlainText returns everything shown, without styles, for copying: the
// pretty-printed body or filter result with unsafe characters escaped as on
// screen (tabs and newlines kept), or the full hex dump. On a 50 MB body this
// builds a string of that size; call it on demand only.
func (m *Model) PlainText() string {
	d := m.doc()
	if d.kind == kindHex {
		return hexText(d.src)
	}
	return escapeText(d.src)
}

// doc is the document on screen.
func (m *Model) doc() *document {
	if m.filtered != nil {
		return m.filtered
	}
	return m.body
}

func (m *Model) nextGen() uint64 {
	m.gen++
	return m.gen
}

func (m *Model) emptyDoc(placeholder string) *document {
	d := newTextDocument(m.nextGen(), nil, langNone, false)
	d.placeholder = placeholder
	return d
}

func (m *Model) renderKey() renderKey {
	k := renderKey{gen: m.doc().gen, width: m.width, wrap: m.wrap, searchGen: m.searchGen, cur: m.cur, stylesGen: m.stylesGen}
	if !m.wrap {
		k.hoff = m.hoff
	}
	return k
}

// syncCache empties the line cache when what lines depend on has changed.
func (m *Model) syncCache() {
	if k := m.renderKey(); k != m.cacheKey {
		clear(m.cache)
		m.cacheKey = k
	}
}

// line returns line laid out, from the cache when possible.
func (m *Model) line(line int) *rendered {
	m.syncCache()
	return m.cachedLine(line)
}

// cachedLine is line for callers that have just called syncCache.
func (m *Model) cachedLine(line int) *rendered {
	if r, ok := m.cache[line]; ok {
		return r
	}
	d := m.doc()
	limit := -1
	if !m.wrap {
		limit = m.hoff + m.width
	}
	var buf []byte
	if d.kind == kindHex {
		buf = m.hexUnits(d, line)
	} else {
		buf = m.textUnits(d, line, limit)
	}
	r := &rendered{}
	if m.wrap {
		r.rows, r.starts = m.p.layoutWrapped(buf, m.units, m.width)
	} else {
		r.rows = []string{m.p.layoutLine(buf, m.units, m.hoff, m.width)}
	}
	m.cache[line] = r
	return r
}

// View renders exactly height rows of exactly width cells.
func (m *Model) View() string {
	w, h := m.width, m.height
	if h == 0 {
		return ""
	}
	if m.load.on {
		return m.loadingView()
	}
	key := frameKey{m.renderKey(), m.top, m.topRow, h}
	if m.frameOK && key == m.frameKey {
		return m.frame
	}
	d := m.doc()
	var out strings.Builder
	out.Grow(max(len(m.frame), h*(w+1)))
	rows := 0
	emit := func(s string) {
		if rows > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(s)
		rows++
	}
	if d.lines == 0 && d.placeholder != "" {
		emit(m.placeholderRow(d.placeholder))
	}
	m.syncCache()
	for line, row := m.top, m.topRow; rows < h && line < d.lines; line, row = line+1, 0 {
		r := m.cachedLine(line)
		for ; row < len(r.rows) && rows < h; row++ {
			emit(r.rows[row])
		}
	}
	if rows < h {
		blank := strings.Repeat(" ", w)
		for rows < h {
			emit(blank)
		}
	}
	m.prune()
	m.frame, m.frameKey, m.frameOK = out.String(), key, true
	return m.frame
}

func (m *Model) placeholderRow(text string) string {
	m.units = append(m.units[:0], unit{n: int32(len(text)), w: int32(len(text)), kind: uASCII, cls: clsDim})
	return m.p.layoutLine([]byte(text), m.units, 0, m.width)
}

// prune drops cached lines far from the viewport, so that scrolling through
// a huge body does not keep every line it passed.
func (m *Model) prune() {
	h := max(m.height, 1)
	if len(m.cache) <= 4*h+16 {
		return
	}
	for l := range m.cache {
		if l < m.top-h || l > m.top+3*h {
			delete(m.cache, l)
		}
	}
}
