package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/internal/testkit"
)

// evil is what a hostile server (or file) sends: an OSC that retitles the
// terminal, a CSI that clears it, a bell, a C1 CSI and a bidi override.
const evil = "\x1b]0;pwned\x07 \x1b[2J \x07 \u009b31m \u202eevil"

// rawTerminalBytes reports the bytes of out that a terminal would obey
// rather than show: ESC, BEL and C1 controls.
func rawTerminalBytes(out []byte) string {
	var found []string
	if bytes.IndexByte(out, 0x1b) >= 0 {
		found = append(found, "ESC")
	}
	if bytes.IndexByte(out, 0x07) >= 0 {
		found = append(found, "BEL")
	}
	for r := rune(0x80); r <= 0x9f; r++ {
		if bytes.Contains(out, []byte(string(r))) {
			found = append(found, fmt.Sprintf("U+%04X", r))
		}
	}
	if bytes.Contains(out, []byte("\u202e")) {
		found = append(found, "U+202E")
	}
	return strings.Join(found, ", ")
}

// onTerminal runs the built binary under a pseudo-terminal (script) and
// returns every byte it wrote there.
func onTerminal(t *testing.T, args ...string) []byte {
	t.Helper()
	sc := peer.Command(t, "script")
	var cmd strings.Builder
	cmd.WriteString("NO_COLOR=1 " + binary)
	for _, a := range args {
		cmd.WriteString(" '" + strings.ReplaceAll(a, "'", `'\''`) + "'")
	}
	out, _ := exec.Command(sc, "-q", "-e", "-c", cmd.String(), "/dev/null").Output()
	return out
}

// TestServerBytesNeverReachTheTerminalRaw sends a body and headers full of
// control sequences through send (body, -i) and sign (a file's body, a
// parse error quoting the file), on a real pseudo-terminal, and finds no
// byte a terminal would obey. Into a pipe, the body stays exact.
func TestServerBytesNeverReachTheTerminalRaw(t *testing.T) {
	addr := testkit.Serve(t, func(c net.Conn) {
		defer c.Close()
		http.ReadRequest(bufio.NewReader(c))
		// A header line may not hold C0 controls (the client refuses the
		// answer, with the line escaped in its message); C1 controls and
		// bidi overrides are valid UTF-8 and get through to the output.
		fmt.Fprintf(c, "HTTP/1.1 200 OK %s\r\nContent-Type: text/plain\r\nX-Evil: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", "\u009b0m", "\u009b31m \u202eheader", len(evil), evil)
	})
	dir := t.TempDir()
	coll := filepath.Join(dir, "evil.yaml")
	os.WriteFile(coll, []byte("name: evil\nrequests:\n  - name: get\n    method: GET\n    url: http://"+addr+"/x\n"), 0o600)
	raw := filepath.Join(dir, "req.txt")
	os.WriteFile(raw, []byte("POST /p HTTP/1.1\nHost: h.example.com\nContent-Length: "+fmt.Sprint(len(evil))+"\n\n"+evil), 0o600)
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("GET /p HTTP/1.1\nHost: h\nX-A: "+evil+"\n\n"), 0o600)
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

	for _, c := range []struct {
		name string
		args []string
		want string // something that shows the output was there, escaped
	}{
		{"send", []string{"send", coll, "get", "--yes"}, `\x1b]0;pwned\x07`},
		{"send -i", []string{"send", coll, "get", "-i", "--yes"}, `X-Evil: \x9b31m \u202eheader`},
		{"sign", []string{"sign", "--request-file", raw, "--region", "us-east-1"}, `\x1b[2J`},
		{"sign error", []string{"sign", "--request-file", bad, "--region", "us-east-1"}, `sigscope:`},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := onTerminal(t, c.args...)
			if raw := rawTerminalBytes(out); raw != "" {
				t.Fatalf("%s reached the terminal raw:\n%q", raw, out)
			}
			if !bytes.Contains(out, []byte(c.want)) {
				t.Fatalf("output lacks %q:\n%q", c.want, out)
			}
		})
	}
	// Into a pipe, the body goes as received.
	var stdout, stderr lockedBuf
	if code := Main([]string{"send", coll, "get", "--yes"}, strings.NewReader(""), &stdout, &stderr); code != ExitOK || stdout.String() != evil {
		t.Fatalf("piped body changed: exit %d %q", code, stdout.String())
	}
}

// TestDemoEscapesOnATerminal: the walk-through prints what the gateway
// echoed; on a terminal (width known) it is escaped like everything else.
func TestDemoEscapesOnATerminal(t *testing.T) {
	var b bytes.Buffer
	d := &demo{w: &b, width: 80}
	d.printf("echo: %s\n", evil)
	d.block("block", evil)
	if raw := rawTerminalBytes(b.Bytes()); raw != "" {
		t.Fatalf("%s in the demo's output: %q", raw, b.String())
	}
}
