package collections

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lineDiff lists the lines removed ("-") and added ("+") between two texts,
// in order, using a longest common subsequence of lines.
func lineDiff(a, b string) []string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i++
			j++
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, "-"+x[i])
			i++
		default:
			out = append(out, "+"+y[j])
			j++
		}
	}
	return out
}

func loadCommented(t *testing.T) (*Collection, string) {
	t.Helper()
	c, err := Load("testdata/commented.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c, string(c.Bytes())
}

// checkEdit asserts the edit succeeded as a local text change and changed
// exactly the lines listed.
func checkEdit(t *testing.T, c *Collection, before string, err error, wantDiff ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("edit failed: %v", err)
	}
	if c.reformatted {
		t.Errorf("the edit re-encoded the whole file instead of changing only its lines")
	}
	got := lineDiff(before, string(c.Bytes()))
	if strings.Join(got, "\n") != strings.Join(wantDiff, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantDiff, "\n"))
	}
}

func TestSaveBackGolden(t *testing.T) {
	c, before := loadCommented(t)
	if err := c.SetHeader("List orders", "X-Trace", "off"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetAuthMode("Create order", ModeIAM); err != nil {
		t.Fatal(err)
	}
	err := c.AddRequest("admin", Request{
		Name:    "Stats",
		Method:  "GET",
		URL:     "{{base_url}}/stats",
		Query:   []KV{{"from", "2024-01-01"}, {"tag", "a"}, {"tag", "b"}},
		Headers: []KV{{"X-Admin", "no"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/commented.golden.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Bytes(); !bytes.Equal(got, golden) {
		t.Errorf("result differs from testdata/commented.golden.yaml; diff from golden:\n%s", strings.Join(lineDiff(string(golden), string(got)), "\n"))
	}
	// Only the three edited places differ from the original.
	if d := lineDiff(before, string(golden)); len(d) != 2+2+8 {
		t.Errorf("golden file changes more than the edited lines:\n%s", strings.Join(d, "\n"))
	}
	// And the saved text means what the edits said.
	r, err := c.Resolve("admin/Stats", "dev", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "http://127.0.0.1:3000/dev/stats" || !equalKV(r.Query, []KV{{"from", "2024-01-01"}, {"tag", "a"}, {"tag", "b"}}) ||
		!equalKV(r.Headers, []KV{{"Accept", "application/json"}, {"X-Admin", "no"}}) {
		t.Errorf("new request resolves to %+v", r)
	}
}

func TestSetHeader(t *testing.T) {
	t.Run("replace, keeping quotes and comment", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetHeader("List orders", "X-Trace", "off"),
			"-      X-Trace: 'on'      # quoted: on would be a boolean in YAML 1.1",
			"+      X-Trace: 'off'      # quoted: on would be a boolean in YAML 1.1")
	})
	t.Run("name matched without case, spelling kept", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetHeader("List orders", "x-client", "cli 2"),
			"-      X-Client: sigscope",
			"+      X-Client: cli 2")
	})
	t.Run("add to block headers", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetHeader("List orders", "Authorization", "Bearer {{token}}"),
			`+      Authorization: "Bearer {{token}}"`)
	})
	t.Run("add to flow headers", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetHeader("Create order", "X-New", "v"),
			"-    headers: {Content-Type: application/json}",
			"+    headers: {Content-Type: application/json, X-New: v}")
	})
	t.Run("request without headers", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetHeader("admin/Purge cache", "X-Reason", "deploy"),
			"+        headers:",
			"+          X-Reason: deploy")
		r, err := c.Resolve("admin/Purge cache", "dev", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !equalKV(r.Headers, []KV{{"Accept", "application/json"}, {"X-Admin", "yes"}, {"X-Reason", "deploy"}}) {
			t.Errorf("headers after edit: %v", r.Headers)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		c, before := loadCommented(t)
		for _, err := range []error{
			c.SetHeader("List orders", "Bad Name", "x"),
			c.SetHeader("List orders", "X-A", "line\nbreak"),
			c.SetHeader("No such request", "X-A", "x"),
		} {
			if err == nil {
				t.Errorf("bad input accepted")
			}
		}
		if string(c.Bytes()) != before {
			t.Errorf("a refused edit changed the text")
		}
	})
}

