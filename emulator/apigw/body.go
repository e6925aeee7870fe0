package apigw

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// A request body is read only after its headers passed every check they
// can, hashed as it streams, and kept only for routes that answer with it
// (echo), within a budget all requests share: an echo of 10 MiB of zero
// bytes is 60 MiB of JSON, and a few dozen at once would take gigabytes.

// keptBodies bounds the bytes of request bodies held at once.
const keptBodies = 2 * MaxBody

const msgBodyNotSigned = "The request body does not match the X-Amz-Content-Sha256 header that was signed: the body was changed after signing."

func errTooLarge() *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, errType: ErrRequestTooLarge, message: fmt.Sprintf("HTTP content length exceeded %d bytes.", MaxBody)}
}

// copyBuffers are readBody's copy buffers, reused across requests.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// body is a request body as read: its hash, and its bytes when kept.
type body struct {
	data    []byte // nil unless kept
	sha256  string // hex
	release func() // gives the kept bytes back to the budget
}

// readBody reads the body through SHA-256, at most MaxBody bytes (413
// past that), keeping the bytes when keep.
func (g *Gateway) readBody(r *http.Request, keep bool) (*body, *apiError) {
	b := &body{release: func() {}}
	h := sha256.New()
	var dst io.Writer = h
	var buf *bytes.Buffer
	if keep {
		// A body of unknown length may be as large as any.
		n := r.ContentLength
		if n < 0 {
			n = MaxBody
		}
		if err := g.kept.acquire(r.Context(), n); err != nil {
			return nil, &apiError{status: http.StatusServiceUnavailable, errType: "ServiceUnavailableException", message: "The request was abandoned while it waited for memory."}
		}
		b.release = func() { g.kept.release(n) }
		buf = &bytes.Buffer{}
		if r.ContentLength > 0 {
			buf.Grow(int(r.ContentLength))
		}
		dst = io.MultiWriter(h, buf)
	}
	var n int64
	var err error
	if r.Body != nil && r.Body != http.NoBody {
		// io.Copy would make a 32 KiB buffer per request (neither the
		// limit nor the hash offers WriterTo/ReaderFrom): at thousands of
		// requests a second that garbage was the collector's main work.
		buf := copyBuffers.Get().(*[]byte)
		n, err = io.CopyBuffer(dst, io.LimitReader(r.Body, MaxBody+1), *buf)
		copyBuffers.Put(buf)
	}
	var tooBig *http.MaxBytesError
	switch {
	case n > MaxBody || errors.As(err, &tooBig):
		b.release()
		return nil, errTooLarge()
	case err != nil:
		b.release()
		return nil, &apiError{status: http.StatusBadRequest, errType: "BadRequestException", message: "could not read the request body: " + err.Error()}
	}
	b.sha256 = hex.EncodeToString(h.Sum(nil))
	if keep {
		b.data = buf.Bytes()
	}
	return b, nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// budget is a counting semaphore of bytes. Each request takes its share
// in one piece, so no request waits while holding part of the budget.
type budget struct {
	mu    sync.Mutex
	free  int64
	freed chan struct{} // closed, and replaced, whenever bytes come back
}

func newBudget(n int64) *budget { return &budget{free: n, freed: make(chan struct{})} }

func (b *budget) acquire(ctx context.Context, n int64) error {
	for {
		b.mu.Lock()
		if n <= b.free {
			b.free -= n
			b.mu.Unlock()
			return nil
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (b *budget) release(n int64) {
	b.mu.Lock()
	b.free += n
	close(b.freed)
	b.freed = make(chan struct{})
	b.mu.Unlock()
}
