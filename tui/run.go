package tui

import (
	"context"
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"
)

// Run starts the program on the terminal and returns when the user quits.
// A panic anywhere restores the terminal and prints where it happened
// (Bubble Tea catches it in Update, View and commands alike).
func Run(ctx context.Context, cfg Config, in io.Reader, out io.Writer) error {
	m := New(cfg)
	m.ctx = ctx
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	_, err := p.Run()
	if m.cancelSend != nil {
		m.cancelSend()
	}
	m.closeResults()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted from outside: a normal end
	}
	return err
}
