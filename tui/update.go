package tui

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/tui/logindialog"
	"github.com/sigscope/sigscope/tui/sigv4view"
	"github.com/sigscope/sigscope/workbench"
)

// Update routes a message: sizes to the layout, results to their panes
// (stale ones dropped), keys to the top overlay or else to the global
// keys and the focused pane.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.resize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.terminalBackground(msg.IsDark())
		return m, nil
	case themeSavedMsg:
		m.themeSaved(msg)
		return m, nil
	case pagedMsg:
		m.paged(msg)
		return m, nil
	case spinner.TickMsg:
		if msg.ID == m.body.SpinnerID() {
			var cmd tea.Cmd
			m.body, cmd = m.body.Update(msg)
			return m, cmd
		}
		if !m.loading && !m.sending && !m.overlayBusy() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, tea.Batch(cmd, m.updateOverlayMsg(msg))
	case loadedMsg:
		return m, m.loaded(msg)
	case historyOpenedMsg:
		if msg.warning != "" {
			m.setStatus(msg.warning, false)
		}
		return m, nil
	case savedMsg:
		return m, m.saved(msg)
	case savedAllMsg:
		if msg.err != nil {
			m.setStatus("not saved: "+msg.err.Error(), false)
			return m, nil
		}
		if msg.quit {
			return m, m.quit()
		}
		m.setStatus("saved", true)
		return m, nil
	case reloadedMsg:
		if msg.err != nil {
			m.setStatus("reload: "+msg.err.Error(), false)
			return m, nil
		}
		m.setStatus("reloaded from disk", true)
		m.editedCollection(msg.coll) // the file may say otherwise now
		return m, tea.Batch(treeCmd(m.benches), m.requestPreview())
	case previewMsg:
		if msg.seq != m.previewSeq {
			return m, nil // the selection moved on
		}
		m.previewed(msg)
		return m, nil
	case sigv4view.TryMsg:
		return m, m.tryLesson(msg)
	case lessonMsg:
		m.lessonTried(msg)
		return m, nil
	case replayCheckedMsg:
		return m, m.replayChecked(msg)
	case trustedMsg:
		return m, m.trusted(msg)
	case trustCheckedMsg:
		return m, m.trustChecked(msg)
	case suiteStepMsg:
		return m, m.suiteStep(msg)
	case sentMsg:
		if msg.seq != m.sendSeq {
			msg.oc.Close()
			return m, nil
		}
		return m, m.sent(msg)
	case bodyLoadedMsg:
		return m, m.bodyLoaded(msg)
	case bodyview.LoadedMsg:
		return m, m.bodyPrepared(msg)
	case loginStatusMsg:
		if msg.hosted {
			m.closeHosted()
		}
		return m, m.loginStatus(msg)
	case hostedStartedMsg:
		return m, msg.o.started(msg)
	case loggedOutMsg:
		if msg.err != nil {
			m.setStatus("log out: "+msg.err.Error(), false)
		} else {
			delete(m.logins, msg.coll)
			m.setStatus("logged out", true)
		}
		return m, m.requestPreview()
	case tickMsg:
		return m, tea.Batch(m.tick(), m.refreshLogins())
	case logindialog.DoneMsg:
		lo := m.topLogin()
		m.popOverlay()
		return m, m.finishLogin(lo, msg)
	case logindialog.CanceledMsg:
		m.popOverlay()
		return m, nil
	case finderMatchMsg:
		if len(m.overlays) > 0 {
			if f, ok := m.overlays[len(m.overlays)-1].(*finder); ok {
				f.gotMatches(msg) // else the finder closed: dropped
			}
		}
		return m, nil
	case filterMsg:
		m.filtered(msg)
		return m, nil
	case editTickMsg:
		if m.editing != nil && msg.seq == m.editing.seq {
			return m, m.applyEdits()
		}
		return m, nil
	case editedMsg:
		if msg.err != nil {
			m.setStatus("editor: "+msg.err.Error(), false)
		}
		// Read the file back; the environment chosen and the logins stay.
		return m, reloadCmd(msg.coll, m.benches[msg.coll])
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.MouseClickMsg:
		return m, m.handleClick(msg)
	case tea.MouseWheelMsg:
		if len(m.overlays) > 0 {
			return m, m.updateOverlayMsg(msg)
		}
		return m, m.routeToPane(m.paneAt(msg.Mouse().X, msg.Mouse().Y), msg)
	}
	return m, m.updateOverlayMsg(msg)
}

