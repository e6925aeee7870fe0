package tui

import (
	"image/color"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/settings"
)

// Styles is every style of the UI, built once from a theme. Panes and
// dialogs take theirs from here; none builds a style of its own.
type Styles struct {
	Dark bool
	// canvas is the SGR that paints the theme's own background and text
	// colour under every cell ("" leaves the terminal's): the light theme
	// on a dark terminal would otherwise be dark text on black.
	canvas      string
	canvasParts *strings.Replacer

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
	bg, fg, dim, faint, accent, ok, warn, err, sel, selBg, blue, purple, cyan color.Color
}

var darkPalette = palette{
	bg: lipgloss.Color("235"), fg: lipgloss.Color("252"), dim: lipgloss.Color("245"), faint: lipgloss.Color("239"),
	accent: lipgloss.Color("213"), ok: lipgloss.Color("78"), warn: lipgloss.Color("214"), err: lipgloss.Color("203"),
	sel: lipgloss.Color("231"), selBg: lipgloss.Color("237"), blue: lipgloss.Color("75"), purple: lipgloss.Color("141"), cyan: lipgloss.Color("80"),
}

var lightPalette = palette{
	bg: lipgloss.Color("231"), fg: lipgloss.Color("235"), dim: lipgloss.Color("242"), faint: lipgloss.Color("250"),
	accent: lipgloss.Color("162"), ok: lipgloss.Color("28"), warn: lipgloss.Color("130"), err: lipgloss.Color("160"),
	sel: lipgloss.Color("232"), selBg: lipgloss.Color("254"), blue: lipgloss.Color("25"), purple: lipgloss.Color("91"), cyan: lipgloss.Color("30"),
}

// NewStyles builds the styles for a dark or light background. NO_COLOR
// needs nothing here: the program's colour profile drops every colour.
func NewStyles(dark bool) Styles { return newStyles(dark, false) }

// newStyles builds the styles; painted gives the theme its own background.
func newStyles(dark, painted bool) Styles {
	p := lightPalette
	if dark {
		p = darkPalette
	}
	s := lipgloss.NewStyle
	st := Styles{Dark: dark}
	if painted {
		st.canvas = ansi.Style{}.BackgroundColor(p.bg).ForegroundColor(p.fg).String()
		st.canvasParts = strings.NewReplacer(
			ansi.ResetStyle, ansi.ResetStyle+st.canvas,
			// A style that ends its colour alone goes back to the canvas's.
			"\x1b[39m", ansi.Style{}.ForegroundColor(p.fg).String(),
			"\x1b[49m", ansi.Style{}.BackgroundColor(p.bg).String())
	}
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

// paint lays the canvas under a frame's lines: set at the start of each
// line and again after every reset a style ends with (and its colour
// after a default-colour code), so no cell shows the terminal's own.
func (st Styles) paint(lines []string) []string {
	if st.canvas == "" {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = st.canvas + st.canvasParts.Replace(l) + ansi.ResetStyle
	}
	return out
}

// themeState is where the theme came from and where T saves it.
type themeState struct {
	// fixed: the settings file or T chose the theme; the terminal's
	// background colour no longer does.
	fixed bool
	// termDark is the terminal's background as it answered; nil until it
	// does.
	termDark *bool
	// settingsPath is the file T writes the theme to; "" writes nothing.
	settingsPath string
}

// themeStyles builds the styles of a theme: painted when its background
// is not the terminal's (the light theme, unless the terminal said it is
// light; the dark one on a terminal that said it is light).
func (ts themeState) themeStyles(dark bool) Styles {
	painted := !dark
	if ts.termDark != nil {
		painted = dark != *ts.termDark
	}
	return newStyles(dark, painted)
}

// newTheme is the theme the UI starts with: the settings file's, else
// cfg.Dark until the terminal says what its background is.
func newTheme(cfg Config) (themeState, Styles) {
	ts := themeState{}
	dark := cfg.Dark
	if s := cfg.Settings; s != nil {
		ts.settingsPath = s.Path
		if s.Theme != "" {
			ts.fixed, dark = true, s.Theme == "dark"
		}
	}
	return ts, ts.themeStyles(dark)
}

// themeSavedMsg is the end of writing the theme to the settings file.
type themeSavedMsg struct {
	theme, path string
	err         error
}

// toggleTheme is T: the other theme at once, then written to the settings
// file in a command.
func (m *Model) toggleTheme() tea.Cmd {
	m.theme.fixed = true
	m.setTheme(!m.styles.Dark)
	theme := map[bool]string{true: "dark", false: "light"}[m.styles.Dark]
	path := m.theme.settingsPath
	if path == "" {
		m.setStatus("theme: "+theme+" (not saved: no settings file here)", true)
		return nil
	}
	m.setStatus("theme: "+theme+" (saving to "+shortPath(path)+" …)", true)
	return func() tea.Msg {
		return themeSavedMsg{theme: theme, path: path, err: settings.SetTheme(path, theme, Actions())}
	}
}

func (m *Model) themeSaved(msg themeSavedMsg) {
	if msg.err != nil {
		m.setStatus("theme: "+msg.theme+" (not saved: "+msg.err.Error()+")", false)
		return
	}
	m.setStatus("theme: "+msg.theme+" (saved to "+shortPath(msg.path)+")", true)
}

// terminalBackground is the terminal's answer about its background: it
// picks the theme unless the settings or T did.
func (m *Model) terminalBackground(dark bool) {
	m.theme.termDark = &dark
	if m.theme.fixed {
		dark = m.styles.Dark
	}
	m.setTheme(dark)
}

func (m *Model) setTheme(dark bool) {
	m.styles = m.theme.themeStyles(dark)
	m.applyStyles()
	m.rebuildPanes()
}

// shortPath writes a path under the home folder with ~.
func shortPath(p string) string {
	if home, err := os.UserHomeDir(); err == nil && home != "" && strings.HasPrefix(p, home+string(os.PathSeparator)) {
		return "~" + p[len(home):]
	}
	return p
}