func TestDeleteHeader(t *testing.T) {
	t.Run("one of several", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.DeleteHeader("List orders", "x-trace"),
			"-      X-Trace: 'on'      # quoted: on would be a boolean in YAML 1.1")
	})
	t.Run("the last one drops headers:", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.DeleteHeader("Create order", "Content-Type"),
			"-    headers: {Content-Type: application/json}")
	})
	t.Run("inherited header is not the request's", func(t *testing.T) {
		c, before := loadCommented(t)
		err := c.DeleteHeader("List orders", "Accept")
		if err == nil || !strings.Contains(err.Error(), "write Accept: null on the request") {
			t.Errorf("got %v", err)
		}
		if string(c.Bytes()) != before {
			t.Errorf("a refused edit changed the text")
		}
	})
}

func TestSetAuthMode(t *testing.T) {
	t.Run("flow auth block", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetAuthMode("Create order", ModeIAM),
			"-    auth: {mode: id_token, profile: pool}",
			"+    auth: {mode: iam, profile: pool}")
	})
	t.Run("request without auth", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetAuthMode("List orders", ModeNone),
			"+    auth: {mode: none}")
		r, err := c.Resolve("List orders", "", nil, nil)
		if err != nil || r.Auth.Mode != ModeNone {
			t.Errorf("mode after edit: %v %v", r, err)
		}
	})
	t.Run("block auth without mode", func(t *testing.T) {
		c := mustLoad(t, doc(
			"name: t",
			"auth: {p: {type: aws}}",
			"requests:",
			"  - name: r",
			"    url: https://x.test/",
			"    auth:",
			"      profile: p   # mine",
		))
		before := string(c.Bytes())
		checkEdit(t, c, before, c.SetAuthMode("r", ModeIAM),
			"+      mode: iam")
	})
	t.Run("bad mode", func(t *testing.T) {
		c, _ := loadCommented(t)
		err := c.SetAuthMode("Create order", "IAM")
		if err == nil || !strings.Contains(err.Error(), `bad auth mode "IAM"; did you mean "iam"?`) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("switch to id_token needs a cognito profile", func(t *testing.T) {
		c, before := loadCommented(t)
		err := c.SetAuthMode("List orders", ModeIDToken)
		if err == nil || !strings.Contains(err.Error(), `needs a cognito profile, but "ops" is type aws`) {
			t.Errorf("got %v", err)
		}
		if string(c.Bytes()) != before {
			t.Errorf("a refused edit changed the text")
		}
	})
}

func TestAddRequest(t *testing.T) {
	t.Run("top level, after the last item and its comments", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.AddRequest("", Request{
			Name:   "Upload",
			Method: "PUT",
			URL:    "https://up.example.com/{{$uuid}}",
			Body:   &BodySpec{Kind: BodyJSON, JSON: []byte(`{"z":1,"a":{"b":[true,null,"x y"],"e":{}},"n":"10"}`)},
			Auth:   &AuthSpec{Mode: ModeIAM, Service: "s3", UnsignedPayload: ptr(true)},
		}),
			"+  - name: Upload",
			"+    method: PUT",
			`+    url: "https://up.example.com/{{$uuid}}"`,
			"+    body:",
			"+      json:",
			"+        z: 1",
			"+        a:",
			"+          b: [true, null, x y]",
			"+          e: {}",
			`+        "n": "10"`, // n is a boolean to YAML 1.1 readers: quoted
			"+    auth: {mode: iam, service: s3, unsigned_payload: true}")
		r, err := c.Resolve("Upload", "dev", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Body.Bytes) != `{"z":1,"a":{"b":[true,null,"x y"],"e":{}},"n":"10"}` {
			t.Errorf("JSON body round trip: %s", r.Body.Bytes)
		}
	})
	t.Run("into a folder with a form body", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.AddRequest("admin", Request{
			Name: "Login", Method: "POST", URL: "{{base_url}}/login",
			Body: &BodySpec{Kind: BodyForm, Form: []KV{{"user", "{{user}}"}, {"scope", "a"}, {"scope", "b"}}},
		}),
			"+      - name: Login",
			"+        method: POST",
			`+        url: "{{base_url}}/login"`,
			"+        body:",
			"+          form:",
			`+            user: "{{user}}"`,
			"+            scope: [a, b]")
	})
	t.Run("collection without requests", func(t *testing.T) {
		c := mustLoad(t, doc("name: empty   # nothing yet"))
		checkEdit(t, c, "name: empty   # nothing yet\n", c.AddRequest("", Request{Name: "First", URL: "https://x.test/"}),
			"+requests:",
			"+  - name: First",
			"+    method: GET",
			`+    url: "https://x.test/"`)
	})
	t.Run("refused", func(t *testing.T) {
		c, before := loadCommented(t)
		for _, tc := range []struct {
			folder string
			r      Request
			msg    string
		}{
			{"nope", Request{Name: "x", URL: "https://x.test/"}, `no folder "nope"`},
			{"", Request{Name: "List orders", URL: "https://x.test/"}, `duplicate request name "List orders"`},
			{"", Request{Name: "bad", URL: "x.test"}, `bad URL "x.test"`},
			{"", Request{Name: "bad", URL: "https://x.test/", Method: "get"}, `write "GET"`},
			{"", Request{Name: "bad", URL: "https://x.test/", Body: &BodySpec{Kind: BodyJSON, JSON: []byte("{")}}, "not valid JSON"},
			{"", Request{Name: " ", URL: "https://x.test/"}, "the name is empty"},
			{"", Request{Name: "bad", URL: "https://x.test/", Headers: []KV{{"X-User", "{{env.USER}}"}}}, "add USER to variables:"},
			{"", Request{Name: "bad", URL: "https://x.test/", Headers: []KV{{"X-Key", "{{env.AWS_SECRET_ACCESS_KEY}}"}}}, "{{env.AWS_SECRET_ACCESS_KEY}} is refused"},
		} {
			err := c.AddRequest(tc.folder, tc.r)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("%+v: got %v, want …%s…", tc.r, err, tc.msg)
			}
		}
		if string(c.Bytes()) != before {
			t.Errorf("refused edits changed the text")
		}
	})
}

