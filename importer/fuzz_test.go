package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// FuzzImport: whatever a user pastes or points import at, every format
// either imports it or says why, and what it imports either writes out as
// a collection that loads again or YAML says which line of it does not
// validate (a curl line whose URL is no URL imports, and is refused
// there); nothing panics.
func FuzzImport(f *testing.F) {
	for _, glob := range []string{"testdata/curl/*", "testdata/openapi/*.json", "testdata/openapi/*.yaml", "testdata/postman/*.json", "testdata/insomnia/*", "testdata/amplify/*.js", "testdata/amplify/*.json", "../examples/amplify/*.json"} {
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
		for _, format := range []string{"", "curl", "openapi", "postman", "insomnia", "bruno", "amplify"} {
			c, err := Import(data, "input", format)
			if err != nil {
				continue
			}
			y, err := c.YAML()
			if err != nil {
				// Import keeps what it could read; YAML refuses to write a
				// collection that does not validate, and says where.
				if !strings.Contains(err.Error(), "does not validate: imported.yaml:") {
					t.Fatalf("format %q: imported, then YAML failed without naming the place: %v", format, err)
				}
				continue
			}
			if _, err := collections.LoadBytes("imported.yaml", y); err != nil {
				t.Fatalf("format %q: the collection written out does not load: %v\n%s", format, err, y)
			}
		}
	})
}
