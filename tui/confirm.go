package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/tui/bodyview"
)

// choice is one key of a confirmation and what it does.
type choice struct {
	key, label string
	do         func() tea.Cmd
}

// confirm asks a question with a few keyed answers; esc answers "no".
// A text taller than the screen scrolls (↑ ↓, pgup pgdn) under a fixed
// line of keys, so the answers are always in sight.
type confirm struct {
	title   string
	text    []string
	choices []choice
	top     int // first text line shown when the text scrolls
}

func (m *Model) ask(title string, text string, choices ...choice) {
	m.pushOverlay(&confirm{title: title, text: strings.Split(text, "\n"), choices: choices})
}

func (c *confirm) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch k.String() {
	case "esc":
		return nil, true
	case "up":
		c.top--
	case "down":
		c.top++
	case "pgup":
		c.top -= max(m.lay.H/2, 1)
	case "pgdown":
		c.top += max(m.lay.H/2, 1)
	}
	for _, ch := range c.choices {
		if k.String() == ch.key {
			m.popOverlay()
			return ch.do(), false
		}
	}
	return nil, false
}

func (c *confirm) view(m *Model) []string {
	w := min(m.lay.W-4, 70)
	var lines []string
	for _, t := range c.text {
		lines = append(lines, wrapText(bodyview.Escape(t), w)...)
	}
	// Borders, the blank line and the keys take four lines; one more shows
	// where the window is.
	if room := m.lay.H - 5; room > 0 && len(lines) > room {
		c.top = max(min(c.top, len(lines)-room+1), 0)
		end := min(c.top+room-1, len(lines))
		lines = append(lines[c.top:end:end], m.styles.Dim.Render(fmt.Sprintf("↑↓ lines %d–%d of %d", c.top+1, end, len(lines))))
	}
	lines = append(lines, "")
	var keys []string
	for _, ch := range c.choices {
		keys = append(keys, m.styles.FooterKey.Render(ch.key)+" "+ch.label)
	}
	keys = append(keys, m.styles.FooterKey.Render("esc")+" cancel")
	lines = append(lines, strings.Join(keys, "   "))
	return m.dialogBox(c.title, lines, w)
}
