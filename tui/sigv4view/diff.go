package sigv4view

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/tui/hscroll"
)

// Diff shows a signature mismatch: what sigscope signed beside what the
// server says it computed, line by line, with a caret under the first
// character that differs.
type Diff struct {
	Keys DiffKeyMap

	look
	w, h   int
	m      *explain.Diagnosis
	rows   []diffRow
	diffs  []int // indexes of the differing rows
	sel    int   // index into diffs: the difference the caret is under
	scroll scroll
	// side scrolls both columns of the table together; it opens (and
	// follows ] and [) on the first differing character.
	side   hscroll.Offset
	widths widthCache

	lines     []string
	selLine   int // rendered line of the selected row; the caret is below it
	cache     diffKey
	haveCache bool
	serial    int // bumped by SetMismatch
}

type diffKey struct {
	serial, w, gen, sel, left int
	show                      bool
}

// diffRow is one line of the table, or a section title when section is set.
type diffRow struct {
	section      string
	n            int
	part         string
	ours, theirs string
	hasOurs      bool
	hasTheirs    bool
	differ       bool
}

// Table geometry: "#" right-aligned in 3 cells, the short part name in 8.
const (
	numWidth  = 3
	partWidth = 8
)

// shortPart names sign's parts in the width of the part column, with the
// words of the inspector's label gutter.
var shortPart = map[string]string{
	sign.PartMethod:          "method",
	sign.PartURI:             "uri",
	sign.PartQuery:           "query",
	sign.PartHeaders:         "headers",
	sign.PartEndOfHeaders:    "end",
	sign.PartSignedHeaders:   "signed",
	sign.PartPayloadHash:     "payload",
	sign.PartExtraLine:       "extra",
	sign.PartAlgorithm:       "algo",
	sign.PartRequestDate:     "date",
	sign.PartCredentialScope: "scope",
	sign.PartRequestHash:     "hash",
}

// NewDiff returns an empty diff with the default styles and keys.
func NewDiff() *Diff {
	return &Diff{Keys: DefaultDiffKeyMap(), look: look{styles: DefaultStyles()}}
}

// SetSize sets the size View fills.
func (m *Diff) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.render()
	m.showSelected()
}

// SetMismatch shows m against what was signed (the trace's CanonicalRequest
// and StringToSign). The table covers the canonical request when the
// server sent its own, then the string to sign when it sent that; with
// neither, only the server's message and the hint are shown. The caret
// starts under the difference m names. nil clears the view.
func (m *Diff) SetMismatch(mm *explain.Diagnosis, signedCanonical, signedStringToSign string) {
	m.m, m.rows, m.diffs, m.sel = mm, nil, nil, 0
	m.serial++
	if mm != nil {
		if mm.ServerCanonicalRequest != "" {
			partOf := func(n int, ours, theirs []string) string {
				// sign.DiffCanonicalRequest names parts by the signed
				// text; the server's serves when nothing was signed.
				if len(ours) > 0 {
					return sign.CanonicalPart(signedCanonical, n)
				}
				return sign.CanonicalPart(mm.ServerCanonicalRequest, n)
			}
			m.addSection("canonical request", signedCanonical, mm.ServerCanonicalRequest, partOf)
		}
		if mm.ServerStringToSign != "" {
			partOf := func(n int, _, _ []string) string { return sign.StringToSignPart(n) }
			m.addSection("string to sign", signedStringToSign, mm.ServerStringToSign, partOf)
		}
		for i, d := range m.diffs {
			if r := m.rows[d]; mm.First != nil && r.n == mm.First.Line && m.sectionOf(d) == mm.First.Step {
				m.sel = i
				break
			}
		}
	}
	m.haveCache = false
	m.scroll.off, m.side.Left = 0, 0
	m.render()
	m.showSelected()
}

func (m *Diff) addSection(title, ours, theirs string, partOf func(n int, ours, theirs []string) string) {
	a, b := splitLines(ours), splitLines(theirs)
	m.rows = append(m.rows, diffRow{section: title})
	for i := 0; i < max(len(a), len(b)); i++ {
		r := diffRow{n: i + 1, part: partOf(i+1, a, b), hasOurs: i < len(a), hasTheirs: i < len(b)}
		if r.hasOurs {
			r.ours = a[i]
		}
		if r.hasTheirs {
			r.theirs = b[i]
		}
		r.differ = !r.hasOurs || !r.hasTheirs || r.ours != r.theirs
		if r.differ {
			m.diffs = append(m.diffs, len(m.rows))
		}
		m.rows = append(m.rows, r)
	}
}

