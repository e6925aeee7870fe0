package differential

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRelayKeepsTheBytes: what the relay records is byte for byte what the
// client wrote (raw bytes, a body framed by Content-Length, a chunked body
// after 100 Continue), what reaches the server is the same, and the
// server's answer comes back.
func TestRelayKeepsTheBytes(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.RequestURI+" "+string(body))
		mu.Unlock()
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "short and stout")
	}))
	defer srv.Close()
	rl := startRelay(t, strings.TrimPrefix(srv.URL, "http://"))
	for _, c := range []struct{ name, raw, body string }{
		{"odd bytes", "GET /a//b/../c%7e?&&e=&f+g HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Odd:  two  spaces \r\n\r\n", ""},
		{"content-length", "POST /p HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello", "hello"},
		{"chunked", "PUT /c HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", "abcde"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(rl.exchanges())
			conn, err := net.Dial("tcp", rl.host())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			head, body, _ := strings.Cut(c.raw, "\r\n\r\n")
			io.WriteString(conn, head+"\r\n\r\n")
			br := bufio.NewReader(conn)
			if strings.Contains(head, "Expect: 100-continue") {
				line, _ := br.ReadString('\n')
				if !strings.HasPrefix(line, "HTTP/1.1 100") {
					t.Fatalf("no 100 Continue before the body: %q", line)
				}
				br.ReadString('\n')
			}
			io.WriteString(conn, body)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusTeapot || string(got) != "short and stout" {
				t.Fatalf("answer %d %q", resp.StatusCode, got)
			}
			ex := rl.exchanges()
			if len(ex) != before+1 {
				t.Fatalf("%d exchanges recorded, want %d", len(ex), before+1)
			}
			last := ex[len(ex)-1]
			if !bytes.Equal(last.Request, []byte(c.raw)) {
				t.Fatalf("recorded %q\nwant      %q", last.Request, c.raw)
			}
			if last.Status != http.StatusTeapot || !bytes.HasPrefix(last.Response, []byte("HTTP/1.1 418")) {
				t.Fatalf("recorded answer %d %q", last.Status, last.Response)
			}
			w, err := parseWire(last.Request)
			if err != nil || string(w.Body) != c.body {
				t.Fatalf("parsed body %q (%v), want %q", w.Body, err, c.body)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "GET /a//b/../c%7e?&&e=&f+g "; len(seen) == 0 || seen[0] != want {
		t.Errorf("the server saw %q first, want %q", seen, want)
	}
}
