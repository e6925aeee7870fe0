package tui

import (
	"context"
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"
)

// maxFPS is how often the renderer writes a changed frame (Bubble Tea's
// most; its default is 60). A frame waits for the renderer's next tick, so
// the first screen came up to 16.7 ms after it was ready; an unchanged
// frame costs a comparison.
const maxFPS = 120

// Run starts the program on the terminal and returns when the user quits.
// A panic anywhere restores the terminal and prints where it happened
// (Bubble Tea catches it in Update, View and commands alike).
func Run(ctx context.Context, cfg Config, in io.Reader, out io.Writer) error {
	m := New(cfg)
	m.ctx = ctx
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithFPS(maxFPS))
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
