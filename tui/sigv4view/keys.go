package sigv4view

import (
	"charm.land/bubbles/v2/key"

	"github.com/sigscope/sigscope/tui/hscroll"
)

// ScrollKeyMap moves a pane's window over its lines. Each component owns a
// copy, so the root can rebind one pane without touching the others (no
// shared mutable key globals).
type ScrollKeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// DefaultScrollKeyMap is the pager-like set: arrows and j/k, pgup/pgdown,
// g/G and home/end.
func DefaultScrollKeyMap() ScrollKeyMap {
	return ScrollKeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
	}
}

// ShortHelp implements help.KeyMap.
func (k ScrollKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k ScrollKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}

// InspectorKeyMap is the inspector's keys: scrolling, up and down and
// sideways (long scopes and signed-header lists).
type InspectorKeyMap struct {
	ScrollKeyMap
	Side hscroll.Keys
}

// DefaultInspectorKeyMap returns the inspector's default keys.
func DefaultInspectorKeyMap() InspectorKeyMap {
	return InspectorKeyMap{ScrollKeyMap: DefaultScrollKeyMap(), Side: hscroll.DefaultKeys()}
}

// ShortHelp implements help.KeyMap.
func (k InspectorKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Side.Right, k.Side.Left}
}

// FullHelp implements help.KeyMap.
func (k InspectorKeyMap) FullHelp() [][]key.Binding {
	return append(k.ScrollKeyMap.FullHelp(), []key.Binding{k.Side.Right, k.Side.Left, k.Side.Home})
}

// TeachKeyMap is the walk-through's keys. Up and Down move the cursor over
// the step's lines rather than the window, since the cursor line is what the
// rules below explain.
type TeachKeyMap struct {
	Next, Prev key.Binding
	// Try asks for the next what-if of edit and watch (a header, the
	// region, the body changed), Undo goes back to the request as it is.
	Try, Undo key.Binding
	ScrollKeyMap
}

// DefaultTeachKeyMap returns the walk-through's default keys.
func DefaultTeachKeyMap() TeachKeyMap {
	s := DefaultScrollKeyMap()
	s.Up.SetHelp("↑/k", "previous line")
	s.Down.SetHelp("↓/j", "next line")
	s.Top.SetHelp("g", "first line")
	s.Bottom.SetHelp("G", "last line")
	return TeachKeyMap{
		Next:         key.NewBinding(key.WithKeys("right", "l", "n", "tab"), key.WithHelp("→/n", "next step")),
		Prev:         key.NewBinding(key.WithKeys("left", "h", "p"), key.WithHelp("←/p", "previous step")),
		Try:          key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "edit and watch: change one input")),
		Undo:         key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo the change")),
		ScrollKeyMap: s,
	}
}

// ShortHelp implements help.KeyMap.
func (k TeachKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Up, k.Down, k.Try}
}

// FullHelp implements help.KeyMap.
func (k TeachKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Next, k.Prev}, {k.Up, k.Down, k.Top, k.Bottom}, {k.PageUp, k.PageDown}, {k.Try, k.Undo}}
}

// DiffKeyMap is the mismatch diff's keys. Side scrolls both columns of
// the table together, so that the two sides stay aligned.
type DiffKeyMap struct {
	NextDiff, PrevDiff key.Binding
	ScrollKeyMap
	Side hscroll.Keys
}

// DefaultDiffKeyMap returns the diff's default keys.
func DefaultDiffKeyMap() DiffKeyMap {
	return DiffKeyMap{
		NextDiff:     key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next difference")),
		PrevDiff:     key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous difference")),
		ScrollKeyMap: DefaultScrollKeyMap(),
		Side:         hscroll.DefaultKeys(),
	}
}

// ShortHelp implements help.KeyMap.
func (k DiffKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextDiff, k.PrevDiff, k.Up, k.Down, k.Side.Right, k.Side.Left}
}

// FullHelp implements help.KeyMap.
func (k DiffKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.NextDiff, k.PrevDiff}, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Side.Right, k.Side.Left, k.Side.Home}}
}
