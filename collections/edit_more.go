package collections

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Edits for the request editor: method, query and headers as whole lists,
// reading a request back as written, and the request and folder
// operations of a tree view. Like those of edit.go, each changes only the
// text it must and is refused, changing nothing, when the result would not
// load.

// SetMethod sets a request's method. It is upper-cased; it must be an HTTP
// token (a single word such as GET, POST or PURGE).
func (c *Collection) SetMethod(requestPath, method string) error {
	op := fmt.Sprintf("set method of %q", requestPath)
	m := strings.ToUpper(strings.TrimSpace(method))
	if m == "" {
		return fmt.Errorf("%s: the method is empty: give one such as GET or POST", op)
	}
	if !isToken(m) {
		return fmt.Errorf("%s: bad method %q: a method is a single word such as GET or POST (letters, digits and !#$%%&'*+-.^_`|~; no spaces or templates)", op, method)
	}
	r, _, err := c.find(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := c.newEditor()
	rm := r.node
	switch i := mapIndex(rm, "method"); {
	case i >= 0:
		e.replaceValue(rm, i, strNode(m, deref(rm.Content[i+1]).Style))
	case mapIndex(rm, "description") >= 0:
		e.insertEntryAfter(rm, mapIndex(rm, "description"), "method", strNode(m, 0))
	case mapIndex(rm, "name") >= 0:
		e.insertEntryAfter(rm, mapIndex(rm, "name"), "method", strNode(m, 0))
	default:
		e.appendEntry(rm, "method", strNode(m, 0))
	}
	return e.commit(op)
}

// SetQuery replaces a request's query parameters, in order. A key given
// more than once is written once with a list of values; an empty query
// removes the field. Entries that keep their key, value and place keep
// their text, comments included.
func (c *Collection) SetQuery(requestPath string, query []KV) error {
	op := fmt.Sprintf("set query of %q", requestPath)
	for i, q := range query {
		if q.Key == "" {
			return fmt.Errorf("%s: query parameter %d (value %q) has no name: give it one or leave the row out", op, i+1, q.Value)
		}
	}
	r, _, err := c.find(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := c.newEditor()
	e.setPairs(r.node, "query", groupPairs(query), false)
	return e.commit(op)
}

// SetHeaders replaces the headers the request itself sets, in order (a
// name given more than once is written once with a list); an empty list
// removes the field. Headers from defaults are not the request's and stay
// inherited. Entries that remove an inherited header (`Name: null`, see
// Request.RemoveHeaders) are kept unless headers sets that name. Entries
// that keep their name, value and place keep their text, comments
// included.
func (c *Collection) SetHeaders(requestPath string, headers []KV) error {
	op := fmt.Sprintf("set headers of %q", requestPath)
	spelled := map[string]string{}
	for _, h := range headers {
		if !isToken(h.Key) {
			return fmt.Errorf("%s: bad header name %q: use letters, digits and !#$%%&'*+-.^_`|~ only", op, h.Key)
		}
		if strings.ContainsAny(h.Value, "\r\n\x00") {
			return fmt.Errorf("%s: header %s: a header value cannot contain a line break or NUL", op, h.Key)
		}
		lower := strings.ToLower(h.Key)
		if first, ok := spelled[lower]; ok && first != h.Key {
			return fmt.Errorf("%s: headers %q and %q differ only in case: spell them the same to send the header twice", op, first, h.Key)
		}
		spelled[lower] = h.Key
	}
	r, _, err := c.find(requestPath)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := c.newEditor()
	e.setPairs(r.node, "headers", groupPairs(headers), true)
	return e.commit(op)
}

// pairGroup is one key of a query or header mapping with all its values.
type pairGroup struct {
	key    string
	values []string
}

// groupPairs gathers repeated keys at the place of their first use.
func groupPairs(kvs []KV) []pairGroup {
	var out []pairGroup
	where := map[string]int{}
	for _, kv := range kvs {
		if i, ok := where[kv.Key]; ok {
			out[i].values = append(out[i].values, kv.Value)
			continue
		}
		where[kv.Key] = len(out)
		out = append(out, pairGroup{kv.Key, []string{kv.Value}})
	}
	return out
}

func nullNode() *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// pairValue writes the values of one key: a scalar for one (in the style
// of the value it replaces when there is one), else a list, in block
// style only when it replaces a block list.
func pairValue(values []string, old *yaml.Node) *yaml.Node {
	if len(values) == 1 {
		var style yaml.Style
		if old != nil && old.Kind == yaml.ScalarNode && !isNull(old) {
			style = old.Style
		}
		return strNode(values[0], style)
	}
	s := seqNode()
	for _, v := range values {
		s.Content = append(s.Content, strNode(v, 0))
	}
	if old == nil || old.Kind != yaml.SequenceNode || old.Style&yaml.FlowStyle != 0 || len(old.Content) == 0 {
		s.Style = yaml.FlowStyle
	}
	return s
}

// pairsNode writes a query or header mapping: first the headers it
// removes (Name: null), then the groups.
func pairsNode(remove []string, groups []pairGroup, flow bool) *yaml.Node {
	m := mapNode(flow)
	for _, name := range remove {
		m.Content = append(m.Content, strNode(name, 0), nullNode())
	}
	for _, g := range groups {
		m.Content = append(m.Content, strNode(g.key, 0), pairValue(g.values, nil))
	}
	if len(m.Content) == 0 {
		m.Style = yaml.FlowStyle
	}
	return m
}

// rawValues reads the values of a query or header entry as the loader
// does; ok is false for a header's null (a removal) and for what the
// loader would not take.
func rawValues(v *yaml.Node, headers bool) ([]string, bool) {
	v = deref(v)
	switch v.Kind {
	case yaml.ScalarNode:
		if isNull(v) {
			if headers {
				return nil, false
			}
			return []string{""}, true
		}
		return []string{v.Value}, true
	case yaml.SequenceNode:
		out := make([]string, 0, len(v.Content))
		for _, it := range v.Content {
			it = deref(it)
			if it.Kind != yaml.ScalarNode {
				return nil, false
			}
			out = append(out, it.Value)
		}
		return out, true
	}
	return nil, false
}

// setPairs makes the mapping under field (query or headers) of request
// mapping rm hold groups, in order. When the kept keys stay in their order
// and new keys come last, the mapping is edited entry by entry: untouched
// entries keep their text and comments. Otherwise the entries are laid
// out again, unchanged ones moved with their text (reorderEntries), and
// only where the layout does not allow that is the whole value written
// anew. For headers, entries that remove an inherited header (Name: null)
// are kept unless a group names them; header names match without case.
func (e *editor) setPairs(rm *yaml.Node, field string, groups []pairGroup, headers bool) {
	fi := mapIndex(rm, field)
	if fi < 0 {
		if len(groups) > 0 {
			e.appendEntry(rm, field, pairsNode(nil, groups, false))
		}
		return
	}
	raw := rm.Content[fi+1]
	old := deref(raw)
	if old.Kind != yaml.MappingNode { // `field:` left empty
		if len(groups) == 0 {
			e.dropEntry(rm, fi)
		} else {
			e.replaceValue(rm, fi, pairsNode(nil, groups, false))
		}
		return
	}

	n := len(old.Content) / 2
	match := make([]int, n) // group of each old entry, -1 for none
	keep := make([]bool, n) // a header removal that stays
	matched := make([]bool, len(groups))
	var kept []string
	local := raw.Kind != yaml.AliasNode && old.Anchor == ""
	for j := 0; j < n; j++ {
		k, v := deref(old.Content[2*j]), old.Content[2*j+1]
		match[j] = -1
		for g := range groups {
			if k.Value == groups[g].key || headers && strings.EqualFold(k.Value, groups[g].key) {
				match[j], matched[g] = g, true
				if k.Value != groups[g].key {
					local = false // a new spelling: rewrite
				}
				break
			}
		}
		if match[j] < 0 && headers && isNull(v) {
			keep[j] = true
			kept = append(kept, k.Value)
		}
	}
	last, survivors, appends, deletes := -1, 0, 0, 0
	for j := 0; j < n; j++ {
		switch {
		case match[j] >= 0:
			if match[j] < last {
				local = false // reordered
			}
			last = match[j]
			survivors++
		case keep[j]:
			survivors++
		default:
			deletes++
		}
	}
	for g := range groups {
		if !matched[g] {
			appends++
			if g < last {
				local = false // new key before a kept one
			}
		}
	}
	if survivors == 0 || appends > 0 && match[n-1] < 0 && !keep[n-1] {
		local = false
	}
	if old.Style&yaml.FlowStyle != 0 && appends+deletes > 0 {
		local = false
	}
	if !local {
		if len(groups) == 0 && len(kept) == 0 {
			e.dropEntry(rm, fi)
			return
		}
		if raw.Kind != yaml.AliasNode && old.Anchor == "" && e.reorderEntries(old, pairEntries(old, match, keep, groups, headers)) {
			return
		}
		e.replaceValue(rm, fi, pairsNode(kept, groups, old.Style&yaml.FlowStyle != 0))
		return
	}
	// Last entry first, so that the indexes of those before stay right.
	for j := n - 1; j >= 0; j-- {
		switch {
		case match[j] >= 0:
			g := groups[match[j]]
			v := old.Content[2*j+1]
			if vals, ok := rawValues(v, headers); !ok || !slices.Equal(vals, g.values) {
				e.replaceValue(old, 2*j, pairValue(g.values, deref(v)))
			}
		case !keep[j]:
			e.deleteEntry(old, 2*j)
		}
	}
	var add []*yaml.Node
	for g := range groups {
		if !matched[g] {
			add = append(add, strNode(groups[g].key, 0), pairValue(groups[g].values, nil))
		}
	}
	e.appendEntries(old, add)
}

// pairEntries lays out the entries of a rewritten query or header
// mapping: the groups in order, an unchanged entry as the old one (to keep
// its text), and each kept header removal after the entry that preceded
// it in the file.
func pairEntries(old *yaml.Node, match []int, keep []bool, groups []pairGroup, headers bool) []newEntry {
	matchOf := make([]int, len(groups))
	for g := range matchOf {
		matchOf[g] = -1
	}
	var lead []int
	after := map[int][]int{}
	prev := -1
	for j, g := range match {
		switch {
		case g >= 0:
			matchOf[g], prev = j, g
		case keep[j] && prev < 0:
			lead = append(lead, j)
		case keep[j]:
			after[prev] = append(after[prev], j)
		}
	}
	var out []newEntry
	for _, j := range lead {
		out = append(out, newEntry{old: 2 * j})
	}
	for g, pg := range groups {
		j := matchOf[g]
		switch {
		case j < 0:
			out = append(out, newEntry{-1, strNode(pg.key, 0), pairValue(pg.values, nil)})
		default:
			k, v := deref(old.Content[2*j]), deref(old.Content[2*j+1])
			if vals, ok := rawValues(v, headers); ok && slices.Equal(vals, pg.values) && k.Value == pg.key {
				out = append(out, newEntry{old: 2 * j})
			} else {
				out = append(out, newEntry{-1, strNode(pg.key, 0), pairValue(pg.values, v)})
			}
		}
		for _, j := range after[g] {
			out = append(out, newEntry{old: 2 * j})
		}
	}
	return out
}

// RequestSpec returns a request as written in the file, templates not
// expanded and nothing taken from defaults: what an editor form shows.
// Method is GET when the file leaves it out. AddRequest of the result
// makes an equivalent request. Values the loader reads as text are given
// as text (limit: 50 gives "50"); a JSON body is JSON text with key order
// and numbers kept.
func (c *Collection) RequestSpec(requestPath string) (Request, error) {
	r, _, err := c.find(requestPath)
	if err != nil {
		return Request{}, fmt.Errorf("read request %q: %w", requestPath, err)
	}
	out := Request{Name: r.name, Description: r.description, Method: r.method, URL: r.url.raw}
	out.Query = entryKVs(r.query)
	for _, h := range r.headers {
		if h.remove || len(h.values) == 0 { // an empty list removes the header as null does
			out.RemoveHeaders = append(out.RemoveHeaders, h.name)
			continue
		}
		for _, v := range h.values {
			out.Headers = append(out.Headers, KV{h.name, v.raw})
		}
	}
	if b := r.body; b != nil {
		bs := &BodySpec{Kind: b.kind}
		switch b.kind {
		case BodyJSON:
			w := &jsonWriter{budget: maxJSONNodes, onString: func(s *yaml.Node) string { return s.Value }}
			if err := w.write(b.json); err != nil {
				return Request{}, fmt.Errorf("read request %q: body: %w", requestPath, err)
			}
			bs.JSON = json.RawMessage(append([]byte(nil), w.buf.Bytes()...))
		case BodyText:
			bs.Text = b.text.raw
		case BodyForm:
			bs.Form = entryKVs(b.form)
		case BodyFile:
			bs.File = b.file.raw
		}
		out.Body = bs
	}
	out.Auth = r.auth.spec()
	return out, nil
}

func entryKVs(es []queryEntry) []KV {
	var out []KV
	for _, e := range es {
		for _, v := range e.values {
			out = append(out, KV{e.key.raw, v.raw})
		}
	}
	return out
}

// spec is the auth block as written; nil when it sets nothing.
func (a *authSpec) spec() *AuthSpec {
	var s AuthSpec
	set := false
	str := func(dst *string, v string, present bool) {
		if present {
			*dst, set = v, true
		}
	}
	boolean := func(dst **bool, b optBool) {
		if b.node != nil {
			v := b.val
			*dst, set = &v, true
		}
	}
	if a.mode.node != nil {
		s.Mode, set = AuthMode(a.mode.val), true
	}
	str(&s.Profile, a.profile.val, a.profile.node != nil)
	str(&s.Service, a.service.raw, a.service.isSet())
	str(&s.Region, a.region.raw, a.region.isSet())
	str(&s.APIKey, a.apiKey.raw, a.apiKey.isSet())
	boolean(&s.Presign, a.presign)
	boolean(&s.S3, a.s3)
	boolean(&s.UnsignedPayload, a.unsignedPayload)
	boolean(&s.Bearer, a.bearer)
	boolean(&s.Cookies, a.cook)
	if a.expires.node != nil {
		s.Expires, set = a.expires.val, true
	}
	str(&s.Algorithm, a.algorithm.val, a.algorithm.node != nil)
	if a.regionSet.node != nil {
		set = true
		for _, t := range a.regionSet.items {
			s.RegionSet = append(s.RegionSet, t.raw)
		}
	}
	if !set {
		return nil
	}
	return &s
}

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
