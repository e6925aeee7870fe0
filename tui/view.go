package tui

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"
	"net/url"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// View draws the screen: header, panes, footer, then the overlays on top.
// Every line is exactly the terminal's width and there are exactly as
// many lines as it is high.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "sigscope"
	return v
}

func (m *Model) render() string {
	l := m.lay
	if l.W <= 0 || l.H <= 0 {
		return ""
	}
	lines := make([]string, 0, l.H)
	lines = append(lines, fit(m.header(), l.W))
	lines = append(lines, m.panesView()...)
	if l.H > 1 {
		lines = append(lines, fit(m.footer(), l.W))
	}
	for _, o := range m.overlays {
		lines = drawOver(lines, o.view(m), l.W)
	}
	lines = m.styles.paint(fitLines(lines, l.W, l.H))
	return strings.Join(lines, "\n")
}

// header: the collection, environment, auth, scope, login and emulator.
// When the width is short, the parts that matter least give way first,
// so who is logged in stays visible at 80 columns.
func (m *Model) header() string {
	st := m.styles
	brand := st.HeaderKey.Render(" sigscope ")
	if m.loading {
		return brand + " " + m.spin.View() + st.HeaderDim.Render(" loading collections …")
	}
	type part struct {
		text string
		prio int // lower shows first when short of room
	}
	var parts []part
	add := func(prio int, text string) { parts = append(parts, part{text, prio}) }
	wb := m.selectedBench()
	if wb != nil {
		name := wb.Coll.Path
		if i := strings.LastIndexAny(name, "/\\"); i >= 0 {
			name = name[i+1:]
		}
		add(1, st.Header.Render(bodyview.Escape(name)))
		if env := wb.EffectiveEnvironment(); env != "" {
			add(4, st.HeaderDim.Render("env ")+st.Header.Render(bodyview.Escape(env)))
		}
	}
	if p, _ := m.shownPreview(); p != nil {
		mode := string(p.Prepared.Mode)
		if pr := p.Prepared.Resolved.Auth.Profile; pr != nil {
			mode += " ▸ " + pr.Name
		}
		add(3, st.HeaderDim.Render("auth ")+st.Header.Render(bodyview.Escape(mode)))
		if p.Prepared.Trace != nil {
			add(5, st.HeaderDim.Render(p.Prepared.Region+"/"+p.Prepared.Service))
		}
	}
	if lg := m.logins[m.coll]; lg != nil {
		left := time.Until(lg.Expiry)
		s := st.HeaderOK
		if left < 5*time.Minute {
			s = st.HeaderWarn
		}
		add(2, s.Render(fmt.Sprintf("%s · id_token %s", bodyview.Escape(lg.Username), shortDuration(left))))
	} else if wb != nil && len(wb.CognitoProfiles()) > 0 {
		add(2, st.HeaderWarn.Render("not logged in (L)"))
	}
	if m.cfg.Emulator != "" {
		host := m.cfg.Emulator
		if u, err := url.Parse(host); err == nil {
			host = u.Host
		}
		add(6, st.HeaderDim.Render("emulator "+host)+st.HeaderOK.Render(" ●"))
	}
	if m.showSecr {
		add(0, st.FooterError.Render("SECRETS SHOWN"))
	}
	if m.dirty() {
		add(0, st.HeaderWarn.Render("● unsaved"))
	}
	// Drop the least important parts until the rest fits.
	for {
		w := ansi.StringWidth(brand)
		worst := -1
		for i, p := range parts {
			w += 2 + ansi.StringWidth(p.text)
			if worst < 0 || p.prio > parts[worst].prio {
				worst = i
			}
		}
		if w <= m.lay.W || len(parts) <= 1 {
			break
		}
		parts = append(parts[:worst], parts[worst+1:]...)
	}
	out := brand
	for _, p := range parts {
		out += "  " + p.text
	}
	return out
}

func shortDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "expired"
	case d < time.Minute:
		return "<1m"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// footer: the status line when there is one, else the keys. Whatever
