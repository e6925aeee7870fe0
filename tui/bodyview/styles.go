package bodyview

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Styles are the looks of the body pane. Only colours and text attributes
// are used: padding, margins, borders or widths would break the cell-exact
// layout, so they are ignored.
type Styles struct {
	Key          lipgloss.Style // JSON object keys, XML attribute names
	String       lipgloss.Style
	Number       lipgloss.Style
	Keyword      lipgloss.Style // true, false, null; XML and HTML tag names
	Punct        lipgloss.Style
	Match        lipgloss.Style // search matches
	CurrentMatch lipgloss.Style // the match n/N is on
	Dim          lipgloss.Style // escapes, hex-dump gutters, truncation marks
	Plain        lipgloss.Style
}

// DefaultStyles uses the 16 ANSI colours so that the terminal theme decides
// the actual shades.
func DefaultStyles() Styles {
	return Styles{
		Key:          lipgloss.NewStyle().Foreground(lipgloss.Color("4")),
		String:       lipgloss.NewStyle().Foreground(lipgloss.Color("2")),
		Number:       lipgloss.NewStyle().Foreground(lipgloss.Color("5")),
		Keyword:      lipgloss.NewStyle().Foreground(lipgloss.Color("3")),
		Punct:        lipgloss.NewStyle().Foreground(lipgloss.Color("8")),
		Match:        lipgloss.NewStyle().Foreground(lipgloss.Color("0")).Background(lipgloss.Color("3")),
		CurrentMatch: lipgloss.NewStyle().Foreground(lipgloss.Color("0")).Background(lipgloss.Color("13")).Bold(true),
		Dim:          lipgloss.NewStyle().Foreground(lipgloss.Color("8")),
		Plain:        lipgloss.NewStyle(),
	}
}

// class is a highlight class of a piece of text; one per Styles field.
type class uint8

const (
	clsPlain class = iota
	clsKey
	clsString
	clsNumber
	clsKeyword
	clsPunct
	clsDim
	clsMatch
	clsCurrent
	numClasses
)

func (s *Styles) byClass(c class) lipgloss.Style {
	switch c {
	case clsKey:
		return s.Key
	case clsString:
		return s.String
	case clsNumber:
		return s.Number
	case clsKeyword:
		return s.Keyword
	case clsPunct:
		return s.Punct
	case clsDim:
		return s.Dim
	case clsMatch:
		return s.Match
	case clsCurrent:
		return s.CurrentMatch
	}
	return s.Plain
}

// sgr is a style split into the sequences written before and after its text.
// lipgloss's Render does a great deal of work per call (line splitting, width
// measuring); calling it for every token of every line would be most of a
// frame, so each style is rendered once around a sentinel and split.
type sgr struct{ open, close string }

const sentinel = "\ue000"

func compileStyles(s Styles) [numClasses]sgr {
	var out [numClasses]sgr
	for c := class(0); c < numClasses; c++ {
		r := textOnly(s.byClass(c)).Render(sentinel)
		i := strings.Index(r, sentinel)
		if i < 0 || lipgloss.Width(r) != lipgloss.Width(sentinel) {
			continue // cannot happen with text attributes; stay unstyled
		}
		out[c] = sgr{open: r[:i], close: r[i+len(sentinel):]}
	}
	return out
}

// textOnly keeps the colours and attributes of s and drops the rest.
func textOnly(s lipgloss.Style) lipgloss.Style {
	t := lipgloss.NewStyle().
		Foreground(s.GetForeground()).
		Background(s.GetBackground()).
		Bold(s.GetBold()).
		Italic(s.GetItalic()).
		Faint(s.GetFaint()).
		Reverse(s.GetReverse()).
		Blink(s.GetBlink()).
		Strikethrough(s.GetStrikethrough())
	if s.GetUnderline() {
		t = t.UnderlineStyle(s.GetUnderlineStyle()).UnderlineColor(s.GetUnderlineColor())
	}
	return t
}
