package sigv4view

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

var (
	_ help.KeyMap = InspectorKeyMap{}
	_ help.KeyMap = TeachKeyMap{}
	_ help.KeyMap = DiffKeyMap{}
	_ help.KeyMap = (*Inspector)(nil)
	_ help.KeyMap = (*Teach)(nil)
	_ help.KeyMap = (*Diff)(nil)
)

func TestInspectorGolden(t *testing.T) {
	_, steps := petsSteps(t)
	for _, w := range []int{60, 80, 120} {
		in := NewInspector()
		in.SetSize(w, 26)
		in.SetSteps(1, steps, "")
		golden(t, fmt.Sprintf("inspector_%d.golden", w), in)
	}
}

func TestInspectorLayout(t *testing.T) {
	tr, steps := petsSteps(t)
	in := NewInspector()
	in.SetSize(80, 30)
	in.SetSteps(1, steps, "")
	lines := plain(in)
	if !strings.HasPrefix(lines[0], "1 CANONICAL REQUEST") || !strings.HasSuffix(lines[0], "sha256 "+tr.CanonicalRequestHash[:4]+"…"+tr.CanonicalRequestHash[60:]) {
		t.Errorf("heading with the digest abbreviated flush right, got %q", lines[0])
	}
	if lines[1] != fit("method  │GET", 80) {
		t.Errorf("9-column label gutter, got %q", lines[1])
	}
	if i := lineWith(lines, "x-amz-date:"); i < 0 || !strings.HasSuffix(lines[i], "added by signer") {
		t.Errorf("the note flush right on the signer's header line, got %q", lines[max(i, 0)])
	}
	// Where the full digest fits, it is shown whole.
	in.SetSize(120, 30)
	if l := plain(in)[0]; !strings.HasSuffix(l, "sha256 "+tr.CanonicalRequestHash) {
		t.Errorf("at 120 columns the full digest fits, got %q", l)
	}
}

func TestInspectorMasksKeyChain(t *testing.T) {
	tr, steps := petsSteps(t)
	in := NewInspector()
	in.SetSize(120, 30)
	in.SetSteps(1, steps, "")
	keys := []string{tr.Keys.Date, tr.Keys.Region, tr.Keys.Service, tr.Keys.Signing}
	view := strings.Join(plain(in), "\n")
	for _, k := range keys {
		if strings.Contains(view, k[:5]) {
			t.Errorf("key %s… shown beyond its first four characters:\n%s", k[:5], view)
		}
		if !strings.Contains(view, "│"+k[:4]+"…") {
			t.Errorf("key %s… not shown masked as %s…", k[:5], k[:4])
		}
	}
	in.SetShowSecrets(true)
	view = strings.Join(plain(in), "\n")
	for _, k := range keys {
		if !strings.Contains(view, k) {
			t.Errorf("with secrets shown, key %s is missing", k)
		}
	}
	in.SetShowSecrets(false)
	if strings.Contains(strings.Join(plain(in), "\n"), keys[0]) {
		t.Error("masking again did not refresh the cached lines")
	}
}

func TestInspectorRedactsKnownSecrets(t *testing.T) {
	req := petsRequest()
	req.Headers = append(req.Headers, sign.Header{Name: "Cookie", Value: "session=s3cr3t-value"})
	steps := workbench.Steps(signTrace(t, req))
	in := NewInspector()
	in.SetSize(100, 30)
	in.SetRedact(workbench.NewSecretsRedactor("s3cr3t-value").Text)
	in.SetSteps(1, steps, "")
	if v := strings.Join(plain(in), "\n"); strings.Contains(v, "s3cr3t") || !strings.Contains(v, "cookie:session=") {
		t.Errorf("the cookie value is not masked:\n%s", v)
	}
	in.SetShowSecrets(true)
	if v := strings.Join(plain(in), "\n"); !strings.Contains(v, "cookie:session=s3cr3t-value") {
		t.Errorf("with secrets shown the cookie is in clear:\n%s", v)
	}
}