// the width, it ends with "? help": the keys that do not fit give way,
// and a long status is cut before it, so help is never out of reach.
func (m *Model) footer() string {
	st := m.styles
	helpKey := m.keys.Help.Help()
	tail := st.FooterKey.Render(helpKey.Key) + " " + st.Footer.Render(helpKey.Desc)
	room := m.lay.W - 1 - ansi.StringWidth(tail) - 2
	if m.status != "" {
		s := st.FooterInfo
		if !m.statusOK {
			s = st.FooterError
		}
		status := s.Render(bodyview.Escape(m.status))
		if room < 1 {
			return " " + status
		}
		return " " + fit(status, room) + "  " + tail
	}
	var b []string
	used := 0
	for _, k := range m.keys.ShortHelp() {
		if k.Help() == helpKey {
			continue // the tail
		}
		h := k.Help()
		w := ansi.StringWidth(h.Key) + 1 + ansi.StringWidth(h.Desc) + 2
		if used+w > room+2 {
			break // the first keys matter most: the rest give way
		}
		used += w
		b = append(b, st.FooterKey.Render(h.Key)+" "+st.Footer.Render(h.Desc))
	}
	return " " + strings.Join(append(b, tail), "  ")
}

// panesView draws the panes of the current layout.
func (m *Model) panesView() []string {
	l := m.lay
	if m.loading && len(m.benches) == 0 {
		return fitLines([]string{"", "  " + m.spin.View() + " loading collections …"}, l.W, l.Body.H)
	}
	if l.Kind == layoutWide && !m.zoom {
		tree := m.frame(m.treeTitle(), m.tree.view(m.styles, m.focus == paneTree), l.Tree.W, l.Tree.H, m.focus == paneTree)
		wire := m.frame(m.wireTitle(), m.wireView(), l.Wire.W, l.Wire.H, m.focus == paneWire)
		resp := m.frame(m.respTitle(l.Response.W), m.responseView(paneResponse), l.Response.W, l.Response.H, m.focus == paneResponse)
		right := m.frame(m.sigv4Title(), m.sigv4View(), l.SigV4.W, l.SigV4.H, m.focus == paneSigV4)
		mid := append(wire, resp...)
		return joinColumns(tree, mid, right)
	}
	if l.Kind == layoutWide { // zoomed
		return m.frame(m.paneTitle(m.focus, l.Body.W), m.paneView(m.focus), l.Body.W, l.Body.H, true)
	}
	tabs := m.tabBar()
	p := m.narrow
	if p == paneTree {
		// The tree is a tab like the others: below 110 columns it was
		// hidden behind ctrl+p and users could not find it.
		return append([]string{fit(tabs, l.W)}, m.frame(m.treeTitle(), m.tree.view(m.styles, true), l.Single.W, l.Single.H, true)...)
	}
	return append([]string{fit(tabs, l.W)}, m.frame(m.paneTitle(p, l.Single.W), m.paneView(p), l.Single.W, l.Single.H, true)...)
}

// narrowTabs are the tabs of the narrow layout, in order; the mouse
// finds a click's tab from the same names.
var narrowTabs = []struct {
	p    pane
	name string
}{{paneTree, "0 Requests"}, {paneWire, "1 Request"}, {paneSigV4, "2 SigV4"}, {paneResponse, "3 Response"}, {paneCookies, "4 Cookies"}, {paneDiff, "5 Diff"}}

func (m *Model) tabBar() string {
	st := m.styles
	var parts []string
	for _, n := range narrowTabs {
		s := st.Tab
		if n.p == m.narrow {
			s = st.TabActive
		}
		parts = append(parts, s.Render(n.name))
	}
	bar := " " + strings.Join(parts, "  ")
	if m.path != "" {
		req := "  · " + bodyview.Escape(m.path)
		if hint := req + "  ctrl+p finds another"; ansi.StringWidth(bar+hint) <= m.lay.W {
			req = hint
		}
		bar += st.Dim.Render(req)
	}
	return bar
}

// paneTitle is a pane's title; w is the pane's width.
func (m *Model) paneTitle(p pane, w int) string {
	switch p {
	case paneTree:
		return m.treeTitle()
	case paneWire:
		return m.wireTitle()
	case paneResponse:
		return m.respTitle(w)
	case paneCookies:
		if m.path != "" {
			return "Cookies · " + bodyview.Escape(m.path)
		}
		return "Cookies"
	case paneDiff:
		if d := m.diagnosis(); d != nil {
			return m.withSide(paneDiff, diagnosisTitle(d), m.diff.SideStatus())
		}
		return "Mismatch diff"
	}
	return m.sigv4Title()
}

func (m *Model) paneView(p pane) []string {
	switch p {
	case paneTree:
		return m.tree.view(m.styles, true)
	case paneWire:
		return m.wireView()
	case paneResponse, paneCookies:
		return m.responseView(p)
	case paneDiff:
		if m.diagnosis() == nil {
			return wrapLines([]string{m.styles.Dim.Render(bodyview.Escape(noDiagnosis(m.path)))}, m.lay.Single.W-2)
		}
		return strings.Split(m.diff.View(), "\n")
	}
	return m.sigv4View()
}

