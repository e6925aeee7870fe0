// Package logindialog is the TUI's Cognito login dialog: one field set per
// step of auth.Login, each answer sent in a command behind a spinner.
//
// The dialog is a child of the root model, not a tea.Model: the root feeds
// it every message while it is open, draws View over the panes, and closes
// it on DoneMsg or CanceledMsg.
package logindialog

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/sigscope/sigscope/auth"
)

// Stepper is the login state machine the dialog drives; *auth.Login is one.
type Stepper interface {
	Next() auth.Step
	Answer(ctx context.Context, a auth.Answer) (auth.Step, error)
}

// Config says what to log into.
type Config struct {
	Title    string // the auth profile's name
	Pool     string // user pool id, shown in the header
	Flow     string // "srp", "password" or Cognito's name for them
	Username string // prefill; may be empty
	Password string // prefill; may be empty
	// Start begins a login of username. It is called from Update, so it
	// must do no I/O: auth.NewLogin does none.
	Start func(username string) (Stepper, error)
	// DemoCode is set by `sigscope demo` alone, for its built-in emulator:
	// it returns the SMS or email code the emulator "sent" to username
	// (Cognito's internal name), which no phone or mailbox receives, so
	// the dialog shows it under the code field. Never set for a real
	// user pool. Called from Update: it must do no I/O.
	DemoCode func(username string) (code string, ok bool)
}

// DoneMsg says the login reached auth.StepDone: Stepper holds the tokens
// (for *auth.Login, its Session method makes the session to save).
type DoneMsg struct{ Stepper Stepper }

// CanceledMsg says the person closed the dialog; any call in flight has
// been canceled.
type CanceledMsg struct{}

// resultMsg is an Answer's outcome. id and seq let a late answer of a
// canceled attempt, or of an earlier dialog, be told apart and dropped.
type resultMsg struct {
	id, seq int
	step    auth.Step
	err     error
}

// maxAttempts is how often a step may be answered wrongly before the
// login starts over, as on the command line.
const maxAttempts = 3

var lastID atomic.Int64

// Model is the login dialog.
type Model struct {
	id     int
	cfg    Config
	flow   string
	styles Styles
	keys   KeyMap
	help   help.Model
	spin   spinner.Model

	termW, termH int
	width        int // the box's, borders included

	cred    []field // the first screen's fields, kept across restarts
	fields  []field // the current screen's fields
	focus   int
	choice  int // index into step.MFAChoices
	user    string
	stepper Stepper
	step    auth.Step // Kind StepPassword is the first screen
	history []entry
	fails   int // wrong answers to the current step

	qr []string // the TOTP setup's QR code, drawn once per step
	// demoCode is the code the demo's emulator sent for this step.
	demoCode string

	running bool
	seq     int
	cancel  context.CancelFunc

	msg    string // the ✗ line
	done   bool
	closed bool
}

// New returns the dialog on its first screen, sized for 80x24 until
// SetSize says otherwise.
func New(cfg Config, styles Styles) *Model {
	m := &Model{
		id:     int(lastID.Add(1)),
		cfg:    cfg,
		flow:   flowName(cfg.Flow),
		styles: styles,
		keys:   defaultKeyMap(),
		help:   help.New(),
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(styles.Current)),
	}
	m.help.ShortSeparator = "  "
	m.help.Styles.ShortKey = styles.Title
	m.help.Styles.ShortDesc = styles.Dim
	m.help.Styles.ShortSeparator = styles.Dim
	m.help.Styles.Ellipsis = styles.Dim
	m.cred = credentialFields(cfg)
	m.SetSize(80, 24)
	m.toCredentials("")
	return m
}

// SetSize tells the dialog the terminal's size. It picks its own width,
// never wider than w, and leaves the QR code out when h is too short.
func (m *Model) SetSize(w, h int) {
	m.termW, m.termH = max(w, 1), max(h, 1)
	m.width = min(m.termW-4, 72)
	if m.width < 36 { // too cramped with a margin: use the whole width
		m.width = min(m.termW, 36)
	}
	m.layoutFields()
}