func (m *Model) overlayBusy() bool {
	for _, o := range m.overlays {
		switch o.(type) {
		case *loginOverlay, *hostedOverlay:
			return true
		case *historyOverlay:
			if o.(*historyOverlay).loading {
				return true
			}
		}
	}
	return false
}

// closeHosted removes the hosted-UI dialog once its sign-in ended.
func (m *Model) closeHosted() {
	for i, o := range m.overlays {
		if _, ok := o.(*hostedOverlay); ok {
			m.overlays = append(m.overlays[:i], m.overlays[i+1:]...)
			return
		}
	}
}

// updateOverlayMsg hands a non-key message to the top overlay (spinner
// ticks, a login step's answer).
func (m *Model) updateOverlayMsg(msg tea.Msg) tea.Cmd {
	if len(m.overlays) == 0 {
		return nil
	}
	top := m.overlays[len(m.overlays)-1]
	cmd, closed := top.update(m, msg)
	if closed {
		m.popOverlay()
	}
	return cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.quit()
	}
	if len(m.overlays) > 0 {
		return m.updateOverlayMsg(msg)
	}
	if m.editing != nil {
		return m.editKey(msg)
	}
	if m.focus == paneTree && (m.lay.Kind == layoutWide || m.narrow == paneTree) {
		if cmd, used := m.treeKey(msg); used {
			return cmd
		}
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.askQuit()
	case key.Matches(msg, k.Save):
		return m.save()
	case key.Matches(msg, k.Help):
		m.pushOverlay(newHelpOverlay(m))
	case key.Matches(msg, k.Cancel):
		return m.escape()
	case key.Matches(msg, k.Send, k.SendAnywhere):
		if m.focus == paneTree && msg.String() == "enter" {
			if n, ok := m.tree.selected(); ok && n.Kind != nodeRequest {
				m.tree.update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
				return nil
			}
		}
		return m.send()
	case key.Matches(msg, k.EditRequest):
		return m.openEditor()
	case key.Matches(msg, k.Find):
		if len(m.benches) > 0 {
			m.pushOverlay(newFinder(m))
		}
	case key.Matches(msg, k.History):
		if m.history == nil {
			m.setStatus("no history here (SIGSCOPE_HISTORY=off, or it could not be opened)", false)
			return nil
		}
		o, cmd := newHistoryOverlay(m)
		m.pushOverlay(o)
		return cmd
	case key.Matches(msg, k.Env):
		if wb := m.selectedBench(); wb != nil {
			o, cmd := newEnvOverlay(m, wb)
			m.pushOverlay(o)
			return cmd
		}
	case key.Matches(msg, k.Auth):
		return m.cycleAuth()
	case key.Matches(msg, k.Login):
		return m.openLogin()
	case key.Matches(msg, k.Logout):
		return m.logout()
	case key.Matches(msg, k.Teach):
		m.teaching = !m.teaching
		if m.teaching {
			m.teach.ClearMarks()
			m.showDiff = false
			m.focusPane(paneSigV4)
		}
		m.syncTeachMark()
	case key.Matches(msg, k.Diff):
		return m.toggleDiff()
	case key.Matches(msg, k.Search):
		m.pushOverlay(newPrompt(m, promptSearch))
		m.focusPane(paneResponse)
		m.respTab = tabBody
	case key.Matches(msg, k.JQ):
		m.pushOverlay(newPrompt(m, promptJQ))
		m.focusPane(paneResponse)
		m.respTab = tabBody
	case key.Matches(msg, k.Wrap):
		m.body.SetWrap(!m.body.Wrap())
	case key.Matches(msg, k.Next):
		m.body.NextMatch()
	case key.Matches(msg, k.Prev):
		m.body.PrevMatch()
	case key.Matches(msg, k.Focus):
		m.cycleFocus(1)
	case key.Matches(msg, k.FocusBack):
		m.cycleFocus(-1)
	case key.Matches(msg, k.Zoom):
		m.zoom = !m.zoom
		m.resize(m.lay.W, m.lay.H)
	case key.Matches(msg, k.Pane0, k.Pane1, k.Pane2, k.Pane3, k.Pane4, k.Pane5):
		m.jumpPane(k.paneKey(msg))
	case key.Matches(msg, k.Copy):
		return m.copyPane()
	case key.Matches(msg, k.CopyCurl):
		return m.copyCurl()
	case key.Matches(msg, k.Edit):
		return m.editInEditor()
	case key.Matches(msg, k.Secrets):
		m.showSecr = !m.showSecr
		m.inspector.SetShowSecrets(m.showSecr)
		m.teach.SetShowSecrets(m.showSecr)
		m.diff.SetShowSecrets(m.showSecr)
		m.setStatus(map[bool]string{true: "secrets shown in clear: S masks them again", false: "secrets masked"}[m.showSecr], true)
		// Only the masks change: what is shown (the request as sent, or
		// the preview) is not signed again.
		m.rebuildPanes()
		return m.showBody()
	case key.Matches(msg, k.Reload):
		if m.dirty() {
			m.ask("Unsaved changes", "Reloading opens the collections from disk again and drops the edits not saved.",
				choice{key: "r", label: "reload anyway", do: m.reload})
			return nil
		}
		return m.reload()
	case key.Matches(msg, k.RunSuite):
		return m.runSuite()
	case key.Matches(msg, k.Narrower, k.Wider):
		d := 2
		if key.Matches(msg, k.Narrower) {
			d = -2
		}
		m.setStatus(m.shiftBorder(d), false)
	case key.Matches(msg, k.Theme):
		return m.toggleTheme()
	case key.Matches(msg, k.Pager):
		return m.openPager()
	case key.Matches(msg, k.TabNext, k.TabPrev) && m.focus == paneResponse && !m.showDiff:
		d := 1
		if key.Matches(msg, k.TabPrev) {
			d = m.tabCount() - 1
		}
		m.respTab = (m.respTab + d) % m.tabCount()
		m.rebuildResponse()
	default:
		return m.routeToPane(m.focus, msg)
	}
	return nil
}

