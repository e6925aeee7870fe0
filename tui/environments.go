package tui

import (
	"fmt"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// envOverlay is e: the environments of the selected collection, the
// variables of the one looked at (runtime variables first, then the
// environment's, each with its source, secrets masked), which one is in
// use, and a field to set a runtime variable. The variables come from the
// workbench in a command (it reads the trust record); what is set here
// goes to the workbench as --var does, never to the collection file.
type envOverlay struct {
	coll   int
	wb     *workbench.Workbench
	envs   []string
	viewed int // index in envs of the environment listed; -1: none
	vars   []workbench.Variable
	err    error
	seq    int // of the last listing asked for
	cursor int
	top    int
	show   bool // secrets in clear (S), for this dialog only
	// editing: the field that sets a runtime variable, name=value.
	editing bool
	input   textinput.Model
	note    string // what the last action did
	noteOK  bool
}

// varsMsg is a listing of variables, for the dialog that asked.
type varsMsg struct {
	o    *envOverlay
	seq  int
	vars []workbench.Variable
	err  error
}

func newEnvOverlay(m *Model, wb *workbench.Workbench) (*envOverlay, tea.Cmd) {
	o := &envOverlay{coll: m.coll, wb: wb, envs: wb.Coll.Environments(), viewed: -1, show: m.showSecr}
	cur := wb.EffectiveEnvironment()
	for i, n := range o.envs {
		if n == cur {
			o.viewed = i
		}
	}
	if o.viewed < 0 && len(o.envs) > 0 {
		o.viewed = 0
	}
	return o, o.list()
}

func (o *envOverlay) viewedName() string {
	if o.viewed < 0 {
		return ""
	}
	return o.envs[o.viewed]
}

// list asks for the variables of the environment looked at.
func (o *envOverlay) list() tea.Cmd {
	o.seq++
	seq, wb, env, show := o.seq, o.wb, o.viewedName(), o.show
	return func() tea.Msg {
		vars, err := wb.Variables(env, show)
		return varsMsg{o: o, seq: seq, vars: vars, err: err}
	}
}

func (o *envOverlay) listed(msg varsMsg) {
	if msg.seq != o.seq {
		return // another environment was asked for since
	}
	o.vars, o.err = msg.vars, msg.err
	o.cursor = clamp(o.cursor, 0, max(len(o.vars)-1, 0))
}

func (o *envOverlay) selectedVar() (workbench.Variable, bool) {
	if o.cursor < 0 || o.cursor >= len(o.vars) {
		return workbench.Variable{}, false
	}
	return o.vars[o.cursor], true
}

func (o *envOverlay) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	if lm, ok := msg.(varsMsg); ok {
		if lm.o == o {
			o.listed(lm)
		}
		return nil, false
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	if o.editing {
		return o.editKey(m, k), false
	}
	if key.Matches(k, m.keys.Env) {
		return nil, true // the key that opened it closes it
	}
	switch k.String() {
	case "esc", "q":
		return nil, true
	case "up", "k":
		o.cursor = max(o.cursor-1, 0)
	case "down", "j":
		o.cursor = min(o.cursor+1, max(len(o.vars)-1, 0))
	case "left", "h", "shift+tab":
		return o.look(-1), false
	case "right", "l", "tab":
		return o.look(1), false
	case "enter":
		return o.use(m), false
	case "s":
		o.startEdit(m, true)
	case "n", "+":
		o.startEdit(m, false)
	case "x", "delete", "backspace":
		return o.unset(m), false
	case "S":
		o.show = !o.show
		return o.list(), false
	}
	return nil, false
}

// look lists the previous or next environment.
func (o *envOverlay) look(d int) tea.Cmd {
	if len(o.envs) < 2 {
		return nil
	}
	o.viewed = (o.viewed + d + len(o.envs)) % len(o.envs)
	o.cursor, o.top, o.note = 0, 0, ""
	return o.list()
}

// use makes the environment looked at the one requests resolve in.
func (o *envOverlay) use(m *Model) tea.Cmd {
	name := o.viewedName()
	if name == "" {
		return nil
	}
	was := o.wb.EffectiveEnvironment()
	if err := o.wb.SetEnvironment(name); err != nil {
		o.note, o.noteOK = err.Error(), false
		return nil
	}
	o.note, o.noteOK = "requests now resolve in "+name, true
	m.setStatus("environment "+name, true)
	if o.wb.EffectiveEnvironment() == was {
		return nil
	}
	return tea.Batch(m.variablesChanged(o.coll), o.list())
}

// startEdit opens the field: on the selected variable (its name, and
// its value when it is a runtime one and no secret), or empty for a new
// one.
func (o *envOverlay) startEdit(m *Model, selected bool) {
	o.input = newTextInput()
	o.input.Prompt = "set "
	o.input.Placeholder = "name=value (as --var: taken literally)"
	if v, ok := o.selectedVar(); ok && selected {
		val := ""
		if strings.HasPrefix(v.Source, "runtime") && !v.Secret {
			val = v.Value
		}
		o.input.SetValue(v.Name + "=" + val)
	}
	o.input.SetWidth(max(o.width(m)-8, 10))
	o.input.Focus()
	o.editing, o.note = true, ""
}

func (o *envOverlay) editKey(m *Model, k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "esc":
		o.editing = false
		return nil
	case "enter":
		name, value, ok := strings.Cut(o.input.Value(), "=")
		if !ok {
			o.note, o.noteOK = "write name=value, e.g. emulator=http://127.0.0.1:7466", false
			return nil
		}
		name = strings.TrimSpace(name)
		if err := o.wb.SetVar(name, value); err != nil {
			o.note, o.noteOK = err.Error(), false
			return nil
		}
		o.editing = false
		o.note, o.noteOK = "runtime variable "+name+" set (for this session, not written to the file)", true
		m.setStatus("variable "+name+" set", true)
		return tea.Batch(m.variablesChanged(o.coll), o.list())
	}
	var cmd tea.Cmd
	o.input, cmd = o.input.Update(k)
	return cmd
}

