package workbench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/testkit"
)

// recorder is a loopback server that keeps every request it gets and
// answers with a status and headers of the test's choosing.
type recorder struct {
	mu   sync.Mutex
	seen []*http.Request
	addr string
}

func newRecorder(t *testing.T, answer func(r *http.Request) string) *recorder {
	rec := &recorder{}
	rec.addr = testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		r, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		rec.mu.Lock()
		rec.seen = append(rec.seen, r)
		rec.mu.Unlock()
		fmt.Fprint(c, answer(r))
	})
	return rec
}

func (r *recorder) requests() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.seen...)
}

func ok(*http.Request) string {
	return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
}

func openYAML(t *testing.T, src string, env map[string]string) *Workbench {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte(src), 0o600)
	wb, err := Open(path, Options{Env: Env{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, CacheDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}

// TestHostHeaderDoesNotMoveTheConnection: a Host header names the virtual
// host; the request (and its token) still goes to the URL's host.
func TestHostHeaderDoesNotMoveTheConnection(t *testing.T) {
	good := newRecorder(t, ok)
	evil := newRecorder(t, ok)
	wb := openYAML(t, "name: c\nrequests:\n  - name: r\n    method: GET\n    url: http://"+good.addr+"/x\n    headers: {Host: \""+evil.addr+"\", X-Api-Key: k123}\n", nil)
	oc := wb.Send(context.Background(), "r", Run{Timeout: 5 * time.Second})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Err != nil {
		t.Fatalf("send: %v %v", oc.Err, oc.Result.Err)
	}
	if len(evil.requests()) != 0 {
		t.Fatal("the Host header moved the request to another host")
	}
	if got := good.requests(); len(got) != 1 || got[0].Host != evil.addr {
		t.Fatalf("the URL's host got %d requests", len(got))
	}
}

// TestCrossHostRedirectDropsEverySecret: following a redirect to another
// host, headers named like credentials and headers holding a value from
// the environment stay behind.
func TestCrossHostRedirectDropsEverySecret(t *testing.T) {
	other := newRecorder(t, ok)
	first := newRecorder(t, func(*http.Request) string {
		return "HTTP/1.1 302 Found\r\nLocation: http://" + other.addr + "/landing\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	})
	src := "name: c\nrequests:\n  - name: r\n    method: GET\n    url: http://" + first.addr + "/x\n" +
		"    headers:\n      Proxy-Authorization: Basic cHJveHk6cGFzcw==\n      X-Auth-Token: t-123\n      X-Custom: \"{{env.MY_TOKEN}}\"\n      X-Plain: hello\n"
	src = strings.Replace(src, "name: c\n", "name: c\nvariables: [MY_TOKEN]\n", 0)
	wb := openYAML(t, src, map[string]string{"MY_TOKEN": "s3cr3t-from-env"})
	oc := wb.Send(context.Background(), "r", Run{Timeout: 5 * time.Second, Follow: true})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Err != nil {
		t.Fatalf("send: %v %v", oc.Err, oc.Result.Err)
	}
	got := other.requests()
	if len(got) != 1 {
		t.Fatalf("the other host got %d requests", len(got))
	}
	for _, h := range []string{"Proxy-Authorization", "X-Auth-Token", "X-Custom"} {
		if v := got[0].Header.Get(h); v != "" {
			t.Errorf("%s followed the redirect to another host: %q", h, v)
		}
	}
	if got[0].Header.Get("X-Plain") != "hello" {
		t.Error("an ordinary header was dropped too")
	}
}
