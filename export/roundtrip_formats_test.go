package export

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/importer"
	"github.com/sigscope/sigscope/workbench"
)

// The fixtures under testdata/roundtrip are exports of the emulator's pet
// store in each format an importer reads (SOURCE.md says how each was
// made). They hold placeholders for the emulator's address, which only
// exists once the test runs.
const (
	phURL    = "EMULATOR_URL"    // http://127.0.0.1:PORT/prod
	phOrigin = "EMULATOR_ORIGIN" // http://127.0.0.1:PORT
	phHost   = "EMULATOR_HOST"   // 127.0.0.1:PORT
)

// petsWant is what the gateway must see for each of the two requests every
// fixture holds: the imported request has to mean what the source meant,
// not only to pass the authorizer.
var petsWant = map[string]echo{
	"GET":  {Method: "GET", Path: "/pets", Query: map[string][]string{"type": {"dog"}, "limit": {"5"}}},
	"POST": {Method: "POST", Path: "/pets"},
}

const petsBody = `{"name":"Rex","type":"dog"}`

// TestRoundTripImportedFormats: each format's export of the pet store is
// imported, every imported request sent by sigscope gets 200 from the
// emulator's IAM routes, and the curl exported from it (signing afresh
// with --aws-sigv4, then frozen) gets the same 200 with the same request
// seen by the gateway.
func TestRoundTripImportedFormats(t *testing.T) {
	cases := []struct {
		name    string
		source  string // under testdata/roundtrip: a file, or a folder (Bruno)
		format  string // what detection must find
		profile string // the type of auth profile the import must write
	}{
		{name: "openapi3", source: "openapi3.yaml", format: "openapi", profile: "aws"},
		{name: "swagger2", source: "swagger2.json", format: "openapi", profile: "aws"},
		{name: "postman-v2.1", source: "postman-v2_1.json", format: "postman", profile: "static"},
		{name: "postman-v2.0", source: "postman-v2_0.json", format: "postman", profile: "static"},
		{name: "insomnia-v4", source: "insomnia-v4.json", format: "insomnia", profile: "static"},
		{name: "insomnia-v5", source: "insomnia-v5.yaml", format: "insomnia", profile: "static"},
		{name: "bruno-bru", source: "bruno-bru", format: "bruno", profile: "static"},
		{name: "bruno-yaml", source: "bruno-yaml", format: "bruno", profile: "static"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBench(t, staticCollection, nil)
			src := materialize(t, filepath.Join("testdata", "roundtrip", tc.source), b.srv)
			c := importSource(t, src)
			if c.Report.Format != tc.format {
				t.Fatalf("detected as %q, want %q", c.Report.Format, tc.format)
			}
			yml, err := c.YAML()
			if err != nil {
				t.Fatal(err)
			}
			env := credentialEnv(t, c, tc.profile, b.srv)
			path := filepath.Join(t.TempDir(), "imported.yaml")
			if err := os.WriteFile(path, yml, 0o600); err != nil {
				t.Fatal(err)
			}
			ib := &bench{srv: b.srv, env: env, dir: filepath.Dir(path), wb: openBench(t, path, b.srv.URL, env)}
			refs := ib.wb.Requests()
			if len(refs) != len(petsWant) {
				t.Fatalf("imported %d requests, want %d:\n%s", len(refs), len(petsWant), yml)
			}
			seen := map[string]bool{}
			for _, ref := range refs {
				seen[ref.Method] = true
				roundTripOne(t, ib, ref.Path, yml)
			}
			for m := range petsWant {
				if !seen[m] {
					t.Errorf("no %s request imported:\n%s", m, yml)
				}
			}
		})
	}
}

// roundTripOne sends one imported request, checks what the gateway saw,
// then runs its curl exports.
func roundTripOne(t *testing.T, ib *bench, request string, yml []byte) {
	t.Helper()
	code, sent := sendImported(t, ib, request)
	if code != 200 {
		t.Fatalf("%s: send of the imported request: %d\nimported:\n%s", request, code, yml)
	}
	want, ok := petsWant[sent.Method]
	if !ok {
		t.Fatalf("%s: the gateway saw method %s", request, sent.Method)
	}
	if sent.Path != want.Path || !sameQuery(sent.Query, want.Query) {
		t.Errorf("%s: the gateway saw %s %s %v, want %s %v", request, sent.Method, sent.Path, sent.Query, want.Path, want.Query)
	}
	if sent.Method == "POST" && !sameJSON(sent.Body, petsBody) {
		t.Errorf("%s: the gateway saw the body %v, want %s", request, show(sent.Body), petsBody)
	}
	for _, frozen := range []bool{false, true} {
		pv := ib.preview(t, request)
		cmd, err := Curl(pv.Prepared, Options{Frozen: frozen, EnvNames: ib.envNames(pv)})
		if err != nil {
			t.Fatalf("%s: frozen=%v: %v", request, frozen, err)
		}
		if !frozen && !strings.Contains(cmd, "--aws-sigv4 aws:amz:us-east-1:execute-api") {
			t.Errorf("%s: exported without --aws-sigv4 for us-east-1/execute-api:\n%s", request, cmd)
		}
		got, body := runShell(t, cmd, ib.env)
		if got != 200 {
			t.Fatalf("%s: frozen=%v: the exported command got %d: %s\n%s\nimported:\n%s", request, frozen, got, body, cmd, yml)
		}
		e := parseEcho(t, body)
		if e.Method != sent.Method || e.Path != sent.Path || !sameBody(e.Body, sent.Body) || !sameQuery(e.Query, sent.Query) {
			t.Errorf("%s: frozen=%v: the gateway saw %+v from curl, %+v from send", request, frozen, e, sent)
		}
	}
}

