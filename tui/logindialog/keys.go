package logindialog

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/sigscope/sigscope/auth"
)

var _ help.KeyMap = KeyMap{}

// KeyMap holds the dialog's keys. Model.KeyMap returns it with only the
// keys of the current step enabled, so help shows what works now.
type KeyMap struct {
	Cancel    key.Binding
	Submit    key.Binding
	NextField key.Binding
	PrevField key.Binding
	Up        key.Binding // MFA choice
	Down      key.Binding // MFA choice
}

func defaultKeyMap() KeyMap {
	return KeyMap{
		// ctrl+c too: the dialog gets every key first, and a login stuck on
		// a dead endpoint must not outlive the person's attempt to leave.
		Cancel:    key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "cancel")),
		Submit:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit")),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		// j and k are safe here: the MFA choice has no text field.
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "move")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓", "next choice")),
	}
}

// ShortHelp lists the enabled keys on one line, the two that matter first
// for narrow boxes; Down is left out because Up's help says "↑/↓".
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Cancel, k.Submit, k.NextField, k.Up}
}

// FullHelp lists every enabled key.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Cancel, k.Submit}, {k.NextField, k.PrevField}, {k.Up, k.Down}}
}

// KeyMap returns the keys that act on the current step.
func (m *Model) KeyMap() KeyMap {
	k := m.keys
	busy := m.running || m.done
	fields := !busy && len(m.fields) > 0
	choosing := !busy && m.step.Kind == auth.StepSelectMFA
	k.Submit.SetEnabled(!busy)
	k.NextField.SetEnabled(fields && len(m.fields) > 1)
	k.PrevField.SetEnabled(fields && len(m.fields) > 1)
	k.Up.SetEnabled(choosing)
	k.Down.SetEnabled(choosing)
	switch {
	case m.done:
		k.Cancel.SetHelp("esc", "close")
	case m.step.Kind == auth.StepPassword:
		k.Submit.SetHelp("enter", "log in")
	case choosing:
		k.Submit.SetHelp("enter", "choose")
	}
	return k
}
