package tui

import (
	"strings"
	"time"

	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// The last outcome of every request is kept, as Postman and Bruno keep
// it: selecting a request shows its own answer, its own diagnosis and the
// request as it was sent, never another request's.

// result is the last send of one request.
type result struct {
	id     string // nodeID of the request
	oc     *workbench.Outcome
	at     time.Time // when it was sent: "as sent at 15:04:05"
	serial int       // tags the body read back from its spool file
	// asSent: the Request and SigV4 panes show the request as it was sent
	// (bytes, canonical request, string to sign) until the request is
	// edited or sent again; after that, a fresh preview.
	asSent bool
	// checks and captures: the request's tests on this answer (Tests tab).
	checks   []workbench.CheckResult
	captures []workbench.Captured

	// Masks of this exchange, masked [0] and in clear [1], built once:
	// S switches between them without signing anything again.
	red [2]*workbench.Redactor
	// The body as shown, masked [0] and in clear [1].
	body [2][]byte
}

// maxResults bounds how many outcomes are kept (each may hold a body of
// up to the spool threshold in memory): the oldest go first.
const maxResults = 64

// selected is the last outcome of the selected request, nil when it was
// never sent in this session.
func (m *Model) selected() *result {
	if m.path == "" {
		return nil
	}
	return m.results[m.modeKey()]
}

// keep stores an outcome as its request's last, releasing the one it
// replaces; the oldest go when there are too many, never the selected.
func (m *Model) keep(id string, oc *workbench.Outcome, at time.Time) *result {
	if old := m.results[id]; old != nil && old.oc != oc {
		old.oc.Close()
	}
	m.resultSerial++
	r := &result{id: id, oc: oc, at: at, serial: m.resultSerial, asSent: oc.Preview != nil}
	m.results[id] = r
	for len(m.results) > maxResults {
		var oldest *result
		for _, o := range m.results {
			if o.id != m.modeKey() && (oldest == nil || o.serial < oldest.serial) {
				oldest = o
			}
		}
		if oldest == nil {
			break
		}
		oldest.oc.Close()
		delete(m.results, oldest.id)
	}
	return r
}

// closeResults releases every spooled body, when the program ends.
func (m *Model) closeResults() {
	for _, r := range m.results {
		r.oc.Close()
	}
}

// edited says that a request changed after it was sent: its panes show a
// fresh preview again, not the request as sent. Its answer stays.
func (m *Model) edited(id string) {
	if r := m.results[id]; r != nil {
		r.asSent = false
	}
}

// editedCollection is edited for every request of a collection (another
// environment, a reload from disk).
func (m *Model) editedCollection(coll int) {
	prefix := nodeID(coll, "")
	for id, r := range m.results {
		if strings.HasPrefix(id, prefix) {
			r.asSent = false
		}
	}
}

// renamed moves what is kept per request from a request's old path to its
// new one; folder renames every request under it.
func (m *Model) renamed(coll int, from, to string, folder bool) {
	move := func(path string) (string, bool) {
		switch {
		case !folder && path == from:
			return to, true
		case folder && strings.HasPrefix(path, from+"/"):
			return to + strings.TrimPrefix(path, from), true
		}
		return "", false
	}
	prefix := nodeID(coll, "")
	moveKeys(m.results, prefix, move)
	for id, r := range m.results {
		r.id = id
	}
	moveKeys(m.tree.status, prefix, move)
	moveKeys(m.modes, prefix, move)
	if m.coll == coll {
		if np, ok := move(m.path); ok {
			m.path = np
		}
	}
}

// dropUntrusted forgets the refusals of a collection that is trusted now:
// "not sent: not trusted" is over.
func (m *Model) dropUntrusted(coll int) {
	prefix := nodeID(coll, "")
	for id, r := range m.results {
		if strings.HasPrefix(id, prefix) && isUntrusted(r.oc.Err) {
			delete(m.results, id)
		}
	}
}

// moveKeys renames the keys of one collection's requests in a map keyed
// by nodeID.
func moveKeys[V any](kept map[string]V, prefix string, move func(string) (string, bool)) {
	moved := map[string]V{}
	for id, v := range kept {
		if !strings.HasPrefix(id, prefix) {
			continue
		}
		if np, ok := move(strings.TrimPrefix(id, prefix)); ok {
			delete(kept, id)
			moved[prefix+np] = v
		}
	}
	for id, v := range moved {
		kept[id] = v
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// redactor masks this exchange's secrets, or shows them in clear.
func (r *result) redactor(show bool) *workbench.Redactor {
	i := b2i(show)
	if r.red[i] == nil {
		switch pv := r.oc.Preview; {
		case pv == nil:
			r.red[i] = r.oc.Redact() // nothing prepared: nothing to mask
		case pv.Redact != nil && pv.Redact.Showing() == show:
			// The send built this one already; building it again scans
			// up to 8 MiB of the body, inside Update.
			r.red[i] = pv.Redact
		default:
			r.red[i] = workbench.NewRedactor(show, r.oc.Preview.Prepared, r.oc.Result)
		}
	}
	return r.red[i]
}

// sentRequest is the request that went on the wire: the preview's, or
// the one changed after signing on purpose (the demo's mistakes).
func (r *result) sentRequest() *sign.Request {
	if r.oc.Result != nil && r.oc.Result.Request != nil {
		return r.oc.Result.Request
	}
	return r.oc.Preview.Prepared.Request
}

// sentWire is the exact bytes sent.
func (r *result) sentWire() []byte {
	if r.oc.Result != nil && len(r.oc.Result.Wire) > 0 {
		return r.oc.Result.Wire
	}
	return r.oc.Preview.Prepared.Wire
}

// answered reports whether an answer came (perhaps cut short).
func (r *result) answered() bool {
	return r.oc.Err == nil && r.oc.Result != nil && r.oc.Result.Response != nil
}
