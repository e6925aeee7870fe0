package importer

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

// benchInput is an export of n requests written by bench/gen-import.sh,
// the file bench/import.sh times against jq: the benchmark profiles what
// the script measures.
func benchInput(b *testing.B, kind string, n int) []byte {
	b.Helper()
	if _, err := exec.LookPath("awk"); err != nil {
		b.Skip("awk is needed to generate the benchmark's input")
	}
	out, err := exec.Command("bash", filepath.Join("..", "bench", "gen-import.sh"), kind, fmt.Sprint(n)).Output()
	if err != nil {
		b.Fatalf("bench/gen-import.sh %s %d: %v", kind, n, err)
	}
	return out
}

func benchImport(b *testing.B, kind string, n int) {
	data := benchInput(b, kind, n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, err := Import(data, "bench.json", "")
		if err != nil {
			b.Fatal(err)
		}
		if got := c.Requests(); got != n {
			b.Fatalf("imported %d requests, want %d", got, n)
		}
		out, err := c.YAML()
		if err != nil {
			b.Fatal(err)
		}
		if len(out) == 0 {
			b.Fatal("no YAML written")
		}
	}
}

func BenchmarkImportPostman5k(b *testing.B)  { benchImport(b, "postman", 5000) }
func BenchmarkImportPostman20k(b *testing.B) { benchImport(b, "postman", 20000) }
func BenchmarkImportOpenAPI5k(b *testing.B)  { benchImport(b, "openapi", 5000) }
func BenchmarkImportOpenAPI20k(b *testing.B) { benchImport(b, "openapi", 20000) }
