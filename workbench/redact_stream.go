package workbench

import (
	"io"
	"strings"
	"unsafe"
)

// Writer masks the known secrets in a stream: bodies too big for memory
// or binary ones, which go to a pipe or a file as received but never with
// a secret in clear. A secret split across two writes is still found,
// because the tail that could begin one is held back until the next
// write or Close. The credential fields of a spooled body are known
// secrets too, as far as the redactor read it (fieldScanCap): the stream
// itself is not parsed, so that what is held back stays bounded by the
// longest secret.
func (m *Redactor) Writer(w io.Writer) io.WriteCloser {
	if m.show || m.repl == nil {
		return nopCloser{w}
	}
	return &maskWriter{m: m, w: w, keep: len(m.forms[0]) - 1}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

type maskWriter struct {
	m       *Redactor
	w       io.Writer
	keep    int // the longest secret's length minus one
	pending []byte
}

func (mw *maskWriter) Write(p []byte) (int, error) {
	mw.pending = append(mw.pending, p...)
	cut := len(mw.pending) - mw.keep
	if cut <= 0 {
		return len(p), nil
	}
	cut = mw.safeCut(cut)
	if err := mw.flush(cut); err != nil {
		return 0, err
	}
	return len(p), nil
}

// safeCut moves cut back to the start of any secret that begins before it
// and ends after it, so that the secret is masked whole on a later pass.
func (mw *maskWriter) safeCut(cut int) int {
	buf := pendingString(mw.pending)
	for moved := true; moved; {
		moved = false
		from := max(cut-mw.keep, 0)
		for _, f := range mw.m.forms {
			for i := from; i < cut; {
				j := strings.Index(buf[i:], f)
				if j < 0 || i+j >= cut {
					break
				}
				if start := i + j; start+len(f) > cut {
					cut, moved = start, true
					break
				}
				i += j + 1
			}
		}
	}
	return cut
}

func (mw *maskWriter) flush(n int) error {
	if n == 0 {
		return nil
	}
	_, err := mw.m.repl.WriteString(mw.w, pendingString(mw.pending[:n]))
	mw.pending = append(mw.pending[:0], mw.pending[n:]...)
	return err
}

// Close writes what was held back.
func (mw *maskWriter) Close() error { return mw.flush(len(mw.pending)) }

// pendingString reads held-back bytes as a string without copying them:
// a 50 MB body streams through here, and a copy of every write (two more
// in Replace) was garbage that let the heap grow to twice the body. The
// string is dropped before pending is written again.
func pendingString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
