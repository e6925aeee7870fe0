package cli

import (
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// FirstFrameEnv names a file: when it is set, the terminal UI writes there
// the wall clock (Unix nanoseconds) at which the first frame showing
// FirstFrameTextEnv's text (any visible text when unset) had been written
// to the terminal, and after a space the CPU time the process had used by
// then (nanoseconds; 0 where it is not measured). bench/startup.sh stamps the time just before it starts
// sigscope and reads this one: the time a person waits for the first
// screen, measured outside View and the update loop, from the bytes that
// reach the terminal.
const (
	FirstFrameEnv     = "SIGSCOPE_FIRST_FRAME"
	FirstFrameTextEnv = "SIGSCOPE_FIRST_FRAME_TEXT"
)

// firstFrameProbe is the terminal with a stamp on the first frame. It
// keeps the *os.File (the UI needs its descriptor for raw mode and the
// window size) and only watches Write.
type firstFrameProbe struct {
	*os.File
	path, text string
	seen       strings.Builder // the visible text so far, for a marker split across writes
	done       bool
}

// probeFirstFrame wraps out when FirstFrameEnv is set and out is a file.
func probeFirstFrame(out io.Writer) io.Writer {
	path := os.Getenv(FirstFrameEnv)
	f, ok := out.(*os.File)
	if path == "" || !ok {
		return out
	}
	return &firstFrameProbe{File: f, path: path, text: os.Getenv(FirstFrameTextEnv)}
}

func (p *firstFrameProbe) Write(b []byte) (int, error) {
	n, err := p.File.Write(b)
	if !p.done {
		p.seen.WriteString(ansi.Strip(string(b)))
		visible := p.seen.String()
		if len(visible) > 1<<20 { // a marker that never comes: keep the tail
			p.seen.Reset()
			p.seen.WriteString(visible[len(visible)-4096:])
		}
		if p.text == "" && strings.TrimSpace(visible) != "" || p.text != "" && strings.Contains(visible, p.text) {
			p.done = true
			_ = os.WriteFile(p.path, []byte(strconv.FormatInt(time.Now().UnixNano(), 10)+" "+strconv.FormatInt(int64(processCPU()), 10)+"\n"), 0o600)
		}
	}
	return n, err
}
