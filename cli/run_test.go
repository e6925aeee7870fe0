package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

// runEnv is a clean home for `sigscope run`: its own caches and history.
func runEnv(t *testing.T) []string {
	home := t.TempDir()
	return append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_PROFILE=")
}

// demoCopy is the demo collection (with its schema) in a folder of the
// test's own, changed by edit.
func demoCopy(t *testing.T, edit func(string) string) string {
	dir := t.TempDir()
	src := filepath.Join("..", "examples", "collections")
	data, err := os.ReadFile(filepath.Join(src, "demo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile(filepath.Join(src, "schemas", "pet.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "schemas"), 0o755)
	os.WriteFile(filepath.Join(dir, "schemas", "pet.json"), schema, 0o644)
	text := string(data)
	if edit != nil {
		text = edit(text)
	}
	p := filepath.Join(dir, "demo.yaml")
	os.WriteFile(p, []byte(text), 0o644)
	return p
}

// TestRunQASmoke: the demo's QA folder passes against the built-in
// emulator, logging in by itself; a wrong assertion fails the run with
// expected against actual and its line, exit 1.
func TestRunQASmoke(t *testing.T) {
	env := runEnv(t)
	out, errs, code := run(t, env, nil, "run", filepath.Join("..", "examples", "collections", "demo.yaml"), "QA smoke", "--emulator", "--yes")
	if code != 0 || !strings.Contains(out, "6 requests: 6 passed, 0 failed, 0 no answer") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"✓ 201 QA smoke/Create pet", "✓ 404 QA smoke/Pet is gone", "✓ 200 QA smoke/Who am I (user pool)"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	bad := demoCopy(t, func(s string) string { return strings.Replace(s, `'.type == "dog"'`, `'.type == "cat"'`, 1) })
	out, errs, code = run(t, env, nil, "run", bad, "QA smoke", "--emulator", "--yes")
	if code != ExitError || !strings.Contains(out, `json .type == "cat": expected true, got false (.type is "dog") (`+bad+":") ||
		!strings.Contains(errs, "1 request(s) failed their assertions") {
		t.Fatalf("a failing assertion: exit %d\n%s\n%s", code, out, errs)
	}
}

// TestRunOutputs: -o json is one object with each step, TAP is TAP 13,
// --junit is JUnit XML with a failure per failed step, --bail stops, and
// --data runs once per CSV row.
func TestRunOutputs(t *testing.T) {
	env := runEnv(t)
	bad := demoCopy(t, func(s string) string { return strings.Replace(s, "status: 204", "status: 200", 1) })
	junit := filepath.Join(t.TempDir(), "report.xml")
	out, _, code := run(t, env, nil, "run", bad, "QA smoke", "--emulator", "--yes", "-o", "json", "--junit", junit)
	var res struct {
		Steps []struct {
			Request    string `json:"request"`
			Outcome    string `json:"outcome"`
			Status     int    `json:"status"`
			Assertions []struct {
				Name string `json:"name"`
				Pass bool   `json:"pass"`
			} `json:"assertions"`
			Captures []struct {
				Var, Value string
			} `json:"captures"`
		} `json:"steps"`
		Passed, Failed int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != ExitError {
		t.Fatalf("exit %d, json %v:\n%s", code, err, out)
	}
	if len(res.Steps) != 6 || res.Failed != 1 || res.Steps[3].Outcome != "failed" || res.Steps[3].Status != 204 || res.Steps[0].Captures[0].Var != "pet_id" || res.Steps[0].Captures[0].Value == "" {
		t.Errorf("json run: %+v", res)
	}
	var doc struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, err := os.ReadFile(junit)
	if err != nil || xml.Unmarshal(data, &doc) != nil || len(doc.Suites) != 1 || doc.Suites[0].Tests != 6 || doc.Suites[0].Failures != 1 ||
		doc.Suites[0].Cases[3].Failure == nil || !strings.Contains(doc.Suites[0].Cases[3].Failure.Message, "status: expected 200, got 204") {
		t.Errorf("junit %v:\n%s", err, data)
	}
	junitByPython(t, junit)
	junitBySchema(t, junit)

	out, _, code = run(t, env, nil, "run", bad, "QA smoke", "--emulator", "--yes", "-o", "tap", "--bail")
	if code != ExitError || !strings.HasPrefix(out, "TAP version 13\n") || !strings.Contains(out, "not ok 4 - QA smoke/Delete pet") ||
		strings.Contains(out, "ok 5 -") || !strings.Contains(out, "1..4\nBail out!") {
		t.Errorf("tap --bail: exit %d\n%s", code, out)
	}

	out, errs, code := run(t, env, nil, "run", bad, "QA smoke/Create pet", "--emulator", "--yes", "--data", filepath.Join("testdata", "run", "pets.csv"))
	if code != 0 || !strings.Contains(out, "QA smoke/Create pet [2]") || !strings.Contains(out, "2 requests: 2 passed") {
		t.Errorf("--data: exit %d\n%s\n%s", code, out, errs)
	}
}

// junitByPython reads the report with junitparser (Debian's
// python3-junitparser), a consumer of the format that is not ours.
func junitByPython(t *testing.T, path string) {
	py := peer.Python(t, "junitparser", "python3-junitparser")
	script := `import sys
from junitparser import JUnitXml, Failure
xml = JUnitXml.fromfile(sys.argv[1])
for suite in xml:
    for case in suite:
        failed = [r for r in case.result if isinstance(r, Failure)]
        print(case.name, "FAILED" if failed else "passed", failed[0].message if failed else "")
    print("total", suite.tests, suite.failures, suite.errors)
`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("junitparser: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{"Create pet passed", "Delete pet FAILED status: expected 200, got 204", "total 6 1 0"} {
		if !strings.Contains(got, want) {
			t.Errorf("junitparser read %q, want %q", got, want)
		}
	}
}

// TestRunsAreKeptAndDiffed: each run's exchanges are in the history under
// the run; `history runs` lists both runs, `--diff` names the request
// whose answer changed, and `history list --run last` lists the last run.
func TestRunsAreKeptAndDiffed(t *testing.T) {
	env := append(runEnv(t), "SIGSCOPE_HISTORY=") // the tests' process turns it off
	first := demoCopy(t, nil)
	if _, errs, code := run(t, env, nil, "run", first, "QA smoke", "--emulator", "--yes"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, errs)
	}
	second := demoCopy(t, func(s string) string {
		return strings.Replace(s, `url: "{{base_url}}/store/pets/{{pet_id}}"
        assert:
          status: 200`, `url: "{{base_url}}/store/pets/999"
        assert:
          status: 200`, 1)
	})
	if _, _, code := run(t, env, nil, "run", second, "QA smoke", "--emulator", "--yes"); code != ExitError {
		t.Fatalf("second run: exit %d, want a failure", code)
	}
	out, errs, code := run(t, env, nil, "history", "runs")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(strings.Split(out, "\n")[0], "FAILED") {
		t.Fatalf("history runs: exit %d\n%s%s", code, out, errs)
	}
	// The status changed, and the assertions that held fail now: named
	// with what they expected, exit 1 for a CI job to gate on.
	out, errs, code = run(t, env, nil, "history", "runs", "--diff")
	if code != ExitError || !strings.Contains(out, "200      → 404       QA smoke/Get pet") ||
		!strings.Contains(out, "✗ status: passed → failed (expected 200, got 404)") ||
		!strings.Contains(out, `✗ json .name == "Rex": passed → failed`) ||
		strings.Contains(out, "Create pet") || !strings.Contains(errs, "check(s) that held in") {
		t.Errorf("history runs --diff: exit %d\n%s%s", code, out, errs)
	}

	out, _, code = run(t, env, nil, "history", "list", "--run", "last")
	if code != 0 || strings.Count(out, "QA smoke/") != 6 {
		t.Errorf("history list --run last: exit %d\n%s", code, out)
	}
}

