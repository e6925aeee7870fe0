package sigv4view

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// teachPrefix is the cursor mark, the change mark and the label gutter
// before a line's text in the walk-through.
const teachPrefix = 2 + gutterWidth

// build lays out the lesson: the heading (and a what-if's line) pinned
// on top, the rest scrolled under it.
func (m *Teach) build() (head, body []string) {
	w, st := m.w, m.styles
	if w <= 0 {
		return nil, nil
	}
	var rows []*row
	text := func(s string, style lipgloss.Style) {
		rows = append(rows, (&row{}).add(s, style))
	}
	para := func(prefix, body string, prefixStyle, bodyStyle lipgloss.Style) {
		first, rest := hanging(prefix, body, w)
		rows = append(rows, (&row{}).add(prefix, prefixStyle).add(first, bodyStyle))
		for _, r := range rest {
			text(r, bodyStyle)
		}
	}
	if len(m.steps) == 0 {
		why := m.why
		if why == "" {
			why = "Nothing to walk through: this request is not signed with SigV4. Choose the iam auth mode to sign it."
		}
		for _, l := range wrap(why, w) {
			text(l, st.Text)
		}
		return nil, renderRows(rows, w)
	}
	steps, changed, tr := m.shown(), m.changed, m.trace
	if m.trial != nil && m.trial.steps != nil {
		changed, tr = m.trial.changed, m.trial.trace
	}
	s := steps[m.step]
	var marks []bool
	if m.step < len(changed) {
		marks = changed[m.step]
	}

	h := (&row{}).add(fmt.Sprintf("Step %d of %d · %s", s.N, len(steps), escape(s.Title)), st.Heading)
	if n := count(marks); n > 0 {
		h.right(fmt.Sprintf("* %d changed", n), st.Changed, w)
	}
	rows = append(rows, h)
	if m.trial != nil {
		m.trialRows(para, changed)
	}
	head = renderRows(rows, w)
	rows = nil

	for _, l := range wrap(s.Explain, w) {
		text(l, st.Text)
	}
	if m.trial == nil {
		para("edit and watch: ", "x changes one input (a header, the region, the body) and marks the lines it reaches", st.Label, st.Dim)
	}
	text("", st.Text)

	var lesson sign.Lesson
	if tr != nil {
		lesson = tr.Lesson(m.sec.show)
	}
	public := tr != nil && tr.PublicKeys
	for i, l := range s.Lines {
		mark, changeMark, textStyle := " ", " ", st.Text
		if i < len(marks) && marks[i] {
			changeMark, textStyle = "*", st.Changed
		}
		var fill *lipgloss.Style
		if i == m.cursor {
			mark = "›"
			m.cursorRow = len(rows)
			c := st.Cursor
			fill = &c
		}
		for _, r := range m.wrappedLine(l, public, textStyle, span{mark, st.Heading}, span{changeMark, st.Changed}) {
			r.fill = fill
			rows = append(rows, r)
		}
	}
	text("", st.Text)

	// The cursor line's rules come first, next to it; what holds for the
	// whole step follows.
	if l, ok := m.cursorLine(); ok {
		why, recipe := lineLesson(l, lesson)
		if len(why) > 0 {
			text("why:", st.Label)
			for _, rule := range why {
				para("  • ", m.sec.cellText(rule), st.Gutter, st.Text)
			}
		}
		if l.Source != "" {
			rows = append(rows, (&row{}).add("from: ", st.Label).add(escape(l.Source), st.Text))
		}
		if recipe != "" {
			// Cut at the width, not at hyphens: a command is copied as it
			// is, and its words are not prose.
			const by = "by hand: "
			r := m.sec.cellText(recipe)
			room := max(w-len(by), 1)
			for i, n := 0, ansi.StringWidth(r); i < n; i += room {
				p := strings.Repeat(" ", len(by))
				if i == 0 {
					p = by
				}
				rows = append(rows, (&row{}).add(p, st.Label).add(ansi.Cut(r, i, i+room), st.Text))
			}
			if l.Secret && !public && !m.sec.show {
				para("", "the derived keys are masked: S shows them, to follow by hand with your own keys", st.Label, st.Dim)
			}
		}
	}
	m.detailEnd = len(rows) - 1
	switch s.N {
	case 1:
		text("", st.Text)
		if lesson.CanonicalJoin != "" {
			para("joined: ", lesson.CanonicalJoin, st.Label, st.Text)
		}
		if len(lesson.NotSigned) > 0 {
			text("not signed:", st.Label)
			for _, n := range lesson.NotSigned {
				para("  • ", m.sec.cellText(n), st.Gutter, st.Text)
			}
		}
	case 2:
		text("", st.Text)
		if lesson.StringToSignJoin != "" {
			para("joined: ", lesson.StringToSignJoin, st.Label, st.Text)
		}
	}
	return head, renderRows(rows, w)
}

