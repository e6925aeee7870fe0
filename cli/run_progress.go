package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

// runProgress is the one line a run draws on a terminal while it goes: a
// bar, steps done of all, how many failed, the request in flight and for
// how long. It is drawn in place (carriage return, erase line) and erased
// before each result line, which is then printed where it stood, so the
// terminal ends with the result lines only. A nil *runProgress draws
// nothing: a pipe, a file, JSON and TAP never get it.
type runProgress struct {
	mu      sync.Mutex
	w       io.Writer
	width   func() int // the terminal's columns, read at each draw (it may be resized)
	total   int
	done    int
	failed  int
	current string
	since   time.Time
	now     func() time.Time
	shown   bool // a line is on the screen
	stop    chan struct{}
	stopped sync.WaitGroup
}

// progressTick is how often the line is redrawn while a request is in
// flight, so that a slow one shows its time going up.
const progressTick = 200 * time.Millisecond

// newRunProgress gives a progress line for a text run whose result lines
// and progress share one terminal: stdout and stderr both terminals, and a
// terminal that can erase a line. Otherwise nil.
func newRunProgress(stdout, stderr io.Writer, format string, total int) *runProgress {
	if format != "text" || total == 0 || !isTerminal(stdout) || !isTerminal(stderr) || os.Getenv("TERM") == "dumb" {
		return nil
	}
	return startProgress(stderr, func() int { return terminalWidth(stderr) }, total, time.Now)
}

// startProgress draws on w, redrawing every progressTick until finish.
func startProgress(w io.Writer, width func() int, total int, now func() time.Time) *runProgress {
	p := &runProgress{w: w, width: width, total: total, now: now, since: now(), stop: make(chan struct{})}
	p.stopped.Add(1)
	go func() {
		defer p.stopped.Done()
		t := time.NewTicker(progressTick)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				if p.current != "" {
					p.draw()
				}
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// starting names the request in flight.
func (p *runProgress) starting(iteration int, request string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = workbench.StepResult{Iteration: iteration, Request: request}.Label()
	p.since = p.now()
	p.draw()
}

// result erases the line, lets print write the step's result lines where
// it stood, and counts the step; the next starting draws again.
func (p *runProgress) result(s workbench.StepResult, print func()) {
	if p == nil {
		print()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	print()
	p.done++
	if s.Verdict != workbench.StepPassed {
		p.failed++
	}
	p.current = ""
	p.draw()
}

// finish stops the redraws and erases the line, before the summary.
func (p *runProgress) finish() {
	if p == nil {
		return
	}
	close(p.stop)
	p.stopped.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *runProgress) clear() {
	if p.shown {
		io.WriteString(p.w, "\r\x1b[2K")
		p.shown = false
	}
}

// draw writes the line, one column short of the terminal's width: a line
// that fills the last column makes some terminals (and tmux) wrap, and
// the carriage return would then go back to the wrong line.
func (p *runProgress) draw() {
	io.WriteString(p.w, "\r"+progressLine(p.width()-1, p.done, p.total, p.failed, p.current, p.now().Sub(p.since))+"\x1b[K")
	p.shown = true
}

// progressLine is the progress as text at most width columns wide.
func progressLine(width, done, total, failed int, current string, elapsed time.Duration) string {
	if width < 20 {
		width = 79 // not a terminal we can measure: assume the usual
	}
	count := fmt.Sprintf(" %d/%d", done, total)
	if failed > 0 {
		count += fmt.Sprintf(" · %d failed", failed)
	}
	barW := min(max(width/4, 10), 30)
	fill := 0
	if total > 0 {
		fill = barW * min(done, total) / total
	}
	line := "[" + strings.Repeat("█", fill) + strings.Repeat("░", barW-fill) + "]" + count
	if current != "" {
		tail := fmt.Sprintf(" · %.1fs", elapsed.Seconds())
		room := width - ansi.StringWidth(line) - ansi.StringWidth(tail) - 2
		if room >= 8 {
			line += "  " + ansi.Truncate(termsafe.Line(current), room, "…") + tail
		}
	}
	return ansi.Truncate(line, width, "")
}