// splitLines treats "" as no text at all (nothing was signed), not as one
// empty line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func (m *Diff) sectionOf(row int) string {
	for i := row; i >= 0; i-- {
		if m.rows[i].section != "" {
			return m.rows[i].section
		}
	}
	return ""
}

// Update jumps between differences on ] and [, and scrolls; home goes
// back to the top and to the start of the lines at once.
func (m *Diff) Update(msg tea.Msg) tea.Cmd {
	m.render()
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.Keys.NextDiff):
			m.selectDiff(m.sel + 1)
			return nil
		case key.Matches(k, m.Keys.PrevDiff):
			m.selectDiff(m.sel - 1)
			return nil
		}
	}
	m.side.Update(msg, m.Keys.Side)
	m.scroll.update(msg, m.Keys.ScrollKeyMap)
	return nil
}

// SideStatus says how far the table's columns are scrolled sideways, for
// the pane's title: "" when every cell fits, "→ more", "‹ col 41 →".
func (m *Diff) SideStatus() string {
	m.render()
	return m.side.Status()
}

// Selected is the selected difference as (step, line): "canonical request"
// or "string to sign" and the 1-based line; ("", 0) when nothing differs.
func (m *Diff) Selected() (step string, line int) {
	if len(m.diffs) == 0 {
		return "", 0
	}
	d := m.diffs[m.sel]
	return m.sectionOf(d), m.rows[d].n
}

func (m *Diff) selectDiff(i int) {
	m.sel = clampIndex(i, len(m.diffs))
	m.render()
	m.showSelected()
}

// showSelected keeps the selected row and its caret in view: down to it,
// and, when it is off screen, sideways so that its first differing
// character shows with half the column of what leads to it before and a
// third of what follows.
func (m *Diff) showSelected() {
	if len(m.diffs) == 0 {
		return
	}
	if pre, cw, ok := m.firstDiffCell(m.rows[m.diffs[m.sel]]); ok {
		// What follows the difference matters as much as what leads to
		// it: "; charset=utf-8" after "json".
		col := m.geometry().left
		m.side.Show(pre, pre+cw-1+col/3, col/2)
		m.render()
	}
	m.scroll.show(m.selLine, m.selLine+1)
}

// firstDiffCell is the cell where the first differing character of r
// starts in the drawn (escaped, redacted) text of our side, and its width;
// ok is false when our side has no text to point into.
func (m *Diff) firstDiffCell(r diffRow) (pre, width int, ok bool) {
	ours, theirs := m.sec.cellText(r.ours), m.sec.cellText(r.theirs)
	if !r.hasOurs || ours == "" {
		return 0, 0, false
	}
	a, b := []rune(ours), []rune(theirs)
	idx := firstDiff(a, b)
	if ours == theirs {
		// Redaction hid the difference: point at the mask.
		idx = max(strings.IndexRune(ours, '…'), 0)
		idx = len([]rune(ours[:idx]))
	}
	width = 1
	if idx < len(a) {
		width = max(ansi.StringWidth(string(a[idx])), 1)
	}
	return ansi.StringWidth(string(a[:idx])), width, true
}

// widest is the widest cell of the table, for the sideways scroll.
func (m *Diff) widest() int {
	n := 0
	for _, r := range m.rows {
		n = max(n, ansi.StringWidth(m.sec.cellText(r.ours)), ansi.StringWidth(m.sec.cellText(r.theirs)))
	}
	return n
}

// View returns exactly h lines of exactly w cells.
func (m *Diff) View() string {
	m.render()
	return window(m.lines, m.scroll.off, m.w, m.h)
}

// ShortHelp implements help.KeyMap.
func (m *Diff) ShortHelp() []key.Binding { return m.Keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m *Diff) FullHelp() [][]key.Binding { return m.Keys.FullHelp() }

