package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// TestEveryTestdataImportLoads runs every source under testdata/FORMAT/
// (files, and folders for formats that import folders) through detection,
// Import, YAML and the collection loader: each must be detected as FORMAT
// and give a collection that loads and validates.
func TestEveryTestdataImportLoads(t *testing.T) {
	formats, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range formats {
		if !isCorpusFormat(f) {
			continue
		}
		format := f.Name()
		if _, err := Lookup(format); err != nil {
			t.Errorf("testdata/%s: no importer of that name is registered", format)
			continue
		}
		entries, _ := os.ReadDir(filepath.Join("testdata", format))
		for _, e := range entries {
			name := e.Name()
			if strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".csv") || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".golden") || strings.Contains(name, ".golden.") {
				continue
			}
			path := filepath.Join("testdata", format, name)
			n++
			t.Run(format+"/"+name, func(t *testing.T) {
				c, err := ImportPath(path, "")
				if err != nil {
					t.Fatal(err)
				}
				if c.Report.Format != format {
					t.Errorf("detected as %s", c.Report.Format)
				}
				if c.Report.Imported == 0 && len(c.Environments) == 0 {
					t.Error("neither a request nor an environment imported")
				}
				y, err := c.YAML()
				if err != nil {
					t.Fatalf("%v\n%s", err, y)
				}
				if _, err := collections.LoadBytes(name+".yaml", y); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no testdata")
	}
}

func TestDetectRefusesWhatNoFormatReads(t *testing.T) {
	for _, in := range []string{"", "hello\n", "{\"a\": 1}", "name: x\n"} {
		if im, err := Detect([]byte(in), "x.txt"); err == nil {
			t.Errorf("%q detected as %s", in, im.Name())
		}
	}
	if _, err := Import([]byte("curl https://example.com\n"), "-", "nope"); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("unknown format: %v", err)
	}
}
