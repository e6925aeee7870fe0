package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sigscope/sigscope/workbench"
)

// TestProgressLineFits: the line never reaches the width it is given, at
// 80 columns and narrower, whatever the request's name; the bar fills with
// the steps done.
func TestProgressLineFits(t *testing.T) {
	long := strings.Repeat("Very long folder name/", 10) + "Create pet"
	for _, w := range []int{79, 59, 39, 20} {
		for _, cur := range []string{"", "QA smoke/Get pet", long, "宠物/创建宠物创建宠物创建宠物创建宠物创建宠物创建宠物"} {
			line := progressLine(w, 3, 6, 1, cur, 1500*time.Millisecond)
			if got := ansi.StringWidth(line); got > w {
				t.Errorf("width %d, request %q: line is %d wide: %q", w, cur, got, line)
			}
		}
	}
	half := progressLine(79, 3, 6, 0, "", 0)
	if full, all := strings.Count(half, "█"), strings.Count(half, "█")+strings.Count(half, "░"); full != all/2 || !strings.Contains(half, " 3/6") {
		t.Errorf("3 of 6 is not half a bar: %q", half)
	}
	if l := progressLine(79, 2, 6, 1, "QA smoke/Get pet", 1500*time.Millisecond); !strings.Contains(l, "1 failed") || !strings.Contains(l, "QA smoke/Get pet · 1.5s") {
		t.Errorf("no failure count or request in flight: %q", l)
	}
	if l := progressLine(79, 0, 1, 0, "a\x1b[2Jb", 0); strings.Contains(l, "\x1b") {
		t.Errorf("a request name's escape reached the terminal: %q", l)
	}
}

// TestProgressClearsBeforeEachResult: the line is drawn in place and
// erased before each result line is printed, and once more at the end, so
// that what stays on the screen is the result lines only.
func TestProgressClearsBeforeEachResult(t *testing.T) {
	var b bytes.Buffer
	clock := time.Unix(0, 0)
	p := startProgress(&b, func() int { return 80 }, 2, func() time.Time { return clock })
	for i, name := range []string{"f/one", "f/two"} {
		p.starting(1, name)
		p.result(workbench.StepResult{Request: name, Verdict: workbench.StepPassed}, func() { fmt.Fprintf(&b, "RESULT %d\n", i) })
	}
	p.finish()
	out := b.String()
	for i := range 2 {
		if !strings.Contains(out, fmt.Sprintf("\x1b[K\r\x1b[2KRESULT %d\n", i)) {
			t.Errorf("result %d not printed on an erased line:\n%q", i, out)
		}
	}
	if !strings.HasSuffix(out, "\r\x1b[2K") || !strings.Contains(out, "\r[") {
		t.Errorf("the line is not drawn in place, or not erased at the end:\n%q", out)
	}
	var none *runProgress // what a pipe gets: every call draws nothing
	none.starting(1, "x")
	printed := false
	none.result(workbench.StepResult{}, func() { printed = true })
	none.finish()
	if !printed {
		t.Error("without a terminal the result was not printed")
	}
}

// TestNoProgressOffATerminal: a pipe, JSON and TAP never get a progress
// line.
func TestNoProgressOffATerminal(t *testing.T) {
	var b bytes.Buffer
	for _, format := range []string{"text", "json", "tap"} {
		if p := newRunProgress(&b, &b, format, 3); p != nil {
			t.Errorf("-o %s to a buffer draws progress", format)
		}
	}
	env := runEnv(t)
	coll := filepath.Join("..", "examples", "collections", "demo.yaml")
	for _, format := range []string{"text", "json", "tap"} {
		out, errs, code := run(t, env, nil, "run", coll, "QA smoke", "--emulator", "--yes", "-o", format)
		if code != 0 || strings.ContainsAny(out+errs, "\r\x1b") || strings.Contains(out+errs, "░") {
			t.Errorf("-o %s piped: exit %d, a progress line in\n%q\n%q", format, code, out, errs)
		}
	}
}

// TestProgressInTmux: at 80 columns in a real terminal, the run shows its
// progress and ends with one line per request and the summary, no bar
// left over and no line broken by a wrapped bar.
func TestProgressInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the binary in tmux")
	}
	coll, err := filepath.Abs("../examples/collections/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	tm := tmuxServer(t)
	// The run waits for the go file, so that the pane's bytes are
	// recorded from its first one.
	gate, raw := filepath.Join(home, "go"), filepath.Join(home, "raw")
	script := fmt.Sprintf("while [ ! -e %s ]; do sleep 0.1; done; env HOME=%s XDG_DATA_HOME=%s/data XDG_CACHE_HOME=%s/cache TERM=screen %s run %s 'QA smoke' --emulator --yes --repeat 3; echo EXIT=$?; sleep 60",
		gate, home, home, home, binary, coll)
	tm("new-session", "-d", "-x", "80", "-y", "40", "sh -c '"+strings.ReplaceAll(script, "'", "'\\''")+"'")
	tm("pipe-pane", "-o", "cat >> "+raw)
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var scr string
	for deadline := time.Now().Add(60 * time.Second); ; {
		scr = tm("capture-pane", "-p")
		if strings.Contains(scr, "EXIT=") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run never ended:\n%s", scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(scr, "EXIT=0") || !strings.Contains(scr, "18 requests: 18 passed") {
		t.Fatalf("the run failed:\n%s", scr)
	}
	results := 0
	for _, line := range strings.Split(scr, "\n") {
		switch {
		case strings.HasPrefix(line, "✓ "):
			results++
		case strings.ContainsAny(line, "█░"):
			t.Errorf("a progress line stayed on the screen: %q\n%s", line, scr)
		}
	}
	data, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte("\r[")); n < 18 {
		t.Errorf("the bar was drawn %d times for 18 requests", n)
	}
	if results != 18 {
		t.Errorf("%d result lines on the screen, want 18:\n%s", results, scr)
	}
}
