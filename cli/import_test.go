package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// runImport runs `sigscope import ARGS` as Main does and returns its
// output and exit code.
func runImport(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"import"}, args...), strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

const sigv4Curl = `curl "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets?limit=10" \
  --user "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" \
  -H "x-amz-security-token: FwoGZXIvYXdzEXAMPLETOKEN" \
  --aws-sigv4 "aws:amz:eu-west-1:execute-api" -H 'Cookie: session=s3cr3t'
`

func TestImportCurlFromStdinPrintsAValidCollectionWithoutSecrets(t *testing.T) {
	out, errOut, code := runImport(t, sigv4Curl, "-")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := collections.LoadBytes("out.yaml", []byte(out)); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, secret := range []string{"AKIDEXAMPLE", "wJalrXUtnFEMI", "FwoGZXIvYXdzEXAMPLETOKEN", "s3cr3t"} {
		if strings.Contains(out+errOut, secret) {
			t.Errorf("%s leaked into the output", secret)
		}
	}
	for _, want := range []string{"access_key_id_env: AWS_ACCESS_KEY_ID", "session_token_env: AWS_SESSION_TOKEN", "mode: iam", "limit: \"10\""} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "imported 1 request(s) from standard input (curl)") || !strings.Contains(errOut, "COOKIE") {
		t.Errorf("report: %s", errOut)
	}
}

func TestImportWritesTheFileOnceAndMerges(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "cmd.sh")
	os.WriteFile(src, []byte(sigv4Curl), 0o600)
	dst := filepath.Join(dir, "api.yaml")
	if _, e, code := runImport(t, "", src, "-o", dst); code != ExitOK {
		t.Fatalf("exit %d: %s", code, e)
	}
	st, err := os.Stat(dst)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("written file: %v %v", st, err)
	}
	if _, e, code := runImport(t, "", src, "-o", dst); code != ExitError || !strings.Contains(e, "exists") {
		t.Errorf("overwrite without --force: exit %d %s", code, e)
	}
	if _, e, code := runImport(t, "", src, "-o", dst, "--force"); code != ExitOK {
		t.Errorf("--force: exit %d %s", code, e)
	}
	// Merge the same import again: a folder of its own, names kept apart.
	if _, e, code := runImport(t, "", src, "--merge", dst); code != ExitOK {
		t.Fatalf("merge: exit %d %s", code, e)
	}
	c, err := collections.Load(dst)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Requests()); n != 2 {
		t.Errorf("%d requests after the merge, want 2", n)
	}
}

func TestImportErrorsAndUsage(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.txt")
	os.WriteFile(junk, []byte("hello world\n"), 0o600)
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{junk}, ExitError, "pass --format"},
		{[]string{filepath.Join(dir, "missing.json")}, ExitError, "missing.json"},
		{[]string{junk, "--format", "wsdl"}, ExitUsage, "unknown format"},
		{[]string{}, ExitUsage, "accepts 1 arg"},
		{[]string{junk, "--format", "curl"}, ExitError, "no curl command"},
	}
	for _, c := range cases {
		_, e, code := runImport(t, "", c.args...)
		if code != c.code || !strings.Contains(e, c.msg) {
			t.Errorf("%v: exit %d (want %d): %s", c.args, code, c.code, e)
		}
	}
}

// importPMCollection and its two environments: the base URL and a secret token
// come from the environment files.
const (
	importPMCollection = `{"info":{"name":"Pets","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item":[{"name":"List pets","request":{"method":"GET","url":"{{base_url}}/pets",
  "auth":{"type":"bearer","bearer":[{"key":"token","value":"{{token}}","type":"string"}]}}}]}`
	importPMEnvDev  = `{"name":"dev","values":[{"key":"base_url","value":"http://127.0.0.1:4566/dev","enabled":true},{"key":"token","value":"dev-tok-SECRET1","type":"secret","enabled":true}],"_postman_variable_scope":"environment"}`
	importPMEnvProd = `{"name":"prod","values":[{"key":"base_url","value":"https://abc123.execute-api.eu-west-1.amazonaws.com/prod","enabled":true},{"key":"token","value":"prod-tok-SECRET2","type":"secret","enabled":true}],"_postman_variable_scope":"environment"}`
)

func importTestFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestImportPostmanWithEnvironmentFiles(t *testing.T) {
	dir := importTestFiles(t, map[string]string{"pets.json": importPMCollection, "dev.json": importPMEnvDev, "prod.json": importPMEnvProd})
	check := func(out, errOut, source string) {
		t.Helper()
		col, err := collections.LoadBytes("out.yaml", []byte(out))
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if got := strings.Join(col.Environments(), ","); got != "dev,prod" {
			t.Errorf("environments %s", got)
		}
		r, err := col.Resolve("List pets", "prod", nil, func(k string) (string, bool) { return "ENV:" + k, true })
		if err != nil || r.URL != "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets" {
			t.Errorf("resolve in prod: %v %+v", err, r)
		}
		for _, secret := range []string{"SECRET1", "SECRET2"} {
			if strings.Contains(out+errOut, secret) {
				t.Errorf("%s leaked", secret)
			}
		}
		if !strings.Contains(errOut, "imported 1 request(s) from "+source+" (postman)") {
			t.Errorf("report: %s", errOut)
		}
	}
	out, errOut, code := runImport(t, "", filepath.Join(dir, "pets.json"), "--env", filepath.Join(dir, "dev.json"), "--env", filepath.Join(dir, "prod.json"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	check(out, errOut, filepath.Join(dir, "pets.json"))
	// The collection on standard input, --format postman said.
	out, errOut, code = runImport(t, importPMCollection, "-", "--format", "postman", "--env", filepath.Join(dir, "dev.json"), "--env", filepath.Join(dir, "prod.json"))
	if code != ExitOK {
		t.Fatalf("stdin: exit %d: %s", code, errOut)
	}
	check(out, errOut, "standard input")
}

func TestImportEnvErrors(t *testing.T) {
	dir := importTestFiles(t, map[string]string{"pets.json": importPMCollection, "dev.json": importPMEnvDev, "cmd.sh": sigv4Curl, "other.json": importPMCollection})
	pets, dev := filepath.Join(dir, "pets.json"), filepath.Join(dir, "dev.json")
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{filepath.Join(dir, "cmd.sh"), "--env", dev}, ExitUsage, "is curl: leave --env out"},
		{[]string{pets, "--format", "openapi", "--env", dev}, ExitUsage, "--format is openapi"},
		{[]string{dir, "--env", dev}, ExitUsage, "is a folder"},
		{[]string{pets, "--env", dev, "--env", filepath.Join(dir, "other.json")}, ExitError, "--env " + filepath.Join(dir, "other.json") + ": not a Postman environment export"},
		{[]string{pets, "--env", filepath.Join(dir, "missing.json")}, ExitError, "missing.json"},
		{[]string{pets, "--env", dir}, ExitError, "a folder"},
	}
	for _, c := range cases {
		out, e, code := runImport(t, "", c.args...)
		if code != c.code || !strings.Contains(e, c.msg) || out != "" {
			t.Errorf("%v: exit %d (want %d), output %q: %s", c.args, code, c.code, out, e)
		}
	}
}