// sendImported sends as bench.send does, and says why when no answer came
// (a request the workbench could not prepare has an outcome without one).
func sendImported(t *testing.T, ib *bench, request string) (int, echo) {
	t.Helper()
	oc := ib.wb.Send(context.Background(), request, workbench.Run{Timeout: 10 * time.Second})
	defer oc.Close()
	switch {
	case oc.Err != nil:
		t.Fatalf("send %q: %v", request, oc.Err)
	case oc.Result == nil || oc.Result.Err != nil || oc.Result.Response == nil:
		var err error
		if oc.Result != nil {
			err = oc.Result.Err
		}
		t.Fatalf("send %q: no answer (%v); warnings %q", request, err, oc.Warnings)
	}
	return oc.Result.Response.Status, parseEcho(t, oc.Result.Response.Body)
}

// materialize copies a fixture (file or folder) into a temporary folder
// with the emulator's address in place of the placeholders.
func materialize(t *testing.T, src string, srv *emulator.Server) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	fill := strings.NewReplacer(phURL, srv.URL+"/prod", phOrigin, srv.URL, phHost, u.Host)
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, []byte(fill.Replace(string(data))), 0o600)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	return dst
}

// importSource imports a file with importer.Import (the format detected),
// a folder with importer.ImportPath.
func importSource(t *testing.T, path string) *importer.Collection {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var c *importer.Collection
	if st.IsDir() {
		c, err = importer.ImportPath(path, "")
	} else {
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		c, err = importer.Import(data, filepath.Base(path), "")
	}
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return c
}

// credentialEnv gives the variables the imported auth profiles read the
// emulator's demo keys. A static profile names its variables; an aws
// profile reads the AWS SDK's default chain, which reads the process
// environment (set for this test only, with no shared config files),
// the region included: a document served from loopback names none, where
// an execute-api host would have given it.
// The returned map is the environment of both sigscope and the exported
// command.
func credentialEnv(t *testing.T, c *importer.Collection, wantType string, srv *emulator.Server) map[string]string {
	t.Helper()
	cred := srv.Config.Credentials[0]
	env := map[string]string{}
	if len(c.Profiles) == 0 {
		t.Fatal("the import wrote no auth profile")
	}
	for _, p := range c.Profiles {
		if p.Type != wantType {
			t.Fatalf("auth profile %s is of type %s, want %s", p.Name, p.Type, wantType)
		}
		switch p.Type {
		case "static":
			for _, f := range p.Fields {
				switch f.Key {
				case "access_key_id_env":
					env[f.Value] = cred.AccessKeyID
				case "secret_access_key_env":
					env[f.Value] = cred.SecretAccessKey
				case "session_token_env":
					t.Fatalf("auth profile %s reads a session token (%s) the fixture does not have", p.Name, f.Value)
				}
			}
		case "aws":
			for _, f := range p.Fields {
				if f.Key == "profile" {
					t.Fatalf("auth profile %s names the shared-config profile %s: the fixture names none", p.Name, f.Value)
				}
			}
			dir := t.TempDir()
			t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
			for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_REGION"} {
				unsetEnv(t, k)
			}
			env["AWS_ACCESS_KEY_ID"] = cred.AccessKeyID
			env["AWS_SECRET_ACCESS_KEY"] = cred.SecretAccessKey
			t.Setenv("AWS_ACCESS_KEY_ID", cred.AccessKeyID)
			t.Setenv("AWS_SECRET_ACCESS_KEY", cred.SecretAccessKey)
			t.Setenv("AWS_REGION", "us-east-1")
		}
	}
	if len(env) == 0 {
		t.Fatal("the imported profiles read no credential variables")
	}
	return env
}

// unsetEnv removes a variable for the test and puts it back after.
func unsetEnv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "") // registers the restore
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}

// sameJSON compares a body with the JSON it must carry, whatever the
// spacing the source wrote it with.
func sameJSON(body *string, want string) bool {
	if body == nil {
		return false
	}
	var a, b any
	if json.Unmarshal([]byte(*body), &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

func show(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}
