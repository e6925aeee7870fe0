package differential

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// exchange is one request as the relay received it, byte for byte, and
// the emulator's answer to those bytes.
type exchange struct {
	Request  []byte // exactly what the client sent (head and body)
	Response []byte // exactly what the emulator answered (status line, headers, body)
	Status   int
	Body     []byte
	Err      error
}

// relay is a raw TCP listener on 127.0.0.1 that records every request a
// client sends, forwards those bytes unchanged to the emulator on a fresh
// connection, and hands the emulator's answer back. It parses the stream
// only to know where a request ends (Content-Length or chunked).
type relay struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	got      []exchange
	wg       sync.WaitGroup
}

func startRelay(t *testing.T, upstream string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln, upstream: upstream}
	r.wg.Add(1)
	go r.serve()
	t.Cleanup(r.close)
	return r
}

func (r *relay) port() int { return r.ln.Addr().(*net.TCPAddr).Port }

func (r *relay) host() string { return r.ln.Addr().String() }

func (r *relay) close() {
	r.ln.Close()
	r.wg.Wait()
}

// exchanges returns what was recorded so far.
func (r *relay) exchanges() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.got...)
}

func (r *relay) serve() {
	defer r.wg.Done()
	for {
		conn, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer conn.Close()
			r.handle(conn)
		}()
	}
}

// handle relays one request per connection, then closes it.
func (r *relay) handle(conn net.Conn) {
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(conn)
	raw, err := readRawRequest(br, conn)
	if len(raw) == 0 && err != nil {
		return // a connection closed without a request
	}
	ex := exchange{Request: raw, Err: err}
	if err == nil {
		ex.Response, ex.Status, ex.Body, ex.Err = forward(r.upstream, raw)
	}
	// Recorded before the client gets its answer: a client that has the
	// answer finds the exchange kept.
	r.mu.Lock()
	r.got = append(r.got, ex)
	r.mu.Unlock()
	if ex.Err == nil && len(ex.Response) > 0 {
		_, _ = conn.Write(ex.Response)
	}
}

// readRawRequest reads one request and returns its exact bytes. It
// answers "100 Continue" to a client that waits for it before its body.
func readRawRequest(br *bufio.Reader, w io.Writer) ([]byte, error) {
	var raw bytes.Buffer
	length, chunked, expect := 0, false, false
	for first := true; ; first = false {
		line, err := br.ReadString('\n')
		raw.WriteString(line)
		if err != nil {
			return raw.Bytes(), fmt.Errorf("headers cut short: %w", err)
		}
		l := strings.TrimRight(line, "\r\n")
		if l == "" {
			if first {
				continue // tolerated before the request line
			}
			break
		}
		name, value, _ := strings.Cut(l, ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-length":
			if length, err = strconv.Atoi(value); err != nil || length < 0 {
				return raw.Bytes(), fmt.Errorf("bad Content-Length %q", value)
			}
		case "transfer-encoding":
			chunked = strings.EqualFold(value, "chunked")
		case "expect":
			expect = strings.EqualFold(value, "100-continue")
		}
	}
	if expect && (length > 0 || chunked) {
		_, _ = io.WriteString(w, "HTTP/1.1 100 Continue\r\n\r\n")
	}
	if chunked {
		_, err := dechunk(br, &raw)
		return raw.Bytes(), err
	}
	body := make([]byte, length)
	_, err := io.ReadFull(br, body)
	raw.Write(body)
	return raw.Bytes(), err
}

// forward sends raw to the emulator on a new connection and returns its
// answer as received, past any 1xx interim answers.
func forward(upstream string, raw []byte) (response []byte, status int, body []byte, err error) {
	conn, err := net.DialTimeout("tcp", upstream, 5*time.Second)
	if err != nil {
		return nil, 0, nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := conn.Write(raw); err != nil {
		return nil, 0, nil, err
	}
	var rec bytes.Buffer
	br := bufio.NewReader(io.TeeReader(conn, &rec))
	for {
		start := rec.Len() - br.Buffered()
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return rec.Bytes(), 0, nil, err
		}
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return rec.Bytes(), 0, nil, err
		}
		if resp.StatusCode >= 200 {
			end := rec.Len() - br.Buffered()
			return append([]byte(nil), rec.Bytes()[start:end]...), resp.StatusCode, body, nil
		}
	}
}
