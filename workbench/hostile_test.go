package workbench

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/testkit"
)

func openYAML(t *testing.T, src string, env map[string]string) *Workbench {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte(src), 0o600)
	wb, err := Open(path, Options{Env: Env{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, CacheDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := wb.Trust(); err != nil { // as a person confirms it
		t.Fatal(err)
	}
	return wb
}

// TestHostHeaderDoesNotMoveTheConnection: a Host header names the virtual
// host; the request (and its token) still goes to the URL's host.
func TestHostHeaderDoesNotMoveTheConnection(t *testing.T) {
	good := testkit.NewRecorder(t, nil)
	evil := testkit.NewRecorder(t, nil)
	wb := openYAML(t, "name: c\nrequests:\n  - name: r\n    method: GET\n    url: http://"+good.Addr+"/x\n    headers: {Host: \""+evil.Addr+"\", X-Api-Key: k123}\n", nil)
	oc := wb.Send(context.Background(), "r", Run{Timeout: 5 * time.Second})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Err != nil {
		t.Fatalf("send: %v %v", oc.Err, oc.Result.Err)
	}
	if len(evil.Requests()) != 0 {
		t.Fatal("the Host header moved the request to another host")
	}
	if got := good.Requests(); len(got) != 1 || got[0].Host != evil.Addr {
		t.Fatalf("the URL's host got %d requests", len(got))
	}
}

// TestCrossHostRedirectDropsEverySecret: following a redirect to another
// host, headers named like credentials and headers holding a value from
// the environment stay behind.
func TestCrossHostRedirectDropsEverySecret(t *testing.T) {
	other := testkit.NewRecorder(t, nil)
	first := testkit.NewRecorder(t, func(*http.Request) string {
		return "HTTP/1.1 302 Found\r\nLocation: http://" + other.Addr + "/landing\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	})
	src := "name: c\nrequests:\n  - name: r\n    method: GET\n    url: http://" + first.Addr + "/x\n" +
		"    headers:\n      Proxy-Authorization: Basic cHJveHk6cGFzcw==\n      X-Auth-Token: t-123\n      X-Custom: \"{{env.MY_HEADER}}\"\n      X-Plain: hello\n"
	src = strings.Replace(src, "name: c\n", "name: c\nvariables: [MY_HEADER]\n", 1)
	wb := openYAML(t, src, map[string]string{"MY_HEADER": "s3cr3t-from-env"})
	oc := wb.Send(context.Background(), "r", Run{Timeout: 5 * time.Second, Follow: true})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Err != nil {
		t.Fatalf("send: %v %v", oc.Err, oc.Result.Err)
	}
	got := other.Requests()
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
