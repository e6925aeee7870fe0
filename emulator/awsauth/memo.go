package awsauth

import (
	"crypto/sha256"
	"encoding/binary"
	"net/http"
	"slices"
	"strconv"
	"sync"
)

// A load generator, a retry or a script replays the same signed request,
// and the SDK's signer is the largest cost of verifying one. Its answer
// is a function of the rebuilt request and the signing parameters alone,
// so a recomputation is remembered by a SHA-256 of exactly those (the
// secret included, so no key shares another's entry; the hash keeps the
// secret itself out of the table). A request that differs in any byte
// the signer reads, its time included, is signed anew: the verdict is
// always the SDK's.

// memoSize bounds the table; when full it starts over.
const memoSize = 1024

type memo struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]Recomputed
}

var recomputed = &memo{entries: map[[sha256.Size]byte]Recomputed{}}

func (m *memo) get(key [sha256.Size]byte) (Recomputed, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out, ok := m.entries[key]
	return out, ok
}

func (m *memo) put(key [sha256.Size]byte, out Recomputed) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) >= memoSize {
		clear(m.entries)
	}
	m.entries[key] = out
}

var memoBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// memoKey hashes everything sign reads: the rebuilt request (method,
// host, path, query, headers with their values, content length) and the
// signing parameters, each length-prefixed so that no two inputs run
// together into the same bytes.
func memoKey(req *http.Request, s Signing) [sha256.Size]byte {
	bp := memoBuffers.Get().(*[]byte)
	b := (*bp)[:0]
	field := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	field(req.Method)
	field(req.Host)
	field(req.URL.Opaque)
	field(req.URL.RawQuery)
	field(strconv.FormatInt(req.ContentLength, 10))
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		field(k)
		vs := req.Header[k]
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			field(v)
		}
	}
	field(s.AccessKeyID)
	field(s.Secret)
	field(s.Service)
	field(s.Region)
	field(strconv.FormatInt(s.Time.UnixNano(), 10))
	field(s.PayloadHash)
	field(strconv.FormatBool(s.Presigned))
	field(s.S3Path)
	sum := sha256.Sum256(b)
	if cap(b) <= 64<<10 {
		*bp = b[:0]
		memoBuffers.Put(bp)
	}
	return sum
}
