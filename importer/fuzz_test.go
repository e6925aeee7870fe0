package importer

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzImport: whatever a user pastes or points import at, every format
// either imports it or says why, and what it imports writes out as a
// collection; nothing panics.
func FuzzImport(f *testing.F) {
	for _, glob := range []string{"testdata/curl/*", "testdata/openapi/*.json", "testdata/openapi/*.yaml", "testdata/postman/*.json", "testdata/insomnia/*"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("curl $'\\x00' -H 'a:b' --aws-sigv4 'aws:amz:::' -u :"))
	f.Add([]byte(`{"openapi":"3.0.0","paths":{"/{x}":{"get":{}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"", "curl", "openapi", "postman", "insomnia", "bruno"} {
			c, err := Import(data, "input", format)
			if err != nil {
				continue
			}
			_, _ = c.YAML()
		}
	})
}
