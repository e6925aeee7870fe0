package collections

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const examplesDir = "../examples/collections"

// Every example loads and validates clean, and every one of its requests
// resolves with the variables a user would supply.
func TestExamplesLoadAndResolve(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.y*ml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	cs, err := LoadDir(examplesDir)
	if err != nil {
		t.Fatalf("LoadDir(%s): %v", examplesDir, err)
	}
	if len(cs) != len(files) {
		t.Errorf("LoadDir loaded %d collections from %d files", len(cs), len(files))
	}
	vars := map[string]string{"emulator": "http://127.0.0.1:4566"} // what `sigscope demo` passes
	for _, c := range cs {
		refs := c.Requests()
		if len(refs) == 0 {
			t.Errorf("%s has no requests", c.Path)
		}
		for _, ref := range refs {
			r, err := c.Resolve(ref.Path, "", vars, nil)
			if err != nil && strings.Contains(err.Error(), "captures it from its answer") {
				continue // a test's later request: `sigscope run` gives it its value
			}
			if err != nil {
				t.Errorf("%s: %s: %v", c.Path, ref.Path, err)
				continue
			}
			if !strings.HasPrefix(r.URL, "http://") && !strings.HasPrefix(r.URL, "https://") {
				t.Errorf("%s: %s: URL %q", c.Path, ref.Path, r.URL)
			}
		}
	}
}

// The demo collection is what the issue describes, request by request.
func TestDemoCollection(t *testing.T) {
	c, err := Load(filepath.Join(examplesDir, "demo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"emulator": "http://127.0.0.1:4566"}
	want := []struct {
		path, method, url string
		mode              AuthMode
	}{
		{"List pets", "GET", "http://127.0.0.1:4566/prod/pets", ModeIAM},
		{"Create pet", "POST", "http://127.0.0.1:4566/prod/pets", ModeIAM},
		{"Who am I", "GET", "http://127.0.0.1:4566/prod/me", ModeIDToken},
		{"Public", "GET", "http://127.0.0.1:4566/prod/public", ModeNone},
		{"Get cookies", "POST", "http://127.0.0.1:4566/prod/login-cookies", ModeIAM},
		{"Private report", "GET", "http://127.0.0.1:4566/prod/private/report.txt", ModeNone},
	}
	for _, w := range want {
		r, err := c.Resolve(w.path, "local", vars, nil)
		if err != nil {
			t.Errorf("%s: %v", w.path, err)
			continue
		}
		if r.Method != w.method || r.URL != w.url || r.Auth.Mode != w.mode || !r.Auth.Cookies {
			t.Errorf("%s: %s %s %s cookies=%v", w.path, r.Method, r.URL, r.Auth.Mode, r.Auth.Cookies)
		}
	}
	r, err := c.Resolve("List pets", "local", vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := r.Auth.Profile
	if p == nil || p.Type != ProfileCognito || p.UserPoolID != "us-east-1_Demo1" || p.ClientID != "3n4b5urk1ft4fl3mg5e62d9ado" ||
		p.IdentityPoolID != "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab" || p.Endpoint != "http://127.0.0.1:4566" ||
		p.Username != "demo" || p.Region != "us-east-1" || r.Auth.Region != "us-east-1" {
		t.Errorf("app profile: %+v", p)
	}
	cp, err := c.Resolve("Create pet", "local", vars, nil)
	if err != nil || cp.Body == nil || cp.Body.ContentType != "application/json" || !strings.HasPrefix(string(cp.Body.Bytes), `{"name":"Rex"`) {
		t.Errorf("Create pet body: %+v %v", cp.Body, err)
	}

	var teaching *RequestRef
	for _, ref := range c.Requests() {
		if len(ref.Folders) == 1 && ref.Folders[0] == "teaching" && strings.ContainsAny(ref.URL, " ") {
			teaching = &ref
			break
		}
	}
	if teaching == nil {
		t.Fatal("no request in folder teaching with an awkward path")
	}
	tr, err := c.Resolve(teaching.Path, "local", vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Spaces, non-ASCII and reserved characters stay as written: encoding is
	// the signer's job, and the teaching view shows it.
	for _, s := range []string{" ", "ñ", "+", "=", ";", "(", "!", "*", "'"} {
		if !strings.Contains(tr.URL, s) {
			t.Errorf("teaching URL %q lacks %q", tr.URL, s)
		}
	}
	if tr.Auth.Profile == nil || tr.Auth.Profile.Name != "demo-iam" || tr.Auth.Profile.AccessKeyIDEnv != "SIGSCOPE_DEMO_ACCESS_KEY_ID" {
		t.Errorf("teaching auth: %+v", tr.Auth.Profile)
	}
	if _, err := c.Resolve("List pets", "local", nil, nil); err == nil || !strings.Contains(err.Error(), `unknown variable "emulator"`) {
		t.Errorf("without the emulator variable: %v", err)
	}
}

func TestS3Example(t *testing.T) {
	c, err := Load(filepath.Join(examplesDir, "s3.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	put, err := c.Resolve("Put object (unsigned payload)", "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := put.Auth; !a.S3 || a.Service != "s3" || !a.UnsignedPayload || a.Region != "us-east-1" {
		t.Errorf("s3 auth: %+v", a)
	}
	pre, err := c.Resolve("Presigned download", "", nil, nil)
	if err != nil || !pre.Auth.Presign || pre.Auth.Expires.Seconds() != 3600 {
		t.Errorf("presign: %+v %v", pre, err)
	}
}

func TestLoadDirReportsAllFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := writeFile(filepath.Join(dir, name), text); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yaml", "name: a\nrequests: [{name: r, url: 'https://x.test/'}]\n")
	write("b.yml", "name: b\ncolour: red\n")
	write("c.yaml", "requests: []\n")
	write("notes.txt", "not a collection")
	write(".hidden.yaml", "broken: [")
	cs, err := LoadDir(dir)
	if len(cs) != 1 || cs[0].Name != "a" {
		t.Errorf("want only a.yaml loaded, got %d", len(cs))
	}
	var es Errors
	if !errorsAs(err, &es) || len(es) != 2 {
		t.Fatalf("want 2 errors, got %v", err)
	}
	if !strings.HasSuffix(es[0].File, "b.yml") || es[0].Line != 2 || !strings.HasSuffix(es[1].File, "c.yaml") || es[1].Line != 1 {
		t.Errorf("errors: %v", es)
	}
}

// The full example at the top of docs/collections.md is a valid collection.
func TestDocsExampleLoads(t *testing.T) {
	md, err := os.ReadFile("../docs/collections.md")
	if err != nil {
		t.Fatal(err)
	}
	// The fence may carry words after yaml ("```yaml check": see
	// cli/run_docs_test.go).
	_, rest, ok := strings.Cut(string(md), "```yaml")
	_, rest, _ = strings.Cut(rest, "\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml block in docs/collections.md")
	}
	c, err := LoadBytes("docs/collections.md", []byte(block))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Resolve("admin/Create pet", "", map[string]string{"emulator": "http://127.0.0.1:1"}, nil)
	if err != nil || r.Auth.Mode != ModeIDToken || string(r.Body.Bytes) != `{"name":"Rex"}` {
		t.Errorf("docs example: %+v %v", r, err)
	}
}
