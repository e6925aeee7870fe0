package logindialog

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sigscope/sigscope/auth"
)

const (
	nameCol     = 23 // NEW_PASSWORD_REQUIRED, the longest challenge name, and a gap
	wideInner   = 50 // below this, a step's detail goes under its name
	maxErrLines = 6  // Cognito's explanations are long; the dialog is not a log
)

// View draws the box, every line exactly as wide as the box. The password
// and codes typed so far appear only as bullets and digits in their slots;
// the TOTP key is shown because the person must copy it.
func (m *Model) View() string {
	inner := m.inner()
	lines := m.lines(inner, m.qrShown(), false)
	if m.tooBig(lines, inner) {
		// First the QR code goes, then the history's details: the step
		// being answered and its fields always stay.
		lines = m.lines(inner, false, false)
		if len(lines)+2 > m.termH {
			lines = m.lines(inner, false, true)
		}
	}
	return m.box(lines)
}

func (m *Model) lines(inner int, withQR, brief bool) []string {
	lines := m.header(inner)
	switch {
	case m.step.Kind == auth.StepPassword:
		lines = append(lines, m.fieldRows(inner)...)
		if m.running {
			lines = append(lines, m.row(m.spin.View(), "InitiateAuth", m.styles.Current,
				"signing in as "+m.user+"…", inner)...)
		}
	default:
		for _, e := range m.history {
			if brief {
				e.detail = ""
			}
			lines = append(lines, m.row(m.styles.Done.Render("✓"), e.name, m.styles.Done, e.detail, inner)...)
		}
		if m.done {
			lines = append(lines, m.row(m.styles.Done.Render("✓"), "logged in", m.styles.Done,
				"as "+m.user, inner)...)
			break
		}
		marker := m.styles.Current.Render("▸")
		if m.running {
			marker = m.spin.View()
		}
		lines = append(lines, m.row(marker, challenge(m.step), m.styles.Current, prompt(m.step), inner)...)
		switch m.step.Kind {
		case auth.StepSelectMFA:
			lines = append(lines, m.choiceRows(inner)...)
		case auth.StepTOTPSetup:
			lines = append(lines, m.totpRows(inner, withQR)...)
			lines = append(lines, m.fieldRows(inner)...)
		default:
			lines = append(lines, m.fieldRows(inner)...)
			lines = append(lines, m.demoRows(inner)...)
		}
	}
	if m.msg != "" {
		lines = append(lines, m.errorRows(inner)...)
	}
	return append(lines, m.help.ShortHelpView(m.KeyMap().ShortHelp()))
}

func (m *Model) inner() int { return max(m.width-4, 1) }

// header names pool, user and flow, on as many lines as the width needs.
func (m *Model) header(inner int) []string {
	var parts []string
	add := func(name, value string) {
		if value != "" {
			parts = append(parts, m.styles.Label.Render(name)+" "+value)
		}
	}
	add("pool", m.cfg.Pool)
	if m.step.Kind != auth.StepPassword {
		add("user", m.user)
	}
	add("flow", m.flow)
	sep := m.styles.Dim.Render(" · ")
	var out []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case lipgloss.Width(line+sep+p) <= inner:
			line += sep + p
		default:
			out = append(out, line)
			line = p
		}
	}
	return append(out, line)
}

// row is one step of the story: marker, name, detail. Narrow boxes put
// the detail under the name rather than cut both short.
func (m *Model) row(marker, name string, nameStyle lipgloss.Style, detail string, inner int) []string {
	if inner < wideInner {
		out := []string{marker + " " + nameStyle.Render(ansi.Truncate(name, inner-2, "…"))}
		for _, l := range wrap(detail, inner-2) {
			out = append(out, "  "+m.styles.Dim.Render(l))
		}
		return out
	}
	name = ansi.Truncate(name, nameCol-1, "…")
	head := marker + " " + nameStyle.Render(name) + strings.Repeat(" ", nameCol-lipgloss.Width(name))
	var out []string
	for i, l := range wrap(detail, inner-2-nameCol) {
		if i == 0 {
			out = append(out, head+m.styles.Dim.Render(l))
		} else {
			out = append(out, strings.Repeat(" ", 2+nameCol)+m.styles.Dim.Render(l))
		}
	}
	if len(out) == 0 {
		out = append(out, head)
	}
	return out
}