func TestInspectorUnsigned(t *testing.T) {
	in := NewInspector()
	in.SetSize(40, 6)
	in.SetSteps(3, nil, "not signed: auth mode id_token — the Authorization header carries the raw id token (masked)\nclaims: sub, email\x1b[2J")
	lines := plain(in)
	want := []string{
		"not signed: auth mode id_token — the",
		"Authorization header carries the raw id",
		"token (masked)",
		`claims: sub, email\x1b[2J`,
		"",
		"",
	}
	for i := range want {
		if lines[i] != fit(want[i], 40) {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
}

func TestInspectorScrolls(t *testing.T) {
	_, steps := petsSteps(t)
	in := NewInspector()
	in.SetSize(80, 5)
	in.SetSteps(1, steps, "")
	top := func() string { return strings.TrimRight(plain(in)[0], " ") }
	in.Update(keyPress("j"))
	in.Update(keyPress("down"))
	if got := top(); got != "uri     │/prod/pets" {
		t.Errorf("two lines down the top line is %q", got)
	}
	in.Update(keyPress("k"))
	if got := top(); got != "method  │GET" {
		t.Errorf("one line up the top line is %q", got)
	}
	in.Update(keyPress("G"))
	if l := plain(in); !strings.HasPrefix(l[4], "auth    │AWS4-HMAC-SHA256 Credential=") {
		t.Errorf("G shows the last line at the bottom, got %q", l)
	}
	in.Update(keyPress("g"))
	if got := top(); !strings.HasPrefix(got, "1 CANONICAL REQUEST") {
		t.Errorf("g shows the first line, got %q", got)
	}
	in.Update(keyPress("pgdown"))
	if got := top(); !strings.HasPrefix(got, "headers │accept:") {
		t.Errorf("pgdown scrolls by h-1 lines, top is %q", got)
	}
	in.Update(keyPress("pgup"))
	in.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if got := top(); !strings.HasPrefix(got, "query") {
		t.Errorf("a wheel notch scrolls 3 lines, top is %q", got)
	}
	in.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	in.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if got := top(); !strings.HasPrefix(got, "1 CANONICAL") {
		t.Errorf("scrolling up stops at the top, got %q", got)
	}
}

func TestInspectorHighlight(t *testing.T) {
	_, steps := petsSteps(t)
	in := NewInspector()
	st := DefaultStyles()
	st.Highlight = lipgloss.NewStyle().Background(lipgloss.Red)
	in.SetStyles(st)
	in.SetSize(80, 4)
	in.SetSteps(1, steps, "")
	in.Highlight(sign.PartPayloadHash)
	raw := strings.Split(in.View(), "\n")
	pl := plain(in)
	i := lineWith(pl, "payload │")
	if i < 0 {
		t.Fatalf("highlighting the payload hash did not scroll it into view:\n%s", strings.Join(pl, "\n"))
	}
	const redBg = "\x1b[41m"
	for j, l := range raw {
		if got := strings.Contains(l, redBg); got != (j == i) {
			t.Errorf("line %d %q highlighted = %v", j, pl[j], got)
		}
	}
	in.Highlight(sign.PartHeaders)
	n := 0
	in.Update(keyPress("g"))
	in.SetSize(80, 30)
	for _, l := range strings.Split(in.View(), "\n") {
		if strings.Contains(l, redBg) {
			n++
		}
	}
	if n != 4 {
		t.Errorf("the 4 canonical header lines are highlighted, got %d lines", n)
	}
}

// The rendered lines are kept until the version, the width or the
// secrets change: View on every frame must not re-render.
func TestInspectorCachesByVersion(t *testing.T) {
	_, steps := petsSteps(t)
	in := NewInspector()
	in.SetSize(80, 3)
	in.SetSteps(7, steps, "")
	before := in.View()
	steps[0].Lines[0].Text = "POST" // behind the inspector's back
	if in.View() != before {
		t.Error("View rendered again without a new version")
	}
	in.SetSize(81, 3)
	if !contains(plain(in), "│POST") {
		t.Error("a new width did not render again")
	}
}

func TestSizesExact(t *testing.T) {
	tr, steps := petsSteps(t)
	m := contentTypeMismatch(t, tr)
	comps := map[string]func() component{
		"inspector": func() component { c := NewInspector(); c.SetSteps(1, steps, ""); return c },
		"unsigned": func() component {
			c := NewInspector()
			c.SetSteps(1, nil, "not signed: auth mode api_key\tx-api-key: ••••")
			return c
		},
		"teach": func() component { c := NewTeach(); c.SetSteps(1, steps); return c },
		"diff": func() component {
			c := NewDiff()
			c.SetMismatch(&m, tr.CanonicalRequest, tr.StringToSign)
			return c
		},
		"diff-message": func() component {
			c := NewDiff()
			c.SetMismatch(&exchangeMessageOnly, "", "")
			return c
		},
	}
	for name, mk := range comps {
		for _, w := range []int{79, 80, 81} {
			for _, h := range []int{1, 5, 24, 60} {
				c := mk()
				c.SetSize(w, h)
				checkSize(t, fmt.Sprintf("%s %dx%d", name, w, h), c.View(), w, h)
				for _, k := range []string{"G", "right", "]", "down", "pgdown"} {
					c.Update(keyPress(k))
					checkSize(t, fmt.Sprintf("%s %dx%d after %s", name, w, h, k), c.View(), w, h)
				}
			}
		}
		// Narrow panes cut, never overflow.
		for w := 1; w <= 130; w++ {
			c := mk()
			c.SetSize(w, 12)
			checkSize(t, fmt.Sprintf("%s %dx12", name, w), c.View(), w, 12)
		}
		c := mk()
		c.SetSize(0, 0)
		if v := c.View(); v != "" {
			t.Errorf("%s at 0x0: %q", name, v)
		}
	}
}

// Bytes from the network are drawn as escapes: an ESC or OSC in a header
// value must not reach the terminal.
func TestInspectorEscapesControlCharacters(t *testing.T) {
	steps := []workbench.Step{{N: 1, Title: "CANONICAL REQUEST", Lines: []workbench.Line{
		{Label: "headers", Text: "x-evil:\x1b]0;pwned\x07\x9b2J\x7f", Note: "\x1b[31mred"},
	}}}
	in := NewInspector()
	in.SetSize(80, 2)
	in.SetSteps(1, steps, "")
	raw := in.View()
	for _, bad := range []string{"\x1b]", "\x07", "\u009b", "\x7f", "\x1b[31m"} {
		if strings.Contains(raw, bad) {
			t.Errorf("raw control sequence %q reached the view: %q", bad, raw)
		}
	}
	if l := plain(in)[1]; !strings.Contains(l, `x-evil:\x1b]0;pwned\x07\x9b2J\x7f`) || !strings.Contains(l, `\x1b[31mred`) {
		t.Errorf("escaped text not shown: %q", l)
	}
	checkSize(t, "escaped", raw, 80, 2)
}

// A narrow pane cuts the scope and the signed headers; → scrolls the text
// column (the labels stay), the title's status says where, home returns.
func TestInspectorScrollsSideways(t *testing.T) {
	tr, steps := petsSteps(t)
	in := NewInspector()
	in.SetSize(40, 30)
	in.SetSteps(1, steps, "")
	view := strings.Join(plain(in), "\n")
	if strings.Contains(view, "aws4_request") || in.SideStatus() != "→ more" {
		t.Fatalf("the scope fits at 40 columns, or no status (%q):\n%s", in.SideStatus(), view)
	}
	for range 2 {
		in.Update(keyPress("right"))
	}
	lines := plain(in)
	i := lineWith(lines, "scope   │‹")
	if i < 0 || !strings.Contains(lines[i], "aws4_request") || !strings.HasPrefix(in.SideStatus(), "‹ col ") {
		t.Fatalf("→ did not bring the end of the scope %q into view (%q):\n%s", tr.CredentialScope, in.SideStatus(), strings.Join(lines, "\n"))
	}
	if lineWith(lines, "method  │‹") < 0 {
		t.Errorf("every text scrolls together, the labels stay:\n%s", strings.Join(lines, "\n"))
	}
	checkSize(t, "scrolled", in.View(), 40, 30)
	in.Update(keyPress("home"))
	if in.SideStatus() != "→ more" || lineWith(plain(in), "‹") >= 0 {
		t.Errorf("home did not scroll back: %q", in.SideStatus())
	}
}
