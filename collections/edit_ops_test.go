package collections

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/edits/")

const editorFixture = "testdata/editor.yaml"

func loadEditor(t *testing.T) (*Collection, string) {
	t.Helper()
	c, err := Load(editorFixture)
	if err != nil {
		t.Fatal(err)
	}
	return c, string(c.Bytes())
}

// resolveAll resolves every request of c in its default environment.
func resolveAll(t *testing.T, c *Collection) map[string]*ResolvedRequest {
	t.Helper()
	out := map[string]*ResolvedRequest{}
	for _, ref := range c.Requests() {
		r, err := c.Resolve(ref.Path, "", map[string]string{"page": "1"}, func(string) (string, bool) { return "v", true })
		if err != nil {
			t.Errorf("resolve %q: %v", ref.Path, err)
			continue
		}
		out[ref.Path] = r
	}
	return out
}

func paths(c *Collection) []string {
	var out []string
	for _, r := range c.Requests() {
		out = append(out, r.Path)
	}
	return out
}

// Each edit of the request editor on a commented file: the whole result
// is compared with a golden file (go test -run TestEditorGolden -update
// rewrites them; review the diff), the edit is a local text change, and
// the result loads back and resolves.
func TestEditorGolden(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(c *Collection) error
		check func(t *testing.T, c *Collection)
	}{
		{"set_method", func(c *Collection) error { return c.SetMethod("List orders", " post ") }, func(t *testing.T, c *Collection) {
			if r, _ := c.Resolve("List orders", "", nil, nil); r.Method != "POST" {
				t.Errorf("method %s", r.Method)
			}
		}},
		{"set_method_absent", func(c *Collection) error { return c.SetMethod(`Dates 1\/2`, "propfind") }, func(t *testing.T, c *Collection) {
			if r, _ := c.Resolve(`Dates 1\/2`, "", nil, nil); r.Method != "PROPFIND" {
				t.Errorf("method %s", r.Method)
			}
		}},
		{"set_query_one_value", func(c *Collection) error {
			return c.SetQuery("List orders", []KV{{"status", "open"}, {"status", "shipped"}, {"limit", "100"}})
		}, func(t *testing.T, c *Collection) {
			r, _ := c.Resolve("List orders", "", nil, nil)
			if !equalKV(r.Query, []KV{{"status", "open"}, {"status", "shipped"}, {"limit", "100"}}) {
				t.Errorf("query %v", r.Query)
			}
		}},
		{"set_query_add_remove", func(c *Collection) error {
			return c.SetQuery("List orders", []KV{{"limit", "50"}, {"page", "{{page}}"}, {"sort", "date"}, {"sort", "id"}})
		}, func(t *testing.T, c *Collection) {
			r, err := c.Resolve("List orders", "", map[string]string{"page": "2"}, nil)
			if err != nil || !equalKV(r.Query, []KV{{"limit", "50"}, {"page", "2"}, {"sort", "date"}, {"sort", "id"}}) {
				t.Errorf("query %v %v", r, err)
			}
		}},
		{"set_query_reorder", func(c *Collection) error {
			return c.SetQuery("List orders", []KV{{"limit", "50"}, {"status", "open"}})
		}, nil},
		{"set_query_clear", func(c *Collection) error { return c.SetQuery("List orders", nil) }, func(t *testing.T, c *Collection) {
			if r, _ := c.Resolve("List orders", "", nil, nil); len(r.Query) != 0 {
				t.Errorf("query %v", r.Query)
			}
		}},
		{"set_query_new_nested", func(c *Collection) error {
			return c.SetQuery("admin/reports/Daily", []KV{{"day", "{{$isoTimestamp}}"}, {"tz", "UTC"}})
		}, nil},
		{"set_headers_values", func(c *Collection) error {
			return c.SetHeaders("List orders", []KV{{"X-Trace", "off"}, {"X-Feature", "a"}, {"X-Feature", "c"}, {"X-Feature", "d"}})
		}, func(t *testing.T, c *Collection) {
			r, _ := c.Resolve("List orders", "", nil, nil)
			// X-Client: null is kept: the default X-Client stays dropped.
			if !equalKV(r.Headers, []KV{{"Accept", "application/json"}, {"X-Trace", "off"}, {"X-Feature", "a"}, {"X-Feature", "c"}, {"X-Feature", "d"}}) {
				t.Errorf("headers %v", r.Headers)
			}
		}},
		{"set_headers_drop_and_add", func(c *Collection) error {
			return c.SetHeaders("List orders", []KV{{"X-Trace", "on"}, {"Authorization", "{{env.ORDERS_AUTH}}"}, {"If-None-Match", `"abc"`}})
		}, nil},
		{"set_headers_override_removal", func(c *Collection) error {
			return c.SetHeaders("List orders", []KV{{"X-Trace", "on"}, {"x-client", "mine"}})
		}, func(t *testing.T, c *Collection) {
			r, _ := c.Resolve("List orders", "", nil, nil)
			if !equalKV(r.Headers, []KV{{"Accept", "application/json"}, {"X-Trace", "on"}, {"x-client", "mine"}}) {
				t.Errorf("headers %v", r.Headers)
			}
		}},
		{"set_headers_flow", func(c *Collection) error {
			return c.SetHeaders("Create order", []KV{{"Content-Type", "application/json; charset=utf-8"}, {"X-Idem", "{{$uuid}}"}})
		}, nil},
		{"set_headers_flow_value", func(c *Collection) error {
			return c.SetHeaders("Create order", []KV{{"Content-Type", "text/plain"}})
		}, nil},
		{"set_headers_clear", func(c *Collection) error { return c.SetHeaders("Create order", nil) }, nil},
		{"set_headers_clear_keeps_removal", func(c *Collection) error { return c.SetHeaders("List orders", nil) }, func(t *testing.T, c *Collection) {
			spec, _ := c.RequestSpec("List orders")
			if len(spec.Headers) != 0 || !reflect.DeepEqual(spec.RemoveHeaders, []string{"X-Client"}) {
				t.Errorf("spec headers %v remove %v", spec.Headers, spec.RemoveHeaders)
			}
		}},
		{"set_headers_new", func(c *Collection) error {
			return c.SetHeaders(`admin/reports/Weekly \/ all`, []KV{{"X-Range", "7d"}, {"Accept", "text/csv"}})
		}, nil},
		{"duplicate_auto_name", func(c *Collection) error {
			p, err := c.DuplicateRequest("List orders", "")
			if err == nil && p != "List orders copy" {
				t.Errorf("path %q", p)
			}
			if err == nil {
				p, err = c.DuplicateRequest("List orders", "")
				if err == nil && p != "List orders copy 2" {
					t.Errorf("second path %q", p)
				}
			}
			return err
		}, func(t *testing.T, c *Collection) {
			a, _ := c.RequestSpec("List orders")
			b, _ := c.RequestSpec("List orders copy 2")
			b.Name = a.Name
			if !reflect.DeepEqual(a, b) {
				t.Errorf("copy differs:\n%+v\n%+v", a, b)
			}
			want := []string{"List orders", "List orders copy 2", "List orders copy", "Create order"}
			if got := paths(c)[:4]; !reflect.DeepEqual(got, want) {
				t.Errorf("order %q", got)
			}
		}},
		{"duplicate_nested_slash", func(c *Collection) error {
			p, err := c.DuplicateRequest(`admin/reports/Weekly \/ all`, "")
			if err == nil && p != `admin/reports/Weekly \/ all copy` {
				t.Errorf("path %q", p)
			}
			return err
		}, func(t *testing.T, c *Collection) {
			r, err := c.Resolve(`admin/reports/Weekly \/ all copy`, "", nil, nil)
			if err != nil || string(r.Body.Bytes) != "line one\nline two\n" {
				t.Errorf("copy: %v %v", r, err)
			}
		}},
		{"duplicate_named_flow_headers", func(c *Collection) error {
			p, err := c.DuplicateRequest("Create order", "Create order / v2")
			if err == nil && p != `Create order \/ v2` {
				t.Errorf("path %q", p)
			}
			return err
		}, nil},
		{"duplicate_in_folder_with_trailing_comment", func(c *Collection) error {
			_, err := c.DuplicateRequest("admin/Purge cache", "Purge all")
			return err
		}, nil},
		{"delete_first", func(c *Collection) error { return c.DeleteRequest("List orders") }, nil},
		{"delete_middle", func(c *Collection) error { return c.DeleteRequest("Create order") }, nil},
		{"delete_slash_name", func(c *Collection) error { return c.DeleteRequest(`Dates 1\/2`) }, nil},
		{"delete_nested_last", func(c *Collection) error { return c.DeleteRequest(`admin/reports/Weekly \/ all`) }, nil},
		{"delete_all_in_folder", func(c *Collection) error {
			if err := c.DeleteRequest("admin/reports/Daily"); err != nil {
				return err
			}
			return c.DeleteRequest(`admin/reports/Weekly \/ all`)
		}, func(t *testing.T, c *Collection) {
			if err := c.AddRequest("admin/reports", Request{Name: "Again", URL: "{{base_url}}/again"}); err != nil || c.reformatted {
				t.Errorf("add to the emptied folder: %v (reformatted %v)", err, c.reformatted)
			}
		}},
		{"add_folder_top", func(c *Collection) error { return c.AddFolder("", "billing") }, func(t *testing.T, c *Collection) {
			if err := c.AddRequest("billing", Request{Name: "Invoices", URL: "{{base_url}}/invoices"}); err != nil || c.reformatted {
				t.Errorf("add into the new folder: %v (reformatted %v)", err, c.reformatted)
			}
		}},
		{"add_folder_nested", func(c *Collection) error {
			if err := c.AddFolder("admin/reports", "monthly / yearly"); err != nil {
				return err
			}
			return c.AddRequest(`admin/reports/monthly \/ yearly`, Request{Name: "Monthly", URL: "{{base_url}}/reports/monthly"})
		}, func(t *testing.T, c *Collection) {
			r, err := c.Resolve(`admin/reports/monthly \/ yearly/Monthly`, "", nil, nil)
			if err != nil || !equalKV(r.Headers, []KV{{"Accept", "application/json"}, {"X-Client", "sigscope"}, {"X-Admin", "yes"}}) {
				t.Errorf("request in the new folder: %v %v", r, err)
			}
		}},
		{"rename_folder", func(c *Collection) error { return c.RenameFolder("admin/reports", "stats / daily") }, func(t *testing.T, c *Collection) {
			if _, err := c.Resolve(`admin/stats \/ daily/Daily`, "", nil, nil); err != nil {
				t.Errorf("renamed folder: %v", err)
			}
		}},
		{"delete_folder_nested", func(c *Collection) error { return c.DeleteFolder("admin/reports") }, nil},
		{"delete_folder_top", func(c *Collection) error { return c.DeleteFolder("admin") }, func(t *testing.T, c *Collection) {
			if got := paths(c); !reflect.DeepEqual(got, []string{"List orders", "Create order", `Dates 1\/2`}) {
				t.Errorf("left %q", got)
			}
		}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if seen[tc.name] {
				t.Fatalf("two cases named %s", tc.name)
			}
			seen[tc.name] = true
			c, before := loadEditor(t)
			if err := tc.edit(c); err != nil {
				t.Fatalf("edit: %v", err)
			}
			if c.reformatted {
				t.Errorf("the edit re-encoded the whole file instead of changing only its lines")
			}
			got := c.Bytes()
			golden := filepath.Join("testdata", "edits", tc.name+".yaml")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestEditorGolden -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from %s; diff from golden:\n%s", golden, strings.Join(lineDiff(string(want), string(got)), "\n"))
			}
			if string(got) == before {
				t.Errorf("the edit changed nothing")
			}
			if !c.Dirty() {
				t.Errorf("Dirty is false after an edit")
			}
			again, err := LoadBytes(editorFixture, got)
			if err != nil {
				t.Fatalf("the result does not load: %v", err)
			}
			resolveAll(t, again)
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

// Bad input is refused with a message that names the request (or folder)
// and says what to do, and changes nothing.
func TestEditorRefused(t *testing.T) {
	secret := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl"
	cases := []struct {
		name string
		edit func(c *Collection) error
		want []string
	}{
		{"empty method", func(c *Collection) error { return c.SetMethod("List orders", " ") },
			[]string{`set method of "List orders"`, "the method is empty: give one such as GET"}},
		{"method with a space", func(c *Collection) error { return c.SetMethod("List orders", "GE T") },
			[]string{`set method of "List orders"`, `bad method "GE T"`, "a single word"}},
		{"templated method", func(c *Collection) error { return c.SetMethod("List orders", "{{m}}") },
			[]string{`bad method "{{m}}"`, "no spaces or templates"}},
		{"method of no request", func(c *Collection) error { return c.SetMethod("List order", "GET") },
			[]string{`no request "List order"`, `close names: "List orders"`}},
		{"query without a name", func(c *Collection) error { return c.SetQuery("List orders", []KV{{"a", "1"}, {"", "2"}}) },
			[]string{`set query of "List orders"`, `query parameter 2 (value "2") has no name`}},
		{"query with a bad template", func(c *Collection) error { return c.SetQuery("List orders", []KV{{"a", "{{oops"}}) },
			[]string{`set query of "List orders": not applied`, `unclosed "{{"`}},
		{"bad header name", func(c *Collection) error { return c.SetHeaders("List orders", []KV{{"X Trace", "1"}}) },
			[]string{`set headers of "List orders"`, `bad header name "X Trace"`, "use letters, digits"}},
		{"header line break", func(c *Collection) error { return c.SetHeaders("List orders", []KV{{"X-A", "1\r\nX-B: 2"}}) },
			[]string{`set headers of "List orders"`, "header X-A: a header value cannot contain a line break"}},
		{"headers differing in case", func(c *Collection) error {
			return c.SetHeaders("List orders", []KV{{"X-A", "1"}, {"x-a", "2"}})
		}, []string{`headers "X-A" and "x-a" differ only in case: spell them the same`}},
		{"literal secret header", func(c *Collection) error {
			return c.SetHeaders("Create order", []KV{{"Authorization", secret}})
		}, []string{`set headers of "Create order": not applied`, "must not be stored in a collection file"}},
		{"duplicate onto a taken name", func(c *Collection) error { _, err := c.DuplicateRequest("List orders", "Create order"); return err },
			[]string{`duplicate "List orders"`, `the top level of the collection already has a request "Create order": choose another name`}},
		{"duplicate with a blank name", func(c *Collection) error { _, err := c.DuplicateRequest("admin/Purge cache", "  "); return err },
			[]string{`duplicate "admin/Purge cache": the name is empty`}},
		{"duplicate with a line break", func(c *Collection) error { _, err := c.DuplicateRequest("admin/Purge cache", "a\nb"); return err },
			[]string{`duplicate "admin/Purge cache"`, "keep names on one line"}},
		{"duplicate a folder", func(c *Collection) error { _, err := c.DuplicateRequest("admin/reports", ""); return err },
			[]string{`duplicate "admin/reports": "admin/reports" is a folder, not a request`}},
		{"delete unknown", func(c *Collection) error { return c.DeleteRequest(`admin/reports/Weekly / al`) },
			[]string{`delete request "admin/reports/Weekly / al"`, `close names: "admin/reports/Weekly \\/ all"`}},
		{"delete a folder as a request", func(c *Collection) error { return c.DeleteRequest("admin") },
			[]string{`delete request "admin": "admin" is a folder, not a request`}},
		{"add folder twice", func(c *Collection) error { return c.AddFolder("", "admin") },
			[]string{`add folder "admin" to the top level of the collection: there is already a folder "admin" there: choose another name`}},
		{"add folder to no folder", func(c *Collection) error { return c.AddFolder("admin/report", "x") },
			[]string{`add folder "x" to folder "admin/report"`, `no folder "admin/report"; did you mean "admin/reports"`}},
		{"add folder without a name", func(c *Collection) error { return c.AddFolder("admin", "") },
			[]string{`add folder "" to folder "admin": the name is empty`}},
		{"rename folder onto a sibling", func(c *Collection) error {
			if err := c.AddFolder("admin", "archive"); err != nil {
				t.Fatal(err)
			}
			return c.RenameFolder("admin/archive", "reports")
		}, []string{`rename folder "admin/archive": folder "admin" already has a folder "reports": choose another name`}},
		{"rename folder to nothing", func(c *Collection) error { return c.RenameFolder("admin", "") },
			[]string{`rename folder "admin": the name is empty`}},
		{"delete the top level", func(c *Collection) error { return c.DeleteFolder("") },
			[]string{`delete folder "": the top level of the collection is not a folder`}},
		{"delete unknown folder", func(c *Collection) error { return c.DeleteFolder("billing") },
			[]string{`delete folder "billing"`, `no folder "billing"`, `(folders: "admin", "admin/reports")`}},
		// "Dates 1/2", as written in the file, names the request (find).
		{"spec of unknown", func(c *Collection) error { _, err := c.RequestSpec("Dates 1/3"); return err },
			[]string{`read request "Dates 1/3"`, `close names: "Dates 1\\/2"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := loadEditor(t)
			before := string(c.Bytes())
			err := tc.edit(c)
			if err == nil {
				t.Fatalf("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			if tc.name != "rename folder onto a sibling" && string(c.Bytes()) != before {
				t.Errorf("a refused edit changed the text")
			}
		})
	}
}

// RequestSpec gives the request as written; AddRequest of it makes a
// request that resolves the same, on every request of the fixtures and
// examples.
func TestRequestSpecRoundTrip(t *testing.T) {
	c, _ := loadEditor(t)
	got, err := c.RequestSpec("List orders")
	if err != nil {
		t.Fatal(err)
	}
	want := Request{
		Name: "List orders", Description: "The first page only.", Method: "GET", URL: "{{base_url}}/orders",
		Query:         []KV{{"status", "open"}, {"status", "shipped"}, {"limit", "50"}},
		Headers:       []KV{{"X-Trace", "on"}, {"X-Feature", "a"}, {"X-Feature", "b"}},
		RemoveHeaders: []string{"X-Client"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spec:\n got %+v\nwant %+v", got, want)
	}
	got, _ = c.RequestSpec("Create order")
	if got.Body == nil || got.Body.Kind != BodyJSON || string(got.Body.JSON) != `{"sku":"A-1","qty":2,"note":"{{$uuid}}"}` ||
		got.Auth == nil || got.Auth.Mode != ModeIAM || got.Auth.Service != "execute-api" || got.Auth.Profile != "" {
		t.Errorf("Create order spec: %+v body %+v auth %+v", got, got.Body, got.Auth)
	}
	got, _ = c.RequestSpec(`Dates 1\/2`)
	if got.Name != "Dates 1/2" || got.Method != "GET" || got.Body == nil || !equalKV(got.Body.Form, []KV{{"from", "2024-01-01"}, {"tag", "x"}, {"tag", "y"}}) {
		t.Errorf("Dates spec: %+v body %+v", got, got.Body)
	}

	files, _ := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	files = append(files, editorFixture, "testdata/commented.yaml")
	vars := map[string]string{"emulator": "http://127.0.0.1:4566", "page": "1"}
	clock := func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }
	for _, f := range files {
		base, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range base.Requests() {
			c, _ := Load(f)
			c.now, c.uuid = clock, func() string { return "00000000-0000-4000-8000-000000000000" }
			spec, err := c.RequestSpec(ref.Path)
			if err != nil {
				t.Errorf("%s %s: %v", f, ref.Path, err)
				continue
			}
			folder := parentPathOf(ref)
			spec.Name = ref.Name + " (round trip)"
			if err := c.AddRequest(folder, spec); err != nil || c.reformatted {
				t.Errorf("%s %s: AddRequest: %v (reformatted %v)", f, ref.Path, err, c.reformatted)
				continue
			}
			newPath := joinPath(folder, spec.Name)
			again, err := c.RequestSpec(newPath)
			if err != nil || !reflect.DeepEqual(again, spec) {
				t.Errorf("%s %s: spec after AddRequest:\n got %+v\nwant %+v (%v)", f, ref.Path, again, spec, err)
			}
			if ref.Path == `admin/teaching` || strings.Contains(f, "s3") && strings.Contains(ref.Path, "file") {
				continue
			}
			a, errA := c.Resolve(ref.Path, "", vars, nil)
			b, errB := c.Resolve(newPath, "", vars, nil)
			if (errA == nil) != (errB == nil) {
				t.Errorf("%s %s: resolve %v vs %v", f, ref.Path, errA, errB)
				continue
			}
			if errA != nil {
				continue
			}
			b.Path, b.Name = a.Path, a.Name
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s %s: the copy resolves differently:\n%+v\n%+v", f, ref.Path, a, b)
			}
		}
	}
}

func parentPathOf(ref RequestRef) string {
	p := ""
	for _, f := range ref.Folders {
		p = joinPath(p, f)
	}
	return p
}

// Duplicating keeps the file's CR LF line ends, and a flow-style item.
func TestDuplicateAndDeleteCRLFAndFlow(t *testing.T) {
	data := []byte("name: t\r\nrequests:\r\n  # first\r\n  - name: r   # mine\r\n    url: https://x.test/\r\n\r\n  - {name: s, url: 'https://x.test/s'}   # one line\r\n")
	c := mustLoad(t, data)
	p, err := c.DuplicateRequest("r", "")
	if err != nil || c.reformatted || p != "r copy" {
		t.Fatalf("%q %v (reformatted %v)", p, err, c.reformatted)
	}
	want := "name: t\r\nrequests:\r\n  # first\r\n  - name: r   # mine\r\n    url: https://x.test/\r\n\r\n  - name: r copy   # mine\r\n    url: https://x.test/\r\n\r\n  - {name: s, url: 'https://x.test/s'}   # one line\r\n"
	if got := string(c.Bytes()); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if _, err := c.DuplicateRequest("s", "t, u"); err != nil || c.reformatted {
		t.Fatalf("%v (reformatted %v)", err, c.reformatted)
	}
	want += "  - {name: \"t, u\", url: 'https://x.test/s'}   # one line\r\n"
	if got := string(c.Bytes()); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, p := range []string{"r copy", "t, u", "s"} {
		if err := c.DeleteRequest(p); err != nil || c.reformatted {
			t.Fatalf("delete %s: %v (reformatted %v)", p, err, c.reformatted)
		}
	}
	if got := string(c.Bytes()); got != "name: t\r\nrequests:\r\n  # first\r\n  - name: r   # mine\r\n    url: https://x.test/\r\n" {
		t.Errorf("after deletes: %q", got)
	}
	if err := c.DeleteRequest("r"); err != nil || c.reformatted {
		t.Fatalf("delete r: %v (reformatted %v)", err, c.reformatted)
	}
	if got := string(c.Bytes()); got != "name: t\r\n" {
		t.Errorf("after deleting the last request: %q", got)
	}
}

// A request holding a YAML anchor is duplicated from its spec, not its
// text (the anchor would be defined twice); the copy is still a local
// change and means the same.
func TestDuplicateWithAnchor(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"requests:",
		"  - name: a",
		"    url: https://x.test/a",
		"    headers: &h {X-A: '1'}   # shared",
		"  - name: b",
		"    url: https://x.test/b",
		"    headers: *h",
	))
	before := string(c.Bytes())
	checkEdit(t, c, before, func() error { _, err := c.DuplicateRequest("a", ""); return err }(),
		"+  - name: a copy",
		"+    method: GET",
		`+    url: "https://x.test/a"`,
		"+    headers:",
		`+      X-A: "1"`)
	before = string(c.Bytes())
	checkEdit(t, c, before, func() error { _, err := c.DuplicateRequest("b", ""); return err }(),
		"+  - name: b copy",
		"+    url: https://x.test/b",
		"+    headers: *h")
	r, err := c.Resolve("b copy", "", nil, nil)
	if err != nil || !equalKV(r.Headers, []KV{{"X-A", "1"}}) {
		t.Errorf("alias in the copy: %v %v", r, err)
	}
	if err := c.DeleteRequest("a"); err == nil {
		t.Errorf("deleting the request that holds an anchor others use was accepted")
	} else if !strings.Contains(err.Error(), `delete request "a": not applied`) {
		t.Errorf("got %v", err)
	}
}

func TestSetHeadersEdgeCases(t *testing.T) {
	t.Run("headers: left empty", func(t *testing.T) {
		c := mustLoad(t, doc("name: t", "requests:", "  - name: r", "    url: https://x.test/", "    headers:", "    method: GET"))
		before := string(c.Bytes())
		checkEdit(t, c, before, c.SetHeaders("r", []KV{{"X-A", "1"}}),
			`+      X-A: "1"`)
		c = mustLoad(t, []byte(before))
		checkEdit(t, c, before, c.SetHeaders("r", nil), "-    headers:")
	})
	t.Run("same headers change nothing", func(t *testing.T) {
		c, before := loadEditor(t)
		spec, _ := c.RequestSpec("List orders")
		checkEdit(t, c, before, c.SetHeaders("List orders", spec.Headers))
		checkEdit(t, c, before, c.SetQuery("List orders", spec.Query))
		if c.Dirty() {
			t.Errorf("Dirty after edits that change nothing")
		}
	})
	t.Run("a null query value is an empty one", func(t *testing.T) {
		c := mustLoad(t, doc("name: t", "requests:", "  - name: r", "    url: https://x.test/", "    query:", "      a:   # empty", "      b: 1"))
		before := string(c.Bytes())
		checkEdit(t, c, before, c.SetQuery("r", []KV{{"a", ""}, {"b", "2"}}),
			"-      b: 1",
			`+      b: "2"`)
	})
}

func TestSetPairsReorderKeepsText(t *testing.T) {
	data := "name: t\r\nrequests:\r\n  - name: r\r\n    url: https://x.test/\r\n    headers:\r\n      # about A\r\n      A: '1'   # one\r\n      B: \"2\"\r\n      C:\r\n        - x   # under C\r\n        # still C\r\n      D: 4"
	c := mustLoad(t, []byte(data))
	if err := c.SetHeaders("r", []KV{{"C", "x"}, {"B", "2"}, {"A", "1"}, {"E", "5"}}); err != nil || c.reformatted {
		t.Fatalf("%v (reformatted %v)", err, c.reformatted)
	}
	// C's one-item list is the value x: unchanged, its text (and comments) move.
	want := "name: t\r\nrequests:\r\n  - name: r\r\n    url: https://x.test/\r\n    headers:\r\n      C:\r\n        - x   # under C\r\n        # still C\r\n      B: \"2\"\r\n      # about A\r\n      A: '1'   # one\r\n      E: \"5\""
	if got := string(c.Bytes()); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// Every request of every example and fixture takes each editor edit as a
// local text change, and the result loads.
func TestEditorEditsOnExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	files = append(files, editorFixture, "testdata/commented.yaml")
	for _, f := range files {
		base, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range base.Requests() {
			spec, err := base.RequestSpec(ref.Path)
			if err != nil {
				t.Fatal(err)
			}
			rev := append([]KV(nil), spec.Query...)
			for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
				rev[i], rev[j] = rev[j], rev[i]
			}
			edits := map[string]func(c *Collection) error{
				"SetMethod":    func(c *Collection) error { return c.SetMethod(ref.Path, "patch") },
				"SetQuery":     func(c *Collection) error { return c.SetQuery(ref.Path, append(rev, KV{"zz", "1"})) },
				"SetQuery nil": func(c *Collection) error { return c.SetQuery(ref.Path, nil) },
				"SetHeaders": func(c *Collection) error {
					return c.SetHeaders(ref.Path, append([]KV{{"X-First", "1"}}, spec.Headers...))
				},
				"SetHeaders nil":  func(c *Collection) error { return c.SetHeaders(ref.Path, nil) },
				"SetHeaders same": func(c *Collection) error { return c.SetHeaders(ref.Path, spec.Headers) },
				"Duplicate":       func(c *Collection) error { _, err := c.DuplicateRequest(ref.Path, ""); return err },
				"Delete":          func(c *Collection) error { return c.DeleteRequest(ref.Path) },
			}
			for name, edit := range edits {
				c, _ := Load(f)
				if err := edit(c); err != nil || c.reformatted {
					t.Errorf("%s %s: %s: %v (reformatted %v)", f, ref.Path, name, err, c.reformatted)
					continue
				}
				if _, err := LoadBytes(f, c.Bytes()); err != nil {
					t.Errorf("%s %s: %s: result does not load: %v", f, ref.Path, name, err)
				}
			}
		}
		for _, fp := range base.folderPaths() {
			for name, edit := range map[string]func(c *Collection) error{
				"AddFolder":    func(c *Collection) error { return c.AddFolder(fp, "new one") },
				"RenameFolder": func(c *Collection) error { return c.RenameFolder(fp, "renamed") },
				"DeleteFolder": func(c *Collection) error { return c.DeleteFolder(fp) },
			} {
				c, _ := Load(f)
				if err := edit(c); err != nil || c.reformatted {
					t.Errorf("%s folder %s: %s: %v (reformatted %v)", f, fp, name, err, c.reformatted)
				}
			}
		}
	}
}

// FuzzEditorEdits: on any collection that loads, the editor's edits never
// panic, and an accepted edit leaves text that loads.
func FuzzEditorEdits(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	more, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range append(seeds, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
	}
	f.Add([]byte("name: t\nrequests:\n  - &r {name: a, url: 'https://x/'}\n  - *r\n"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		c, err := LoadBytes("fuzz.yaml", data)
		if err != nil {
			return
		}
		refs := c.Requests()
		folders := c.folderPaths()
		var p, fp string
		if len(refs) > 0 {
			p = refs[int(which)%len(refs)].Path
		}
		if len(folders) > 0 {
			fp = folders[int(which)%len(folders)]
		}
		edits := []func() error{
			func() error { return c.SetMethod(p, "post") },
			func() error { return c.SetQuery(p, []KV{{"b", "1"}, {"a", "2"}, {"b", "3"}}) },
			func() error { return c.SetHeaders(p, []KV{{"X-B", "1"}, {"Accept", "2"}}) },
			func() error { return c.SetHeaders(p, nil) },
			func() error { _, err := c.DuplicateRequest(p, ""); return err },
			func() error { return c.DeleteRequest(p) },
			func() error { return c.AddFolder(fp, "f") },
			func() error { return c.RenameFolder(fp, "g") },
			func() error { return c.DeleteFolder(fp) },
			func() error { _, err := c.RequestSpec(p); return err },
		}
		if err := edits[int(which)%len(edits)](); err == nil {
			if _, err := LoadBytes("fuzz.yaml", c.Bytes()); err != nil {
				t.Fatalf("an accepted edit left text that does not load: %v\n%s", err, c.Bytes())
			}
		}
	})
}