// TestRunSaysToStartTheEmulator: a collection that talks to the emulator,
// run without one, says how to give it one before anything is sent.
func TestRunSaysToStartTheEmulator(t *testing.T) {
	_, errs, code := run(t, runEnv(t), nil, "run", filepath.Join("..", "examples", "collections", "demo.yaml"), "QA smoke", "--yes")
	if code != ExitError || !strings.Contains(errs, "add --emulator") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// TestRunInterrupted: Ctrl-C in the middle of a run stops it at once (the
// request in flight too), prints the summary of what ran, writes the
// JUnit file, and exits 130 as a shell expects of Ctrl-C.
func TestRunInterrupted(t *testing.T) {
	hang := make(chan struct{})
	inFlight := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			inFlight <- struct{}{}
			select {
			case <-hang:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	defer close(hang)
	dir := t.TempDir()
	coll := filepath.Join(dir, "api.yaml")
	os.WriteFile(coll, []byte("name: hang\nrequests:\n  - name: fast\n    url: \"{{base}}/fast\"\n  - name: slow\n    url: \"{{base}}/slow\"\n  - name: never\n    url: \"{{base}}/fast\"\n"), 0o644)
	junit := filepath.Join(dir, "report.xml")
	cmd := exec.Command(binary, "run", coll, "--var", "base="+srv.URL, "--yes", "--junit", junit)
	cmd.Env = runEnv(t)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var out strings.Builder
	for l := range lines {
		out.WriteString(l + "\n")
		if strings.Contains(l, "fast") {
			break
		}
	}
	// Interrupt only once the server holds the second request: the first
	// line alone does not mean the runner has sent it yet.
	select {
	case <-inFlight:
	case <-time.After(30 * time.Second):
		t.Fatal("the second request never reached the server")
	}
	cmd.Process.Signal(os.Interrupt)
	for l := range lines {
		out.WriteString(l + "\n")
	}
	code := exitCode(t, cmd)
	if code != ExitInterrupted || !strings.Contains(out.String(), "2 requests: 1 passed, 0 failed, 1 no answer") ||
		!strings.Contains(out.String(), "stopped: interrupted") || strings.Contains(out.String(), "never") ||
		!strings.Contains(stderr.String(), "interrupted after 2 of 3 request(s)") {
		t.Errorf("exit %d\n%s\n%s", code, out.String(), stderr.String())
	}
	if data, err := os.ReadFile(junit); err != nil || !strings.Contains(string(data), `tests="2"`) {
		t.Errorf("junit after Ctrl-C: %v\n%s", err, data)
	}
	junitBySchema(t, junit)
}
