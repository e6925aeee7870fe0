package tui

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/export"
	"github.com/sigscope/sigscope/tui/logindialog"
	"github.com/sigscope/sigscope/workbench"
)

// resize computes the layout once and pushes the sizes down.
func (m *Model) resize(w, h int) {
	m.lay = computeLayout(w, h)
	l := m.lay
	inner := func(r rect) (int, int) { return max(r.W-2, 0), max(r.H-2, 0) }
	if l.Kind == layoutWide && !m.zoom {
		m.tree.setSize(inner(l.Tree))
		m.wire.setSize(inner(l.Wire))
		if m.editing != nil {
			m.editing.setSize(inner(l.Wire))
		}
		rw, rh := inner(l.Response)
		m.setResponseSize(rw, rh)
		sw, sh := inner(l.SigV4)
		m.setSigV4Size(sw, sh)
	} else {
		r := l.Single
		if l.Kind == layoutWide { // zoomed: the focused pane takes the body
			r = l.Body
		}
		w, h := inner(r)
		m.tree.setSize(w, h)
		m.wire.setSize(w, h)
		if m.editing != nil {
			m.editing.setSize(w, h)
		}
		m.setResponseSize(w, h)
		m.setSigV4Size(w, h)
	}
	m.rebuildPanes()
}

// The response pane's first line is its tab bar.
func (m *Model) setResponseSize(w, h int) {
	m.body.SetSize(w, max(h-1, 0))
	m.respText.setSize(w, max(h-1, 0))
}

func (m *Model) setSigV4Size(w, h int) {
	m.inspector.SetSize(w, h)
	m.teach.SetSize(w, h)
	m.diff.SetSize(w, h)
}

func (m *Model) applyStyles() {
	m.inspector.SetStyles(sigv4Styles(m.styles))
	m.teach.SetStyles(sigv4Styles(m.styles))
	m.diff.SetStyles(sigv4Styles(m.styles))
	m.body.SetStyles(bodyStyles(m.styles))
}

func (m *Model) rebuildPanes() {
	m.rebuildPreview()
	m.rebuildResponse()
}

// loaded takes the opened collections, selects the first request and
// previews it; a collection that failed shows its error.
func (m *Model) loaded(msg loadedMsg) tea.Cmd {
	m.loading = false
	m.benches, m.errs = msg.benches, msg.errs
	m.trustAsked = map[int]bool{}
	names := make([]string, len(m.benches))
	for i, wb := range m.benches {
		names[i] = wb.Coll.Name
	}
	m.tree.setCollections(names, msg.refs)
	m.tree.modes = msg.modes
	keepColl, keepPath := m.coll, m.path
	m.coll, m.path = -1, ""
	if keepPath == "" || !m.tree.selectRequest(keepColl, keepPath) {
		m.tree.firstRequest()
	}
	if len(m.errs) > 0 {
		m.setStatus(fmt.Sprintf("%d collection(s) did not load: see the Request pane", len(m.errs)), false)
	}
	m.rebuildPreview()
	cmds := []tea.Cmd{m.selectionChanged(), m.refreshLogins()}
	return tea.Batch(cmds...)
}

// refreshLogins asks every collection with a Cognito profile who is
// logged in; the session refreshes tokens about to expire on the way.
func (m *Model) refreshLogins() tea.Cmd {
	var cmds []tea.Cmd
	for i, wb := range m.benches {
		if len(wb.CognitoProfiles()) == 0 || !wb.KnownTrusted() {
			continue
		}
		if t, err := wb.LoginTarget(""); err == nil {
			cmds = append(cmds, loginStatusCmd(i, t))
		}
	}
	return tea.Batch(cmds...)
}

// selectionChanged previews the request under the tree's cursor.
func (m *Model) selectionChanged() tea.Cmd {
	n, ok := m.tree.selected()
	if !ok || n.Kind != nodeRequest {
		return nil
	}
	if n.Coll == m.coll && n.Key == m.path {
		return nil
	}
	m.coll, m.path = n.Coll, n.Key
	return m.requestPreview()
}

// run is the run options of the selected request for this session.
func (m *Model) run() workbench.Run {
	run := workbench.Run{Mode: m.modes[m.modeKey()], ShowSecrets: m.showSecr, Timeout: 30 * time.Second, Source: "tui"}
	if lg := m.logins[m.coll]; lg != nil {
		run.Username = lg.Username // who logged in here, whatever the profile names
	}
	return run
}