func TestRenameAndSetURL(t *testing.T) {
	c, before := loadCommented(t)
	checkEdit(t, c, before, c.RenameRequest("admin/Purge cache", "Purge / flush"),
		"-      - name: Purge cache",
		"+      - name: Purge / flush")
	if _, err := c.Resolve(`admin/Purge \/ flush`, "dev", nil, nil); err != nil {
		t.Errorf("renamed request not found: %v", err)
	}
	if _, err := c.Resolve("admin/Purge cache", "dev", nil, nil); err == nil {
		t.Errorf("old name still resolves")
	}

	c, before = loadCommented(t)
	checkEdit(t, c, before, c.SetURL("List orders", "{{base_url}}/v2/orders"),
		`-    url: "{{base_url}}/orders"`,
		`+    url: "{{base_url}}/v2/orders"`)

	c, before = loadCommented(t)
	err := c.SetURL("List orders", "/relative")
	if err == nil || !strings.Contains(err.Error(), `not applied, the collection would become invalid`) || !strings.Contains(err.Error(), `bad URL "/relative"`) {
		t.Errorf("invalid URL: %v", err)
	}
	if err := c.RenameRequest("List orders", "Create order"); err == nil {
		t.Errorf("rename to a duplicate accepted")
	}
	if string(c.Bytes()) != before {
		t.Errorf("refused edits changed the text")
	}
}

func TestSetBody(t *testing.T) {
	t.Run("replace a block json body with text", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetBody("Create order", &BodySpec{Kind: BodyText, Text: "two\nlines"}),
			"-      json:",
			"-        sku: A-1   # stock keeping unit",
			"-        qty: 2",
			`+      text: "two\nlines"`)
		r, err := c.Resolve("Create order", "dev", nil, nil)
		if err != nil || string(r.Body.Bytes) != "two\nlines" {
			t.Errorf("body after edit: %v %v", r, err)
		}
	})
	t.Run("remove", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetBody("Create order", nil),
			"-    body:",
			"-      json:",
			"-        sku: A-1   # stock keeping unit",
			"-        qty: 2")
	})
	t.Run("add a file body", func(t *testing.T) {
		c, before := loadCommented(t)
		checkEdit(t, c, before, c.SetBody("List orders", &BodySpec{Kind: BodyFile, File: "bodies/orders.json"}),
			"+    body:",
			"+      file: bodies/orders.json")
	})
	t.Run("bad kind", func(t *testing.T) {
		c, _ := loadCommented(t)
		if err := c.SetBody("List orders", &BodySpec{Kind: "xml"}); err == nil || !strings.Contains(err.Error(), `bad body kind "xml"`) {
			t.Errorf("got %v", err)
		}
	})
}

