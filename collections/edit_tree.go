package collections

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// The request and folder operations of a tree view: duplicate, delete,
// add, rename. Like the edits of edit.go, each changes only the text it
// must and is refused, changing nothing, when the result would not load.

// checkName validates a new request or folder name.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("the name is empty")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("the name %q contains a line break or control character: keep names on one line", name)
		}
	}
	return nil
}

// where names a folder in messages.
func where(folderPath string) string {
	if folderPath == "" {
		return "the top level of the collection"
	}
	return fmt.Sprintf("folder %q", folderPath)
}

// slot is where an item (request or folder) sits: the mapping holding its
// `requests:` list, the key's index in it, the list and the item's index.
type slot struct {
	parent *yaml.Node
	key    int
	seq    *yaml.Node
	idx    int
}

func (c *Collection) slotOf(parent, node *yaml.Node) (slot, error) {
	ki := mapIndex(parent, "requests")
	if ki >= 0 {
		seq := deref(parent.Content[ki+1])
		for i, it := range seq.Content {
			if deref(it) == node {
				return slot{parent, ki, seq, i}, nil
			}
		}
	}
	return slot{}, fmt.Errorf("internal error: item not found in its folder's requests")
}

// folderItems returns the items of a folder ("" for the top level) with
// its mapping node.
func (c *Collection) folderItems(folderPath string) ([]item, *yaml.Node, error) {
	if folderPath == "" {
		return c.items, c.root, nil
	}
	f, _, err := c.findFolder(folderPath)
	if err != nil {
		return nil, nil, err
	}
	return f.items, f.node, nil
}

// findFolder locates a folder by path and the mapping node of its parent
// (the collection root for a top-level folder).
func (c *Collection) findFolder(folderPath string) (*folder, *yaml.Node, error) {
	if folderPath == "" {
		return nil, nil, fmt.Errorf("the top level of the collection is not a folder")
	}
	items, parent := c.items, c.root
	var f *folder
	for _, part := range splitPath(folderPath) {
		if f != nil {
			parent = f.node
		}
		f = nil
		for _, it := range items {
			if it.folder != nil && it.folder.name == part {
				f = it.folder
				break
			}
		}
		if f == nil {
			return nil, nil, c.noFolder(folderPath)
		}
		items = f.items
	}
	return f, parent, nil
}

// folderPaths lists every folder's path in file order.
func (c *Collection) folderPaths() []string {
	var out []string
	var walk func(items []item, path string)
	walk = func(items []item, path string) {
		for _, it := range items {
			if it.folder != nil {
				p := joinPath(path, it.folder.name)
				out = append(out, p)
				walk(it.folder.items, p)
			}
		}
	}
	walk(c.items, "")
	return out
}

func (c *Collection) noFolder(folderPath string) error {
	paths := c.folderPaths()
	hint := " (the collection has no folders; \"\" is the top level)"
	if len(paths) > 0 {
		hint = didYouMean(folderPath, paths)
		if hint == "" {
			hint = " (folders: " + quoteList(paths) + ")"
		}
	}
	return fmt.Errorf("collection %q (%s): no folder %q%s", c.Name, c.Path, folderPath, hint)
}

// parentOf returns the folder path of a request found with its chain.
func parentOf(chain []*folder) string {
	p := ""
	for _, f := range chain {
		p = joinPath(p, f.name)
	}
	return p
}

// findRequest is find with a hint when the path names a folder.
func (c *Collection) findRequest(requestPath string) (*request, []*folder, error) {
	r, chain, err := c.find(requestPath)
	if err != nil {
		if _, _, ferr := c.findFolder(requestPath); ferr == nil && requestPath != "" {
			return nil, nil, fmt.Errorf("%q is a folder, not a request", requestPath)
		}
	}
	return r, chain, err
}

// DuplicateRequest copies a request right after itself in its folder,
// under newName ("" picks "<name> copy", "<name> copy 2"...), and returns
// the copy's path. The copy is the original's text, comments included;
// when that cannot be copied as text (a YAML anchor in it, an unusual
// layout) it is written from RequestSpec, without comments.
func (c *Collection) DuplicateRequest(requestPath, newName string) (string, error) {
	op := fmt.Sprintf("duplicate %q", requestPath)
	r, chain, err := c.findRequest(requestPath)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	folderPath := parentOf(chain)
	items := c.items
	parent := c.root
	if len(chain) > 0 {
		items, parent = chain[len(chain)-1].items, chain[len(chain)-1].node
	}
	taken := map[string]bool{}
	for _, it := range items {
		if it.req != nil {
			taken[it.req.name] = true
		}
	}
	if newName == "" {
		newName = r.name + " copy"
		for i := 2; taken[newName]; i++ {
			newName = fmt.Sprintf("%s copy %d", r.name, i)
		}
	} else if err := checkName(newName); err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	} else if taken[newName] {
		return "", fmt.Errorf("%s: %s already has a request %q: choose another name, or none for %q", op, where(folderPath), newName, r.name+" copy")
	}
	s, err := c.slotOf(parent, r.node)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	e := c.newEditor()
	nv, raw := e.copyItem(s.seq, s.idx, newName)
	if nv == nil {
		spec, err := c.RequestSpec(requestPath)
		if err != nil {
			return "", fmt.Errorf("%s: %w", op, err)
		}
		spec.Name = newName
		if nv, err = requestNode(spec); err != nil {
			return "", fmt.Errorf("%s: %w", op, err)
		}
	}
	e.insertItemAfter(s.seq, s.idx, nv, raw)
	if err := e.commit(op); err != nil {
		return "", err
	}
	return joinPath(folderPath, newName), nil
}

