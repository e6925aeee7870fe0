package bodyview

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// KeyMap is the viewer's keys. It is exported so the root model can show
// them in its help and rebind them.
type KeyMap struct {
	Up, Down         key.Binding
	PageUp, PageDown key.Binding
	HalfUp, HalfDown key.Binding
	Top, Bottom      key.Binding
	Left, Right      key.Binding
	ToggleWrap       key.Binding
}

// DefaultKeyMap is less/vim-like.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		HalfUp:     key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "½ page up")),
		HalfDown:   key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "½ page down")),
		Top:        key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
		Bottom:     key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
		Left:       key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "scroll left")),
		Right:      key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "scroll right")),
		ToggleWrap: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap")),
	}
}

// ShortHelp and FullHelp make KeyMap a help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.Up, k.Top, k.Bottom, k.ToggleWrap}
}

func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown},
		{k.Top, k.Bottom, k.Left, k.Right, k.ToggleWrap},
	}
}

// Update scrolls on keys and the mouse wheel. It never returns a command;
// the signature matches the root model's children.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case LoadedMsg, spinner.TickMsg:
		return m, m.updateLoading(msg)
	case tea.KeyPressMsg:
		m.handleKey(msg)
	case tea.MouseWheelMsg:
		mouse := msg.Mouse()
		// Shift turns the wheel sideways, for mice without a tilt wheel.
		shift := mouse.Mod&tea.ModShift != 0
		switch {
		case mouse.Button == tea.MouseWheelLeft, mouse.Button == tea.MouseWheelUp && shift:
			m.scrollLeft()
		case mouse.Button == tea.MouseWheelRight, mouse.Button == tea.MouseWheelDown && shift:
			m.scrollRight()
		case mouse.Button == tea.MouseWheelUp:
			m.scrollUp(wheelStep)
		case mouse.Button == tea.MouseWheelDown:
			m.scrollDown(wheelStep)
		}
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyPressMsg) {
	page := max(m.height, 1)
	k := m.KeyMap
	switch {
	case key.Matches(msg, k.Down):
		m.scrollDown(1)
	case key.Matches(msg, k.Up):
		m.scrollUp(1)
	case key.Matches(msg, k.PageDown):
		m.scrollDown(page)
	case key.Matches(msg, k.PageUp):
		m.scrollUp(page)
	case key.Matches(msg, k.HalfDown):
		m.scrollDown(max(page/2, 1))
	case key.Matches(msg, k.HalfUp):
		m.scrollUp(max(page/2, 1))
	case key.Matches(msg, k.Top):
		m.gotoTop()
	case key.Matches(msg, k.Bottom):
		m.gotoBottom()
	case key.Matches(msg, k.Left):
		m.scrollLeft()
	case key.Matches(msg, k.Right):
		m.scrollRight()
	case key.Matches(msg, k.ToggleWrap):
		m.SetWrap(!m.wrap)
	}
}
