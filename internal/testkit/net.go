package testkit

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"testing"
)

// Serve listens on loopback and hands every connection to handle in its own
// goroutine until the test ends; it returns the host:port.
func Serve(t testing.TB, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return ln.Addr().String()
}

// ClosedPort returns a loopback host:port that nothing listens on: it was
// free a moment ago, so a connection there is refused.
func ClosedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// Recorder is a loopback HTTP server that keeps every request it gets
// (where a collection's requests went, and with what) and answers each
// with the raw response its answer function gives.
type Recorder struct {
	Addr string // host:port

	mu   sync.Mutex
	seen []*http.Request
	raw  []string
}

// OK is an answer for Recorder: 200 with the body "ok".
func OK(*http.Request) string {
	return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
}

// NewRecorder serves until the test ends; answer writes the raw response
// to each request (OK when nil).
func NewRecorder(t testing.TB, answer func(r *http.Request) string) *Recorder {
	t.Helper()
	if answer == nil {
		answer = OK
	}
	rec := &Recorder{}
	rec.Addr = Serve(t, func(c net.Conn) {
		defer c.Close()
		r, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		dump, _ := httputil.DumpRequest(r, true) // the body too, read here
		rec.mu.Lock()
		rec.seen = append(rec.seen, r)
		rec.raw = append(rec.raw, string(dump))
		rec.mu.Unlock()
		fmt.Fprint(c, answer(r))
	})
	return rec
}

// Raw returns every request received so far as bytes, bodies included.
func (r *Recorder) Raw() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.raw...)
}

// Requests returns the requests received so far.
func (r *Recorder) Requests() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.seen...)
}