// copyItem returns a copy of request item idx of s renamed to name, as a
// node and as file text; nil when the item cannot be copied as text.
func (e *editor) copyItem(s *yaml.Node, idx int, name string) (*yaml.Node, string) {
	it := s.Content[idx]
	if it.Kind != yaml.MappingNode || hasAnchor(it) {
		return nil, ""
	}
	from, to, _, ok := e.itemSpan(s, idx)
	ni := mapIndex(it, "name")
	if !ok || ni < 0 {
		return nil, ""
	}
	nn := it.Content[ni+1]
	ns, ok1 := e.src.nodeStart(nn)
	ne, ok2 := e.src.nodeEnd(nn)
	if !ok1 || !ok2 || ns < from || ne > to {
		return nil, ""
	}
	newNode := strNode(name, nn.Style)
	d := e.src.data
	text := string(d[from:ns]) + scalarText(newNode) + string(d[ne:to])
	text = strings.ReplaceAll(text, "\r\n", "\n") // add writes the file's line ends
	cp, _ := copyTree(e.copyOf[it])
	cp.Content[ni+1] = newNode
	return cp, text
}

// hasAnchor reports whether a subtree defines a YAML anchor: its text,
// copied, would define it twice and move later aliases to the copy.
func hasAnchor(n *yaml.Node) bool {
	if n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if hasAnchor(c) {
			return true
		}
	}
	return false
}

// DeleteRequest removes a request, with the comment lines written right
// above it (at its indentation, no blank line between) and those indented
// under it. Deleting the last request of a folder leaves the folder with
// no `requests:`.
func (c *Collection) DeleteRequest(requestPath string) error {
	op := fmt.Sprintf("delete request %q", requestPath)
	r, chain, err := c.findRequest(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	parent := c.root
	if len(chain) > 0 {
		parent = chain[len(chain)-1].node
	}
	return c.removeItem(op, parent, r.node)
}

func (c *Collection) removeItem(op string, parent, node *yaml.Node) error {
	s, err := c.slotOf(parent, node)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := c.newEditor()
	if len(s.seq.Content) == 1 {
		e.dropEntry(s.parent, s.key) // the list would be empty: drop `requests:`
	} else {
		e.deleteItem(s.seq, s.idx)
	}
	return e.commit(op)
}

// AddFolder appends an empty folder to a folder ("" for the top level);
// its name must be unique among the folders there.
func (c *Collection) AddFolder(parentFolderPath, name string) error {
	op := fmt.Sprintf("add folder %q to %s", name, where(parentFolderPath))
	if err := checkName(name); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	items, fm, err := c.folderItems(parentFolderPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	for _, it := range items {
		if it.folder != nil && it.folder.name == name {
			return fmt.Errorf("%s: there is already a folder %q there: choose another name", op, name)
		}
	}
	return c.appendItem(op, fm, mapNode(false, strNode("folder", 0), strNode(name, 0)))
}

// RenameFolder gives a folder a new name, unique among the folders beside
// it. The paths of everything in it change accordingly.
func (c *Collection) RenameFolder(folderPath, newName string) error {
	op := fmt.Sprintf("rename folder %q", folderPath)
	if err := checkName(newName); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	f, _, err := c.findFolder(folderPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	parts := splitPath(folderPath)
	parentPath := ""
	for _, p := range parts[:len(parts)-1] {
		parentPath = joinPath(parentPath, p)
	}
	siblings, _, _ := c.folderItems(parentPath)
	for _, it := range siblings {
		if it.folder != nil && it.folder != f && it.folder.name == newName {
			return fmt.Errorf("%s: %s already has a folder %q: choose another name", op, where(parentPath), newName)
		}
	}
	e := c.newEditor()
	fi := mapIndex(f.node, "folder")
	e.replaceValue(f.node, fi, strNode(newName, deref(f.node.Content[fi+1]).Style))
	return e.commit(op)
}

// DeleteFolder removes a folder and everything in it, with the comment
// lines written right above it and those indented under it.
func (c *Collection) DeleteFolder(folderPath string) error {
	op := fmt.Sprintf("delete folder %q", folderPath)
	f, parent, err := c.findFolder(folderPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return c.removeItem(op, parent, f.node)
}
