package exchange

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/sign"
)

// partialServer reads the request, writes head and then part, and then
// closes the connection.
func partialServer(t *testing.T, head, part string) string {
	t.Helper()
	return testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		// Read the whole request first: closing with unread bytes would
		// reset the connection instead of closing it.
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		c.Write([]byte(head + part))
	})
}

// wantIncomplete checks that a body cut short comes back as what arrived,
// marked incomplete, with an error of kind incomplete that does not call
// the server unreachable.
func wantIncomplete(t *testing.T, res *Result, status int, body, inIncomplete string) *Response {
	t.Helper()
	if res.Err == nil || res.Err.Kind != KindIncomplete {
		t.Fatalf("error %+v, want kind %q", res.Err, KindIncomplete)
	}
	r := res.Response
	if r == nil {
		t.Fatalf("the status, headers and partial body were thrown away: %+v", res.Err)
	}
	if r.Status != status || r.Incomplete == "" || !strings.Contains(r.Incomplete, inIncomplete) {
		t.Errorf("status %d incomplete %q; want %d and %q", r.Status, r.Incomplete, status, inIncomplete)
	}
	got := string(r.Body)
	if r.BodyFile != "" {
		b, err := os.ReadFile(r.BodyFile)
		if err != nil {
			t.Fatal(err)
		}
		got = string(b)
	}
	if got != body || r.Size != int64(len(body)) || r.WireSize != int64(len(body)) {
		t.Errorf("body %q size %d wire size %d; want %q", got, r.Size, r.WireSize, body)
	}
	if res.Err.Message != r.Incomplete || res.Err.Op != "read body" {
		t.Errorf("error op %q message %q; want read body and %q", res.Err.Op, res.Err.Message, r.Incomplete)
	}
	if h := res.Err.Hint; !strings.Contains(h, "part of the body") || strings.Contains(h, "is it up and reachable") || strings.Contains(h, "emulator") {
		t.Errorf("hint %q: it should say the server stopped mid-answer", h)
	}
	return r
}

func TestBodyCutShortByCloseIsKept(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 50\r\nSet-Cookie: session=abc123; Path=/\r\n\r\n"
	part := "hello caf\xc3" // 10 bytes, the last one half of "é"
	addr := partialServer(t, head, part)
	jar := cookies.NewJar()
	res := Send(t.Context(), &sign.Request{Method: "GET", Scheme: "http", Host: addr, Path: "/"}, Options{Timeout: 5 * time.Second, Jar: jar})
	t.Cleanup(func() { res.Close() })
	r := wantIncomplete(t, res, 200, part, "the connection closed after 10 of 50 bytes")
	if ct, _ := r.Header("Content-Type"); ct != "text/plain" || r.StatusText != "200 OK" {
		t.Errorf("headers %v status %q", r.Headers, r.StatusText)
	}
	if r.Binary {
		t.Errorf("a text body cut inside a character is called binary: %s", r.BinaryReason)
	}
	if len(res.Cookies) != 1 || !res.Cookies[0].Stored || len(jar.All(time.Now())) != 1 {
		t.Errorf("the cookie of a cut answer was not stored: %+v", res.Cookies)
	}
}

func TestBodyCutShortSpooledIsKept(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"
	part := strings.Repeat("x", 1234)
	addr := partialServer(t, head, part)
	res := Send(t.Context(), &sign.Request{Method: "GET", Scheme: "http", Host: addr, Path: "/"}, Options{Timeout: 5 * time.Second, MemoryLimit: 100, SpoolDir: t.TempDir()})
	r := wantIncomplete(t, res, 200, part, "closed after 1234 of 5000 bytes")
	file := r.BodyFile
	if file == "" {
		t.Fatal("a partial body beyond the memory limit was not spooled")
	}
	if err := res.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("Close left the spooled partial body: %v", err)
	}
}

// The deadline passes once the client has read the part the server wrote
// (testkit.Deadline, testkit.WaitRead), not after a time the machine
// might not keep.
func TestBodyStalledIsKeptOnTimeout(t *testing.T) {
	head := "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 50\r\n\r\n"
	deadline := testkit.NewDeadline()
	addr := testkit.ServeStalled(t, head+"0123456789", testkit.ExpireWhenRead(t, deadline))
	res := Send(deadline, &sign.Request{Method: "GET", Scheme: "http", Host: addr, Path: "/"}, Options{Timeout: 42 * time.Second})
	t.Cleanup(func() { res.Close() })
	wantIncomplete(t, res, 503, "0123456789", "timed out after 10 of 50 bytes")
	if !strings.Contains(res.Err.Hint, "--timeout") {
		t.Errorf("hint %q", res.Err.Hint)
	}
}

func TestChunkedBodyClosedBeforeLastChunkIsKept(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
	addr := partialServer(t, head, "5\r\n[1,2,\r\n6\r\n 3, 4,\r\n")
	res := Send(t.Context(), &sign.Request{Method: "GET", Scheme: "http", Host: addr, Path: "/"}, Options{Timeout: 5 * time.Second})
	t.Cleanup(func() { res.Close() })
	r := wantIncomplete(t, res, 200, "[1,2, 3, 4,", "the connection closed after 11 bytes, before the last chunk")
	if len(r.TransferEncoding) != 1 || r.TransferEncoding[0] != "chunked" {
		t.Errorf("transfer encoding %v", r.TransferEncoding)
	}
}

func TestCompressedBodyCutShortIsShownAsReceived(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 40\r\n\r\n"
	part := "\x1f\x8b\x08\x00\x00\x00\x00\x00"
	addr := partialServer(t, head, part)
	res := Send(t.Context(), &sign.Request{Method: "GET", Scheme: "http", Host: addr, Path: "/"}, Options{Timeout: 5 * time.Second})
	t.Cleanup(func() { res.Close() })
	r := wantIncomplete(t, res, 200, part, "closed after 8 of 40 bytes")
	if len(r.Decoded) != 0 || !strings.Contains(r.Undecoded, "incomplete") {
		t.Errorf("decoded %v undecoded %q", r.Decoded, r.Undecoded)
	}
}
