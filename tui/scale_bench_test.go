package tui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/workbench"
)

// The UI at scale: what a cursor move, a finder keystroke, a preview and
// the first preview cost at 5,000 and 20,000 requests (bench/tui-scale.sh
// runs them and prints the ratios), and the slowest message of each kind
// handled on the UI loop at 20,000 requests and with 8 MB and 50 MB
// bodies. Figures are reported, never asserted: the machine is shared.

// scaleSizes are the collection sizes compared; SIGSCOPE_SCALE_SIZES
// ("5000,20000") overrides them.
func scaleSizes(b *testing.B) []int {
	spec := os.Getenv("SIGSCOPE_SCALE_SIZES")
	if spec == "" {
		return []int{5000, 20000}
	}
	var out []int
	for _, s := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			b.Fatalf("SIGSCOPE_SCALE_SIZES=%q: want sizes like 5000,20000", spec)
		}
		out = append(out, n)
	}
	return out
}

// scaleCollections caches the generated files: writing and trusting a
// 20,000-request collection takes a while, once per size is enough.
var scaleCollections = map[int]Config{}

func scaleConfig(b *testing.B, n int) Config {
	b.Helper()
	if cfg, ok := scaleCollections[n]; ok {
		return cfg
	}
	dir, err := os.MkdirTemp("", "sigscope-scale-")
	if err != nil {
		b.Fatal(err)
	}
	// Not b.TempDir: the files outlive one sub-benchmark. Removed at exit.
	scaleDirs = append(scaleDirs, dir)
	path := filepath.Join(dir, "big.yaml")
	data, err := os.ReadFile(bigCollection(b, n))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	env := goldenEnv(b)
	env.CacheDir = filepath.Join(dir, "cache")
	cfg := Config{Paths: []string{path}, Env: env, Dark: true}
	trustPaths(b, cfg)
	scaleCollections[n] = cfg
	return cfg
}

var scaleDirs []string

func removeScaleDirs() {
	for _, d := range scaleDirs {
		os.RemoveAll(d)
	}
}

// scaleModel is the UI at 160x48 on a collection of n requests, loaded,
// with the first request previewed.
func scaleModel(b *testing.B, n int) *Model {
	b.Helper()
	cfg := scaleConfig(b, n)
	m := New(cfg)
	m.still = true
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	_, cmd := m.Update(loadCmd(cfg)())
	runAll(m, cmd)
	if !strings.Contains(m.render(), "request 0") {
		b.Fatal("collection not shown")
	}
	return m
}

// eachScale runs one sub-benchmark per collection size: setup builds the
// state for n requests off the clock and returns the step timed (called
// with the iteration) and how many requests one step covers (for
// cpu-ns/request and ns/request; 0 for none).
func eachScale(b *testing.B, setup func(b *testing.B, n int) (step func(i int), per int)) {
	for _, n := range scaleSizes(b) {
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			step, per := setup(b, n)
			defer lockThread()()
			cpu := startCPU()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step(i)
			}
			cpu.report(b, per)
			if per > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*per), "ns/request")
			}
		})
	}
}

// BenchmarkScaleCursor is one cursor move in the tree to the next frame:
// the key on the UI loop and the frame drawn, the preview it asks for
// not run (BenchmarkScalePreview is that).
func BenchmarkScaleCursor(b *testing.B) {
	eachScale(b, func(b *testing.B, n int) (func(int), int) {
		m := scaleModel(b, n)
		down, up := keyMsg("down"), keyMsg("up")
		return func(i int) {
			k := down
			if i%100 >= 50 {
				k = up
			}
			m.Update(k)
			_ = m.render()
		}, 0
	})
}

// BenchmarkScalePreview is the preview of a newly selected request: the
// command (trust check, resolve, sign) and its answer on the UI loop, to
// the frame that shows it.
func BenchmarkScalePreview(b *testing.B) {
	eachScale(b, func(b *testing.B, n int) (func(int), int) {
		m := scaleModel(b, n)
		paths := []string{"group 0/request 1", fmt.Sprintf("group %d/request %d", (n-1)/50, n-1)}
		return func(i int) {
			m.path = paths[i%2]
			cmd := m.requestPreview()
			m.Update(cmd())
			_ = m.render()
		}, 0
	})
}

// BenchmarkScaleFinderKey is one keystroke in the finder (ctrl+p) to the
// next frame. The matching runs in a command (BenchmarkScaleFinderMatch).
func BenchmarkScaleFinderKey(b *testing.B) {
	eachScale(b, func(b *testing.B, n int) (func(int), int) {
		m := scaleModel(b, n)
		m.Update(keyMsg("ctrl+p"))
		typed, erase := keyMsg("9"), keyMsg("backspace")
		return func(i int) {
			k := typed
			if i%2 == 1 {
				k = erase
			}
			m.Update(k)
			_ = m.render()
		}, 0
	})
}

