package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/tui/logindialog"
	"github.com/sigscope/sigscope/workbench"
)

// overlay is a dialog on the stack: it gets every key while on top and
// is drawn last, centred over the panes.
type overlay interface {
	update(m *Model, msg tea.Msg) (cmd tea.Cmd, closed bool)
	view(m *Model) []string
}

func (m *Model) pushOverlay(o overlay) { m.overlays = append(m.overlays, o) }

func (m *Model) popOverlay() {
	if len(m.overlays) > 0 {
		m.overlays = m.overlays[:len(m.overlays)-1]
	}
}

func (m *Model) topLogin() *loginOverlay {
	for i := len(m.overlays) - 1; i >= 0; i-- {
		if lo, ok := m.overlays[i].(*loginOverlay); ok {
			return lo
		}
	}
	return nil
}

// dialogBox draws a titled box of the given inner width around lines.
func (m *Model) dialogBox(title string, lines []string, inner int) []string {
	st := m.styles
	inner = max(min(inner, m.lay.W-4), 10)
	t := "─ " + ansi.Truncate(title, inner-3, "…") + " "
	out := []string{st.Overlay.Render("╭" + t + strings.Repeat("─", max(inner-ansi.StringWidth(t), 0)) + "╮")}
	for _, l := range lines {
		out = append(out, st.Overlay.Render("│")+fit(l, inner)+st.Overlay.Render("│"))
	}
	out = append(out, st.Overlay.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return out
}

// loginOverlay wraps the login dialog.
type loginOverlay struct {
	coll   int
	target *workbench.LoginTarget
	dlg    *logindialog.Model
}

func (o *loginOverlay) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	var cmd tea.Cmd
	o.dlg, cmd = o.dlg.Update(msg)
	return cmd, false
}

func (o *loginOverlay) view(m *Model) []string {
	o.dlg.SetSize(m.lay.W, m.lay.H)
	return strings.Split(o.dlg.View(), "\n")
}

// helpOverlay is ?: every key, the focused pane's first, laid out in as
// many columns as the width holds. On a short terminal it scrolls (the
// keys that scroll a pane scroll it); any other key closes it.
type helpOverlay struct{ top int }

func newHelpOverlay(m *Model) *helpOverlay { return &helpOverlay{} }

func (o *helpOverlay) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	page := max(m.lay.H-6, 1)
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch msg.String() {
		case "down", "j":
			o.top++
		case "up", "k":
			o.top--
		case "pgdown", "space", "ctrl+d":
			o.top += page
		case "pgup", "ctrl+u":
			o.top -= page
		case "g", "home":
			o.top = 0
		case "G", "end":
			o.top = 1 << 20
		default:
			return nil, true
		}
		// view clamps top: the number of lines depends on the width.
		o.top = max(o.top, 0)
	case tea.MouseWheelMsg:
		if msg.Mouse().Button == tea.MouseWheelUp {
			o.top = max(o.top-3, 0)
		} else {
			o.top += 3
		}
	}
	return nil, false
}

func (o *helpOverlay) view(m *Model) []string {
	w := min(m.lay.W-4, 110)
	var lines []string
	section := func(title string, km help.KeyMap) {
		lines = append(lines, m.styles.Bold.Render(title))
		lines = append(lines, keyColumns(m.styles, km, w)...)
	}
	switch m.focus {
	case paneTree:
		section("Requests", m.tree.keys)
	case paneWire:
		section("Request", textPaneKeys)
	case paneResponse:
		if m.respTab == tabBody {
			section("Response body", m.body.KeyMap)
		} else {
			section("Response", textPaneKeys)
		}
	case paneCookies:
		section("Cookies", textPaneKeys)
	case paneSigV4:
		switch {
		case m.showDiff:
			section("Mismatch diff", m.diff)
		case m.teaching:
			section("Teach SigV4", m.teach)
		default:
			section("SigV4", m.inspector)
		}
	}
	section("Everywhere", m.keys)
	lines = append(lines, m.styles.Dim.Render("Letters never act in a text field · any other key closes help"))
	if room := max(m.lay.H-5, 1); room < len(lines) {
		// One row says where the window is and how to move it.
		room = max(room-1, 1)
		o.top = min(o.top, len(lines)-room)
		more := fmt.Sprintf("lines %d-%d of %d · ↑/↓ j/k pgup/pgdn scroll", o.top+1, o.top+room, len(lines))
		lines = append(lines[o.top:o.top+room:o.top+room], m.styles.Dim.Render(more))
	}
	return m.dialogBox("Help", lines, w)
}