// Update handles keys, paste, the spinner and the answers of commands.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	if m.closed {
		return m, nil
	}
	switch msg := msg.(type) {
	case resultMsg:
		return m, m.finish(msg)
	case spinner.TickMsg:
		if !m.running {
			return m, nil // stops the tick loop
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	if _, ok := msg.(tea.PasteMsg); ok && !m.running && !m.done {
		return m, m.updateField(msg)
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		return m.closeDialog()
	case m.running || m.done:
		return nil
	case key.Matches(msg, m.keys.Submit):
		return m.submit()
	}
	if m.step.Kind == auth.StepSelectMFA {
		n := len(m.step.MFAChoices)
		switch {
		case key.Matches(msg, m.keys.Up):
			m.choice = (m.choice + n - 1) % n
		case key.Matches(msg, m.keys.Down):
			m.choice = (m.choice + 1) % n
		}
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.NextField):
		m.focusField(m.focus + 1)
	case key.Matches(msg, m.keys.PrevField):
		m.focusField(m.focus - 1)
	default:
		return m.updateField(msg)
	}
	return nil
}

func (m *Model) updateField(msg tea.Msg) tea.Cmd {
	if m.focus < len(m.fields) {
		m.fields[m.focus].update(msg)
	}
	return nil
}

// focusField moves the cursor, wrapping around at either end.
func (m *Model) focusField(i int) {
	n := len(m.fields)
	if n == 0 {
		return
	}
	m.focus = (i%n + n) % n
	for j := range m.fields {
		in := &m.fields[j].input
		in.focused = j == m.focus
		if in.focused {
			in.pos = len(in.value)
			in.scroll()
		}
	}
}

// closeDialog cancels the call in flight, if any; its answer, should it
// still arrive, no longer matches seq.
func (m *Model) closeDialog() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.running = false
	m.seq++
	m.closed = true
	return func() tea.Msg { return CanceledMsg{} }
}

// submit answers the current screen. Enter on a form with an empty field
// goes to that field first, so enter can walk a form top to bottom.
func (m *Model) submit() tea.Cmd {
	if i := missing(m.fields); i >= 0 {
		if i != m.focus {
			m.focusField(i)
			return nil
		}
	}
	m.msg = ""
	switch m.step.Kind {
	case auth.StepPassword:
		return m.start()
	case auth.StepNewPassword:
		a, p := newPasswordAnswer(m.fields)
		if p != nil {
			return m.refuse(p)
		}
		return m.run(a)
	case auth.StepMFACode, auth.StepTOTPSetup:
		a, p := codeAnswer(m.fields)
		if p != nil {
			return m.refuse(p)
		}
		return m.run(a)
	case auth.StepSelectMFA:
		return m.run(auth.Answer{MFAType: m.step.MFAChoices[m.choice]})
	}
	return nil
}

func (m *Model) refuse(p *problem) tea.Cmd {
	m.msg = p.msg
	if p.clear {
		m.clearSecrets()
	}
	m.focusField(p.field)
	return nil
}

// start begins a fresh login on every submit of the first screen: the
// username may have changed, and a login that failed is back at its start
// anyway.
func (m *Model) start() tea.Cmd {
	user, pass := m.cred[0].value(), m.cred[1].value()
	switch {
	case user == "":
		m.msg = "type a username"
		m.focusField(0)
		return nil
	case pass == "":
		m.msg = "type the password"
		m.focusField(1)
		return nil
	case m.cfg.Start == nil:
		m.msg = "this profile cannot log in from here"
		return nil
	}
	s, err := m.cfg.Start(user)
	if err != nil {
		m.msg = err.Error()
		return nil
	}
	m.user, m.stepper = user, s
	st := s.Next()
	if st.Kind != auth.StepPassword {
		// A stepper may resume past the password; show what it wants.
		return m.enter(st)
	}
	m.step = st
	return m.run(auth.Answer{Password: pass})
}

