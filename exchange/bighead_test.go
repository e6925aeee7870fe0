package exchange

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/sign"
)

// TestOversizedHeadersAreNotCalledNonHTTP: a server that answers HTTP with
// headers too big to read is told apart from one that does not speak it.
func TestOversizedHeadersAreNotCalledNonHTTP(t *testing.T) {
	addr := testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		http.ReadRequest(bufio.NewReader(c))
		c.Write([]byte("HTTP/1.1 200 OK\r\nSet-Cookie: big=" + strings.Repeat("a", maxHeadBytes+10) + "\r\n\r\n"))
	})
	res := Send(t.Context(), &sign.Request{Method: "GET", Scheme: "http", Host: addr, Path: "/"}, Options{Timeout: 5 * time.Second})
	if res.Err == nil || res.Err.Kind != KindProtocol || strings.Contains(res.Err.Hint, "does not speak HTTP/1.1") || !strings.Contains(res.Err.Hint, "more headers") {
		t.Fatalf("oversized headers: %+v", res.Err)
	}
}
