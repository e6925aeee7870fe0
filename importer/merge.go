package importer

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sigscope/sigscope/collections"
)

// Merge adds an imported collection to an existing collection file (into,
// read from path) and returns the new text. The existing text is kept as
// written, comments included: the imported environments, auth profiles and
// variables are appended at the end of the file's own blocks, and the
// imported requests go in one new folder named after the imported
// collection, which carries its defaults (so they do not change the
// requests already there). A name that is taken (environment, profile,
// folder) gets a suffix; each rename is added to c.Report. The result is
// checked by loading it; when the file's layout allows no local insertion
// (a block written in flow style), the whole file is re-encoded, comments
// kept, and the report says so.
func Merge(into []byte, path string, c *Collection) ([]byte, error) {
	old, err := collections.LoadBytes(path, into)
	if err != nil {
		return nil, fmt.Errorf("merge into %s: the collection does not load, fix it first: %w", path, err)
	}
	c.UniqueNames()
	// The collection's own Cognito login sends the token variables the
	// source kept: a cognito profile of the file maps them to auth modes.
	for _, name := range old.AuthProfiles() {
		if t, _ := old.ProfileType(name); t == collections.ProfileCognito {
			c.mapCognitoTokens(name)
			break
		}
	}
	envs := c.renameEnvironments(old.Environments())
	profiles := c.renameProfiles(old.AuthProfiles())
	folder := c.mergeFolder(old)
	fn, err := folderNode(folder)
	if err != nil {
		return nil, fmt.Errorf("merge into %s: %w", path, err)
	}
	envNode := yMapping(false)
	for _, e := range envs {
		v := yPairs(e.Vars)
		if len(e.Vars) == 0 {
			v.Style = yaml.FlowStyle
		}
		yAdd(envNode, e.Name, v).HeadComment = yComment(yLines(e.Comment))
	}
	// The same guard as YAML: no literal secret reaches the file.
	c.scrub(envNode, "environments")
	c.scrub(fn, "requests")
	var vars []string
	declared := map[string]bool{}
	for _, v := range old.Variables() {
		declared[v] = true
	}
	for _, v := range c.Variables {
		if !declared[v] {
			vars = append(vars, v)
		}
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(into, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("merge into %s: not a YAML mapping", path)
	}
	m := &merger{data: into, root: doc.Content[0]}
	if len(into) > 0 && into[len(into)-1] != '\n' {
		m.data = append(append([]byte(nil), into...), '\n')
	}
	profNode := yMapping(false)
	for _, p := range profiles {
		pm := yMapping(false)
		yAdd(pm, "type", yStr(p.Type))
		for _, f := range p.Fields {
			yAdd(pm, f.Key, yStr(f.Value)).LineComment = yLineComment(f.Comment)
		}
		yAdd(profNode, p.Name, pm).HeadComment = yComment(yLines(p.Comment))
	}
	items := ySeq(false)
	items.Content = []*yaml.Node{fn}
	local := m.variables(vars) && m.block("environments", envNode) && m.block("auth", profNode) && m.block("requests", items)
	out := m.result()
	if local {
		if _, err := collections.LoadBytes(path, out); err == nil {
			return out, nil
		}
	}
	// No local insertion possible (or it did not load): edit the node tree
	// and write it whole; yaml.v3 keeps the comments.
	out, err = reencode(&doc, vars, envNode, profNode, fn)
	if err != nil {
		return nil, fmt.Errorf("merge into %s: %w", path, err)
	}
	if _, err := collections.LoadBytes(path, out); err != nil {
		return out, fmt.Errorf("merge into %s: the merged collection does not validate: %w", path, err)
	}
	c.Note(path, "the file was re-encoded whole to merge into it (comments kept, some layout normalized)")
	return out, nil
}

// renameEnvironments gives taken environment names a suffix.
func (c *Collection) renameEnvironments(taken []string) []Environment {
	used := set(taken)
	out := make([]Environment, 0, len(c.Environments))
	for _, e := range c.Environments {
		if n := suffixed(e.Name, used); n != e.Name {
			c.Note("environment "+e.Name, "renamed %q: the collection has an environment of that name", n)
			e.Name = n
		}
		used[e.Name] = true
		out = append(out, e)
	}
	return out
}

// renameProfiles gives taken profile names a suffix and renames the
// references of the imported auth blocks.
func (c *Collection) renameProfiles(taken []string) []Profile {
	used := set(taken)
	renames := map[string]string{}
	out := make([]Profile, 0, len(c.Profiles))
	for _, p := range c.Profiles {
		if n := suffixed(p.Name, used); n != p.Name {
			c.Note("auth profile "+p.Name, "renamed %q: the collection has a profile of that name", n)
			renames[p.Name] = n
			p.Name = n
		}
		used[p.Name] = true
		out = append(out, p)
	}
	if len(renames) > 0 {
		fix := func(a *Auth) {
			if a != nil && renames[a.Profile] != "" {
				a.Profile = renames[a.Profile]
			}
		}
		if c.Defaults != nil {
			fix(c.Defaults.Auth)
		}
		walkItems(c.Items, func(f *Folder) {
			if f.Defaults != nil {
				fix(f.Defaults.Auth)
			}
		}, func(r *Request) { fix(r.Auth) })
	}
	return out
}

// mergeFolder wraps the imported items in a folder with a free name.
func (c *Collection) mergeFolder(old *collections.Collection) *Folder {
	used := map[string]bool{}
	for _, r := range old.Requests() {
		if len(r.Folders) > 0 {
			used[r.Folders[0]] = true
		} else {
			used[r.Name] = true
		}
	}
	name := c.Name
	if strings.TrimSpace(name) == "" {
		name = "imported"
	}
	if n := suffixed(name, used); n != name {
		c.Note("folder "+name, "renamed %q: the collection has a folder or request of that name", n)
		name = n
	}
	desc := "Imported"
	if c.Report.Source != "" && c.Report.Source != "-" {
		desc += " from " + c.Report.Source
	}
	return &Folder{Name: name, Description: desc, Defaults: c.Defaults, Items: c.Items, Comments: c.Comments}
}

func walkItems(items []Item, folder func(*Folder), request func(*Request)) {
	for _, it := range items {
		if it.Request != nil {
			request(it.Request)
		}
		if it.Folder != nil {
			folder(it.Folder)
			walkItems(it.Folder.Items, folder, request)
		}
	}
}

func set(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func suffixed(name string, used map[string]bool) string {
	if !used[name] {
		return name
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s-%d", name, i)
		if !used[n] {
			return n
		}
	}
}

// merger inserts text into the file: each insertion is at a line start of
// the original text, applied at the end from the last to the first.
type merger struct {
	data  []byte
	root  *yaml.Node
	edits []insertion
}

type insertion struct {
	at, end int // replace data[at:end] (end == at: insert)
	text    string
}

func (m *merger) result() []byte {
	out := append([]byte(nil), m.data...)
	// Apply from the end so that earlier offsets stay right; insertions at
	// one offset keep their order.
	sort.SliceStable(m.edits, func(i, j int) bool { return m.edits[i].at < m.edits[j].at })
	for i := len(m.edits) - 1; i >= 0; i-- {
		e := m.edits[i]
		out = append(out[:e.at], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// lineOffset returns the offset of a line's first byte (lines from 1).
func (m *merger) lineOffset(line int) int {
	off := 0
	for l := 1; l < line && off < len(m.data); l++ {
		i := bytes.IndexByte(m.data[off:], '\n')
		if i < 0 {
			return len(m.data)
		}
		off += i + 1
	}
	return off
}

// keyIndex finds a top-level key.
func (m *merger) keyIndex(key string) int {
	for i := 0; i+1 < len(m.root.Content); i += 2 {
		if m.root.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// blockEnd is where text appended to the top-level entry i goes: before
// the next top-level key and the column-0 comments and blank lines above
// it, or at the end of the file.
func (m *merger) blockEnd(i int) int {
	end := len(m.data)
	if i+2 < len(m.root.Content) {
		end = m.lineOffset(m.root.Content[i+2].Line)
	}
	for end > 0 {
		start := bytes.LastIndexByte(m.data[:end-1], '\n') + 1
		line := strings.TrimRight(string(m.data[start:end]), "\r\n")
		if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "#") {
			break
		}
		end = start
	}
	return end
}

// block appends the entries of n (a mapping or a sequence) to the
// top-level block key, or adds the block when the file has none. It
// reports false when the block is in flow style or not of n's kind.
func (m *merger) block(key string, n *yaml.Node) bool {
	if len(n.Content) == 0 {
		return true
	}
	i := m.keyIndex(key)
	if i < 0 {
		text, err := encode(yMapping(false, yStr(key), n))
		if err != nil {
			return false
		}
		at := len(m.data)
		if r := m.keyIndex("requests"); r >= 0 && key != "requests" {
			at = m.commentsAbove(m.lineOffset(m.root.Content[r].Line))
		}
		m.edits = append(m.edits, insertion{at: at, end: at, text: string(text)})
		return true
	}
	v := m.root.Content[i+1]
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		// "requests:" with nothing: write the block after the key's line.
		text, err := encode(yMapping(false, yStr(key), n))
		if err != nil {
			return false
		}
		at := m.lineOffset(m.root.Content[i].Line)
		end := m.lineOffset(m.root.Content[i].Line + 1)
		if strings.Contains(string(m.data[at:end]), "#") {
			return false
		}
		m.edits = append(m.edits, insertion{at: at, end: end, text: string(text)})
		return true
	}
	if v.Kind != n.Kind || v.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 {
		return false
	}
	indent := v.Content[0].Column - 1
	if v.Kind == yaml.SequenceNode {
		indent -= 2 // the dash sits two columns before the item's first key
		if indent < 0 || v.Content[0].Kind != yaml.MappingNode {
			return false
		}
	}
	text, err := encode(n)
	if err != nil {
		return false
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(text), "\n") {
		if l == "" {
			continue
		}
		if strings.TrimSpace(l) != "" {
			b.WriteString(pad)
		}
		b.WriteString(l)
	}
	at := m.blockEnd(i)
	m.edits = append(m.edits, insertion{at: at, end: at, text: b.String()})
	return true
}

// commentsAbove moves an offset at a line start up over the column-0
// comment lines right above it (they belong to the key below).
func (m *merger) commentsAbove(at int) int {
	for at > 0 {
		start := bytes.LastIndexByte(m.data[:at-1], '\n') + 1
		if !bytes.HasPrefix(m.data[start:at], []byte("#")) {
			break
		}
		at = start
	}
	return at
}

// variables adds names to the top-level variables: list, which people
// write in flow style on one line ([A, B]): that line's list is rewritten.
func (m *merger) variables(names []string) bool {
	if len(names) == 0 {
		return true
	}
	i := m.keyIndex("variables")
	if i < 0 {
		s := ySeq(true)
		for _, n := range names {
			s.Content = append(s.Content, yStr(n))
		}
		return m.block("variables", s)
	}
	v := m.root.Content[i+1]
	if v.Kind != yaml.SequenceNode {
		return false
	}
	if v.Style&yaml.FlowStyle == 0 {
		s := ySeq(false)
		for _, n := range names {
			s.Content = append(s.Content, yStr(n))
		}
		return m.block("variables", s)
	}
	start := m.lineOffset(v.Line) + v.Column - 1
	end := bytes.IndexByte(m.data[start:], ']')
	nl := bytes.IndexByte(m.data[start:], '\n')
	if end < 0 || (nl >= 0 && nl < end) || start >= len(m.data) || m.data[start] != '[' {
		return false
	}
	all := make([]string, 0, len(v.Content)+len(names))
	for _, c := range v.Content {
		all = append(all, c.Value)
	}
	all = append(all, names...)
	m.edits = append(m.edits, insertion{at: start, end: start + end + 1, text: "[" + strings.Join(all, ", ") + "]"})
	return true
}

// reencode adds the imported parts to the node tree and writes it whole.
func reencode(doc *yaml.Node, vars []string, envs, profiles, folder *yaml.Node) ([]byte, error) {
	root := doc.Content[0]
	get := func(key string, kind yaml.Kind) *yaml.Node {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == key {
				v := root.Content[i+1]
				if v.Kind != kind {
					v = &yaml.Node{Kind: kind}
					root.Content[i+1] = v
				}
				return v
			}
		}
		v := &yaml.Node{Kind: kind}
		yAdd(root, key, v)
		return v
	}
	if len(vars) > 0 {
		v := get("variables", yaml.SequenceNode)
		for _, n := range vars {
			v.Content = append(v.Content, yStr(n))
		}
	}
	if len(envs.Content) > 0 {
		v := get("environments", yaml.MappingNode)
		v.Content = append(v.Content, envs.Content...)
	}
	if len(profiles.Content) > 0 {
		v := get("auth", yaml.MappingNode)
		v.Content = append(v.Content, profiles.Content...)
	}
	r := get("requests", yaml.SequenceNode)
	r.Style = 0
	r.Content = append(r.Content, folder)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("write YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write YAML: %w", err)
	}
	return b.Bytes(), nil
}
