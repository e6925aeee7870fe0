package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/settings"
)

// globalKeys work in every pane when no text field has focus.
type globalKeys struct {
	Send, SendAnywhere, Cancel                  key.Binding
	Auth, Login, Logout, Env, Find              key.Binding
	Teach, Diff, Search, Next, Prev, JQ, Wrap   key.Binding
	Focus, FocusBack, Zoom, Pane0, Pane1, Pane2 key.Binding
	Pane3, Pane4, Pane5                         key.Binding
	Copy, CopyCurl, Edit, Secrets, Help, Quit   key.Binding
	ForceQuit, TabNext, TabPrev, Reload, Theme  key.Binding
	Save, EditRequest, History, Pager, RunSuite key.Binding
	Narrower, Wider                             key.Binding
}

func newGlobalKeys() globalKeys {
	b := func(keys []string, k, help string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, help))
	}
	return globalKeys{
		Send:         b([]string{"enter"}, "enter", "send"),
		SendAnywhere: b([]string{"ctrl+j"}, "ctrl+j", "send (also from a field)"),
		Cancel:       b([]string{"esc"}, "esc", "cancel / close"),
		Auth:         b([]string{"a"}, "a", "auth mode"),
		Login:        b([]string{"L"}, "L", "log in"),
		Logout:       b([]string{"O"}, "O", "log out"),
		Env:          b([]string{"e"}, "e", "environment"),
		Find:         b([]string{"ctrl+p"}, "ctrl+p", "find request"),
		Teach:        b([]string{"t"}, "t", "teach SigV4"),
		Diff:         b([]string{"d"}, "d", "why refused (diff)"),
		Search:       b([]string{"/"}, "/", "search body"),
		Next:         b([]string{"n"}, "n/N", "next/prev match"),
		Prev:         b([]string{"N"}, "N", "previous match"),
		JQ:           b([]string{"|"}, "|", "jq filter"),
		Wrap:         b([]string{"w"}, "w", "wrap"),
		Focus:        b([]string{"tab"}, "tab", "next pane"),
		FocusBack:    b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Zoom:         b([]string{"z"}, "z", "zoom"),
		Pane0:        b([]string{"0"}, "0-5", "pane (0 requests)"),
		Pane1:        b([]string{"1"}, "1", "request"),
		Pane2:        b([]string{"2"}, "2", "SigV4"),
		Pane3:        b([]string{"3"}, "3", "response"),
		Pane4:        b([]string{"4"}, "4", "cookies"),
		Pane5:        b([]string{"5"}, "5", "diff"),
		Copy:         b([]string{"y"}, "y", "copy pane"),
		CopyCurl:     b([]string{"Y"}, "Y", "copy as curl"),
		Edit:         b([]string{"E"}, "E", "edit in $EDITOR"),
		Secrets:      b([]string{"S"}, "S", "show/mask secrets"),
		Help:         b([]string{"?"}, "?", "help"),
		Quit:         b([]string{"q"}, "q", "quit"),
		ForceQuit:    b([]string{"ctrl+c"}, "ctrl+c", "quit now"),
		TabNext:      b([]string{"]"}, "]/[", "response tab"),
		TabPrev:      b([]string{"["}, "[", "previous tab"),
		Reload:       b([]string{"ctrl+r"}, "ctrl+r", "reload collections"),
		Theme:        b([]string{"T"}, "T", "light/dark"),
		Save:         b([]string{"ctrl+s"}, "ctrl+s", "save to the YAML file"),
		EditRequest:  b([]string{"i"}, "i", "edit the request"),
		History:      b([]string{"H"}, "H", "history"),
		Pager:        b([]string{"P"}, "P", "body in $PAGER"),
		RunSuite:     b([]string{"R"}, "R", "run the folder's tests"),
		Narrower:     b([]string{"<"}, "</>", "narrow/widen the focused pane"),
		Wider:        b([]string{">"}, ">", "widen the focused pane"),
	}
}

func (k globalKeys) ShortHelp() []key.Binding {
	return enabled(k.Send, k.Auth, k.Login, k.Env, k.Find, k.Teach, k.Diff, k.Zoom, k.Copy, k.Help, k.Quit)
}

// enabled drops the bindings the settings unbound.
func enabled(bs ...key.Binding) []key.Binding {
	out := bs[:0:0]
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

func (k globalKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Send, k.SendAnywhere, k.RunSuite, k.Cancel, k.Auth, k.Login, k.Logout, k.Env, k.Find, k.History, k.Save, k.Reload},
		{k.EditRequest, k.Teach, k.Diff, k.Search, k.Next, k.JQ, k.Wrap, k.TabNext, k.Secrets},
		{k.Focus, k.FocusBack, k.Zoom, k.Narrower, k.Pane0, k.Copy, k.CopyCurl, k.Edit, k.Pager, k.Theme, k.Help, k.Quit, k.ForceQuit},
	}
}