// When the text cannot be changed locally, the edit still happens: the
// whole document is re-encoded from the changed node tree, comments kept.
func TestEditFallbackReencodes(t *testing.T) {
	c, _ := loadCommented(t)
	r, _, err := c.find("List orders")
	if err != nil {
		t.Fatal(err)
	}
	e := c.newEditor()
	e.textOK = false
	ui := mapIndex(r.node, "url")
	e.replaceValue(r.node, ui, strNode("{{base_url}}/fallback", 0))
	if err := e.commit("test"); err != nil {
		t.Fatal(err)
	}
	if !c.reformatted {
		t.Errorf("expected the fallback path")
	}
	got := string(c.Bytes())
	for _, s := range []string{"# stock keeping unit", "# ---- orders ----", "# trailing comment at the end of the file"} {
		if !strings.Contains(got, s) {
			t.Errorf("comment %q lost by the re-encode", s)
		}
	}
	rr, err := c.Resolve("List orders", "dev", nil, nil)
	if err != nil || rr.URL != "http://127.0.0.1:3000/dev/fallback" {
		t.Errorf("after fallback: %v %v", rr, err)
	}
}

// Every request of every example survives the edits as local text changes,
// and adding then deleting a header gives back the original bytes.
func TestEditsOnExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/collections/*.yaml")
	files = append(files, "testdata/commented.yaml")
	for _, f := range files {
		base, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range base.Requests() {
			c, _ := Load(f)
			orig := string(c.Bytes())
			if err := c.SetHeader(ref.Path, "X-Probe", "1"); err != nil || c.reformatted {
				t.Errorf("%s %s: SetHeader: %v (reformatted %v)", f, ref.Path, err, c.reformatted)
				continue
			}
			if err := c.DeleteHeader(ref.Path, "X-Probe"); err != nil || c.reformatted {
				t.Errorf("%s %s: DeleteHeader: %v (reformatted %v)", f, ref.Path, err, c.reformatted)
				continue
			}
			if got := string(c.Bytes()); got != orig {
				t.Errorf("%s %s: set+delete header is not the identity:\n%s", f, ref.Path, strings.Join(lineDiff(orig, got), "\n"))
			}
			for name, edit := range map[string]func() error{
				"SetAuthMode": func() error { return c.SetAuthMode(ref.Path, ModeNone) },
				"SetURL":      func() error { return c.SetURL(ref.Path, "https://changed.test/x y") },
				"SetBody":     func() error { return c.SetBody(ref.Path, &BodySpec{Kind: BodyText, Text: "t"}) },
				"Rename":      func() error { return c.RenameRequest(ref.Path, ref.Name+" #2") },
			} {
				c, _ = Load(f)
				if err := edit(); err != nil || c.reformatted {
					t.Errorf("%s %s: %s: %v (reformatted %v)", f, ref.Path, name, err, c.reformatted)
				}
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestEditFlowStyleRequest(t *testing.T) {
	c := mustLoad(t, doc(
		"name: t",
		"auth: {p: {type: aws}}",
		"requests:",
		"  - {name: r, url: 'https://x.test/'}   # one line",
		"  - {name: s, url: 'https://x.test/s', headers: {A: b}}",
	))
	before := string(c.Bytes())
	checkEdit(t, c, before, c.SetHeader("r", "X-A", "1"),
		"-  - {name: r, url: 'https://x.test/'}   # one line",
		`+  - {name: r, url: 'https://x.test/', headers: {X-A: "1"}}   # one line`)
	if err := c.DeleteHeader("r", "X-A"); err != nil || string(c.Bytes()) != before {
		t.Errorf("delete after set is not the identity: %v\n%s", err, c.Bytes())
	}
	checkEdit(t, c, before, c.DeleteHeader("s", "a"),
		"-  - {name: s, url: 'https://x.test/s', headers: {A: b}}",
		"+  - {name: s, url: 'https://x.test/s'}")
	before = string(c.Bytes())
	checkEdit(t, c, before, c.SetAuthMode("s", ModeNone),
		"-  - {name: s, url: 'https://x.test/s'}",
		"+  - {name: s, url: 'https://x.test/s', auth: {mode: none}}")
}

func TestEditKeepsCRLF(t *testing.T) {
	data := []byte("name: t\r\nrequests:\r\n  - name: r\r\n    url: https://x.test/\r\n")
	c := mustLoad(t, data)
	if err := c.SetHeader("r", "X-A", "v"); err != nil || c.reformatted {
		t.Fatalf("%v (reformatted %v)", err, c.reformatted)
	}
	want := "name: t\r\nrequests:\r\n  - name: r\r\n    url: https://x.test/\r\n    headers:\r\n      X-A: v\r\n"
	if got := string(c.Bytes()); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if err := c.DeleteHeader("r", "X-A"); err != nil || string(c.Bytes()) != string(data) {
		t.Errorf("delete: %v %q", err, c.Bytes())
	}
}