// requestPreview recomputes the signature of the selection: the
// inspector is live.
func (m *Model) requestPreview() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil || m.path == "" {
		return nil
	}
	m.previewSeq++
	return previewCmd(m.ctx, m.previewSeq, wb, m.path, m.run())
}

// rebuildPreview renders the wire view and the inspector from the
// current preview.
func (m *Model) rebuildPreview() {
	st := m.styles
	m.stepsVer++
	switch {
	case len(m.benches) == 0 && !m.loading:
		m.wire.setLines(m.startLines())
		m.inspector.SetSteps(m.stepsVer, nil, "")
	case isUntrusted(m.previewErr):
		ue, _ := workbench.IsUntrusted(m.previewErr)
		m.wire.setLines(wrapLines(untrustedLines(st, ue), m.wire.w))
		m.inspector.SetSteps(m.stepsVer, nil, "Nothing signed: "+untrustedNote+".")
	case m.previewErr != nil:
		hint := ""
		if wb := m.selectedBench(); wb != nil && wb.NeedsEmulator() {
			hint = "this collection talks to the emulator: run `sigscope demo`, or start `sigscope emulator` and pass --var emulator=URL"
		}
		if strings.Contains(m.previewErr.Error(), "sigscope login") {
			hint = "press L to log in"
		}
		m.wire.setLines(wrapLines(errorLines(st, "Cannot prepare "+m.path, m.previewErr, hint), m.wire.w))
		why := "Nothing signed: the request could not be prepared (the Request pane says why)."
		if workbench.IsLoginRequired(m.previewErr) {
			why = "Nothing signed yet: this request takes its credentials from a Cognito login.\nPress L to log in; the signature appears here at once."
		}
		m.inspector.SetSteps(m.stepsVer, nil, why)
	case m.preview != nil:
		lines, src := wireLines(st, m.preview, 200)
		m.wire.setLines(lines)
		m.wireSrc = src
		p := m.preview.Prepared
		m.inspector.SetRedact(m.preview.Redact.Text)
		m.teach.SetRedact(m.preview.Redact.Text)
		m.diff.SetRedact(m.preview.Redact.Text)
		steps := workbench.Steps(p.Trace)
		m.inspector.SetSteps(m.stepsVer, steps, m.unsignedText())
		m.teach.SetSteps(m.stepsVer, steps)
		m.syncTeachMark()
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

// unsignedText explains a request that is not signed: which mode, and for
// tokens the decoded claims and expiry.
func (m *Model) unsignedText() string {
	p := m.preview.Prepared
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
		out = append(out, wrapText(l, w)...)
	}
	return out
}

// startLines is the start screen: no collection here.
func (m *Model) startLines() []string {
	st := m.styles
	return []string{
		st.Bold.Render("No collection here."),
		"",
		"Start with the demo: " + st.Accent.Render("sigscope demo") + " (an emulator on loopback, no AWS account).",
		"Open a collection:   " + st.Accent.Render("sigscope path/to/api.yaml") + " or a folder of them.",
		"The format:          docs/collections.md; examples in examples/collections/.",
		"",
		"q quits.",
	}
}

// send sends the selected request; esc cancels it in flight.
func (m *Model) send() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil || m.path == "" {
		return nil
	}
	ctx := m.startSend("sending " + m.path + " …  esc cancels")
	return tea.Batch(sendCmd(ctx, m.sendSeq, m.coll, wb, m.path, m.run()), m.spinTick())
}

