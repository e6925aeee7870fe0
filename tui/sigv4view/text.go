// Package sigv4view draws SigV4's four steps for the TUI: the inspector
// pane, the teaching walk-through and the signature-mismatch diff.
//
// The components are stateful children of the root model, not tea.Models of
// their own: the root calls their setters, forwards key and mouse messages to
// Update and places View's output. View always returns exactly the size last
// given to SetSize, h lines of w cells, so that the root can join panes
// without measuring them again; text is cut with "…", never wrapped by the
// terminal.
package sigv4view

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sigscope/sigscope/tui/bodyview"
)

// labelWidth and gutterWidth give the label column its 8 cells and bar,
// enough for "kSigning" and "headers" and leaving the rest of the pane to
// the 64 hex characters of a hash.
const (
	labelWidth  = 8
	gutterWidth = labelWidth + 1
)

// wheelStep is how many lines one wheel notch scrolls, as most terminals'
// pagers do.
const wheelStep = 3

// escape makes text from the network or a collection safe to draw: control
// characters, invalid bytes and bidi controls become visible escapes, so that
// neither an ESC sequence nor a stray byte can move the cursor, recolour the
// screen or break the width arithmetic. It is the body view's, so that a
// header value reads the same in every pane.
func escape(s string) string { return bodyview.Escape(s) }

// span is one run of plain text in one style. Text is kept plain until the
// line is laid out so that cutting and padding count cells, not bytes of
// escape sequences.
type span struct {
	text  string
	style lipgloss.Style
}

// row is one screen line before layout.
type row struct {
	spans []span
	fill  *lipgloss.Style // a background for the whole line (highlight, cursor)
}

func (r *row) add(text string, st lipgloss.Style) *row {
	r.spans = append(r.spans, span{text, st})
	return r
}

func (r *row) width() int {
	n := 0
	for _, s := range r.spans {
		n += ansi.StringWidth(s.text)
	}
	return n
}

// right adds text flush with the right edge when it fits with a gap of at
// least two cells; notes are a luxury and give way to the text.
func (r *row) right(text string, st lipgloss.Style, w int) bool {
	if text == "" {
		return false
	}
	gap := w - r.width() - ansi.StringWidth(text)
	if gap < 2 {
		return false
	}
	r.add(strings.Repeat(" ", gap), st)
	r.add(text, st)
	return true
}

// render lays the row out in exactly w cells: cut with "…" as the last cell
// when too long, padded with spaces (in the fill style) when short.
func (r *row) render(w int) string {
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	over := r.width() > w
	used := 0
	for _, s := range r.spans {
		if used >= w {
			break
		}
		st := s.style
		if r.fill != nil {
			st = st.Inherit(*r.fill)
		}
		text := s.text
		tw := ansi.StringWidth(text)
		if over && used+tw >= w {
			text = ansi.Truncate(text, w-used-1, "") + "…"
			tw = ansi.StringWidth(text)
		}
		if text != "" {
			b.WriteString(st.Render(text))
		}
		used += tw
	}
	if used < w {
		pad := strings.Repeat(" ", w-used)
		if r.fill != nil {
			pad = r.fill.Render(pad)
		}
		b.WriteString(pad)
	}
	return b.String()
}