// actions names each global binding for the settings file's keymap:, in
// the order `sigscope config` lists them. The names are the file's
// vocabulary: renaming one breaks the users' files.
func (k *globalKeys) actions() []struct {
	name string
	b    *key.Binding
} {
	return []struct {
		name string
		b    *key.Binding
	}{
		{"send", &k.Send}, {"send_anywhere", &k.SendAnywhere}, {"cancel", &k.Cancel}, {"run", &k.RunSuite},
		{"auth", &k.Auth}, {"login", &k.Login}, {"logout", &k.Logout}, {"env", &k.Env},
		{"find", &k.Find}, {"history", &k.History}, {"save", &k.Save}, {"reload", &k.Reload},
		{"edit_request", &k.EditRequest}, {"teach", &k.Teach}, {"diff", &k.Diff},
		{"search", &k.Search}, {"next_match", &k.Next}, {"prev_match", &k.Prev}, {"jq", &k.JQ},
		{"wrap", &k.Wrap}, {"tab_next", &k.TabNext}, {"tab_prev", &k.TabPrev}, {"secrets", &k.Secrets},
		{"focus_next", &k.Focus}, {"focus_prev", &k.FocusBack}, {"zoom", &k.Zoom},
		{"pane_0", &k.Pane0}, {"pane_1", &k.Pane1}, {"pane_2", &k.Pane2}, {"pane_3", &k.Pane3},
		{"pane_4", &k.Pane4}, {"pane_5", &k.Pane5}, {"copy", &k.Copy}, {"copy_curl", &k.CopyCurl},
		{"edit", &k.Edit}, {"pager", &k.Pager}, {"narrower", &k.Narrower}, {"wider", &k.Wider},
		{"theme", &k.Theme}, {"help", &k.Help},
		{"quit", &k.Quit}, {"force_quit", &k.ForceQuit},
	}
}

// Actions are the action names a settings file's keymap: may rebind.
func Actions() []string {
	k := newGlobalKeys()
	var out []string
	for _, a := range k.actions() {
		out = append(out, a.name)
	}
	return out
}

// ActionKeys lists every action with its keys after the settings' keymap
// and what it does, for `sigscope config`.
func ActionKeys(s *settings.Settings) [][3]string {
	k := newGlobalKeys()
	k.apply(s)
	var out [][3]string
	for _, a := range k.actions() {
		keys := strings.Join(a.b.Keys(), ", ")
		if !a.b.Enabled() {
			keys = "(unbound)"
		}
		out = append(out, [3]string{a.name, keys, a.b.Help().Desc})
	}
	return out
}

// apply gives the bindings the keymap's keys: they replace the defaults,
// and the help shows them; an empty list unbinds the action. ctrl+c
// stays a way out whatever the file says.
func (k *globalKeys) apply(s *settings.Settings) {
	if s == nil {
		return
	}
	for _, a := range k.actions() {
		keys, ok := s.KeysFor(a.name)
		if !ok {
			continue
		}
		if a.name == "force_quit" && !contains(keys, "ctrl+c") {
			keys = append(keys, "ctrl+c")
		}
		if len(keys) == 0 {
			a.b.SetEnabled(false)
			continue
		}
		a.b.SetKeys(keys...)
		a.b.SetHelp(strings.Join(keys, "/"), a.b.Help().Desc)
	}
	// One help entry stands for a pair ("n/N", "]/["), one for the six
	// panes ("0-5"): rebound, it lists the keys they have now.
	joined := func(group ...string) string {
		var keys []string
		for _, a := range k.actions() {
			if contains(group, a.name) && a.b.Enabled() {
				keys = append(keys, a.b.Keys()...)
			}
		}
		return strings.Join(keys, "/")
	}
	for _, g := range []struct {
		b     *key.Binding
		group []string
	}{
		{&k.Next, []string{"next_match", "prev_match"}},
		{&k.TabNext, []string{"tab_next", "tab_prev"}},
		{&k.Pane0, []string{"pane_0", "pane_1", "pane_2", "pane_3", "pane_4", "pane_5"}},
	} {
		for _, name := range g.group {
			if _, ok := s.KeysFor(name); ok {
				g.b.SetHelp(joined(g.group...), g.b.Help().Desc)
				break
			}
		}
	}
}

// paneKey is the pane number a pane binding stands for ("0" to "5"),
// whatever keys the settings gave it.
func (k *globalKeys) paneKey(msg tea.KeyPressMsg) string {
	for i, b := range []key.Binding{k.Pane0, k.Pane1, k.Pane2, k.Pane3, k.Pane4, k.Pane5} {
		if key.Matches(msg, b) {
			return string(rune('0' + i))
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// KeymapConflicts reports each key the settings give an action that
// another action also has (by default or from the file): the first would
// win in silence. Each error is at the action's line in the file.
func KeymapConflicts(s *settings.Settings) error {
	if s == nil {
		return nil
	}
	k := newGlobalKeys()
	k.apply(s)
	owners := map[string][]string{}
	for _, a := range k.actions() {
		if a.b.Enabled() {
			for _, key := range a.b.Keys() {
				owners[key] = append(owners[key], a.name)
			}
		}
	}
	var errs collections.Errors
	for _, b := range s.Keymap {
		for _, key := range b.Keys {
			for _, other := range owners[key] {
				if other != b.Action {
					errs = append(errs, &collections.Error{File: s.Path, Line: b.Line, Col: b.Col,
						Msg: fmt.Sprintf("keymap: %s: %s is also the key of %s: give %s other keys too, or pick another", b.Action, key, other, other)})
				}
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
