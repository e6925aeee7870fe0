package emulator

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator/apigw"
)

// badSignaturePOST sends a POST signed with an unknown key and a body of
// apigw.MaxBody bytes (as large as the gateway takes), writing it until
// the server stops taking it. It returns the answer's status and error
// type and how much of the body the connection took. The client's send
// buffer is small, so what was written is what the server read, give or
// take the kernel's buffers.
func badSignaturePOST(t *testing.T, addr, region string) (status int, errType string, written int64) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	_ = conn.(*net.TCPConn).SetWriteBuffer(64 << 10)
	// A guard against hanging the run, not a measurement.
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	now := time.Now().UTC()
	head := fmt.Sprintf("POST /prod/pets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n", apigw.MaxBody) +
		"X-Amz-Date: " + now.Format("20060102T150405Z") + "\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIAUNKNOWNKEY000000/" + now.Format("20060102") + "/" + region +
		"/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64) + "\r\n\r\n"
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Error(err)
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		chunk := make([]byte, 64<<10)
		for written < apigw.MaxBody {
			n, err := conn.Write(chunk)
			written += int64(n)
			if err != nil {
				return
			}
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		status, errType = res.StatusCode, res.Header.Get("x-amzn-ErrorType")
		res.Body.Close()
	}
	// The server closes the connection once it answered; the writer stops.
	wg.Wait()
	return status, errType, written
}

// TestBadSignatureFloodReadsNoBodies: 100 parallel POSTs signed with an
// unknown key, each with a 10 MiB body (1 GiB together), are all refused
// with 403 without the server taking their bodies.
func TestBadSignatureFloodReadsNoBodies(t *testing.T) {
	srv := startDefault(t, Options{})
	addr := strings.TrimPrefix(srv.URL, "http://")
	const n = 100
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, errType, written := badSignaturePOST(t, addr, srv.Config.Region)
			if status != http.StatusForbidden || errType != apigw.ErrUnrecognizedClient {
				t.Errorf("answer %d %s, want 403 %s", status, errType, apigw.ErrUnrecognizedClient)
			}
			if written >= apigw.MaxBody {
				t.Errorf("the server took the whole body (%d bytes) before refusing", written)
			}
		}()
	}
	wg.Wait()
}

// TestConnectionsBeyondLimitWait: with MaxConns connections open, one
// more is not served until one of them closes.
func TestConnectionsBeyondLimitWait(t *testing.T) {
	const limit = 4
	srv := startDefault(t, Options{MaxConns: limit})
	addr := strings.TrimPrefix(srv.URL, "http://")
	get := "GET /prod/public HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
	answer := func(c net.Conn, br *bufio.Reader, within time.Duration) (int, error) {
		_ = c.SetReadDeadline(time.Now().Add(within))
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	// Each holder is served once (so it was surely accepted), then holds
	// its connection in the middle of a second request.
	var holders []net.Conn
	for i := 0; i < limit; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		holders = append(holders, c)
		if _, err := c.Write([]byte(get)); err != nil {
			t.Fatal(err)
		}
		if status, err := answer(c, bufio.NewReader(c), 5*time.Second); status != http.StatusOK {
			t.Fatalf("holder %d: %d %v", i, status, err)
		}
		if _, err := c.Write([]byte("GET /prod/public HTTP/1.1\r\nHost: 127.0.0.1\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	if _, err := extra.Write([]byte(get)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(extra)
	// Served at once without the limit; with it, not while all slots are held.
	if status, err := answer(extra, br, 300*time.Millisecond); err == nil {
		t.Fatalf("connection %d answered %d while %d were open", limit+1, status, limit)
	}
	holders[0].Close()
	if status, err := answer(extra, br, 5*time.Second); status != http.StatusOK {
		t.Fatalf("connection %d after one closed: %d %v", limit+1, status, err)
	}
}
