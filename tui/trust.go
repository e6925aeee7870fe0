package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// A collection nobody confirmed is neither previewed nor sent: the
// workbench refuses with an UntrustedError, and the UI asks once in a
// dialog, listing the environment variables the collection reads and the
// hosts it talks to. 'y' remembers the answer (file I/O, in a command) and
// previews again.

// untrustedNote is what the Request pane says until the collection is
// confirmed.
const untrustedNote = "not trusted yet: confirm to use this collection"

// trustedMsg ends the command that remembered a confirmation.
type trustedMsg struct {
	coll int
	err  error
}

func trustCmd(coll int, wb *workbench.Workbench) tea.Cmd {
	return func() tea.Msg { return trustedMsg{coll: coll, err: wb.Trust()} }
}

// askTrust shows the confirmation for collection coll, unless it shows
// already. A preview asks once per collection (esc leaves it unconfirmed),
// and not while the request editor is open (a dialog would take the keys
// typed, 'y' among them): closing the editor previews, and asks; a send
// always asks.
func (m *Model) askTrust(coll int, ue *workbench.UntrustedError, always bool) {
	if coll < 0 || coll >= len(m.benches) {
		return
	}
	if m.editing != nil && !always {
		m.setStatus(untrustedNote+" (asked when the editor closes)", false)
		return
	}
	for _, o := range m.overlays {
		if o == m.trustDialog {
			return
		}
	}
	if m.trustAsked[coll] && !always {
		return
	}
	m.trustAsked[coll] = true
	wb := m.benches[coll]
	text := fmt.Sprintf("%q (%s) comes from a file, and it could be anyone's. Nothing of it is previewed or sent until you confirm.\n\n%s\n\nThe answer is remembered until the variables, the hosts or the use of credentials change.",
		ue.Collection, ue.Path, ue.List())
	m.ask("Trust this collection?", text, choice{key: "y", label: "trust it and preview", do: func() tea.Cmd {
		return trustCmd(coll, wb)
	}})
	m.trustDialog = m.overlays[len(m.overlays)-1]
}

// trusted takes the end of a confirmation: preview again, and look for a
// login now that the collection may be used.
func (m *Model) trusted(msg trustedMsg) tea.Cmd {
	if msg.err != nil {
		// Confirmed for this session all the same (the workbench keeps it).
		m.setStatus("trusted for this session only: "+msg.err.Error(), false)
	} else {
		m.setStatus("collection trusted", true)
	}
	m.dropUntrusted(msg.coll) // "not sent: not trusted" is over
	m.rebuildResponse()
	if msg.coll != m.coll {
		return m.refreshLogins()
	}
	return tea.Batch(m.requestPreview(), m.refreshLogins())
}

// untrustedLines is the Request pane of a request whose collection is not
// confirmed yet.
func untrustedLines(st Styles, ue *workbench.UntrustedError) []string {
	lines := []string{st.Warn.Render(untrustedNote), ""}
	for _, l := range strings.Split(ue.List(), "\n") {
		lines = append(lines, bodyview.Escape(l))
	}
	return append(lines, "", st.Warn.Render("hint: ")+"enter asks again")
}

// trustCheckedMsg ends a look at whether a collection is trusted (the
// remembered confirmations are files), before a login.
type trustCheckedMsg struct {
	coll int
	ue   *workbench.UntrustedError // nil: trusted
}

func trustCheckCmd(coll int, wb *workbench.Workbench) tea.Cmd {
	return func() tea.Msg {
		ue, _ := workbench.IsUntrusted(wb.CheckTrust())
		return trustCheckedMsg{coll: coll, ue: ue}
	}
}

// trustChecked opens the login that waited for the check, or asks.
func (m *Model) trustChecked(msg trustCheckedMsg) tea.Cmd {
	if msg.coll != m.coll {
		return nil
	}
	if msg.ue != nil {
		m.askTrust(msg.coll, msg.ue, true)
		return nil
	}
	return m.openLogin()
}

func isUntrusted(err error) bool {
	_, ok := workbench.IsUntrusted(err)
	return ok
}
