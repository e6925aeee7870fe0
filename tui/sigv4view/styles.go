package sigv4view

import "charm.land/lipgloss/v2"

// Styles are the only place the package decides how things look; the root
// model fills them from its theme. Set colours and attributes only: the
// components lay out cells themselves, so widths, padding, margins or
// borders in these styles would be cut off to keep every line exactly the
// pane's width.
type Styles struct {
	Heading   lipgloss.Style // step headings, the diff's title, table headings
	Label     lipgloss.Style // the label gutter: method, uri, headers…
	Gutter    lipgloss.Style // the bar after the label
	Text      lipgloss.Style // canonical text and prose
	Note      lipgloss.Style // right-aligned notes
	Dim       lipgloss.Style // digests, placeholders, section rows
	Highlight lipgloss.Style // lines of a highlighted part; the selected difference
	Cursor    lipgloss.Style // the walk-through's cursor line
	Changed   lipgloss.Style // lines that changed since the previous version
	Added     lipgloss.Style // the server's side of a differing line
	Removed   lipgloss.Style // sigscope's side of a differing line
	DiffMark  lipgloss.Style // line numbers of differing lines, the caret
	Error     lipgloss.Style // the mismatch title and the server's message
}

// DefaultStyles uses the 16 ANSI colours so that the terminal's own palette
// decides the actual shades, on dark and light backgrounds alike.
func DefaultStyles() Styles {
	return Styles{
		Heading:   lipgloss.NewStyle().Bold(true),
		Label:     lipgloss.NewStyle().Foreground(lipgloss.Cyan),
		Gutter:    lipgloss.NewStyle().Foreground(lipgloss.BrightBlack),
		Text:      lipgloss.NewStyle(),
		Note:      lipgloss.NewStyle().Faint(true),
		Dim:       lipgloss.NewStyle().Faint(true),
		Highlight: lipgloss.NewStyle().Background(lipgloss.BrightBlack),
		Cursor:    lipgloss.NewStyle().Reverse(true),
		Changed:   lipgloss.NewStyle().Foreground(lipgloss.Yellow).Bold(true),
		Added:     lipgloss.NewStyle().Foreground(lipgloss.Green),
		Removed:   lipgloss.NewStyle().Foreground(lipgloss.Red),
		DiffMark:  lipgloss.NewStyle().Foreground(lipgloss.Magenta).Bold(true),
		Error:     lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true),
	}
}
