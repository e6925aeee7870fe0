package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/internal/testkit"
)

// leftIn lists what a run left in its temporary folder.
func leftIn(t *testing.T, tmp string) []string {
	t.Helper()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	return left
}

// spooledFile is a non-empty file inside a sigscope-send-* folder of
// tmp, "" while there is none.
func spooledFile(t *testing.T, tmp string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(tmp, "sigscope-send-*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
			return f
		}
	}
	return ""
}

// exitCode waits for cmd and returns its exit code; a process killed by
// a signal (no handler) fails the test.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the process did not end after the signal")
	}
	if err == nil {
		return 0
	}
	ee, ok := err.(*exec.ExitError)
	if !ok {
		t.Fatal(err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Fatalf("killed by %v: nothing was cleaned up", ws.Signal())
	}
	return ee.ExitCode()
}

// TestSendSpoolRemovedOnHangupAndQuit: a body too big for memory is
// spooled to disk; a kill (SIGTERM), a closed terminal (SIGHUP) or Ctrl-\
// (SIGQUIT) in the middle of it ends send as Ctrl-C does: exit 130, and
// the spool folder (sigscope-send-*) is gone.
func TestSendSpoolRemovedOnHangupAndQuit(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			streaming := make(chan struct{}, 1)
			addr := testkit.Serve(t, func(c net.Conn) {
				defer c.Close()
				http.ReadRequest(bufio.NewReader(c))
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", 64<<20)
				chunk := make([]byte, 1<<20)
				for i := 0; i < 20; i++ { // past the memory limit, then stall
					if _, err := c.Write(chunk); err != nil {
						return
					}
				}
				streaming <- struct{}{}
				time.Sleep(30 * time.Second)
			})
			dir, tmp := t.TempDir(), t.TempDir()
			coll := filepath.Join(dir, "c.yaml")
			os.WriteFile(coll, []byte("name: c\nrequests:\n  - name: big\n    method: GET\n    url: http://"+addr+"/big\n"), 0o600)
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
			// The body is being spooled: wait for bytes in a spool file, so
			// that "nothing left behind" below is about a file that was there.
			waitFor(t, "a spool file with bytes in it while the body streams", func() string {
				return spooledFile(t, tmp)
			})
			cmd.Process.Signal(sig)
			if code := exitCode(t, cmd); code != ExitInterrupted {
				t.Fatalf("exit %d after %v, want %d", code, sig, ExitInterrupted)
			}
			if left := leftIn(t, tmp); len(left) > 0 {
				t.Fatalf("left behind after %v: %v", sig, left)
			}
		})
	}
}

// TestDemoCacheRemovedOnHangupAndQuit: the walk-through kept running
// (--keep-running) and ended by SIGHUP or SIGQUIT removes its temporary
// token cache (sigscope-demo-*).
func TestDemoCacheRemovedOnHangupAndQuit(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp, home := t.TempDir(), t.TempDir()
			cmd := exec.Command(binary, "demo", "--plain", "--keep-running")
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+home, "XDG_CACHE_HOME="+home, "NO_COLOR=1")
			stdout, _ := cmd.StdoutPipe()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitLine(t, cmd, stdout, "keeps running", &stderr)
			if len(leftIn(t, tmp)) == 0 {
				t.Fatal("no temporary cache while the demo runs: the test sees nothing")
			}
			cmd.Process.Signal(sig)
			exitCode(t, cmd)
			if left := leftIn(t, tmp); len(left) > 0 {
				t.Fatalf("left behind after %v: %v", sig, left)
			}
		})
	}
}