// labelWidth is the label column of the current screen, "key" included
// for the TOTP setup's key row.
func (m *Model) labelWidth(inner int) int {
	w := len("key")
	for _, f := range m.fields {
		w = max(w, lipgloss.Width(f.label))
	}
	return max(min(w+2, inner/2), 1)
}

// fieldWidth is what is left for a field's text after indent and label.
func (m *Model) fieldWidth(inner int) int {
	return max(inner-2-m.labelWidth(inner), 1)
}

func (m *Model) fieldRows(inner int) []string {
	lw := m.labelWidth(inner)
	out := make([]string, 0, len(m.fields))
	for i := range m.fields {
		f := &m.fields[i]
		style := m.styles.Label
		if i == m.focus && !m.running {
			style = m.styles.Current
		}
		label := ansi.Truncate(f.label, lw-1, "…")
		label = style.Render(label) + strings.Repeat(" ", lw-lipgloss.Width(label))
		var v string
		if f.kind == codeField {
			v = m.slots(f, i == m.focus && !m.running)
		} else {
			v = f.input.view(m.styles.Field)
		}
		out = append(out, "  "+label+v)
	}
	return out
}

// slots draws a code as "[ 4 2 7 _ _ _ ]", the next slot highlighted.
func (m *Model) slots(f *field, focused bool) string {
	v := f.input.Value()
	n := max(codeSlots, len(v))
	cells := make([]string, n)
	for i := range n {
		c, style := "_", m.styles.Dim
		if i < len(v) {
			c, style = v[i:i+1], m.styles.Field
		}
		if focused && i == f.input.pos {
			style = m.styles.Current
		}
		cells[i] = style.Render(c)
	}
	return "[ " + strings.Join(cells, " ") + " ]"
}

func (m *Model) choiceRows(inner int) []string {
	out := make([]string, 0, len(m.step.MFAChoices))
	for i, c := range m.step.MFAChoices {
		marker, style := " ", m.styles.Field
		if i == m.choice {
			marker, style = m.styles.Current.Render("▸"), m.styles.Current
		}
		label := mfaLabel(c)
		line := "  " + marker + " " + style.Render(label)
		if inner >= wideInner && label != c { // Cognito's name, where there is room
			line += strings.Repeat(" ", max(nameCol-2-lipgloss.Width(label), 1)) + m.styles.Dim.Render(c)
		}
		out = append(out, fit(line, inner))
	}
	return out
}

// totpRows are the setup's instructions, QR code and key. The key comes
// in groups of four, as authenticator apps accept it and as people copy
// it best.
func (m *Model) totpRows(inner int, withQR bool) []string {
	text := "add this key to an authenticator app (time-based, 6 digits, 30 s), then type the code it shows"
	switch {
	case withQR:
		text = "scan the QR code with an authenticator app, or add the key by hand (time-based, 6 digits, 30 s); then type the code it shows"
	case m.qrShown():
		text += " (a larger terminal shows a QR code)"
	}
	var out []string
	for _, l := range wrap(text, inner-2) {
		out = append(out, "  "+m.styles.Dim.Render(l))
	}
	if withQR {
		for _, l := range m.qr {
			out = append(out, "  "+l)
		}
	}
	var groups []string
	for s := m.step.TOTPSecret; s != ""; {
		n := min(4, len(s))
		groups = append(groups, s[:n])
		s = s[n:]
	}
	lw := m.labelWidth(inner)
	for i, l := range wrap(strings.Join(groups, " "), m.fieldWidth(inner)) {
		label := strings.Repeat(" ", lw)
		if i == 0 {
			label = m.styles.Label.Render("key") + strings.Repeat(" ", lw-len("key"))
		}
		out = append(out, "  "+label+m.styles.Field.Render(l))
	}
	return out
}