func (m *Model) treeTitle() string { return "Requests" }

// wireView is the wire bytes, or the editor while editing.
func (m *Model) wireView() []string {
	if m.editing != nil {
		return m.editing.view(m.styles)
	}
	return m.wire.view(m.styles)
}

// wireTitle says which request the pane shows: the one sent (and when),
// or the preview, signed now and not sent.
func (m *Model) wireTitle() string {
	if m.editing != nil {
		return "Request · editing " + bodyview.Escape(m.editing.path)
	}
	pv, r := m.shownPreview()
	switch {
	case r != nil:
		return "Request · as sent at " + r.at.Format("15:04:05") + " · wire bytes"
	case pv != nil && pv.Prepared.Trace != nil:
		return "Request · preview, not sent · wire bytes as signed"
	case pv != nil:
		return "Request · preview, not sent · wire bytes"
	case m.previewErr != nil && m.previewID == m.modeKey():
		return "Request · not prepared, not sent"
	}
	return "Request"
}

// respTitle names the request whose answer the pane shows; w is the
// pane's width.
func (m *Model) respTitle(w int) string {
	if m.sending && m.sendingID == m.modeKey() {
		return "Response · " + bodyview.Escape(m.path) + " · " + m.spin.View() + " sending"
	}
	var oc *workbench.Outcome
	if r := m.selected(); r != nil {
		oc = r.oc
	}
	return responseTitle(m.path, oc, w-6)
}

func (m *Model) sigv4Title() string {
	switch {
	case m.showDiff:
		return m.withSide(paneSigV4, diagnosisTitle(m.diagnosis()), m.diff.SideStatus())
	case m.teaching && m.teach.Step() == 0:
		return "Teach SigV4"
	case m.teaching:
		return fmt.Sprintf("Teach SigV4 · step %d of 4 · ←/→", m.teach.Step())
	}
	pv, r := m.shownPreview()
	switch {
	case r != nil:
		return m.withSide(paneSigV4, "SigV4 · as sent at "+r.at.Format("15:04:05")+" · 4 steps", m.inspector.SideStatus())
	case pv != nil:
		return m.withSide(paneSigV4, "SigV4 · preview, not sent · 4 steps", m.inspector.SideStatus())
	}
	return "SigV4 · 4 steps"
}

// withSide puts the focused pane's sideways position ("→ more", "‹ col
// 41 →") first in its title, where a cut title still shows it: it says
// what → does, and → goes to the focused pane.
func (m *Model) withSide(p pane, title, side string) string {
	if side == "" || m.focus != p {
		return title
	}
	return side + " · " + title
}

func (m *Model) sigv4View() []string {
	switch {
	case m.showDiff:
		return strings.Split(m.diff.View(), "\n")
	case m.teaching:
		return strings.Split(m.teach.View(), "\n")
	}
	return strings.Split(m.inspector.View(), "\n")
}

// responseView is the response pane: the tab bar, then the tab.
func (m *Model) responseView(p pane) []string {
	st := m.styles
	tab := m.respTab
	if p == paneCookies {
		tab = tabCookies
	}
	var parts []string
	r := m.selected()
	for i, n := range tabNames[:m.tabCount()] {
		label := n
		if i == tabCookies && r != nil && r.oc.Result != nil && len(r.oc.Result.Cookies) > 0 {
			label = fmt.Sprintf("%s %d", n, len(r.oc.Result.Cookies))
		}
		if i == tabTests && r != nil {
			label = testsLabel(r.checks, r.captures)
		}
		if i == tab {
			parts = append(parts, st.TabActive.Render("["+label+"]"))
		} else {
			parts = append(parts, st.Tab.Render(" "+label+" "))
		}
	}
	bar := strings.Join(parts, " ")
	if tab == tabBody {
		if cur, total := m.body.MatchInfo(); total > 0 {
			bar += st.Dim.Render(fmt.Sprintf("  match %d/%d", cur, total))
		}
		if f := m.body.Filtering(); f != "" {
			bar += st.Accent.Render("  jq " + bodyview.Escape(f))
		} else if n := m.body.Note(); n != "" && ansi.StringWidth(bar)+2+len(n) <= m.respW {
			bar += st.Dim.Render("  " + n) // else in the status line only (noteBody)
		}
	}
	lines := []string{bar}
	if tab == tabBody && r != nil && r.answered() && r.oc.Result.Err == nil {
		// The diagnosis, then the body in the rows it leaves (fitBody).
		lines = append(lines, m.diag...)
		return append(lines, strings.Split(m.body.View(), "\n")...)
	}
	return append(lines, m.respText.view(st)...)
}