// waitLine reads r until a line holds want; the rest is drained so that
// the process never blocks on a full pipe.
func waitLine(t *testing.T, cmd *exec.Cmd, r io.Reader, want string, stderr *bytes.Buffer) {
	t.Helper()
	found := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.Contains(sc.Text(), want) {
				found <- true
				io.Copy(io.Discard, r)
				return
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		if ok {
			return
		}
	case <-time.After(60 * time.Second):
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatalf("never printed %q; stderr: %s", want, stderr.String())
}

// TestDemoUIRemovesItsCacheWhenTheTerminalCloses runs the demo's UI in
// tmux and kills the terminal under it (tmux sends SIGHUP, as a closed
// window or a dropped SSH session does): the temporary cache is removed.
func TestDemoUIRemovesItsCacheWhenTheTerminalCloses(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the UI in tmux")
	}
	tmux := peer.Command(t, "tmux")
	tmp, home := t.TempDir(), t.TempDir()
	socket := fmt.Sprintf("sigscope-hup-%d", os.Getpid())
	tm := func(args ...string) string {
		out, _ := exec.Command(tmux, append([]string{"-L", socket}, args...)...).CombinedOutput()
		return string(out)
	}
	t.Cleanup(func() { tm("kill-server") })
	script := fmt.Sprintf("env TMPDIR=%s HOME=%s XDG_CACHE_HOME=%s NO_COLOR=1 %s demo", tmp, home, home, binary)
	tm("new-session", "-d", "-x", "160", "-y", "48", script)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(tm("capture-pane", "-p"), "List pets") {
		if time.Now().After(deadline) {
			t.Fatalf("the UI never showed the demo collection:\n%s", tm("capture-pane", "-p"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(leftIn(t, tmp)) == 0 {
		t.Fatal("no temporary cache while the UI runs: the test sees nothing")
	}
	tm("kill-server")
	for deadline = time.Now().Add(20 * time.Second); len(leftIn(t, tmp)) > 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("left behind after the terminal closed: %v", leftIn(t, tmp))
		}
	}
}

// TestEmulatorStopsOnHangupAndQuit: SIGHUP and SIGQUIT stop the emulator
// cleanly (exit 0, "emulator stopped"); started with SIGHUP ignored, as
// nohup does, it keeps running through a hangup.
func TestEmulatorStopsOnHangupAndQuit(t *testing.T) {
	// start runs cmd until its banner; what it prints after goes to out,
	// until copied is closed.
	start := func(t *testing.T, cmd *exec.Cmd) (out *lockedBuf, copied chan struct{}) {
		t.Helper()
		stdout, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(stdout)
		for {
			line, err := br.ReadString('\n')
			if strings.Contains(line, "Press Ctrl-C") {
				break
			}
			if err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("no banner: %v %s", err, stderr.String())
			}
		}
		out, copied = &lockedBuf{}, make(chan struct{})
		go func() { io.Copy(out, br); close(copied) }()
		return out, copied
	}
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(binary, "emulator", "--addr", "127.0.0.1:0")
			out, copied := start(t, cmd)
			cmd.Process.Signal(sig)
			code := exitCode(t, cmd)
			<-copied
			if code != 0 || !strings.Contains(out.String(), "emulator stopped") {
				t.Fatalf("exit %d after %v, output %q", code, sig, out.String())
			}
		})
	}
	t.Run("nohup", func(t *testing.T) {
		sh, err := exec.LookPath("sh")
		if err != nil {
			t.Skip("no sh to start the emulator with SIGHUP ignored")
		}
		cmd := exec.Command(sh, "-c", `trap "" HUP; exec "$0" emulator --addr 127.0.0.1:0`, binary)
		out, copied := start(t, cmd)
		cmd.Process.Signal(syscall.SIGHUP)
		time.Sleep(500 * time.Millisecond)
		if strings.Contains(out.String(), "emulator stopped") {
			t.Fatal("started with SIGHUP ignored, it stopped on a hangup")
		}
		cmd.Process.Signal(syscall.SIGTERM)
		code := exitCode(t, cmd)
		<-copied
		if code != 0 || !strings.Contains(out.String(), "emulator stopped") {
			t.Fatalf("exit %d after SIGTERM, output %q", code, out.String())
		}
	})
}

// TestLoginEndsOnHangup: a login waiting for Cognito ends on SIGHUP as on
// Ctrl-C, exit 130, nothing cached.
func TestLoginEndsOnHangup(t *testing.T) {
	called := make(chan struct{}, 1)
	addr := testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		http.ReadRequest(bufio.NewReader(c))
		select {
		case called <- struct{}{}:
		default:
		}
		time.Sleep(30 * time.Second)
	})
	home := t.TempDir()
	cmd := exec.Command(binary, "login", demoCollection, "--var", "emulator=http://"+addr, "--yes", "--password-stdin")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+home)
	cmd.Stdin = strings.NewReader("hunter2\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-called:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("login never called Cognito: %s", stderr.String())
	}
	cmd.Process.Signal(syscall.SIGHUP)
	if code := exitCode(t, cmd); code != ExitInterrupted || !strings.Contains(stderr.String(), "interrupted: nothing was cached") {
		t.Fatalf("exit %d after SIGHUP: %s", code, stderr.String())
	}
}
