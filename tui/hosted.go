package tui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// hostedOverlay is the hosted-UI sign-in: it shows the URL to open in a
// browser and waits for the redirect; esc gives up.
type hostedOverlay struct {
	coll   int
	target *workbench.LoginTarget
	url    string
	err    string
	cancel context.CancelFunc
}

type hostedStartedMsg struct {
	o   *hostedOverlay
	h   *auth.HostedLogin
	err error
}

func (m *Model) openHosted(coll int, t *workbench.LoginTarget) tea.Cmd {
	ctx, cancel := context.WithCancel(m.ctx)
	o := &hostedOverlay{coll: coll, target: t, cancel: cancel}
	m.pushOverlay(o)
	return func() tea.Msg {
		h, err := t.StartHosted(ctx)
		return hostedStartedMsg{o: o, h: h, err: err}
	}
}

// started shows the URL and waits for the browser in a command.
func (o *hostedOverlay) started(msg hostedStartedMsg) tea.Cmd {
	if msg.err != nil {
		o.err = msg.err.Error()
		return nil
	}
	o.url = msg.h.URL()
	ctx, cancel := context.WithCancel(context.Background())
	prev := o.cancel
	o.cancel = func() { prev(); cancel() }
	coll, t := o.coll, o.target
	return tea.Batch(tea.SetClipboard(o.url), func() tea.Msg {
		st, err := t.FinishHosted(ctx, msg.h)
		return loginStatusMsg{coll: coll, status: st, err: err, done: err == nil, hosted: true}
	})
}

func (o *hostedOverlay) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" {
		o.cancel()
		return nil, true
	}
	return nil, false
}

func (o *hostedOverlay) view(m *Model) []string {
	w := min(m.lay.W-4, 100)
	st := m.styles
	lines := []string{st.Dim.Render("pool " + o.target.Profile.UserPoolID + " · flow hosted UI (authorization code with PKCE)"), ""}
	switch {
	case o.err != "":
		lines = append(lines, wrapLines([]string{st.Error.Render("✗ " + bodyview.Escape(o.err))}, w)...)
	case o.url == "":
		lines = append(lines, m.spin.View()+" listening for the browser's redirect on 127.0.0.1 …")
	default:
		lines = append(lines, "Open this URL in a browser and sign in (it is on your clipboard):", "")
		for _, l := range splitEvery(bodyview.Escape(o.url), w) {
			lines = append(lines, st.Accent.Render(l))
		}
		lines = append(lines, "", m.spin.View()+" waiting for the browser to come back …")
	}
	lines = append(lines, "", st.Dim.Render("esc cancels"))
	return m.dialogBox("Log in · "+o.target.ProfileName+" · hosted UI", lines, w)
}

// splitEvery cuts a long unbroken string (a URL) into lines of w cells.
func splitEvery(s string, w int) []string {
	var out []string
	for len(s) > w && w > 0 {
		out = append(out, s[:w])
		s = s[w:]
	}
	return append(out, strings.TrimSpace(s))
}