// BenchmarkScaleFinderMatch is the fuzzy match of one query over every
// request, off the UI loop: it grows with the collection, and the UI
// shows the last answer meanwhile.
func BenchmarkScaleFinderMatch(b *testing.B) {
	eachScale(b, func(b *testing.B, n int) (func(int), int) {
		m := scaleModel(b, n)
		m.Update(keyMsg("ctrl+p"))
		f := m.overlays[len(m.overlays)-1].(*finder)
		return func(int) {
			if got := f.ix.match("req 19", nil); len(got) == 0 {
				b.Fatal("no match")
			}
		}, 0
	})
}

// BenchmarkScaleResolve resolves every request of the collection; the
// figure is per request (ns/request, cpu-ns/request).
func BenchmarkScaleResolve(b *testing.B) {
	eachScale(b, func(b *testing.B, n int) (func(int), int) {
		cfg := scaleConfig(b, n)
		wb, err := workbench.Open(cfg.Paths[0], workbench.Options{Env: cfg.Env})
		if err != nil {
			b.Fatal(err)
		}
		refs := wb.Requests()
		return func(int) {
			for _, r := range refs {
				if _, err := wb.Resolve(r.Path); err != nil {
					b.Fatal(err)
				}
			}
		}, len(refs)
	})
}

// BenchmarkScaleFirstPreview is start to the first preview on screen: the
// first frame, the load command, the tree, the preview's command and the
// frame that shows the signed request.
func BenchmarkScaleFirstPreview(b *testing.B) {
	eachScale(b, func(b *testing.B, n int) (func(int), int) {
		cfg := scaleConfig(b, n)
		return func(int) {
			m := New(cfg)
			m.still = true
			m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
			_ = m.render()
			_, cmd := m.Update(loadCmd(cfg)())
			runAll(m, cmd)
			if !strings.Contains(m.render(), "AWS4-HMAC-SHA256") {
				b.Fatal("no preview on screen")
			}
		}, 0
	})
}

// loopTimes records, per kind of message, the slowest Update and the
// slowest frame after it ("View"): what the UI loop spends before it can
// take the next message. Each is timed twice: by the wall clock, which on
// a busy machine counts the waits for a core too, and by the CPU time of
// the benchmark's thread (cpu), which does not.
type loopTimes struct {
	wall, cpu map[string]time.Duration
}

func newLoopTimes() *loopTimes {
	return &loopTimes{wall: map[string]time.Duration{}, cpu: map[string]time.Duration{}}
}

func (lt *loopTimes) note(kind string, wall time.Duration, cpu int64) {
	lt.wall[kind] = max(lt.wall[kind], wall)
	lt.cpu[kind] = max(lt.cpu[kind], time.Duration(cpu))
}

// msgKind names a message for the report: its type, keys by their name.
func msgKind(msg tea.Msg) string {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		return "key:" + k.String()
	}
	return strings.TrimPrefix(reflect.TypeOf(msg).String(), "tui.")
}

// timed runs fn, timing it by the wall clock and by the thread's CPU.
func timed(fn func()) (time.Duration, int64) {
	c0, _ := threadCPU()
	start := time.Now()
	fn()
	wall := time.Since(start)
	c1, _ := threadCPU()
	return wall, c1 - c0
}

// timedUpdate hands one message to Update, then draws the frame, timing
// both. The caller's goroutine is locked to its thread (lockThread).
func (lt *loopTimes) timedUpdate(m *Model, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	wall, cpu := timed(func() { _, cmd = m.Update(msg) })
	lt.note(msgKind(msg), wall, cpu)
	wall, cpu = timed(func() { _ = m.render() })
	lt.note("View", wall, cpu)
	return cmd
}

// run executes commands (off the clock: they run beside the UI loop) and
// times the handling of every message they answer with.
func (lt *loopTimes) run(m *Model, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0 && steps < 10000; steps++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, tickMsg, tea.QuitMsg, spinner.TickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			queue = append(queue, lt.timedUpdate(m, msg))
		}
	}
}

func (lt *loopTimes) press(m *Model, keys ...string) {
	for _, k := range keys {
		lt.run(m, lt.timedUpdate(m, keyMsg(k)))
	}
}

