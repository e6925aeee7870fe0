package logindialog

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// lineInput is a one-line text field. bubbles' textinput would do, but it
// pulls in a clipboard module this repository does not require; the
// terminal's own paste (tea.PasteMsg) is what works over SSH anyway.
type lineInput struct {
	value   []rune
	pos     int  // cursor, in runes
	offset  int  // first rune shown when the value is wider than the field
	width   int  // columns, the cursor cell included
	limit   int  // most runes accepted; 0 for no limit
	mask    bool // draw every rune as a bullet
	focused bool
}

func (in *lineInput) Value() string { return string(in.value) }

func (in *lineInput) SetValue(s string) {
	in.value = nil
	in.pos, in.offset = 0, 0
	in.insert(s)
}

func (in *lineInput) Reset() { in.SetValue("") }

func (in *lineInput) SetWidth(w int) {
	in.width = max(w, 1)
	in.scroll()
}

// update edits the value with the keys shells and textinput use.
func (in *lineInput) update(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		in.insert(msg.Content)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "backspace", "ctrl+h":
			if in.pos > 0 {
				in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
				in.pos--
			}
		case "delete", "ctrl+d":
			if in.pos < len(in.value) {
				in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
			}
		case "left", "ctrl+b":
			in.pos = max(in.pos-1, 0)
		case "right", "ctrl+f":
			in.pos = min(in.pos+1, len(in.value))
		case "home", "ctrl+a":
			in.pos = 0
		case "end", "ctrl+e":
			in.pos = len(in.value)
		case "ctrl+u":
			in.value = in.value[in.pos:]
			in.pos = 0
		case "ctrl+k":
			in.value = in.value[:in.pos]
		case "ctrl+w", "alt+backspace":
			i := in.pos
			for i > 0 && unicode.IsSpace(in.value[i-1]) {
				i--
			}
			for i > 0 && !unicode.IsSpace(in.value[i-1]) {
				i--
			}
			in.value = append(in.value[:i], in.value[in.pos:]...)
			in.pos = i
		default:
			in.insert(msg.Text)
		}
	}
	in.scroll()
}

// insert puts s at the cursor, without control characters: a pasted
// newline must not end up inside a password.
func (in *lineInput) insert(s string) {
	var add []rune
	for _, r := range s {
		if !unicode.IsControl(r) {
			add = append(add, r)
		}
	}
	if in.limit > 0 {
		add = add[:min(len(add), max(in.limit-len(in.value), 0))]
	}
	tail := append([]rune(nil), in.value[in.pos:]...)
	in.value = append(append(in.value[:in.pos], add...), tail...)
	in.pos += len(add)
	in.scroll()
}

func (in *lineInput) cell(i int) string {
	if in.mask {
		return "•"
	}
	return string(in.value[i])
}

// scroll keeps the cursor inside the field, and shows as much as fits
// before it once the field has grown.
func (in *lineInput) scroll() {
	in.pos = min(max(in.pos, 0), len(in.value))
	in.offset = min(in.offset, in.pos)
	for in.offset < in.pos && in.span(in.offset, in.pos)+1 > in.width {
		in.offset++
	}
	for in.offset > 0 && in.span(in.offset-1, in.pos)+1 <= in.width {
		in.offset--
	}
}

func (in *lineInput) span(from, to int) int {
	w := 0
	for i := from; i < to; i++ {
		w += lipgloss.Width(in.cell(i))
	}
	return w
}

// view draws exactly width columns: the value in text, the cursor cell
// reversed when focused.
func (in *lineInput) view(text lipgloss.Style) string {
	var before, after strings.Builder
	cursor := ""
	used := 0
	for i := in.offset; i <= len(in.value); i++ {
		c := " "
		if i < len(in.value) {
			c = in.cell(i)
		}
		cw := lipgloss.Width(c)
		if used+cw > in.width {
			break
		}
		used += cw
		switch {
		case i < in.pos:
			before.WriteString(c)
		case i == in.pos:
			cursor = c
		case i < len(in.value):
			after.WriteString(c)
		}
	}
	out := text.Render(before.String())
	if in.focused {
		out += text.Reverse(true).Render(cursor)
	} else {
		out += text.Render(cursor)
	}
	return out + text.Render(after.String()) + strings.Repeat(" ", in.width-used)
}