// startSend cancels a send in flight and starts the next one: a new
// sequence number (older answers are dropped), the request marked in
// flight, the status said. esc cancels the context it returns.
func (m *Model) startSend(status string) context.Context {
	if m.cancelSend != nil {
		m.cancelSend()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancelSend = cancel
	m.sendSeq++
	m.sending = true
	m.tree.inflight[m.modeKey()] = true
	m.setStatus(status, true)
	return ctx
}

// bodyLoadedMsg carries a body read from its spool file.
type bodyLoadedMsg struct {
	seq         int
	contentType string
	body        []byte
}

func (m *Model) sent(msg sentMsg) tea.Cmd {
	m.sending = false
	m.cancelSend = nil
	id := nodeID(msg.coll, msg.path)
	delete(m.tree.inflight, id)
	if m.outcome != nil {
		m.outcome.Close()
	}
	m.outcome, m.sentPath = msg.oc, msg.path
	oc := msg.oc
	var cmd tea.Cmd
	switch {
	case isUntrusted(oc.Err):
		ue, _ := workbench.IsUntrusted(oc.Err)
		m.setStatus("not sent: "+untrustedNote, false)
		m.askTrust(msg.coll, ue, true)
	case oc.Err != nil:
		m.setStatus("not sent: "+oc.Err.Error(), false)
	case oc.Result.Err != nil && oc.Result.Response == nil:
		m.tree.status[id] = 0
		m.setStatus("no answer: "+oc.Result.Err.Message, false)
	default: // an answer, perhaps cut short (Response.Incomplete)
		r := oc.Result.Response
		m.tree.status[id] = r.Status
		m.setStatus(fmt.Sprintf("%s %s", msg.path, r.StatusText), r.Status < 400)
		ct := ""
		for _, h := range r.Headers {
			if strings.EqualFold(h.Name, "Content-Type") {
				ct = h.Value
			}
		}
		if r.BodyFile != "" {
			cmd = readBodyCmd(m.sendSeq, ct, r.BodyFile)
		} else {
			m.bodyID++
			m.body.SetBody(m.bodyID, ct, []byte(oc.Redact().Known(string(r.Body))))
		}
		if oc.Mismatch != nil {
			m.setStatus(fmt.Sprintf("%s %s · signature mismatch: d shows the diff", msg.path, r.StatusText), false)
		}
		if r.Incomplete != "" {
			m.setStatus(fmt.Sprintf("%s %s · incomplete: %s", msg.path, r.StatusText, r.Incomplete), false)
		}
	}
	if oc.Preview != nil {
		// The preview of what was sent replaces the live one: it is the
		// signature the server judged.
		m.preview, m.previewErr = oc.Preview, nil
		m.rebuildPreview()
	}
	m.respTab = tabBody
	m.rebuildResponse()
	return cmd
}

func readBodyCmd(seq int, ct, file string) tea.Cmd {
	return func() tea.Msg {
		b, err := os.ReadFile(file)
		if err != nil {
			b = []byte("cannot read the spooled body: " + err.Error())
		}
		return bodyLoadedMsg{seq: seq, contentType: ct, body: b}
	}
}

// rebuildResponse renders the non-body tabs of the response.
func (m *Model) rebuildResponse() {
	oc := m.outcome
	st := m.styles
	if m.outcome == nil {
		m.respText.setLines([]string{st.Dim.Render("Nothing sent yet: enter sends the selected request.")})
		return
	}
	var lines []string
	switch {
	case oc.Err != nil:
		lines = errorLines(st, "Not sent", oc.Err, "")
	case oc.Result.Err != nil && oc.Result.Response == nil:
		lines = transportLines(st, oc.Result.Err)
	default:
		switch m.respTab {
		case tabHeaders:
			lines = headerLines(st, oc)
		case tabCookies:
			var jar []cookies.Entry
			if oc.Preview.Jar != nil {
				jar = oc.Preview.Jar.All(time.Now())
			}
			lines = cookieLines(st, oc, jar)
		case tabTiming:
			lines = timingLines(st, oc)
		default:
			if oc.Result.Response.Incomplete != "" {
				lines = incompleteLines(st, oc) // the body viewer shows complete answers only
			} else if oc.Mismatch != nil {
				lines = []string{st.Error.Render("Signature mismatch: press d for the diff"), "hint: " + oc.Mismatch.Hint}
			} else if oc.Hint != "" {
				lines = []string{st.Warn.Render("hint: ") + oc.Hint}
			}
		}
	}
	m.respText.setLines(wrapLines(lines, m.respText.w))
	if oc.Mismatch != nil && oc.Preview != nil && oc.Preview.Prepared.Trace != nil {
		tr := oc.Preview.Prepared.Trace
		m.diff.SetMismatch(oc.Mismatch, tr.CanonicalRequest, tr.StringToSign)
	}
}

// cycleAuth switches the selected request to the next auth mode the
// collection can serve; the preview follows at once. The YAML file is
// untouched.
func (m *Model) cycleAuth() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil || m.path == "" {
		return nil
	}
	modes := wb.Modes(m.path)
	cur := m.modes[m.modeKey()]
	if cur == "" && m.preview != nil {
		cur = m.preview.Prepared.Mode
	}
	next := modes[0]
	for i, md := range modes {
		if md == cur {
			next = modes[(i+1)%len(modes)]
		}
	}
	m.modes[m.modeKey()] = next
	m.tree.modes[m.modeKey()] = modeLabel(next)
	m.setStatus("auth "+string(next)+" for this session (the file is unchanged)", true)
	return m.requestPreview()
}

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

