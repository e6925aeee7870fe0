package tui

import "charm.land/bubbles/v2/key"

// globalKeys work in every pane when no text field has focus.
type globalKeys struct {
	Send, SendAnywhere, Cancel                  key.Binding
	Auth, Login, Logout, Env, Find              key.Binding
	Teach, Diff, Search, Next, Prev, JQ, Wrap   key.Binding
	Focus, FocusBack, Zoom, Pane0, Pane1, Pane2 key.Binding
	Pane3, Pane4, Pane5                         key.Binding
	Copy, CopyCurl, Edit, Secrets, Help, Quit   key.Binding
	ForceQuit, TabNext, TabPrev, Reload, Theme  key.Binding
	Save, EditRequest, History                  key.Binding
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
		Narrower:     b([]string{"<"}, "</>", "narrow/widen the focused pane"),
		Wider:        b([]string{">"}, ">", "widen the focused pane"),
	}
}

func (k globalKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Send, k.Auth, k.Login, k.Env, k.Find, k.Teach, k.Diff, k.Zoom, k.Copy, k.Help, k.Quit}
}

func (k globalKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Send, k.SendAnywhere, k.Cancel, k.Auth, k.Login, k.Logout, k.Env, k.Find, k.History, k.Save, k.Reload},
		{k.EditRequest, k.Teach, k.Diff, k.Search, k.Next, k.JQ, k.Wrap, k.TabNext, k.Secrets},
		{k.Focus, k.FocusBack, k.Zoom, k.Narrower, k.Pane0, k.Copy, k.CopyCurl, k.Edit, k.Theme, k.Help, k.Quit, k.ForceQuit},
	}
}