// unset removes the selected runtime variable.
func (o *envOverlay) unset(m *Model) tea.Cmd {
	v, ok := o.selectedVar()
	if !ok {
		return nil
	}
	switch {
	case v.Source == workbench.SourceFlag:
		o.note, o.noteOK = v.Name+" was given with --var: s sets another value for this session", false
		return nil
	case v.Source == workbench.SourceUI:
	case strings.HasPrefix(v.Source, workbench.SourceCaptured):
		o.wb.ForgetCaptured(v.Name)
		o.note, o.noteOK = "captured "+v.Name+" forgotten: the request that captures it sets it again", true
		m.setStatus(o.note, true)
		return tea.Batch(m.variablesChanged(o.coll), o.list())
	default:
		o.note, o.noteOK = v.Name+" is the environment's: edit the collection to change it, or s to set a runtime value over it", false
		return nil
	}
	o.wb.UnsetVar(v.Name)
	if _, still := o.wb.Vars()[v.Name]; still {
		o.note = "runtime variable " + v.Name + " back to its --var value"
	} else {
		o.note = "runtime variable " + v.Name + " removed"
	}
	o.noteOK = true
	m.setStatus(o.note, true)
	return tea.Batch(m.variablesChanged(o.coll), o.list())
}

// variablesChanged: the requests of a collection now resolve otherwise,
// so the panes show them as they are now (not as last sent) and sign
// again; logins may use the variables too.
func (m *Model) variablesChanged(coll int) tea.Cmd {
	m.editedCollection(coll)
	m.rebuildPreview()
	return tea.Batch(m.requestPreview(), m.refreshLogins())
}

func (o *envOverlay) width(m *Model) int { return min(m.lay.W-4, 110) }

func (o *envOverlay) view(m *Model) []string { return o.render(m) }

