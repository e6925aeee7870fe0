package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/tui/logindialog"
)

// openLogin opens the login dialog for the collection's Cognito profile.
func (m *Model) openLogin() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil {
		return nil
	}
	if !wb.KnownTrusted() {
		return trustCheckCmd(m.coll, wb) // the remembered confirmations are files
	}
	t, err := wb.LoginTarget("")
	if err != nil {
		m.setStatus("log in: "+err.Error(), false)
		return nil
	}
	user, pass := t.Username, t.Password
	if m.cfg.Username != "" {
		user = m.cfg.Username
	}
	if m.cfg.Password != "" {
		pass = m.cfg.Password
	}
	flow := string(t.Profile.Flow)
	if flow == "" {
		flow = "srp"
	}
	if flow == "hosted" {
		return m.openHosted(m.coll, t)
	}
	cfg := logindialog.Config{
		Title: t.ProfileName, Pool: t.Profile.UserPoolID, Flow: flow, Username: user, Password: pass,
		Start: func(username string) (logindialog.Stepper, error) { return t.Start(username) },
	}
	if demo := m.cfg.DemoCode; demo != nil && m.cfg.Emulator != "" && strings.TrimRight(t.Profile.Endpoint, "/") == strings.TrimRight(m.cfg.Emulator, "/") {
		pool := t.Profile.UserPoolID
		cfg.DemoCode = func(username string) (string, bool) { return demo(pool, username) }
	}
	lo := &loginOverlay{coll: m.coll, target: t, dlg: logindialog.New(cfg, loginStyles(m.styles))}
	lo.dlg.SetSize(m.lay.W, m.lay.H)
	m.pushOverlay(lo)
	return nil
}

func (m *Model) finishLogin(lo *loginOverlay, msg logindialog.DoneMsg) tea.Cmd {
	l, ok := msg.Stepper.(*auth.Login)
	if lo == nil || !ok {
		return nil
	}
	m.setStatus("saving the login …", true)
	return finishLoginCmd(lo.coll, lo.target, l)
}

func (m *Model) logout() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil {
		return nil
	}
	if !wb.KnownTrusted() {
		m.setStatus("log out: "+untrustedNote, false)
		return nil
	}
	t, err := wb.LoginTarget("")
	if err != nil {
		m.setStatus("log out: "+err.Error(), false)
		return nil
	}
	return logoutCmd(m.coll, t)
}
