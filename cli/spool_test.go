package cli

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/testkit"
)

// TestSpooledBodyRemovedOnSIGTERM: a body too big for memory is spooled to
// disk; a send ended by SIGTERM mid-body leaves no file behind.
func TestSpooledBodyRemovedOnSIGTERM(t *testing.T) {
	const size = 64 << 20
	streaming := make(chan struct{}, 1)
	addr := testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		http.ReadRequest(bufio.NewReader(c))
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", size)
		chunk := make([]byte, 1<<20)
		for i := 0; i < 20; i++ { // 20 MiB: past the memory limit, then stall
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
		streaming <- struct{}{}
		time.Sleep(30 * time.Second)
	})
	dir := t.TempDir()
	coll := filepath.Join(dir, "c.yaml")
	os.WriteFile(coll, []byte("name: c\nrequests:\n  - name: big\n    method: GET\n    url: http://"+addr+"/big\n"), 0o600)
	tmp := t.TempDir()
	cmd := exec.Command(binary, "send", coll, "big", "--yes", "--timeout", "60s")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+dir, "XDG_CACHE_HOME="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-streaming:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the server never got to stream")
	}
	// The spool file exists now, somewhere under TMPDIR.
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitInterrupted {
		t.Fatalf("send after SIGTERM: %v", err)
	}
	var left []string
	filepath.Walk(tmp, func(p string, fi os.FileInfo, err error) error {
		if err == nil && p != tmp && strings.Contains(p, "sigscope") {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}
