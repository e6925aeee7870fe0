package logindialog

import "charm.land/lipgloss/v2"

// Styles colour the dialog. The root model passes the app's palette so the
// dialog matches the panes; DefaultStyles is a palette that reads on dark
// and light terminals alike.
type Styles struct {
	Border  lipgloss.Style // the frame's lines
	Title   lipgloss.Style // the title in the top edge, and keys in the help line
	Label   lipgloss.Style // field labels and the header's names
	Done    lipgloss.Style // ✓ lines of the steps already answered
	Current lipgloss.Style // the step being answered, the focused field, the chosen item
	Error   lipgloss.Style // the ✗ line
	Dim     lipgloss.Style // explanations and help descriptions
	Field   lipgloss.Style // text typed into a field
}

// DefaultStyles uses the 256-colour palette only, so that it looks the same
// in tmux and over SSH.
func DefaultStyles() Styles {
	return Styles{
		Border:  lipgloss.NewStyle().Foreground(lipgloss.Color("62")),
		Title:   lipgloss.NewStyle().Bold(true),
		Label:   lipgloss.NewStyle().Foreground(lipgloss.Color("246")),
		Done:    lipgloss.NewStyle().Foreground(lipgloss.Color("42")),
		Current: lipgloss.NewStyle().Foreground(lipgloss.Color("212")).Bold(true),
		Error:   lipgloss.NewStyle().Foreground(lipgloss.Color("196")),
		Dim:     lipgloss.NewStyle().Foreground(lipgloss.Color("243")),
		Field:   lipgloss.NewStyle().Foreground(lipgloss.Color("255")),
	}
}
