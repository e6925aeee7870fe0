package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// The Request and SigV4 panes show one of two things, and their titles
// say which: the request as it was sent (after a send, until the request
// is edited or sent again), or the live preview, signed now and not sent.

// requestPreview recomputes the signature of the selection: the
// inspector is live.
func (m *Model) requestPreview() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil || m.path == "" {
		return nil
	}
	m.previewSeq++
	return previewCmd(m.ctx, m.previewSeq, m.modeKey(), wb, m.path, m.run())
}

// previewed takes a preview in: the newest asked for.
func (m *Model) previewed(msg previewMsg) {
	m.preview, m.previewErr, m.previewID = msg.pv, msg.err, msg.id
	m.previewRed = [2]*workbench.Redactor{}
	m.rebuildPreview()
	if ue, ok := workbench.IsUntrusted(msg.err); ok {
		m.askTrust(m.coll, ue, false)
	}
}

// livePreview is the preview of the selected request; nil while it is
// being signed, or when it could not be.
func (m *Model) livePreview() *workbench.Preview {
	if m.previewID != m.modeKey() {
		return nil
	}
	return m.preview
}

// shownPreview is what the Request and SigV4 panes show: the request as
// sent, with its result, or else the live preview (r nil).
func (m *Model) shownPreview() (pv *workbench.Preview, r *result) {
	if r := m.selected(); r != nil && r.asSent && r.oc.Preview != nil {
		return r.oc.Preview, r
	}
	return m.livePreview(), nil
}

// previewRedactor masks the live preview's secrets, or shows them (S):
// built here, so that S never signs the request again.
func (m *Model) previewRedactor() *workbench.Redactor {
	i := b2i(m.showSecr)
	if m.previewRed[i] == nil && m.preview != nil {
		m.previewRed[i] = workbench.NewRedactor(m.showSecr, m.preview.Prepared, nil)
	}
	return m.previewRed[i]
}

// rebuildPreview renders the wire view and the inspector from what they
// show.
func (m *Model) rebuildPreview() {
	st := m.styles
	m.stepsVer++
	pv, r := m.shownPreview()
	perr := m.previewErr
	if m.previewID != m.modeKey() {
		perr = nil // of another request
	}
	switch {
	case len(m.benches) == 0 && !m.loading:
		// Wrapped: at 120x30 the Request pane is some 50 columns wide.
		m.wire.setLines(wrapLines(m.startLines(), m.wire.w))
		m.inspector.SetSteps(m.stepsVer, nil, "")
	case r != nil:
		m.showSigned(pv, r.sentRequest(), r.redactor(m.showSecr))
	case pv != nil:
		m.showSigned(pv, pv.Prepared.Request, m.previewRedactor())
	case isUntrusted(perr):
		ue, _ := workbench.IsUntrusted(perr)
		m.wire.setLines(wrapLines(untrustedLines(st, ue), m.wire.w))
		m.inspector.SetSteps(m.stepsVer, nil, "Nothing signed: "+untrustedNote+".")
		m.teach.SetUnsigned(m.modeKey(), m.stepsVer, "Nothing to walk through: "+untrustedNote+".")
	case perr != nil:
		hint := ""
		if wb := m.selectedBench(); wb != nil && wb.NeedsEmulator() {
			hint = "this collection talks to the emulator: run `sigscope demo`, or start `sigscope emulator` and pass --var emulator=URL"
		}
		shown, loginHint, needLogin := m.loginWording(perr)
		if loginHint != "" {
			hint = loginHint
		}
		m.wire.setLines(wrapLines(errorLines(st, "Cannot prepare "+m.path, shown, hint), m.wire.w))
		why := "Nothing signed: the request could not be prepared (the Request pane says why)."
		if needLogin {
			why = "Nothing signed yet: this request takes its credentials from a Cognito login.\nPress " + m.keys.Login.Help().Key + " to log in; the signature appears here at once."
		}
		m.inspector.SetSteps(m.stepsVer, nil, why)
		m.teach.SetUnsigned(m.modeKey(), m.stepsVer, why)
	case m.path != "":
		m.wire.setLines([]string{st.Dim.Render("signing " + m.path + " …")})
		m.inspector.SetSteps(m.stepsVer, nil, "")
	default:
		m.wire.setLines(nil)
		m.inspector.SetSteps(m.stepsVer, nil, "")
	}
	if len(m.errs) > 0 {
		var extra []string
		for _, e := range m.errs {
			extra = append(extra, errorLines(st, "Collection not loaded", e, "fix the file and press ctrl+r to reload")...)
			extra = append(extra, "")
		}
		m.wire.setLines(append(wrapLines(extra, m.wire.w), m.wire.lines...))
	}
}

