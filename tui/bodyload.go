package tui

import (
	"bytes"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// The Body tab of a large answer is filled off the UI loop, in two
// commands behind the body viewer's spinner: readBodyCmd masks the body
// (and reads it back from its spool file), then the viewer's Load indexes,
// pretty-prints and highlights it. Each result is tagged (result id and
// serial, body id), so one that arrives after the selection moved on is
// dropped. Bodies up to bodyview.SyncMax take a few milliseconds and are
// shown at once.

// maskedBody is body as the Body tab shows it, masked by red. It copies
// only when masking changes something: in clear, or when nothing in it is
// masked, the exchange's own bytes are shown (the viewer and jq only read
// them), so a large body is not held twice.
func maskedBody(red *workbench.Redactor, body []byte) []byte {
	if len(body) == 0 {
		return body
	}
	in := unsafe.String(unsafe.SliceData(body), len(body))
	out := red.Known(in)
	switch {
	case unsafe.StringData(out) == unsafe.StringData(in) && len(out) == len(in):
		return body
	case out == in:
		return body // an unchanged copy: drop it
	}
	// Known built out for this call alone: its bytes are never written
	// again, and the viewer does not write either.
	return unsafe.Slice(unsafe.StringData(out), len(out))
}

func contentType(r *result) string {
	for _, h := range r.oc.Result.Response.Headers {
		if strings.EqualFold(h.Name, "Content-Type") {
			return h.Value
		}
	}
	return ""
}

// bodyLoadedMsg carries a masked body, for the result it was made for.
type bodyLoadedMsg struct {
	id          string
	serial      int
	show        bool
	contentType string
	body        []byte
	// keep: an in-memory body, kept on its result for S and reselection;
	// one read back from a spool file is read again instead.
	keep bool
}

// maskBodyCmd masks an in-memory body too large to mask inside Update
// (Known copies it two or three times on the way).
func maskBodyCmd(id string, serial int, show bool, ct string, body []byte, red *workbench.Redactor) tea.Cmd {
	return func() tea.Msg {
		return bodyLoadedMsg{id: id, serial: serial, show: show, contentType: ct, body: maskedBody(red, body), keep: true}
	}
}

// freeFirst is the spooled body size above which readBodyCmd returns the
// garbage of the send to the system before reading: a forced collection
// costs a few milliseconds with a small live heap, against a peak of up
// to twice the body without it.
const freeFirst = 16 << 20

// readBodyCmd reads a spooled body back, masked as it streams by (a body
// too big for memory is never held twice to be masked), into a buffer
// sized once from the file: grown by doubling, a 50 MB body would pass
// through 32 and 64 MiB buffers, both alive at the last step.
func readBodyCmd(id string, serial int, show bool, ct, file string, red *workbench.Redactor) tea.Cmd {
	return func() tea.Msg {
		var b bytes.Buffer
		f, err := os.Open(file)
		if err == nil {
			if st, serr := f.Stat(); serr == nil {
				if st.Size() > freeFirst {
					// The send left tens of megabytes of garbage (the
					// spool's buffer, the redactor's scan of the first
					// 8 MiB); a body this size needs fresh pages of its
					// own, so collect and hand those back first, or the
					// peak is the garbage plus the body.
					debug.FreeOSMemory()
				}
				// Masks may be a little longer than what they replace.
				b.Grow(int(st.Size()) + 4096)
			}
			w := red.Writer(&b)
			_, err = io.Copy(w, f)
			f.Close()
			if cerr := w.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			b.Reset()
			b.WriteString("cannot read the spooled body: " + err.Error())
		}
		return bodyLoadedMsg{id: id, serial: serial, show: show, contentType: ct, body: b.Bytes()}
	}
}

// showBody puts the selected result's body in the Body tab, masked or in
// clear as S says. A small one shows at once; a large one is masked or
// read from its spool file in a command, and a spinner shows meanwhile.
func (m *Model) showBody() tea.Cmd {
	r := m.selected()
	m.bodyID++
	if r == nil || !r.answered() {
		m.body.SetBody(m.bodyID, "", nil)
		return nil
	}
	ct := contentType(r)
	resp := r.oc.Result.Response
	i := b2i(m.showSecr)
	red := r.redactor(m.showSecr)
	switch {
	case r.body[i] != nil:
		defer m.noteBody()
		return m.body.Load(m.bodyID, ct, r.body[i])
	case resp.BodyFile == "" && len(resp.Body) <= bodyview.SyncMax:
		defer m.noteBody()
		r.body[i] = maskedBody(red, resp.Body)
		return m.body.Load(m.bodyID, ct, r.body[i])
	}
	var read tea.Cmd
	if resp.BodyFile != "" {
		read = readBodyCmd(r.id, r.serial, m.showSecr, ct, resp.BodyFile, red)
	} else {
		read = maskBodyCmd(r.id, r.serial, m.showSecr, ct, resp.Body, red)
	}
	return tea.Batch(m.body.SetPending(m.bodyID, "reading the body ("+byteSize(resp.Size)+") …"), read)
}

// bodyLoaded shows a masked body, if its result is still the one shown.
func (m *Model) bodyLoaded(msg bodyLoadedMsg) tea.Cmd {
	r := m.selected()
	if r == nil || r.id != msg.id || r.serial != msg.serial || msg.show != m.showSecr {
		return nil
	}
	if msg.keep {
		r.body[b2i(msg.show)] = msg.body
	}
	m.bodyID++
	return m.body.Load(m.bodyID, msg.contentType, msg.body)
}

// bodyPrepared shows a body the viewer prepared in a command.
func (m *Model) bodyPrepared(msg bodyview.LoadedMsg) tea.Cmd {
	var cmd tea.Cmd
	m.body, cmd = m.body.Update(msg)
	m.noteBody()
	return cmd
}

// noteBody adds to the status line of the answer shown what the body
// view skipped for its size (not pretty-printed, not highlighted): the
// Body tab's bar says it too, when it has room.
func (m *Model) noteBody() {
	n := m.body.Note()
	if n == "" || m.statusAbout == "" || m.statusAbout != m.modeKey() || strings.HasSuffix(m.status, n) {
		return
	}
	about := m.statusAbout
	m.setStatus(m.status+" · body "+n, m.statusOK)
	m.statusAbout = about
}
