package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/export"
)

// copyPane copies the focused pane with OSC 52, which works over SSH and
// tmux. The Request pane copies the request's bytes, exactly as they went
// (or will go) on the wire, without the pane's marks, so that the copy is
// a request `sigscope verify` reads; the SigV4 pane the canonical request
// and string to sign shown. What is masked on screen is masked in the
// copy too, until S.
func (m *Model) copyPane() tea.Cmd {
	var text, what string
	switch m.focus {
	case paneWire:
		text, what = m.wireCopy()
	case paneResponse:
		if m.respTab == tabBody {
			if r := m.selected(); r != nil && r.answered() {
				text = m.body.PlainText()
			}
		} else {
			text = m.respText.text()
		}
	case paneCookies:
		text = m.respText.text()
	case paneSigV4, paneDiff:
		if pv, r := m.shownPreview(); pv != nil && pv.Prepared.Trace != nil {
			red := m.previewRedactor()
			if r != nil {
				red = r.redactor(m.showSecr)
			}
			tr := pv.Prepared.Trace
			text = maskOnce(red)(tr.CanonicalRequest) + "\n\n" + tr.StringToSign + "\n"
		}
	case paneTree:
		text = m.path
	}
	if text == "" {
		m.setStatus("nothing to copy here", false)
		return nil
	}
	if what == "" {
		what = fmt.Sprintf("copied %d bytes (OSC 52)", len(text))
	}
	m.setStatus(what, true)
	return tea.SetClipboard(text)
}

// wireCopy is the request's wire bytes, and what the status line says of
// them: the bytes sent when the pane shows the request as sent, else the
// bytes the preview would send.
func (m *Model) wireCopy() (text, what string) {
	pv, r := m.shownPreview()
	if pv == nil {
		return "", ""
	}
	wire, red, which := pv.Prepared.Wire, m.previewRedactor(), "as the preview would send it (not sent)"
	if r != nil {
		wire, red, which = r.sentWire(), r.redactor(m.showSecr), "as sent at "+r.at.Format("15:04:05")
	}
	text = maskWire(red, wire)
	what = fmt.Sprintf("copied the request %s: %d bytes (OSC 52)", which, len(text))
	if text != string(wire) {
		what += "; secrets masked, S copies them in clear (sigscope verify needs them)"
	}
	return text, what
}

// copyCurl copies the request as a curl command that signs afresh on
// every run (--aws-sigv4, keys and tokens read from environment
// variables): it never holds a credential, nor a signature that expires.
func (m *Model) copyCurl() tea.Cmd {
	wb := m.selectedBench()
	pv := m.livePreview()
	if pv == nil || wb == nil {
		return nil
	}
	p := pv.Prepared
	cmd, err := export.Curl(p, export.Options{Collection: wb.Coll.Path, ShowSecrets: m.showSecr, EnvNames: wb.SecretEnvNames(p)})
	if err != nil {
		m.setStatus("copy as curl: "+err.Error(), false)
		return nil
	}
	m.setStatus("copied as curl: it signs afresh on each run, reading the keys and tokens from environment variables", true)
	return tea.SetClipboard(cmd)
}
