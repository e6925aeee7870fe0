package collections

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Edits for the request editor: the method, and the query and headers as
// whole lists. Like those of edit.go, each changes only the text it must
// and is refused, changing nothing, when the result would not load.

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
