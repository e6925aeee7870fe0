package bodyview

import (
	"os"
	"runtime"
	"testing"
)

// benchFilters are the jq filters bench/jq-vs-gojq.sh runs through the
// gojq command on the same body: the whole body back, a reduction, a
// selection.
var benchFilters = []struct{ name, expr string }{
	{"identity", "."},
	{"length", "length"},
	{"sum", "map(.price) | add"},
	{"select", ".[] | select(.id % 1000 == 0) | .name"},
}

// BenchmarkFilter50MB runs each filter over the 50 MB minified body as the
// UI does (FilterFunc), and reports the heap the process holds once the
// result is back and its memory given back (heap-held-MB) next to the
// body's and the result's size. BENCH_JQ_BODY=FILE
// writes the body to FILE for the gojq command to read.
func BenchmarkFilter50MB(b *testing.B) {
	benchBodies()
	if f := os.Getenv("BENCH_JQ_BODY"); f != "" {
		if err := os.WriteFile(f, body50Min, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	m := New()
	m.SetSize(benchW, benchH)
	m.SetBody(1, "application/json", body50Min)
	for _, f := range benchFilters {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(body50Min)))
			var out []byte
			for b.Loop() {
				var err error
				out, err = m.FilterFunc(f.expr)()
				if err != nil {
					b.Fatal(err)
				}
				if len(out) == 0 {
					b.Fatal("no output")
				}
				b.StopTimer()
				releasing.Wait()
				b.StartTimer()
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			// What the process holds from the system for its heap once the
			// result is back, against the body and the result it shows.
			b.ReportMetric(float64(ms.HeapSys-ms.HeapReleased)/1e6, "heap-held-MB")
			b.ReportMetric(float64(len(body50Min)+len(out))/1e6, "body+out-MB")
			runtime.KeepAlive(out)
		})
	}
}
