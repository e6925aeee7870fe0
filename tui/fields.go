package tui

import (
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
)

// Text fields with a steady cursor: a blinking one would keep a timer
// running (and redraw) for as long as a field is open.

func newTextInput() textinput.Model {
	t := textinput.New()
	s := t.Styles()
	s.Cursor.Blink = false
	t.SetStyles(s)
	return t
}

func newTextArea() textarea.Model {
	t := textarea.New()
	s := t.Styles()
	s.Cursor.Blink = false
	t.SetStyles(s)
	return t
}
