package importer

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// notImportedLine is a comment the import keeps in the YAML for a part of
// the source it did not map.
var notImportedLine = regexp.MustCompile(`#\s+not imported: ([^\n]*)`)

// TestCorpusReportsEveryPlaceholderAndUnmappedPart: for every source of
// the corpus, each placeholder the written collection holds
// (us-east-1_REPLACEME, REPLACE_APP_CLIENT_ID...) and each part it keeps as
// a "not imported" comment is also in the report import prints, so that
// nobody finds them out only at send.
func TestCorpusReportsEveryPlaceholderAndUnmappedPart(t *testing.T) {
	checked := 0
	for _, src := range corpusSources(t) {
		t.Run(src, func(t *testing.T) {
			c, err := ImportPath(src, "")
			if err != nil {
				t.Fatal(err)
			}
			y, err := c.YAML()
			if err != nil {
				t.Fatal(err)
			}
			f := findings(c)
			phs := placeholderRE.FindAllString(string(y), -1)
			parts := notImportedLine.FindAllStringSubmatch(string(y), -1)
			checked += len(phs) + len(parts)
			for _, ph := range phs {
				if !strings.Contains(f, ph) {
					t.Errorf("the placeholder %s is in the collection, not in the report:\n%s", ph, f)
				}
			}
			for _, m := range parts {
				// The comment may be cut to the line; its start is the part.
				what := m[1]
				if i := strings.IndexAny(what, "(:"); i > 0 {
					what = what[:i]
				}
				if !strings.Contains(f, strings.TrimSpace(what)) {
					t.Errorf("not imported %q is in the collection, not in the report:\n%s", m[1], f)
				}
			}
		})
	}
	if checked == 0 {
		t.Fatal("the corpus holds no placeholder and no part left out: the test checks nothing")
	}
}

// TestCorpusCitesItsSources: every source of the corpus is named in the
// SOURCE.md (or SOURCES.md) beside it, or says where it is from on its
// first line (# source: URL), so that a file added without its origin
// fails here.
func TestCorpusCitesItsSources(t *testing.T) {
	for _, src := range corpusSources(t) {
		dir, name := filepath.Split(src)
		cited := false
		for _, md := range []string{"SOURCE.md", "SOURCES.md"} {
			if data, err := os.ReadFile(filepath.Join(dir, md)); err == nil && strings.Contains(string(data), "`"+name) {
				cited = true
			}
		}
		if data, err := os.ReadFile(src); err == nil && strings.HasPrefix(string(data), "# source: ") {
			cited = true
		}
		if !cited {
			t.Errorf("%s: cited neither in %sSOURCE(S).md nor on its first line", src, dir)
		}
	}
}