// trialRows say what the what-if changed and, step by step, how many lines
// it reached: the point of edit and watch is to see where a change goes.
func (m *Teach) trialRows(para func(prefix, body string, prefixStyle, bodyStyle lipgloss.Style), changed [][]bool) {
	st, tr := m.styles, m.trial
	if tr.err != "" {
		para("what if: ", m.sec.cellText(tr.label)+": "+m.sec.cellText(tr.err)+" · u undoes", st.Changed, st.Error)
		return
	}
	var reach []string
	for i, c := range changed {
		if n := count(c); n > 0 && i < len(tr.steps) {
			reach = append(reach, fmt.Sprintf("step %d: %d", tr.steps[i].N, n))
		}
	}
	what := "no line changed"
	if len(reach) > 0 {
		what = "lines changed: " + strings.Join(reach, ", ")
	}
	para("what if: ", m.sec.cellText(tr.label)+" · "+what+" · x next change · u undo", st.Changed, st.Changed)
}

// wrappedLine is one step line in the walk-through: "› *label   │text",
// the text wrapped under itself in the text column so that nothing is cut
// (the Authorization header, a presigned URL, a hash to copy by hand), and
// the note flush right on the last row, or on a row of its own.
func (m *Teach) wrappedLine(l workbench.Line, public bool, textStyle lipgloss.Style, pre ...span) []*row {
	st, w := m.styles, m.w
	body := m.sec.lineText(l.Secret, l.Text)
	if l.Secret && public {
		body = escape(l.Text) // the emulator's demo keys: no secret
	}
	room := max(w-teachPrefix, 1)
	first := &row{spans: append([]span(nil), pre...)}
	first.add(labelCell(l.Label), st.Label).add("│", st.Gutter)
	if body == "" {
		first.add("(empty line)", st.Dim)
		first.right(escape(l.Note), st.Note, w)
		return []*row{first}
	}
	out := []*row{first}
	cur := first
	for i, n := 0, ansi.StringWidth(body); i < n; i += room {
		if i > 0 {
			cur = (&row{}).add(strings.Repeat(" ", teachPrefix-1), st.Text).add("│", st.Gutter)
			out = append(out, cur)
		}
		cur.add(ansi.Cut(body, i, i+room), textStyle)
	}
	if !cur.right(escape(l.Note), st.Note, w) && l.Note != "" {
		r := (&row{}).add(strings.Repeat(" ", teachPrefix-1), st.Text).add("│", st.Gutter)
		if !r.right(escape(l.Note), st.Note, w) {
			r.add(escape(l.Note), st.Note) // cut by render when even that is too narrow
		}
		out = append(out, r)
	}
	return out
}

// keyLabels are the key chain's lines, in the order of sign.Lesson's Keys.
var keyLabels = map[string]int{"kDate": 0, "kRegion": 1, "kService": 2, "kSigning": 3}

// lineLesson is the rules of one line, the trace's and the lesson's, and
// the shell line that recomputes it. A rule that only says again what the
// note on the line says is left out.
func lineLesson(l workbench.Line, ls sign.Lesson) (why []string, recipe string) {
	var add []string
	switch l.Part {
	case sign.PartHeaders:
		name, _, _ := strings.Cut(l.Text, ":")
		if h := ls.Header[name]; h != "" {
			add = append(add, h)
		}
		if name == "x-amz-date" && ls.Date != "" {
			add = append(add, "the value: "+ls.Date)
		}
	case sign.PartRequestDate:
		add = append(add, ls.Date)
	case sign.PartCredentialScope:
		add = append(add, ls.Scope)
	case sign.PartRequestHash:
		add = append(add, ls.CanonicalHash)
	case sign.PartPayloadHash:
		if ls.Payload != "" {
			// Says all the trace's rule does, and what the hash is of.
			return []string{ls.Payload}, ""
		}
	case sign.PartSignedHeaders:
		if len(ls.NotSigned) > 0 {
			add = append(add, "the request's other headers are not signed (listed above, with the reason)")
		}
	}
	switch l.Label {
	case "sig":
		add, recipe = append(add, ls.Signature), ls.SignatureRecipe
	case "auth", "url":
		add = append(add, ls.Authorization)
	}
	if i, ok := keyLabels[l.Label]; ok {
		add, recipe = append(add, ls.Keys[i]), ls.KeyRecipes[i]
	}
	for _, r := range append(add, l.Rules...) {
		if r != "" && r != l.Note {
			why = append(why, r)
		}
	}
	return why, recipe
}
