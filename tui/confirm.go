package tui

import (
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
type confirm struct {
	title   string
	text    []string
	choices []choice
}

func (m *Model) ask(title string, text string, choices ...choice) {
	m.pushOverlay(&confirm{title: title, text: strings.Split(text, "\n"), choices: choices})
}

func (c *confirm) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	if k.String() == "esc" {
		return nil, true
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
	lines = append(lines, "")
	var keys []string
	for _, ch := range c.choices {
		keys = append(keys, m.styles.FooterKey.Render(ch.key)+" "+ch.label)
	}
	keys = append(keys, m.styles.FooterKey.Render("esc")+" cancel")
	lines = append(lines, strings.Join(keys, "   "))
	return m.dialogBox(c.title, lines, w)
}