// demoRows show the code the demo's emulator "sent" (Config.DemoCode).
func (m *Model) demoRows(inner int) []string {
	if m.demoCode == "" {
		return nil
	}
	text := "demo: the emulator's SMS says " + m.demoCode + " (no phone gets it)"
	if m.step.Medium == "EMAIL" {
		text = "demo: the emulator's email says " + m.demoCode + " (no mailbox gets it)"
	}
	var out []string
	for _, l := range wrap(text, inner-2) {
		// The code itself stands out: it is what the person types.
		if at := strings.Index(l, m.demoCode); at >= 0 {
			l = m.styles.Dim.Render(l[:at]) + m.styles.Field.Render(m.demoCode) + m.styles.Dim.Render(l[at+len(m.demoCode):])
		} else {
			l = m.styles.Dim.Render(l)
		}
		out = append(out, "  "+l)
	}
	return out
}

func (m *Model) qrShown() bool {
	return m.step.Kind == auth.StepTOTPSetup && len(m.qr) > 0 && !m.done
}

// tooBig says whether lines, framed, overflow the terminal, or the QR
// code the box.
func (m *Model) tooBig(lines []string, inner int) bool {
	if m.qrShown() {
		for _, l := range m.qr {
			if lipgloss.Width(l)+2 > inner {
				return true
			}
		}
	}
	return len(lines)+2 > m.termH
}

func (m *Model) errorRows(inner int) []string {
	ls := wrap(m.msg, inner-2)
	if len(ls) > maxErrLines {
		ls = ls[:maxErrLines]
		ls[maxErrLines-1] = ansi.Truncate(ls[maxErrLines-1], inner-3, "") + "…"
	}
	out := make([]string, len(ls))
	for i, l := range ls {
		prefix := "  "
		if i == 0 {
			prefix = m.styles.Error.Render("✗") + " "
		}
		out[i] = prefix + m.styles.Error.Render(l)
	}
	return out
}

// box frames lines, the title set in the top edge as in the sketch.
func (m *Model) box(lines []string) string {
	w := m.width
	if w < 8 { // no room for a frame: the lines alone, still w wide
		for i, l := range lines {
			lines[i] = fit(l, w)
		}
		return strings.Join(lines, "\n")
	}
	b := m.styles.Border
	title := "Log in"
	if m.cfg.Title != "" {
		title += " · " + m.cfg.Title
	}
	title = ansi.Truncate(title, w-6, "…")
	out := make([]string, 0, len(lines)+2)
	out = append(out, b.Render("╭─ ")+m.styles.Title.Render(title)+
		b.Render(" "+strings.Repeat("─", w-5-lipgloss.Width(title))+"╮"))
	side := b.Render("│")
	for _, l := range lines {
		out = append(out, side+" "+fit(l, w-4)+" "+side)
	}
	out = append(out, b.Render("╰"+strings.Repeat("─", w-2)+"╯"))
	return strings.Join(out, "\n")
}

// layoutFields sizes the current screen's inputs to the box; the first
// screen's are sized again when the dialog goes back to it.
func (m *Model) layoutFields() {
	inner := m.inner()
	m.help.SetWidth(inner)
	fw := m.fieldWidth(inner)
	for i := range m.fields {
		m.fields[i].input.SetWidth(fw)
	}
}

// fit cuts or pads s to exactly n columns.
func fit(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if lipgloss.Width(s) > n {
		s = ansi.Truncate(s, n, "…")
	}
	return s + strings.Repeat(" ", n-lipgloss.Width(s))
}

// wrap breaks plain text into lines of at most n columns.
func wrap(s string, n int) []string {
	if s == "" {
		return nil
	}
	return splitLines(ansi.Wrap(s, max(n, 1), ""))
}

func splitLines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}
