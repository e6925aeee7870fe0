package cli

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/cookies"
	"github.com/sigscope/sigscope/internal/testkit"
)

// partialCollection writes a collection with one request, auth none, to a
// server that sends the status, the headers and part of the body, then
// closes the connection.
func partialCollection(t *testing.T, head, part string) string {
	t.Helper()
	addr := testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		c.Write([]byte(head + part))
	})
	return collectionFor(t, addr)
}

// collectionFor writes a collection with one request, auth none, to addr.
func collectionFor(t *testing.T, addr string) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CACHE_HOME", dir)
	coll := filepath.Join(dir, "partial.yaml")
	text := "name: partial\nrequests:\n  - name: get\n    method: GET\n    url: http://" + addr + "/x\n    auth: {mode: none}\n"
	if err := os.WriteFile(coll, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return coll
}

const partialCookie = "s3cr3tSessionValue0123"

// TestSendKeepsAPartialAnswer: an answer cut short is printed as far as it
// came, marked incomplete, with exit 4; the hint does not call the server
// unreachable, and the cookie it set is masked.
func TestSendKeepsAPartialAnswer(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 50\r\nSet-Cookie: session=" + partialCookie + "; Path=/\r\n\r\n"
	part := "sid " + partialCookie // 26 bytes, echoing the cookie

	t.Run("json", func(t *testing.T) {
		coll := partialCollection(t, head, part)
		var out, errb lockedBuf
		code := Main([]string{"send", coll, "get", "-o", "json", "--yes"}, strings.NewReader(""), &out, &errb)
		if code != ExitTransport {
			t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, ExitTransport, out.String(), errb.String())
		}
		var v struct {
			Response *struct {
				Status     int     `json:"status"`
				Body       *string `json:"body"`
				Size       int64   `json:"size"`
				Incomplete string  `json:"incomplete"`
				Headers    []struct{ Name, Value string }
			} `json:"response"`
			Error *struct {
				Kind    string `json:"kind"`
				Message string `json:"message"`
				Hint    string `json:"hint"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(out.String()), &v); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		r := v.Response
		if r == nil {
			t.Fatalf(`"response" is null: what arrived was thrown away`)
		}
		wantBody := "sid " + cookies.Mask(partialCookie)
		if r.Status != 200 || r.Body == nil || *r.Body != wantBody || r.Size != int64(len(part)) || !strings.Contains(r.Incomplete, "closed after 26 of 50 bytes") {
			t.Errorf("status %d body %v size %d incomplete %q", r.Status, r.Body, r.Size, r.Incomplete)
		}
		if len(r.Headers) != 3 || r.Headers[0].Value != "text/plain" {
			t.Errorf("headers %v", r.Headers)
		}
		if e := v.Error; e == nil || e.Kind != "incomplete" || e.Message != r.Incomplete || strings.Contains(e.Hint, "reachable (VPN") {
			t.Errorf("error %+v", v.Error)
		}
		if strings.Contains(out.String(), partialCookie) {
			t.Errorf("the cookie value is in clear:\n%s", out.String())
		}
	})

	t.Run("text", func(t *testing.T) {
		coll := partialCollection(t, head, part)
		var out, errb lockedBuf
		code := Main([]string{"send", coll, "get", "-i", "--yes"}, strings.NewReader(""), &out, &errb)
		if code != ExitTransport {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
		}
		if !strings.HasPrefix(out.String(), "HTTP/1.1 200 OK\n") || !strings.Contains(out.String(), "Content-Length: 50\n") || !strings.HasSuffix(out.String(), "\n\nsid "+cookies.Mask(partialCookie)) {
			t.Errorf("stdout %q", out.String())
		}
		e := errb.String()
		if !strings.Contains(e, "incomplete answer: GET http://") || !strings.Contains(e, "answered 200 OK, then the connection closed after 26 of 50 bytes") || strings.Contains(e, "no answer") {
			t.Errorf("stderr %q", e)
		}
		if strings.Contains(out.String()+e, partialCookie) {
			t.Errorf("the cookie value is in clear:\n%s%s", out.String(), e)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		// The deadline passes once send has read the part (testkit.WaitRead),
		// not after a time a slow machine might not keep.
		deadline := testkit.NewDeadline()
		coll := collectionFor(t, testkit.ServeStalled(t, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n0123456789", testkit.ExpireWhenRead(t, deadline)))
		var out, errb lockedBuf
		code := mainContext(deadline, []string{"send", coll, "get", "--timeout", "42s", "--yes"}, strings.NewReader(""), &out, &errb)
		if code != ExitTransport || out.String() != "0123456789" || !strings.Contains(errb.String(), "then timed out after 10 of 50 bytes") {
			t.Errorf("exit %d\nstdout %q\nstderr %q", code, out.String(), errb.String())
		}
	})
}