// fit is the last guard of View: whatever a style did, the line ends up
// exactly w cells wide.
func fit(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// window returns lines[off:off+h], each fitted to w, padded with blank lines
// to h: only the visible part is measured on every frame.
func window(lines []string, off, w, h int) string {
	if h <= 0 {
		return ""
	}
	out := make([]string, h)
	for i := range out {
		if j := off + i; j >= 0 && j < len(lines) {
			out[i] = fit(lines[j], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return strings.Join(out, "\n")
}

// wrap word-wraps prose to w cells, breaking words longer than a line.
// Newlines in text are kept as paragraph breaks; each paragraph is escaped
// first so that the wrapping counts what is drawn.
func wrap(text string, w int) []string {
	w = max(w, 1)
	var out []string
	for _, para := range strings.Split(text, "\n") {
		para = escape(strings.TrimRight(para, "\r"))
		if para == "" {
			out = append(out, "")
			continue
		}
		for _, l := range strings.Split(ansi.Wrap(para, w, ""), "\n") {
			out = append(out, strings.TrimRight(l, " "))
		}
	}
	return out
}

// hanging wraps text after a prefix ("hint: ", "  • ") and indents the
// following lines under the text, the way a reader scans a bullet.
func hanging(prefix, text string, w int) (first string, rest []string) {
	pw := ansi.StringWidth(prefix)
	lines := wrap(text, w-pw)
	if len(lines) == 0 {
		return "", nil
	}
	indent := strings.Repeat(" ", pw)
	for _, l := range lines[1:] {
		rest = append(rest, indent+l)
	}
	return lines[0], rest
}

// isHex reports a hash-like token: long lowercase hex, which reads as well
// from its ends as in full.
func isHex(s string) bool {
	if len(s) < 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// abbrevHex shortens a hex token to n cells keeping its last four
// characters, "e3b0c442…b855", because people compare hashes by their ends.
func abbrevHex(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < 6 {
		return ansi.Truncate(s, n, "…")
	}
	return s[:n-5] + "…" + s[len(s)-4:]
}

// shortHashes abbreviates every hex token of a digest to 9f2c…e1a0.
func shortHashes(s string) string {
	f := strings.Split(s, " ")
	for i, t := range f {
		if isHex(t) {
			f[i] = t[:4] + "…" + t[len(t)-4:]
		}
	}
	return strings.Join(f, " ")
}

// maskKey hides a derived signing key: it is as good as the secret for a
// day, region and service. Four characters still tell two keys apart.
func maskKey(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return "…"
	}
	return string(r[:4]) + "…"
}

// labelCell is a label cut or padded to the label column.
func labelCell(label string) string {
	label = escape(label)
	if ansi.StringWidth(label) > labelWidth {
		label = ansi.Truncate(label, labelWidth, "…")
	}
	return label + strings.Repeat(" ", labelWidth-ansi.StringWidth(label))
}

// secrets is the masking state every component shares: show is
// --show-secrets, redact the root's redactor (session tokens, cookies, API
// keys), which knows the secrets of the exchange at hand.
type secrets struct {
	show   bool
	redact func(string) string
}

func (s secrets) text(t string) string {
	if !s.show && s.redact != nil {
		t = s.redact(t)
	}
	return t
}

// cellText is the display text of a line from the network or the signer.
func (s secrets) cellText(t string) string { return escape(s.text(t)) }

// lineText is the display text of a step's line: the key chain masked,
// known secrets redacted, control characters escaped.
func (s secrets) lineText(secret bool, t string) string {
	if secret && !s.show {
		return maskKey(t)
	}
	return escape(s.text(t))
}

// scroll is a window of h lines over n.
type scroll struct {
	off, h, n int
}

func (s *scroll) clamp() {
	s.off = min(s.off, s.n-s.h)
	s.off = max(s.off, 0)
}

func (s *scroll) set(n, h int) {
	s.n, s.h = n, h
	s.clamp()
}

func (s *scroll) by(d int) {
	s.off += d
	s.clamp()
}

// show scrolls the least so that lines a..b are visible, preferring a.
func (s *scroll) show(a, b int) {
	if b >= s.off+s.h {
		s.off = b - s.h + 1
	}
	if a < s.off {
		s.off = a
	}
	s.clamp()
}

// update applies scroll keys and the mouse wheel; it reports whether msg
// was one of them.
func (s *scroll) update(msg tea.Msg, k ScrollKeyMap) bool {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			s.by(-wheelStep)
		case tea.MouseWheelDown:
			s.by(wheelStep)
		default:
			return false
		}
		return true
	case tea.KeyPressMsg:
		page := max(s.h-1, 1)
		switch {
		case key.Matches(msg, k.Up):
			s.by(-1)
		case key.Matches(msg, k.Down):
			s.by(1)
		case key.Matches(msg, k.PageUp):
			s.by(-page)
		case key.Matches(msg, k.PageDown):
			s.by(page)
		case key.Matches(msg, k.Top):
			s.off = 0
		case key.Matches(msg, k.Bottom):
			s.off = s.n
			s.clamp()
		default:
			return false
		}
		return true
	}
	return false
}

// widthCache keeps the widest text of a component's content, which the
// sideways scroll needs on every frame, for one (content, look) pair:
// measuring means escaping and redacting every line.
type widthCache struct {
	content, gen int
	show, ok     bool
	w            int
}

// get returns the cached width for (content, l), measuring with f when
// either changed.
func (c *widthCache) get(content int, l look, f func() int) int {
	if !c.ok || c.content != content || c.gen != l.gen || c.show != l.sec.show {
		c.content, c.gen, c.show, c.ok = content, l.gen, l.sec.show, true
		c.w = f()
	}
	return c.w
}

// look is what the three components share: their styles, the redactor
// and whether secrets show. gen goes up when the look changes without new
// content, so that cached lines are drawn again.
type look struct {
	styles Styles
	sec    secrets
	gen    int
}

// SetStyles replaces the styles (a theme change).
func (l *look) SetStyles(s Styles) { l.styles = s; l.gen++ }

// SetRedact sets the function that masks the exchange's known secrets
// (session token, cookies) in the text shown; workbench.Redactor.Text fits.
// It is not applied while secrets are shown.
func (l *look) SetRedact(f func(string) string) { l.sec.redact = f; l.gen++ }

// SetShowSecrets shows the signing keys (and whatever the redactor hides)
// in clear.
func (l *look) SetShowSecrets(show bool) { l.sec.show = show }
