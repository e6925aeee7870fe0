package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
)

// treeKey handles the tree pane's editing keys: new, folder, duplicate,
// rename, delete. Each edits the open document in memory; ctrl+s saves.
func (m *Model) treeKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.tree.keys
	n, ok := m.tree.selected()
	if !ok || n.Coll >= len(m.benches) {
		return nil, false
	}
	if m.bundled(n.Coll) && key.Matches(msg, k.New, k.Folder, k.Duplicate, k.Rename, k.Delete) {
		m.setStatus(bundledNote+": open a collection file to change its tree", false)
		return nil, true
	}
	wb := m.benches[n.Coll]
	folder := n.Key // the folder new things go into
	if n.Kind == nodeRequest {
		folder = parentPath(n.Ref)
	}
	// A new request starts from the selected one's URL, so it resolves in
	// the collection's environments.
	url := "https://example.com/"
	if n.Kind == nodeRequest && n.Ref.URL != "" {
		url = n.Ref.URL
	}
	edit := func(fn func(c *collections.Collection) error, selectPath string) tea.Cmd {
		if err := wb.Edit(fn); err != nil {
			m.setStatus(err.Error(), false)
			return nil
		}
		if selectPath != "" {
			m.coll, m.path = n.Coll, selectPath
		}
		m.setStatus("edited in memory: ctrl+s saves to "+wb.Coll.Path, true)
		return treeCmd(m.benches)
	}
	switch {
	case key.Matches(msg, k.New):
		m.pushOverlay(newNamePrompt("New request", "New request", func(name string) tea.Cmd {
			return edit(func(c *collections.Collection) error {
				return c.AddRequest(folder, collections.Request{Name: name, Method: "GET", URL: url})
			}, collections.JoinPath(folder, name))
		}))
	case key.Matches(msg, k.Folder):
		m.pushOverlay(newNamePrompt("New folder", "new folder", func(name string) tea.Cmd {
			path := collections.JoinPath(folder, name)
			return edit(func(c *collections.Collection) error {
				if err := c.AddFolder(folder, name); err != nil {
					return err
				}
				// A folder shows in the tree once it holds a request.
				return c.AddRequest(path, collections.Request{Name: "New request", Method: "GET", URL: url})
			}, collections.JoinPath(path, "New request"))
		}))
	case key.Matches(msg, k.Duplicate):
		if n.Kind != nodeRequest {
			return nil, false
		}
		var dup string
		cmd := edit(func(c *collections.Collection) error {
			var err error
			dup, err = c.DuplicateRequest(n.Key, "")
			return err
		}, "")
		if dup != "" {
			m.coll, m.path = n.Coll, dup
		}
		return cmd, true
	case key.Matches(msg, k.Rename):
		if n.Kind == nodeCollection {
			return nil, false
		}
		parent := m.tree.parentKey(n)
		m.pushOverlay(newNamePrompt("Rename", n.Name, func(name string) tea.Cmd {
			if n.Kind == nodeRequest {
				to := collections.JoinPath(folder, name)
				cmd := edit(func(c *collections.Collection) error { return c.RenameRequest(n.Key, name) }, to)
				if cmd != nil {
					m.renamed(n.Coll, n.Key, to, false)
				}
				return cmd
			}
			// The cursor stays on the folder renamed (its new key), and
			// what is kept per request follows its requests.
			to := collections.JoinPath(parent, name)
			cmd := edit(func(c *collections.Collection) error { return c.RenameFolder(n.Key, name) }, "")
			if cmd != nil {
				m.renamed(n.Coll, n.Key, to, true)
				m.tree.renameFolder(n.Coll, n.Key, to)
				m.selectAfter = &treeCursor{folder: true, coll: n.Coll, key: to}
			}
			return cmd
		}))
	case key.Matches(msg, k.Delete):
		if n.Kind == nodeCollection {
			return nil, false
		}
		what := "the request " + n.Key
		if n.Kind == nodeFolder {
			what = "the folder " + n.Key + " and everything in it"
		}
		row := m.tree.cursor
		m.ask("Delete", fmt.Sprintf("Delete %s? It is gone from the file at the next ctrl+s.", what),
			choice{key: "y", label: "delete", do: func() tea.Cmd {
				// The cursor takes the row that takes the deleted one's place.
				m.selectAfter = &treeCursor{row: row}
				if n.Kind == nodeRequest {
					return edit(func(c *collections.Collection) error { return c.DeleteRequest(n.Key) }, "")
				}
				return edit(func(c *collections.Collection) error { return c.DeleteFolder(n.Key) }, "")
			}})
	default:
		return nil, false
	}
	return nil, true
}

// treeCursor is where the tree's cursor goes after an edit: onto a
// renamed folder, so that the next key acts on it and not on the row
// above; or, after a delete, onto the row that takes the deleted one's
// place.
type treeCursor struct {
	folder bool
	coll   int
	key    string // the folder's key
	row    int    // the deleted row, when not folder
}

// parentPath is the folder path of a request.
func parentPath(r collections.RequestRef) string {
	p := ""
	for _, f := range r.Folders {
		p = collections.JoinPath(p, f)
	}
	return p
}

// namePrompt asks for a name (new request, folder, rename).
type namePrompt struct {
	title  string
	input  textinput.Model
	submit func(string) tea.Cmd
}

func newNamePrompt(title, value string, submit func(string) tea.Cmd) *namePrompt {
	p := &namePrompt{title: title, input: newTextInput(), submit: submit}
	p.input.Prompt = "› "
	p.input.SetValue(value)
	p.input.CursorEnd()
	p.input.Focus()
	return p
}

func (p *namePrompt) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	switch k.String() {
	case "esc":
		return nil, true
	case "enter":
		name := strings.TrimSpace(p.input.Value())
		if name == "" {
			return nil, false
		}
		m.popOverlay()
		return p.submit(name), false
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd, false
}

func (p *namePrompt) view(m *Model) []string {
	return m.dialogBox(p.title, []string{p.input.View(), m.styles.Dim.Render("enter accepts · esc cancels")}, min(60, m.lay.W-4))
}
