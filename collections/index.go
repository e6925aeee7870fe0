package collections

import (
	"bytes"
	"sync/atomic"
)

// A collection of 20,000 requests is resolved once per cursor move in the
// UI and once per request in a run: finding a request by walking the
// folders made each lookup cost a scan of every folder on its way. The
// index maps each escaped path to its request once per text of the
// collection (built with the model, so an edit or a reload, which build a
// new model, build a new index), and the version names that text, so
// that callers can keep what they derive from it (a trust hash, a tree)
// without comparing the bytes.

// versions numbers every text a collection is built from, in this process.
var versions atomic.Uint64

// found is an indexed request with its folders, outermost first.
type found struct {
	r     *request
	chain []*folder
}

// Version names the collection's current text: it changes with every
// edit and reload, and two collections never share one. What is derived
// from the text can be kept until it changes.
func (c *Collection) Version() uint64 { return c.version }

// indexRequests maps every request that findEscaped's walk reaches to its
// escaped path: at each level the first folder of a name is the one
// descended into, and the first request of a name is the one found, as
// the walk does.
func indexRequests(items []item) map[string]found {
	idx := map[string]found{}
	var walk func(items []item, chain []*folder, prefix string)
	walk = func(items []item, chain []*folder, prefix string) {
		seen := map[string]bool{}
		for _, it := range items {
			if f := it.folder; f != nil {
				if seen[f.name] {
					continue
				}
				seen[f.name] = true
				walk(f.items, append(chain[:len(chain):len(chain)], f), joinPath(prefix, f.name))
				continue
			}
			p := joinPath(prefix, it.req.name)
			if _, ok := idx[p]; !ok {
				idx[p] = found{it.req, chain}
			}
		}
	}
	walk(items, nil, "")
	return idx
}

// lookup finds a request by its escaped path in the index.
func (c *Collection) lookup(parts []string) (*request, []*folder) {
	if c.index == nil {
		return c.findEscaped(parts)
	}
	p := ""
	for _, part := range parts {
		p = joinPath(p, part)
	}
	f, ok := c.index[p]
	if !ok {
		return nil, nil
	}
	return f.r, f.chain
}

// Contains reports whether the collection's current text holds s, without
// copying the text as Bytes does.
func (c *Collection) Contains(s string) bool {
	return bytes.Contains(c.src.data, []byte(s))
}