func (m *Diff) render() {
	m.side.SetBounds(m.geometry().left, m.widths.get(m.serial, m.look, m.widest))
	k := diffKey{serial: m.serial, w: m.w, gen: m.gen, sel: m.sel, left: m.side.Left, show: m.sec.show}
	if !m.haveCache || k != m.cache {
		m.cache, m.haveCache = k, true
		m.lines = m.build()
	}
	m.scroll.set(len(m.lines), m.h)
}

func (m *Diff) build() []string {
	w, st, mm := m.w, m.styles, m.m
	if w <= 0 {
		return nil
	}
	var rows []*row
	add := func(r *row) { rows = append(rows, r) }
	para := func(prefix, text string, prefixStyle, textStyle lipgloss.Style) {
		first, rest := hanging(prefix, text, w)
		rows = append(rows, (&row{}).add(prefix, prefixStyle).add(first, textStyle))
		for _, l := range rest {
			rows = append(rows, (&row{}).add(l, textStyle))
		}
	}
	if mm == nil {
		rows = append(rows, (&row{}).add("No signature mismatch to show.", st.Dim))
		return renderRows(rows, w)
	}

	title, hint := "Signature mismatch", mm.HintAfterLayer()
	if by := mm.RefusedBy(); by != "" {
		title = "Refused by " + strings.TrimPrefix(by, "refused by ") + ": " + mm.Describe()
	} else if mm.Kind != "" && mm.Kind != explain.KindMismatch {
		title = "Refused: " + mm.Describe()
	}
	switch {
	case mm.First != nil && mm.First.Line > 0:
		title += fmt.Sprintf(" · first difference: %s line %d (%s)", mm.First.Step, mm.First.Line, mm.First.Part)
	case len(m.rows) > 0 && len(m.diffs) == 0:
		title += " · no line differs"
	}
	for _, l := range wrap(title, w) {
		rows = append(rows, (&row{}).add(l, st.Error))
	}
	if len(m.rows) == 0 {
		para("server: ", m.sec.cellText(mm.Message), st.Label, st.Error)
		para("hint: ", m.sec.cellText(hint), st.Label, st.Text)
		m.causes(add, para)
		return renderRows(rows, w)
	}
	para("hint: ", m.sec.cellText(mm.Hint), st.Label, st.Text)
	rows = append(rows, &row{})

	g := m.geometry()
	head := &row{}
	if g.part {
		head.add(fmt.Sprintf("%*s  %-*s ", numWidth, "#", partWidth, "part"), st.Heading)
	} else {
		head.add(fmt.Sprintf("%*s ", numWidth, "#"), st.Heading)
	}
	head.add(cell("sigscope signed", g.left), st.Heading).add("│", st.Gutter).add(" server computed", st.Heading)
	rows = append(rows, head)

	selRow := -1
	if len(m.diffs) > 0 {
		selRow = m.diffs[m.sel]
	}
	for i, r := range m.rows {
		if r.section != "" {
			rows = append(rows, (&row{}).add(r.section, st.Dim))
			continue
		}
		if i == selRow {
			m.selLine = len(rows)
			line, caret := m.selectedRows(r, g)
			rows = append(rows, line, caret)
			continue
		}
		ours, theirs := m.sec.cellText(r.ours), m.sec.cellText(r.theirs)
		if m.side.Left > 0 {
			rows = append(rows, m.tableRow(r, g, m.sideCell(ours, g.left), m.sideCell(theirs, g.right), nil))
			continue
		}
		rows = append(rows, m.tableRow(r, g, abbrevCell(ours, g.left), abbrevCell(theirs, g.right), nil))
	}
	m.causes(add, para)
	return renderRows(rows, w)
}

// causes lists the likely causes, most likely first, as explain ranks
// them: what each is, what in the answer or the request points to it, and
// the fix. They come after the table, whose caret stays in sight first;
// add appends a row, para a paragraph, to the view being built.
func (m *Diff) causes(add func(*row), para func(prefix, text string, prefixStyle, textStyle lipgloss.Style)) {
	mm, st := m.m, m.styles
	if len(mm.Causes) == 0 {
		return
	}
	add(&row{})
	add((&row{}).add("likely causes, most likely first", st.Heading))
	for i, c := range mm.Causes {
		title := m.sec.cellText(c.Title)
		if c.Certain {
			title += " (the answer shows it)"
		}
		para(fmt.Sprintf("%d. ", i+1), title, st.Label, st.Text)
		if c.Evidence != "" {
			para("   why: ", m.sec.cellText(c.Evidence), st.Label, st.Note)
		}
		if c.Fix != "" {
			para("   fix: ", m.sec.cellText(c.Fix), st.Label, st.Text)
		}
	}
}

