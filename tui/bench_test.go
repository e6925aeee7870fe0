package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// bigCollection writes a collection of n requests in folders of 50.
func bigCollection(tb testing.TB, n int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("name: Big\nenvironments:\n  prod: {base_url: \"https://abc123.execute-api.us-east-1.amazonaws.com/prod\", region: us-east-1}\n")
	b.WriteString("auth:\n  keys: {type: static, access_key_id_env: GOLDEN_ACCESS_KEY_ID, secret_access_key_env: GOLDEN_SECRET_ACCESS_KEY}\n")
	b.WriteString("defaults: {auth: {mode: iam, profile: keys}}\nrequests:\n")
	for f := 0; f*50 < n; f++ {
		fmt.Fprintf(&b, "  - folder: group %d\n    requests:\n", f)
		for i := f * 50; i < n && i < (f+1)*50; i++ {
			fmt.Fprintf(&b, "      - name: request %d\n        method: GET\n        url: \"{{base_url}}/items/%d\"\n        query: {page: \"%d\"}\n", i, i, i%7)
		}
	}
	path := filepath.Join(tb.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkFirstFrame is the time from start to the first frame: the
// collection loads in a command behind a spinner, so the size of the
// collection must not matter.
func BenchmarkFirstFrame(b *testing.B) {
	for _, n := range []int{10, 5000} {
		path := bigCollection(b, n)
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			cfg := Config{Paths: []string{path}, Env: goldenEnv(b), Dark: true}
			trustPaths(b, cfg)
			for i := 0; i < b.N; i++ {
				m := New(cfg)
				m.still = true
				_ = m.Init() // the load command is returned, not run
				m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
				if len(m.render()) == 0 {
					b.Fatal("empty frame")
				}
			}
		})
	}
}

// BenchmarkLoadedFrame is the time until the collection is on screen with
// the first request previewed: the load command, then the frame.
func BenchmarkLoadedFrame(b *testing.B) {
	for _, n := range []int{10, 5000} {
		path := bigCollection(b, n)
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			cfg := Config{Paths: []string{path}, Env: goldenEnv(b), Dark: true}
			trustPaths(b, cfg)
			for i := 0; i < b.N; i++ {
				m := New(cfg)
				m.still = true
				m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
				msg := loadCmd(cfg)()
				_, cmd := m.Update(msg)
				runAll(m, cmd)
				if !strings.Contains(m.render(), "request 0") {
					b.Fatal("collection not shown")
				}
			}
		})
	}
}

// runAll runs commands synchronously, as the harness does, for benchmarks.
func runAll(m *Model, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, tickMsg, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// jsonBody makes a pretty JSON array of about size bytes.
func jsonBody(size int) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `  {"id": %d, "name": "pet %d", "tags": ["good", "boy"], "price": %d.99}`, i, i, i%500)
	}
	b.WriteString("\n]\n")
	return b.Bytes()
}

// scrollModel is the UI with a response body of size bytes open in the
// focused response pane.
func scrollModel(b testing.TB, size int) *Model {
	cfg := Config{Paths: []string{"testdata/golden.yaml"}, Env: goldenEnv(b), Dark: true}
	trustPaths(b, cfg)
	m := New(cfg)
	m.still = true
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	_, cmd := m.Update(loadCmd(cfg)())
	runAll(m, cmd)
	m.bodyID++
	m.body.SetBody(m.bodyID, "application/json", jsonBody(size))
	m.focusPane(paneResponse)
	m.render()
	return m
}

// BenchmarkScrollFrame is one scroll key to the next frame, with a 1 KB
// and a 50 MB JSON body open: only the visible lines cost anything.
func BenchmarkScrollFrame(b *testing.B) {
	for _, sz := range []struct {
		name string
		n    int
	}{{"1KB", 1 << 10}, {"50MB", 50 << 20}} {
		b.Run(sz.name, func(b *testing.B) {
			m := scrollModel(b, sz.n)
			down, up := keyMsg("down"), keyMsg("up")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := down
				if i%200 >= 100 {
					k = up
				}
				m.Update(k)
				_ = m.render()
			}
		})
	}
}

// BenchmarkBigBodyMemory reports the heap the UI holds for a 50 MB body
// open, as a multiple of the body (heap/body); the budget is under 3x, and
// a run over it fails. A benchmark, not a test: the figure depends on the
// runtime, and go test ./... should not hold 150 MB to check it.
func BenchmarkBigBodyMemory(b *testing.B) {
	var ratio float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		m := scrollModel(b, 50<<20)
		runtime.GC()
		runtime.ReadMemStats(&after)
		ratio = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(50<<20)
		runtime.KeepAlive(m)
	}
	b.ReportMetric(ratio, "heap/body")
	if ratio > 3 {
		b.Errorf("the UI holds %.2fx the body's size; the budget is 3x", ratio)
	}
}
