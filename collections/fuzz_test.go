package collections

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to LoadBytes: it must never panic, and
// must return either a collection or Errors. What loads must also resolve
// and take an edit without panicking, and an accepted edit must leave text
// that loads again.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	more, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range append(seeds, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(nestedDefaults)
	f.Add([]byte("name: a\nx: &a [*a]\n"))
	f.Add([]byte("name: t\nrequests:\n  - &r {name: a, url: 'https://x/'}\n  - *r\n"))
	f.Add([]byte("a: &a [1,2]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\nname: t\nrequests: [{name: r, url: 'https://x/', body: {json: *c}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := LoadBytes("fuzz.yaml", data)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error is not a non-empty Errors: %T %v", err, err)
			}
			_ = es.Error()
			return
		}
		env := func(string) (string, bool) { return "v", true }
		vars := map[string]string{"emulator": "http://127.0.0.1:1"}
		refs := c.Requests()
		for _, ref := range refs {
			if r, _, err := c.find(ref.Path); err != nil {
				t.Fatalf("listed request %q not found: %v", ref.Path, err)
			} else if r.body != nil && r.body.kind == BodyFile {
				continue // would read arbitrary files from the machine
			}
			for _, e := range append(c.Environments(), "") {
				_, _ = c.Resolve(ref.Path, e, vars, env)
			}
		}
		if len(refs) == 0 {
			return
		}
		if err := c.SetHeader(refs[0].Path, "X-Fuzz", "1"); err == nil {
			if _, err := LoadBytes("fuzz.yaml", c.Bytes()); err != nil {
				t.Fatalf("an accepted edit left text that does not load: %v\n%s", err, c.Bytes())
			}
		}
	})
}
