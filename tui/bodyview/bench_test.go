package bodyview

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
)

const benchW, benchH = 160, 40

// genJSON builds a JSON array of objects of about size bytes. pretty puts
// every field on its own line, as a server that indents would; otherwise the
// body is one line, as most APIs send it.
func genJSON(size int, pretty bool) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.Grow(size + 512)
	nl, ind, ind2, sp := "", "", "", ""
	if pretty {
		nl, ind, ind2, sp = "\n", "  ", "    ", " "
	}
	b.WriteString("[" + nl)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString("," + nl)
		}
		fmt.Fprintf(&b, `%s{%s%s"id":%s%d,%s%s"name":%s"pet-%d-%x",%s%s"price":%s%.2f,%s%s"tags":%s["a","b%d"],%s%s"note":%s"lorem ipsum dolor sit amet %d"%s%s}`,
			ind, nl, ind2, sp, i, nl, ind2, sp, i, r.Uint64(), nl, ind2, sp, r.Float64()*1000, nl, ind2, sp, i%7, nl, ind2, sp, r.IntN(1e6), nl, ind)
	}
	b.WriteString(nl + "]" + nl)
	return b.Bytes()
}

var (
	bodyOnce                         sync.Once
	body1KB, body50Pretty, body50Min []byte
)

func benchBodies() {
	bodyOnce.Do(func() {
		body1KB = genJSON(1<<10, false)
		body50Pretty = genJSON(50<<20, true)
		body50Min = genJSON(50<<20, false)
	})
}

var (
	keyDown = tea.KeyPressMsg{Code: tea.KeyDown}
	keyUp   = tea.KeyPressMsg{Code: tea.KeyUp}
)

// benchScroll measures what a user feels: one key, one frame. It scrolls
// down to the bottom and back up, so every frame moves by exactly one line
// (or row, when wrapping): none is a no-op at the end of a short body.
func benchScroll(b *testing.B, contentType string, body []byte, wrap bool) {
	m := New()
	m.SetSize(benchW, benchH)
	m.SetBody(1, contentType, body)
	m.SetWrap(wrap)
	m.View()
	down := true
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		top, row := m.top, m.topRow
		if down {
			m.Update(keyDown)
		} else {
			m.Update(keyUp)
		}
		if m.top == top && m.topRow == row {
			down = !down
		}
		if len(m.View()) == 0 {
			b.Fatal("empty frame")
		}
	}
}

func BenchmarkScrollFrame1KB(b *testing.B) {
	benchBodies()
	benchScroll(b, "application/json", body1KB, false)
}

func BenchmarkScrollFrame50MB(b *testing.B) {
	benchBodies()
	b.Run("pretty", func(b *testing.B) { benchScroll(b, "application/json", body50Pretty, false) })
	b.Run("minified", func(b *testing.B) { benchScroll(b, "application/json", body50Min, false) })
	b.Run("minified-wrap", func(b *testing.B) { benchScroll(b, "application/json", body50Min, true) })
	b.Run("binary", func(b *testing.B) {
		bin := make([]byte, 50<<20)
		rand.NewChaCha8([32]byte{3, 4}).Read(bin)
		benchScroll(b, "application/octet-stream", bin, false)
	})
}

func BenchmarkSetBody50MB(b *testing.B) {
	benchBodies()
	for _, c := range []struct {
		name string
		body []byte
	}{{"pretty", body50Pretty}, {"minified", body50Min}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			id := 0
			for b.Loop() {
				m := New()
				m.SetSize(benchW, benchH)
				id++
				m.SetBody(id, "application/json", c.body)
				m.View()
			}
			b.ReportMetric(heapRatio(c.body), "heap/body")
		})
	}
}

// BenchmarkSetBody8MB is the largest body that is still pretty-printed.
func BenchmarkSetBody8MB(b *testing.B) {
	body := genJSON(8<<20-4096, false)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	id := 0
	for b.Loop() {
		m := New()
		m.SetSize(benchW, benchH)
		id++
		m.SetBody(id, "application/json", body)
		m.View()
	}
	b.ReportMetric(heapRatio(body), "heap/body")
}

func BenchmarkSearch50MB(b *testing.B) {
	benchBodies()
	m := New()
	m.SetSize(benchW, benchH)
	m.SetBody(1, "application/json", body50Pretty)
	b.ReportAllocs()
	b.SetBytes(int64(len(body50Pretty)))
	for b.Loop() {
		m.Search("Lorem Ipsum 4242")
	}
}

// heapRatio is the heap the body and the viewer hold together after
// SetBody, over the body's size: the growth of HeapInuse across SetBody,
// after full collections, plus the body itself, which the viewer keeps.
// (Other bodies of the benchmark are alive too, hence the difference.)
func heapRatio(body []byte) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := New()
	m.SetSize(benchW, benchH)
	m.SetBody(1, "application/json", body)
	m.View()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	return float64(int64(after.HeapInuse)-int64(before.HeapInuse)+int64(len(body))) / float64(len(body))
}