// keyColumns lays bindings out column-major in columns of equal width.
func keyColumns(st Styles, km help.KeyMap, w int) []string {
	var binds []key.Binding
	for _, g := range km.FullHelp() {
		for _, b := range g {
			if b.Enabled() && b.Help().Key != "" {
				binds = append(binds, b)
			}
		}
	}
	kw, dw := 0, 0
	for _, b := range binds {
		kw = max(kw, ansi.StringWidth(b.Help().Key))
		dw = max(dw, ansi.StringWidth(b.Help().Desc))
	}
	colW := kw + dw + 4
	cols := max(min(w/colW, 4), 1)
	rows := (len(binds) + cols - 1) / cols
	out := make([]string, rows)
	for i, b := range binds {
		cell := " " + st.FooterKey.Render(fmt.Sprintf("%-*s", kw, b.Help().Key)) + " " + st.Dim.Render(b.Help().Desc)
		out[i%rows] += fit(cell, colW)
	}
	return out
}

// prompt is / (search the body) and | (jq filter): a one-line text field
// that takes every key, letters included.
type prompt struct {
	kind    int
	input   textinput.Model
	err     string
	running bool
}

// filterMsg is a jq filter's result; dropped when the body changed.
type filterMsg struct {
	p      *prompt
	bodyID int
	expr   string
	out    []byte
	err    error
}

func (m *Model) filtered(msg filterMsg) {
	msg.p.running = false
	if msg.bodyID != m.bodyID {
		return
	}
	if msg.err != nil {
		msg.p.err = msg.err.Error()
		return
	}
	m.body.ApplyFilter(msg.expr, msg.out)
	for i, o := range m.overlays {
		if o == overlay(msg.p) {
			m.overlays = append(m.overlays[:i], m.overlays[i+1:]...)
			break
		}
	}
}

const (
	promptSearch = iota
	promptJQ
)

func newPrompt(m *Model, kind int) *prompt {
	p := &prompt{kind: kind, input: newTextInput()}
	p.input.Prompt = "/ "
	if kind == promptJQ {
		p.input.Prompt = "| "
		p.input.Placeholder = ".items[] | .name"
		p.input.SetValue(m.body.Filtering())
	}
	p.input.SetWidth(max(min(70, m.lay.W-4)-4, 1))
	p.input.Focus()
	return p
}

func (p *prompt) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch k.String() {
	case "esc":
		return nil, true
	case "ctrl+j":
		return m.send(), true
	case "enter":
		q := p.input.Value()
		if p.kind == promptSearch {
			m.body.Search(q)
			return nil, true
		}
		if q == "" {
			m.body.ClearFilter()
			return nil, true
		}
		// gojq decodes the whole body: run it in a command, keep the
		// prompt open until the answer (or its error) comes back.
		run, id := m.body.FilterFunc(q), m.bodyID
		p.err = ""
		p.running = true
		return func() tea.Msg {
			out, err := run()
			return filterMsg{p: p, bodyID: id, expr: q, out: out, err: err}
		}, false
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd, false
}

func (p *prompt) view(m *Model) []string {
	title := "Search the body"
	if p.kind == promptJQ {
		title = "jq filter on the body"
	}
	lines := []string{p.input.View()}
	if p.running {
		lines = append(lines, m.spin.View()+" running jq …")
	}
	if p.err != "" {
		lines = append(lines, m.styles.Error.Render(bodyview.Escape(p.err)))
	}
	lines = append(lines, m.styles.Dim.Render("enter applies · esc closes"))
	return m.dialogBox(title, lines, min(70, m.lay.W-4))
}