func (o *envOverlay) render(m *Model) []string {
	st := m.styles
	w := o.width(m)
	var lines []string

	// The environments, the one in use marked, the one listed highlighted.
	if len(o.envs) == 0 {
		lines = append(lines, st.Dim.Render(" this collection has no environments: runtime variables only"))
	} else {
		cur := o.wb.EffectiveEnvironment()
		parts := []string{st.Dim.Render(" environment")}
		for i, n := range o.envs {
			label := bodyview.Escape(n)
			if n == cur {
				label = "● " + label
			}
			if i == o.viewed {
				parts = append(parts, st.Selected.Render(" "+label+" "))
			} else {
				parts = append(parts, st.Text.Render(" "+label+" "))
			}
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	lines = append(lines, "")

	rows := max(m.lay.H-12, 3)
	switch {
	case o.err != nil:
		lines = append(lines, st.Error.Render(" "+bodyview.Escape(o.err.Error())))
	case o.vars == nil && o.seq > 0:
		lines = append(lines, st.Dim.Render(" reading the variables …"))
	case len(o.vars) == 0:
		lines = append(lines, st.Dim.Render(" no variables: n sets a runtime variable"))
	default:
		lines = append(lines, o.table(st, w, rows)...)
	}
	lines = append(lines, "")
	if v, ok := o.selectedVar(); ok && v.Problem != "" && !o.editing {
		lines = append(lines, st.Warn.Render(" "+ansi.Truncate(bodyview.Escape(v.Name+": "+v.Problem), w-2, "…")))
	}
	if o.editing {
		lines = append(lines, " "+o.input.View())
	}
	if o.note != "" {
		s := st.Error
		if o.noteOK {
			s = st.OK
		}
		lines = append(lines, s.Render(" "+ansi.Truncate(bodyview.Escape(o.note), w-2, "…")))
	}
	lines = append(lines, o.hints(st, w)...)
	title := "Environments and variables"
	if name := o.wb.Coll.Name; name != "" {
		title += " · " + bodyview.Escape(name)
	}
	return m.dialogBox(title, lines, w)
}

// table lays out name, value and source; the cursor's row is highlighted
// and kept in the window of rows lines.
func (o *envOverlay) table(st Styles, w, rows int) []string {
	nameW, srcW := len("name"), len("source")
	for _, v := range o.vars {
		nameW = max(nameW, ansi.StringWidth(bodyview.Escape(v.Name)))
		srcW = max(srcW, ansi.StringWidth(o.source(v)))
	}
	nameW, srcW = min(nameW, max(w/4, 8)), min(srcW, max(w/2, 10))
	valW := max(w-nameW-srcW-5, 8)
	cell := func(s string, n int) string { return fit(ansi.Truncate(s, n, "…"), n) }
	out := []string{st.Dim.Render(" " + cell("name", nameW) + " " + cell("value", valW) + " " + cell("source", srcW))}
	if o.cursor < o.top {
		o.top = o.cursor
	}
	if o.cursor >= o.top+rows {
		o.top = o.cursor - rows + 1
	}
	for i := o.top; i < len(o.vars) && i < o.top+rows; i++ {
		v := o.vars[i]
		val := bodyview.Escape(v.Value)
		valStyle := st.Text
		switch {
		case v.Shadowed:
			valStyle = st.Dim
		case v.Problem != "":
			valStyle = st.Warn
		}
		// The cursor's row is marked without colour too (NO_COLOR).
		mark := " "
		if i == o.cursor {
			mark = "›"
		}
		line := mark + cell(bodyview.Escape(v.Name), nameW) + " " + valStyle.Render(cell(val, valW)) + " " + st.Dim.Render(cell(o.source(v), srcW))
		if i == o.cursor {
			line = st.Selected.Render(ansi.Strip(fit(line, w)))
		}
		out = append(out, line)
	}
	if len(o.vars) > rows {
		out = append(out, st.Dim.Render(fmt.Sprintf(" %d-%d of %d", o.top+1, min(o.top+rows, len(o.vars)), len(o.vars))))
	}
	return out
}

func (o *envOverlay) source(v workbench.Variable) string {
	s := v.Source
	if v.Shadowed {
		s += " (overridden)"
	}
	return bodyview.Escape(s)
}

// hints are the dialog's keys, on as many lines as the width needs.
func (o *envOverlay) hints(st Styles, w int) []string {
	keys := []string{"↑/↓ variable", "←/→ environment", "enter use it", "s set it", "n new variable", "x unset", "S show secrets", "esc close"}
	if o.editing {
		keys = []string{"enter set", "esc cancel"}
	}
	if len(o.envs) < 2 && !o.editing {
		keys = append(keys[:1], keys[3:]...)
	}
	var out []string
	line := ""
	for _, k := range keys {
		if line != "" && ansi.StringWidth(line)+3+len(k) > w-1 {
			out = append(out, st.Dim.Render(" "+line))
			line = ""
		}
		if line != "" {
			line += " · "
		}
		line += k
	}
	return append(out, st.Dim.Render(" "+line))
}

// varHint matches the command line's advice to pass a runtime variable;
// in the UI that is e, then s.
var varHint = regexp.MustCompile("pass (?:the URL it prints with )?--var ([A-Za-z_][A-Za-z0-9_-]*)=[^\\s;,)]*")

// inUI rewrites the command line's advice in an error for the UI.
func inUI(s string) string {
	return varHint.ReplaceAllString(s, "press e, then s, to set $1")
}