func (m *Model) toggleDiff() tea.Cmd {
	if m.outcome == nil || m.outcome.Mismatch == nil {
		m.setStatus("no signature mismatch to compare: the diff opens when the server says the signature does not match", false)
		return nil
	}
	m.showDiff = !m.showDiff
	if m.showDiff {
		m.teaching = false
		if m.lay.Kind == layoutNarrow {
			m.narrow, m.focus = paneDiff, paneDiff
		} else {
			m.focusPane(paneSigV4)
		}
	}
	return nil
}

// panes lists the panes focus cycles through in the current layout.
func (m *Model) panes() []pane {
	if m.lay.Kind == layoutNarrow {
		return []pane{paneWire, paneSigV4, paneResponse, paneCookies, paneDiff}
	}
	return []pane{paneTree, paneWire, paneResponse, paneSigV4}
}

func (m *Model) cycleFocus(d int) {
	ps := m.panes()
	i := 0
	for j, p := range ps {
		if p == m.focus {
			i = j
		}
	}
	m.focusPane(ps[(i+d+len(ps))%len(ps)])
}

func (m *Model) focusPane(p pane) {
	m.focus = p
	if m.lay.Kind == layoutNarrow {
		m.narrow = p
	}
	if p == paneCookies {
		m.respTab = tabCookies
		m.rebuildResponse()
	}
}

// jumpPane is 1-5: in the narrow layout the tabs, in the wide one the
// panes (4 opens the Cookies tab, 5 the diff).
func (m *Model) jumpPane(k string) {
	n, _ := strconv.Atoi(k)
	switch n {
	case 1:
		m.focusPane(paneWire)
	case 2:
		m.focusPane(paneSigV4)
	case 3:
		m.focusPane(paneResponse)
		if m.respTab == tabCookies {
			m.respTab = tabBody
		}
	case 4:
		if m.lay.Kind == layoutNarrow {
			m.focusPane(paneCookies)
		} else {
			m.focusPane(paneResponse)
			m.respTab = tabCookies
			m.rebuildResponse()
		}
	case 5:
		if m.lay.Kind == layoutNarrow {
			m.focusPane(paneDiff)
		} else if !m.showDiff {
			m.toggleDiff()
		}
	}
}

// copyPane copies the focused pane's text with OSC 52, which works over
// SSH and tmux. What is masked on screen stays masked.
func (m *Model) copyPane() tea.Cmd {
	var text string
	switch m.focus {
	case paneWire:
		text = m.wire.text()
	case paneResponse:
		if m.respTab == tabBody {
			text = m.body.PlainText()
		} else {
			text = m.respText.text()
		}
	case paneCookies:
		text = m.respText.text()
	case paneSigV4, paneDiff:
		if m.preview != nil && m.preview.Prepared.Trace != nil {
			tr := m.preview.Prepared.Trace
			text = tr.CanonicalRequest + "\n\n" + tr.StringToSign + "\n"
		}
	case paneTree:
		text = m.path
	}
	if text == "" {
		return nil
	}
	m.setStatus(fmt.Sprintf("copied %d bytes (OSC 52)", len(text)), true)
	return tea.SetClipboard(text)
}

// copyCurl copies the request as a curl command that signs afresh on
// every run (--aws-sigv4, keys and tokens read from environment
// variables): it never holds a credential, nor a signature that expires.
func (m *Model) copyCurl() tea.Cmd {
	wb := m.selectedBench()
	if m.preview == nil || wb == nil {
		return nil
	}
	p := m.preview.Prepared
	cmd, err := export.Curl(p, export.Options{Collection: wb.Coll.Path, ShowSecrets: m.showSecr, EnvNames: wb.SecretEnvNames(p)})
	if err != nil {
		m.setStatus("copy as curl: "+err.Error(), false)
		return nil
	}
	m.setStatus("copied as curl: it signs afresh on each run, reading the keys and tokens from environment variables", true)
	return tea.SetClipboard(cmd)
}

// reload opens the collections again (after an edit or a fix).
func (m *Model) reload() tea.Cmd {
	m.loading = true
	return tea.Batch(loadCmd(m.cfg), m.spinTick())
}

func (m *Model) syncTeachMark() {
	m.wire.mark = -1
	if !m.teaching {
		return
	}
	if i, ok := m.wireSrc[m.teach.CursorSource()]; ok {
		m.wire.mark = i
		m.wire.reveal(i)
	}
}