func (lt *loopTimes) typeText(m *Model, s string) {
	for _, r := range s {
		lt.run(m, lt.timedUpdate(m, tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
}

// report writes the slowest of each kind as metrics: ms-max/KIND by the
// wall clock, cpu-ms-max/KIND by the thread's CPU time.
func (lt *loopTimes) report(b *testing.B) {
	kinds := make([]string, 0, len(lt.wall))
	for k := range lt.wall {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	_, cpuOK := threadCPU()
	for _, k := range kinds {
		name := strings.ReplaceAll(k, " ", "_")
		b.ReportMetric(float64(lt.wall[k].Microseconds())/1000, "ms-max/"+name)
		if cpuOK {
			b.ReportMetric(float64(lt.cpu[k].Microseconds())/1000, "cpu-ms-max/"+name)
		}
	}
}

// cpuMeter is the CPU time of the benchmark's own thread over its timed
// loop: the UI loop's work without the machine's other load and without
// the garbage collector's background workers (its assists, made by the
// allocating goroutine, are in).
type cpuMeter struct{ start int64 }

// lockThread keeps the benchmark's goroutine on one thread, for
// threadCPU; the returned func undoes it.
func lockThread() func() {
	runtime.LockOSThread()
	return runtime.UnlockOSThread
}

func startCPU() cpuMeter {
	ns, _ := threadCPU()
	return cpuMeter{start: ns}
}

// report adds cpu-ns/op (and per is the count of units in one op, for
// cpu-ns/request; 0 for none).
func (c cpuMeter) report(b *testing.B, per int) {
	end, ok := threadCPU()
	if !ok {
		return
	}
	b.ReportMetric(float64(end-c.start)/float64(b.N), "cpu-ns/op")
	if per > 0 {
		b.ReportMetric(float64(end-c.start)/float64(b.N*per), "cpu-ns/request")
	}
}

// BenchmarkScaleMessages drives the UI at 20,000 requests as a person
// would: start, move the cursor, open the finder and type, pick a
// request, fold a folder, resize. It reports the slowest handling of
// each kind of message (ms-max/KIND), frames included.
func BenchmarkScaleMessages(b *testing.B) {
	sizes := scaleSizes(b)
	n := sizes[len(sizes)-1]
	b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
		cfg := scaleConfig(b, n)
		defer lockThread()()
		lt := newLoopTimes()
		for i := 0; i < b.N; i++ {
			m := New(cfg)
			m.still = true
			lt.run(m, lt.timedUpdate(m, tea.WindowSizeMsg{Width: 160, Height: 48}))
			lt.run(m, lt.timedUpdate(m, loadCmd(cfg)()))
			for j := 0; j < 20; j++ {
				lt.press(m, "down")
			}
			lt.press(m, "G", "g", "space", "space", "ctrl+p")
			lt.typeText(m, "request 1999")
			lt.press(m, "backspace", "enter")
			lt.press(m, "ctrl+p")
			lt.typeText(m, "group 399")
			lt.press(m, "enter", "a", "a")
			lt.run(m, lt.timedUpdate(m, tea.WindowSizeMsg{Width: 80, Height: 24}))
			lt.press(m, "down", "down")
			lt.run(m, lt.timedUpdate(m, tea.WindowSizeMsg{Width: 120, Height: 30}))
		}
		lt.report(b)
	})
}

// BenchmarkScaleBodyMessages sends a request whose answer is an 8 MB or
// a 50 MB minified JSON body from a server on 127.0.0.1, then scrolls,
// searches and switches tabs; it reports the slowest handling of each
// kind of message (ms-max/KIND), frames included.
func BenchmarkScaleBodyMessages(b *testing.B) {
	for _, size := range []int{8_000_000, 50_000_000} {
		body := minifiedBody(size)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}))
		dir := b.TempDir()
		path := filepath.Join(dir, "body.yaml")
		coll := fmt.Sprintf("name: Body\nrequests:\n  - name: body\n    method: GET\n    url: %q\n    auth: {mode: none}\n", srv.URL+"/body")
		if err := os.WriteFile(path, []byte(coll), 0o600); err != nil {
			b.Fatal(err)
		}
		env := goldenEnv(b)
		cfg := Config{Paths: []string{path}, Env: env, Dark: true}
		trustPaths(b, cfg)
		b.Run(fmt.Sprintf("body=%dMB", size/1_000_000), func(b *testing.B) {
			defer lockThread()()
			lt := newLoopTimes()
			for i := 0; i < b.N; i++ {
				m := New(cfg)
				m.still = true
				lt.run(m, lt.timedUpdate(m, tea.WindowSizeMsg{Width: 160, Height: 48}))
				lt.run(m, lt.timedUpdate(m, loadCmd(cfg)()))
				lt.press(m, "enter")
				if !strings.Contains(m.render(), "sigscope-bench-first-line") {
					b.Fatal("the body is not on screen")
				}
				lt.press(m, "3", "down", "down", "pgdown", "G", "g", "w", "w", "tab", "shift+tab", "S", "S")
				lt.run(m, lt.timedUpdate(m, tea.WindowSizeMsg{Width: 80, Height: 24}))
				lt.run(m, lt.timedUpdate(m, tea.WindowSizeMsg{Width: 120, Height: 30}))
				m.closeResults()
			}
			lt.report(b)
		})
		srv.Close()
	}
}

// minifiedBody is about size bytes of JSON on one line, its first object
// a marker the test looks for on screen.
func minifiedBody(size int) []byte {
	var b strings.Builder
	b.Grow(size + 256)
	b.WriteString(`{"marker":"sigscope-bench-first-line","items":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"pet %d","type":"dog","price":%d.99,"tags":["good boy","fetches"]}`, i, i, i%500)
	}
	b.WriteString("]}\n")
	return []byte(b.String())
}