// showSigned draws a prepared request (req: as prepared, or as sent) in
// the wire view and its four steps in the inspector and the walk-through.
func (m *Model) showSigned(pv *workbench.Preview, req *sign.Request, red *workbench.Redactor) {
	lines, src := wireLines(m.styles, pv.Prepared, req, red, 200)
	m.wire.setLines(lines)
	m.wireSrc = src
	mask := maskOnce(red)
	m.inspector.SetRedact(mask)
	m.teach.SetRedact(mask)
	steps := workbench.Steps(pv.Prepared.Trace)
	m.inspector.SetSteps(m.stepsVer, steps, m.unsignedText(pv.Prepared))
	m.teach.SetTrace(m.modeKey(), pv.Prepared.Trace)
	m.teach.SetSteps(m.stepsVer, steps)
	m.syncTeachMark()
}

// unsignedText explains a request that is not signed: which mode, and for
// tokens the decoded claims and expiry.
func (m *Model) unsignedText(p *exchange.Prepared) string {
	switch p.Mode {
	case collections.ModeIDToken, collections.ModeAccessToken:
		var b strings.Builder
		fmt.Fprintf(&b, "No signature: auth mode %s.\nThe Authorization header carries the raw Cognito %s (masked), as API Gateway's user-pool authorizer expects.\n", p.Mode, strings.ReplaceAll(string(p.Mode), "_", " "))
		if st := m.logins[m.coll]; st != nil {
			fmt.Fprintf(&b, "\nuser      %s\npool      %s\nexpires   %s (in %s)\n\nclaims of the id token:\n", st.Username, st.UserPoolID, st.Expiry.Local().Format("15:04:05"), time.Until(st.Expiry).Round(time.Minute))
			for _, k := range []string{"cognito:username", "email", "token_use", "aud", "iss"} {
				if v := st.Claims.String(k); v != "" {
					fmt.Fprintf(&b, "%-9s %s\n", strings.TrimPrefix(k, "cognito:"), v)
				}
			}
		}
		return b.String()
	case collections.ModeAPIKey:
		return "No signature: auth mode api_key.\nThe key goes in x-api-key (masked)."
	}
	return "No signature: auth mode none.\nThe request goes out as written (cookies from the jar included). Press a to switch the auth mode."
}

func wrapLines(lines []string, w int) []string {
	if w <= 0 {
		return lines
	}
	var out []string
	for _, l := range lines {
		if strings.Contains(l, "\t") {
			out = append(out, l) // a twoCol line: fitted, not wrapped
			continue
		}
		out = append(out, hangingWrap(l, w)...)
	}
	return out
}

// hangingWrap wraps a line to w, its continuation lines indented as the
// line is (a cookie's attributes stay under the cookie, not at column 0).
func hangingWrap(l string, w int) []string {
	plain := stripANSI(l)
	indent := len(plain) - len(strings.TrimLeft(plain, " "))
	if indent == 0 || indent > w/2 || lipglossWidth(plain) <= w {
		return wrapText(l, w)
	}
	parts := wrapText(l, w-indent)
	pad := strings.Repeat(" ", indent)
	for i := 1; i < len(parts); i++ {
		parts[i] = pad + parts[i]
	}
	return parts
}

// startLines is the start screen: no collection loaded. When some did
// not load, their errors come first (rebuildPreview) and the title says
// so: "No collection here." under a YAML error read as a contradiction.
func (m *Model) startLines() []string {
	st := m.styles
	title := "No collection here."
	if len(m.errs) > 0 {
		title = "No collection loaded: fix the error above and press ctrl+r, or start anew:"
	}
	return []string{
		st.Bold.Render(title),
		"",
		"Try the demo: " + st.Accent.Render("sigscope demo") + " (an emulator on loopback, no AWS account).",
		"Import what you have: " + st.Accent.Render("sigscope import SOURCE -o api.yaml") + " (curl command lines, OpenAPI/Swagger, Postman, Insomnia, Bruno).",
		"Open a collection: " + st.Accent.Render("sigscope path/to/api.yaml") + " or a folder of them.",
		"The format: docs/collections.md; examples in examples/collections/.",
		"",
		"q quits.",
	}
}

// previewMsg is a preview's end, for the request id it was asked for.
type previewMsg struct {
	seq int
	id  string
	pv  *workbench.Preview
	err error
}

func previewCmd(ctx context.Context, seq int, id string, wb *workbench.Workbench, path string, run workbench.Run) tea.Cmd {
	return func() tea.Msg {
		pv, err := wb.Preview(ctx, path, run)
		return previewMsg{seq: seq, id: id, pv: pv, err: err}
	}
}

// loginWording words an error that asks for a login as the UI does: the
// command line's "run `sigscope login FILE` first" becomes the key that
// logs in, as a hint. needLogin: a Cognito login is missing.
func (m *Model) loginWording(err error) (shown error, hint string, needLogin bool) {
	press := "press " + m.keys.Login.Help().Key + " to log in"
	le, ok := workbench.AsLoginRequired(err)
	switch {
	case ok:
		// What the error said before (the request's name), then what is
		// missing, without the command line's step.
		prefix, same := strings.CutSuffix(err.Error(), le.Error())
		if !same {
			prefix = "" // masked or reworded on the way: the missing part alone
		}
		return errors.New(prefix + le.Missing()), press, true
	case strings.Contains(err.Error(), "sigscope login"):
		return err, press, false
	}
	return err, "", false
}