// routeToPane gives a key or wheel message to one pane.
func (m *Model) routeToPane(p pane, msg tea.Msg) tea.Cmd {
	switch p {
	case paneTree:
		if m.tree.update(msg) {
			return m.selectionChanged()
		}
	case paneWire:
		m.wire.update(msg)
	case paneSigV4:
		switch {
		case m.showDiff:
			m.diff.Update(msg)
		case m.teaching:
			cmd := m.teach.Update(msg) // x: a what-if (lesson.go)
			m.syncTeachMark()
			return cmd
		default:
			m.inspector.Update(msg)
		}
	case paneDiff:
		m.diff.Update(msg)
	case paneResponse, paneCookies:
		if m.respTab == tabBody && p == paneResponse {
			var cmd tea.Cmd
			m.body, cmd = m.body.Update(msg)
			return cmd
		}
		m.respText.update(msg)
	}
	return nil
}

func (m *Model) escape() tea.Cmd {
	switch {
	case m.sending:
		if m.cancelSend != nil {
			m.cancelSend()
		}
		m.setStatus("request cancelled", false)
	case m.body.Filtering() != "":
		m.body.ClearFilter()
	case m.showDiff:
		m.showDiff = false
	case m.teaching:
		m.teaching = false
		m.syncTeachMark()
	case m.zoom:
		m.zoom = false
		m.resize(m.lay.W, m.lay.H)
	}
	return nil
}

func (m *Model) quit() tea.Cmd {
	if m.cancelSend != nil {
		m.cancelSend()
	}
	m.quitting = true
	return tea.Quit
}

func (m *Model) setStatus(s string, ok bool) {
	m.status, m.statusOK = strings.ReplaceAll(inUI(s), "\n", " · "), ok
	m.statusAbout = ""
}

