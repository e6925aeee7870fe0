package bodyview

import (
	"runtime"
	"testing"
)

// TestHeapAfterSetBody measures what a shown body costs: HeapInuse after a
// full GC, with the body (which the viewer keeps) and the viewer alive, over
// the body's size. The 50 MB bodies are indexed as sent; the 8 MiB one is
// the largest that gets a pretty-printed copy.
func TestHeapAfterSetBody(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 50 MB bodies")
	}
	for _, c := range []struct {
		name   string
		size   int
		pretty bool
	}{
		{"50MB-pretty", 50 << 20, true},
		{"50MB-minified", 50 << 20, false},
		{"8MiB-minified-prettyprinted", prettyMax - 4096, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := genJSON(c.size, c.pretty)
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			before := ms.HeapInuse

			m := New()
			m.SetSize(160, 40)
			m.SetBody(1, "application/json", body)
			m.View()
			runtime.GC()
			runtime.ReadMemStats(&ms)
			runtime.KeepAlive(m)

			ratio := float64(ms.HeapInuse) / float64(len(body))
			t.Logf("body %.1f MB, heap in use %.1f MB (%.2fx the body; the viewer's own share %.1f MB)",
				float64(len(body))/1e6, float64(ms.HeapInuse)/1e6, ratio, (float64(ms.HeapInuse)-float64(before))/1e6)
			if ratio >= 3 {
				t.Errorf("heap in use is %.2fx the body, want under 3x", ratio)
			}
		})
	}
}
