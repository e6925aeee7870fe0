package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is every style of the UI, built once from a theme. Panes and
// dialogs take theirs from here; none builds a style of its own.
type Styles struct {
	Dark bool

	Header, HeaderKey, HeaderDim, HeaderOK, HeaderWarn lipgloss.Style
	Footer, FooterKey, FooterError, FooterInfo         lipgloss.Style

	Border, BorderFocused lipgloss.Style
	Title, TitleFocused   lipgloss.Style

	Text, Dim, Bold, Error, Warn, OK, Accent lipgloss.Style
	Selected, SelectedBlur                   lipgloss.Style
	Folder                                   lipgloss.Style

	Method map[string]lipgloss.Style
	Status map[int]lipgloss.Style // by hundred: 2, 3, 4, 5

	Signed, Unsigned, Added, FromJar, Highlight lipgloss.Style
	Tab, TabActive                              lipgloss.Style
	Overlay                                     lipgloss.Style

	// Body highlighting.
	JSONKey, JSONString, JSONNumber, JSONKeyword, Match, CurrentMatch lipgloss.Style
}

type palette struct {
	fg, dim, faint, accent, ok, warn, err, sel, selBg, blue, purple, cyan color.Color
}

var darkPalette = palette{
	fg: lipgloss.Color("252"), dim: lipgloss.Color("245"), faint: lipgloss.Color("239"),
	accent: lipgloss.Color("213"), ok: lipgloss.Color("78"), warn: lipgloss.Color("214"), err: lipgloss.Color("203"),
	sel: lipgloss.Color("231"), selBg: lipgloss.Color("237"), blue: lipgloss.Color("75"), purple: lipgloss.Color("141"), cyan: lipgloss.Color("80"),
}

var lightPalette = palette{
	fg: lipgloss.Color("235"), dim: lipgloss.Color("242"), faint: lipgloss.Color("250"),
	accent: lipgloss.Color("162"), ok: lipgloss.Color("28"), warn: lipgloss.Color("130"), err: lipgloss.Color("160"),
	sel: lipgloss.Color("232"), selBg: lipgloss.Color("254"), blue: lipgloss.Color("25"), purple: lipgloss.Color("91"), cyan: lipgloss.Color("30"),
}

// NewStyles builds the styles for a dark or light background. NO_COLOR
// needs nothing here: the program's colour profile drops every colour.
func NewStyles(dark bool) Styles {
	p := lightPalette
	if dark {
		p = darkPalette
	}
	s := lipgloss.NewStyle
	st := Styles{Dark: dark}
	st.Header = s().Foreground(p.fg).Bold(true)
	st.HeaderKey = s().Foreground(p.accent).Bold(true)
	st.HeaderDim = s().Foreground(p.dim)
	st.HeaderOK = s().Foreground(p.ok)
	st.HeaderWarn = s().Foreground(p.warn)
	st.Footer = s().Foreground(p.dim)
	st.FooterKey = s().Foreground(p.fg).Bold(true)
	st.FooterError = s().Foreground(p.err).Bold(true)
	st.FooterInfo = s().Foreground(p.ok)
	st.Border = s().Foreground(p.faint)
	st.BorderFocused = s().Foreground(p.accent)
	st.Title = s().Foreground(p.dim)
	st.TitleFocused = s().Foreground(p.accent).Bold(true)
	st.Text = s().Foreground(p.fg)
	st.Dim = s().Foreground(p.dim)
	st.Bold = s().Foreground(p.fg).Bold(true)
	st.Error = s().Foreground(p.err)
	st.Warn = s().Foreground(p.warn)
	st.OK = s().Foreground(p.ok)
	st.Accent = s().Foreground(p.accent)
	st.Selected = s().Foreground(p.sel).Background(p.selBg).Bold(true)
	st.SelectedBlur = s().Foreground(p.fg).Background(p.selBg)
	st.Folder = s().Foreground(p.blue).Bold(true)
	st.Method = map[string]lipgloss.Style{
		"GET": s().Foreground(p.ok), "POST": s().Foreground(p.warn), "PUT": s().Foreground(p.blue),
		"PATCH": s().Foreground(p.purple), "DELETE": s().Foreground(p.err), "HEAD": s().Foreground(p.cyan), "OPTIONS": s().Foreground(p.cyan),
	}
	st.Status = map[int]lipgloss.Style{2: s().Foreground(p.ok), 3: s().Foreground(p.cyan), 4: s().Foreground(p.warn), 5: s().Foreground(p.err)}
	st.Signed = s().Foreground(p.ok)
	st.Unsigned = s().Foreground(p.warn)
	st.Added = s().Foreground(p.cyan)
	st.FromJar = s().Foreground(p.purple)
	st.Highlight = s().Background(p.selBg).Foreground(p.accent).Bold(true)
	st.Tab = s().Foreground(p.dim)
	st.TabActive = s().Foreground(p.accent).Bold(true).Underline(true)
	st.Overlay = s().Foreground(p.accent)
	st.JSONKey = s().Foreground(p.blue)
	st.JSONString = s().Foreground(p.ok)
	st.JSONNumber = s().Foreground(p.purple)
	st.JSONKeyword = s().Foreground(p.warn)
	st.Match = s().Foreground(p.selBg).Background(p.warn)
	st.CurrentMatch = s().Foreground(p.selBg).Background(p.accent).Bold(true)
	return st
}

func (st Styles) method(m string) lipgloss.Style {
	if s, ok := st.Method[m]; ok {
		return s
	}
	return st.Text
}

func (st Styles) status(code int) lipgloss.Style {
	if s, ok := st.Status[code/100]; ok {
		return s
	}
	return st.Text
}