// loginStatus records who is logged in; after an interactive login it
// previews again, since credentials now exist.
func (m *Model) loginStatus(msg loginStatusMsg) tea.Cmd {
	before := m.logins[msg.coll]
	switch {
	case msg.err == nil:
		m.logins[msg.coll] = msg.status
		if msg.done {
			m.setStatus(fmt.Sprintf("logged in as %s", msg.status.Username), true)
		}
	case errors.Is(msg.err, auth.ErrNotLoggedIn):
		delete(m.logins, msg.coll)
	default:
		if msg.status != nil {
			m.logins[msg.coll] = msg.status
		}
		m.setStatus(msg.err.Error(), false)
	}
	// A new login, a refresh or a logout changes the credentials: sign
	// again. A periodic check that changed nothing leaves the preview (and
	// the walk-through's marks) alone.
	if msg.coll == m.coll && (msg.done || !sameLogin(before, m.logins[msg.coll])) {
		return m.requestPreview()
	}
	return nil
}

func sameLogin(a, b *workbench.LoginStatus) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Username == b.Username && a.Expiry.Equal(b.Expiry) && a.CredsExpiry.Equal(b.CredsExpiry)
}

// editedMsg ends an $EDITOR session on a collection's file.
type editedMsg struct {
	coll int
	err  error
}

func (m *Model) editInEditor() tea.Cmd {
	wb := m.selectedBench()
	if wb == nil || wb.Coll.Path == "" || m.bundled(m.coll) {
		m.setStatus("this collection is not a file (the bundled demo): nothing to edit", false)
		return nil
	}
	line := 1
	if n, ok := m.tree.selected(); ok && n.Kind == nodeRequest {
		line = n.Ref.Line
	}
	if wb.Dirty() {
		m.setStatus("this collection has edits not saved: ctrl+s saves them before $EDITOR opens the file", false)
		return nil
	}
	c, err := editorCommandFrom(m.editorSources(), wb.Coll.Path, line)
	if err != nil {
		m.setStatus("editor: "+err.Error(), false)
		return nil
	}
	coll := m.coll
	return execProcess(c, func(err error) tea.Msg { return editedMsg{coll: coll, err: err} })
}

// execProcess hands the terminal to the editor; a test replaces it to see
// the command without running a program.
var execProcess = tea.ExecProcess

// editorCommand builds the editor's command line for a collection file.
// The file's name is anyone's (a cloned repository's): "+!cmd.yaml" would
// be an Ex command to vi, "-c…" an option. So the editor gets an absolute
// path, which starts with a separator, and "--" where it is known to end
// the options; the line number is the only argument of our own.
// $VISUAL (else $EDITOR, else vi) is split into words as a shell would,
// quotes and $VARS included, but never run by one.
func editorCommand(visual, editor, path string, line int) (*exec.Cmd, error) {
	return editorCommandFrom([]commandSource{{visual, "$VISUAL"}, {editor, "$EDITOR"}, {"vi", "the default editor"}}, path, line)
}

// editorCommandFrom is editorCommand with the editor the first of
// sources that is set (the settings file's, then $VISUAL, $EDITOR, vi).
func editorCommandFrom(sources []commandSource, path string, line int) (*exec.Cmd, error) {
	args, err := commandWords(sources)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("locate %s: %w", path, err)
	}
	at := fmt.Sprintf("+%d", max(line, 1))
	switch editorName(args[0]) {
	case "vi", "vim", "nvim", "view", "gvim", "emacs", "nano":
		args = append(args, at, "--", abs)
	case "micro", "kak", "joe", "mg", "gedit":
		// They read "+N" but not "--" after it (micro's Go flags would
		// open a file named "--"); the path alone cannot be an option.
		args = append(args, at, abs)
	default:
		// "+N" may be a file name to an editor that does not know it.
		args = append(args, abs)
	}
	return exec.Command(args[0], args[1:]...), nil
}

// editorName is the editor a program is, whatever its folder or its
// variant's suffix: /usr/bin/vim.basic is vim, nvim.appimage nvim.
func editorName(program string) string {
	name, _, _ := strings.Cut(filepath.Base(program), ".")
	return name
}