// geometry is the table's columns at the current width: the part column
// goes first when the pane is narrow, the rest is split evenly between the
// two sides.
type geometry struct {
	part        bool
	prefix      int // cells before the left column
	left, right int
}

func (m *Diff) geometry() geometry {
	g := geometry{part: m.w >= 40, prefix: numWidth + 1}
	if g.part {
		g.prefix = numWidth + 2 + partWidth + 1
	}
	avail := m.w - g.prefix - 2 // "│" and a space
	g.left = max(avail/2, 1)
	g.right = max(avail-g.left, 1)
	return g
}

// tableRow lays out one table line from display texts already fitted to
// their columns.
func (m *Diff) tableRow(r diffRow, g geometry, left, right string, fill *lipgloss.Style) *row {
	st := m.styles
	out := &row{fill: fill}
	numStyle, oursStyle, theirsStyle := st.Dim, st.Text, st.Text
	if r.differ {
		numStyle, oursStyle, theirsStyle = st.DiffMark, st.Removed, st.Added
	}
	out.add(fmt.Sprintf("%*d ", numWidth, r.n), numStyle)
	if g.part {
		out.add(" "+cell(shortPart[r.part], partWidth)+" ", st.Label)
	}
	side := func(has bool, text string, width int, style lipgloss.Style) {
		switch {
		case !has:
			out.add(cell("(no line)", width), st.Dim)
		case text == "":
			out.add(cell("(empty line)", width), st.Dim)
		default:
			out.add(cell(text, width), style)
		}
	}
	side(r.hasOurs, left, g.left, oursStyle)
	out.add("│", st.Gutter).add(" ", st.Text)
	side(r.hasTheirs, right, g.right, theirsStyle)
	return out
}

// selectedRows is the selected difference and the caret line under it,
// both columns scrolled as the rest of the table (showSelected scrolled
// them so that the caret's character is on screen).
func (m *Diff) selectedRows(r diffRow, g geometry) (line, caret *row) {
	st := m.styles
	ours, theirs := m.sec.cellText(r.ours), m.sec.cellText(r.theirs)
	left, right := ours, theirs
	if m.side.Left > 0 {
		left, right = m.sideCell(ours, g.left), m.sideCell(theirs, g.right)
	}
	hl := st.Highlight
	line = m.tableRow(r, g, left, right, &hl)
	col, text := 0, "^ first differing character" // col 0: the placeholder of a missing line
	if pre, cw, ok := m.firstDiffCell(r); ok {
		col = pre - m.side.Left
		switch {
		case m.side.Left > 0 && col < 1: // under "‹" or before it
			col, text = 0, fmt.Sprintf("‹ first difference at column %d, to the left", pre+1)
		case col+cw > g.left-1 && ansi.StringWidth(ours) > m.side.Left+g.left: // under "…" or after it
			col, text = 0, fmt.Sprintf("first difference at column %d, to the right →", pre+1)
		}
	}
	caretAt := min(g.prefix+col, max(m.w-1, 0))
	caret = (&row{}).add(strings.Repeat(" ", caretAt), st.Text).add(text, st.DiffMark)
	return line, caret
}

// sideCell is a cell's text scrolled sideways; "" stays "" for the
// placeholders.
func (m *Diff) sideCell(text string, n int) string {
	if text == "" {
		return ""
	}
	return hscroll.Window(text, m.side.Left, n)
}

// firstDiff is the index of the first rune where a and b differ, or the
// length of the shorter one when one is a prefix of the other.
func firstDiff(a, b []rune) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// cell cuts or pads text to exactly n cells.
func cell(text string, n int) string {
	if ansi.StringWidth(text) > n {
		text = ansi.Truncate(text, n, "…")
	}
	return text + strings.Repeat(" ", max(n-ansi.StringWidth(text), 0))
}

// abbrevCell keeps both ends of a hash that does not fit its column, as the
// inspector does; other text is cut at the end by cell.
func abbrevCell(text string, n int) string {
	if isHex(text) && len(text) > n {
		return abbrevHex(text, n)
	}
	return text
}