// run sends a in a command: the only place the dialog does I/O. The
// Stepper belongs to that command until its result arrives, so Update
// calls neither Next nor Answer meanwhile.
func (m *Model) run(a auth.Answer) tea.Cmd {
	m.seq++
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.running = cancel, true
	s, id, seq := m.stepper, m.id, m.seq
	answer := func() tea.Msg {
		st, err := s.Answer(ctx, a)
		return resultMsg{id: id, seq: seq, step: st, err: err}
	}
	return tea.Batch(answer, m.spin.Tick)
}

func (m *Model) finish(r resultMsg) tea.Cmd {
	if r.id != m.id || r.seq != m.seq || !m.running {
		return nil
	}
	m.running = false
	m.cancel()
	m.cancel = nil
	prev := m.step
	if r.err == nil {
		choice := ""
		if prev.Kind == auth.StepSelectMFA {
			choice = prev.MFAChoices[m.choice]
		}
		m.history = append(m.history, answered(prev, m.flow, choice)...)
		return m.enter(r.step)
	}
	m.fails++
	switch {
	case prev.Kind == auth.StepPassword:
		m.toCredentials(r.err.Error())
	case r.step.Kind == prev.Kind && retryable(r.err):
		if m.fails >= maxAttempts {
			m.toCredentials(fmt.Sprintf("%d wrong answers, log in again: %v", maxAttempts, r.err))
			return nil
		}
		m.msg = r.err.Error()
		m.step = r.step
		m.clearSecrets()
		m.focusField(0)
	default:
		m.toCredentials(r.err.Error())
	}
	return nil
}

// retryable follows auth.Login: an *auth.Error says whether the step may
// be answered again; other errors that leave the step in place are
// replies refused before anything was sent (an empty code).
func retryable(err error) bool {
	var ae *auth.Error
	if errors.As(err, &ae) {
		return ae.Retry
	}
	return true
}

// enter shows the step the stepper asks for next.
func (m *Model) enter(st auth.Step) tea.Cmd {
	m.msg, m.fails, m.choice = "", 0, 0
	switch st.Kind {
	case auth.StepDone:
		m.done, m.step, m.fields = true, st, nil
		s := m.stepper
		return func() tea.Msg { return DoneMsg{Stepper: s} }
	case auth.StepPassword:
		m.toCredentials("Cognito asks for the password again")
		return nil
	case auth.StepNewPassword, auth.StepMFACode, auth.StepTOTPSetup:
	case auth.StepSelectMFA:
		if len(st.MFAChoices) == 0 {
			m.toCredentials("Cognito offered no MFA type to choose from")
			return nil
		}
	default:
		m.toCredentials(fmt.Sprintf("the login asks for %v, which this dialog cannot answer", st.Kind))
		return nil
	}
	m.step = st
	m.fields = stepFields(st)
	m.qr = nil
	m.demoCode = ""
	if st.Kind == auth.StepMFACode && st.Medium != "" && m.cfg.DemoCode != nil {
		name := st.Username
		if name == "" {
			name = m.user
		}
		m.demoCode, _ = m.cfg.DemoCode(name)
	}
	if st.Kind == auth.StepTOTPSetup && st.TOTPURI != "" {
		// Drawn here, not in View: encoding a QR code is too slow to
		// repeat every frame. Should it fail, the key alone will do.
		if qr, err := auth.QRText(st.TOTPURI, true); err == nil {
			m.qr = splitLines(qr)
		}
	}
	m.layoutFields()
	m.focusField(0)
	return nil
}

// toCredentials goes back to the first screen with msg, keeping what was
// typed there so that a retry is one enter away.
func (m *Model) toCredentials(msg string) {
	m.stepper, m.history, m.fails = nil, nil, 0
	m.step = auth.Step{Kind: auth.StepPassword}
	m.qr, m.demoCode = nil, ""
	m.fields = m.cred
	m.msg = msg
	m.layoutFields()
	if m.cred[0].value() == "" {
		m.focusField(0)
	} else {
		m.focusField(1)
	}
}

// clearSecrets empties what must be typed anew after a wrong answer: the
// code, or both new passwords. Attributes stay.
func (m *Model) clearSecrets() {
	for i := range m.fields {
		if m.fields[i].kind != plainField {
			m.fields[i].input.Reset()
		}
	}
}
