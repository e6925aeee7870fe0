package export

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/importer"
	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/workbench"
)

// The peers the exports go to, pinned in testdata/peers (newman, Bruno's
// CLI), installed by .ci/run's npm ci; stock HTTPie and curl from Debian.
const peersDir = "testdata/peers"

// peerBin is a program of the npm peers, or a skip (a failure in CI).
func peerBin(t *testing.T, name string) string {
	t.Helper()
	peer.Command(t, "node")
	bin, err := filepath.Abs(filepath.Join(peersDir, "node_modules", ".bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		peer.Missing(t, "%s is not installed (run: npm ci --prefix export/testdata/peers)", name)
	}
	return bin
}

// roundTrip is the Postman source imported into a collection on the
// emulator, with what the peers need to run its requests: the demo keys
// and a Cognito id token of the demo user.
type roundTrip struct {
	*bench
	path    string // the imported collection
	vars    map[string]string
	peerEnv map[string]string // the Postman variables newman and bru are given
}

func newRoundTrip(t *testing.T) *roundTrip {
	t.Helper()
	demo := openDemo(t)
	login(t, demo.wb)
	tok, _ := demo.preview(t, "Who am I").Prepared.Request.Get("Authorization")
	if tok == "" {
		t.Fatal("no id token after login")
	}
	src, err := os.ReadFile(filepath.Join(peersDir, "pets.postman_collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := importer.Import(src, "pets.postman_collection.json", "")
	if err != nil {
		t.Fatal(err)
	}
	yml, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "pets.yaml")
	if err := os.WriteFile(path, yml, 0o600); err != nil {
		t.Fatal(err)
	}
	cred := demo.srv.Config.Credentials[0]
	env := map[string]string{"aws_access_key": cred.AccessKeyID, "aws_secret_key": cred.SecretAccessKey, EnvIDToken: tok}
	vars := map[string]string{"base_url": demo.srv.URL + "/prod", "id_token": tok}
	wb := openBenchVars(t, path, vars, env)
	return &roundTrip{
		bench: &bench{srv: demo.srv, wb: wb, env: env, dir: dir},
		path:  path, vars: vars,
		peerEnv: map[string]string{"aws_access_key": cred.AccessKeyID, "aws_secret_key": cred.SecretAccessKey, "id_token": tok},
	}
}

// TestRoundTripPostmanPeers: a Postman collection imported by sigscope
// and sent to the emulator (every request 200), exported as Postman and
// run by newman and by Bruno's CLI after Bruno's own Postman import
// (every request 200), each request exported for stock HTTPie and for
// curl and run by them (200).
func TestRoundTripPostmanPeers(t *testing.T) {
	rt := newRoundTrip(t)
	refs := rt.wb.Requests()
	if len(refs) != 6 {
		t.Fatalf("imported %d requests", len(refs))
	}
	for _, r := range refs {
		if code, _ := rt.send(t, r.Path); code != 200 {
			t.Errorf("send %s: %d", r.Path, code)
		}
	}

	col, err := collections.Load(rt.path)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := Postman(col, PostmanOptions{Vars: map[string]string{"base_url": rt.vars["base_url"]}})
	if err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(t.TempDir(), "pets.postman_collection.json")
	if err := os.WriteFile(exported, pm, 0o600); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(pm), rt.peerEnv["aws_secret_key"]) || strings.Contains(string(pm), rt.peerEnv["id_token"]) {
		t.Fatal("a secret in the Postman export")
	}

	t.Run("newman", func(t *testing.T) {
		allOK(t, "newman", newmanRun(t, exported, rt.peerEnv), len(refs))
		// The source as Postman wrote it: newman's aws4 signs the raw + of
		// "Raw plus" as a space where AWS (and the emulator) read a plus,
		// so AWS refuses it; sigscope's import sends %2B, and so does its
		// export.
		src, err := filepath.Abs(filepath.Join(peersDir, "pets.postman_collection.json"))
		if err != nil {
			t.Fatal(err)
		}
		orig := newmanRun(t, src, merge(rt.peerEnv, map[string]string{"base_url": rt.vars["base_url"]}))
		if orig["Raw plus"] != 403 || orig["List pets"] != 200 {
			t.Errorf("the source in newman: %v (want Raw plus refused with 403 as AWS refuses it, the others 200)", orig)
		}
	})

	t.Run("bru", func(t *testing.T) {
		allOK(t, "bru", bruRun(t, exported, rt.peerEnv), len(refs))
	})

	// The token is in the shell as $SIGSCOPE_ID_TOKEN, as a login recipe
	// puts it there: the commands read it from there.
	names := func(pv *workbench.Preview) map[string]string {
		n := rt.envNames(pv)
		n[rt.env[EnvIDToken]] = EnvIDToken
		return n
	}
	t.Run("httpie", func(t *testing.T) {
		for _, r := range refs {
			pv := rt.preview(t, r.Path)
			cmd, err := HTTPie(pv.Prepared, Options{EnvNames: names(pv)})
			if err != nil {
				t.Fatal(err)
			}
			if code := httpieStatus(t, cmd, rt.env); code != 200 {
				t.Errorf("httpie %s: %d\n%s", r.Path, code, cmd)
			}
		}
		// The plugin form: stock HTTPie refuses it, which is why it is
		// not the default; with the plugin installed it must get 200.
		pv := rt.preview(t, "pets/List pets")
		cmd, err := HTTPie(pv.Prepared, Options{EnvNames: names(pv), HTTPiePlugin: true})
		if err != nil {
			t.Fatal(err)
		}
		c := exec.Command(peer.Command(t, "bash"), "-c", cmd)
		c.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "AWS_ACCESS_KEY_ID=" + rt.env["aws_access_key"], "AWS_SECRET_ACCESS_KEY=" + rt.env["aws_secret_key"]}
		out, err := c.CombinedOutput()
		switch {
		case err != nil && strings.Contains(string(out), "invalid choice: 'aws4'"):
			t.Logf("stock HTTPie refuses the plugin form, as expected without httpie-aws-authv4 (invalid choice: 'aws4')")
		case err != nil || !strings.Contains(string(out), `"httpMethod":"GET"`):
			// The gateway's echo is the answer of a signature it accepted.
			t.Errorf("the plugin form with the plugin installed: %v\n%s\n%s", err, out, cmd)
		}
	})

	t.Run("curl", func(t *testing.T) {
		for _, r := range refs {
			pv := rt.preview(t, r.Path)
			cmd, err := Curl(pv.Prepared, Options{EnvNames: names(pv)})
			if err != nil {
				t.Fatal(err)
			}
			code, body := runShell(t, cmd, rt.env)
			if code != 200 && strings.Contains(cmd, "curl releases that sign the path as written (7.x) get 403 for it: use --frozen there") && curlMajor(t) == 7 {
				// curl 7 signs the path as written, the server reads it
				// encoded twice: AWS refuses it, as the comment says. The
				// frozen form is the command for curl 7.
				t.Logf("curl 7 refused the fresh %s as the export's comment says (%d); running --frozen", r.Path, code)
				if cmd, err = Curl(pv.Prepared, Options{Frozen: true, EnvNames: names(pv)}); err != nil {
					t.Fatal(err)
				}
				code, body = runShell(t, cmd, rt.env)
			}
			if code != 200 {
				t.Errorf("curl %s: %d %s\n%s", r.Path, code, body, cmd)
			}
		}
	})
}

// curlMajor is the major version of the curl on PATH.
func curlMajor(t *testing.T) int {
	t.Helper()
	out, err := exec.Command(peer.Command(t, "curl"), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		t.Fatalf("curl --version: %q", out)
	}
	major, _ := strconv.Atoi(strings.SplitN(f[1], ".", 2)[0])
	return major
}

// allOK checks that a peer ran n requests and got 200 for each.
func allOK(t *testing.T, peer string, got map[string]int, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%s ran %d requests, want %d: %v", peer, len(got), n, got)
	}
	for name, code := range got {
		if code != 200 {
			t.Errorf("%s: %s got %d", peer, name, code)
		}
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// newmanRun runs a collection with newman and returns each request's
// status by name.
func newmanRun(t *testing.T, collection string, vars map[string]string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for name, a := range newmanAnswers(t, collection, vars) {
		got[name] = a.code
	}
	return got
}

// newmanAnswer is one request's answer in newman's report: -1 for a
// request that got none.
type newmanAnswer struct {
	code int
	body []byte
}

// newmanAnswers runs a collection with newman and returns each request's
// answer by name.
func newmanAnswers(t *testing.T, collection string, vars map[string]string) map[string]newmanAnswer {
	t.Helper()
	bin := peerBin(t, "newman")
	report := filepath.Join(t.TempDir(), "newman.json")
	args := []string{"run", collection, "--reporters", "json", "--reporter-json-export", report, "--timeout-request", "20000"}
	data := runReporting(t, exec.Command(bin, envVarArgs(args, vars)...), report)
	var rep struct {
		Run struct {
			Executions []struct {
				Item struct {
					Name string `json:"name"`
				} `json:"item"`
				Response *struct {
					Code   int `json:"code"`
					Stream struct {
						Data []int `json:"data"` // a Node Buffer, byte by byte
					} `json:"stream"`
				} `json:"response"`
				RequestError *struct {
					Message string `json:"message"`
				} `json:"requestError"`
			} `json:"executions"`
		} `json:"run"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("newman report: %v", err)
	}
	got := map[string]newmanAnswer{}
	for _, e := range rep.Run.Executions {
		switch {
		case e.RequestError != nil:
			t.Errorf("newman: %s: %s", e.Item.Name, e.RequestError.Message)
			got[e.Item.Name] = newmanAnswer{code: -1}
		case e.Response != nil:
			body := make([]byte, len(e.Response.Stream.Data))
			for i, b := range e.Response.Stream.Data {
				body[i] = byte(b)
			}
			got[e.Item.Name] = newmanAnswer{code: e.Response.Code, body: body}
		}
	}
	return got
}

// envVarArgs adds an --env-var k=v for each variable (newman's and bru's
// flag alike).
func envVarArgs(args []string, vars map[string]string) []string {
	for k, v := range vars {
		args = append(args, "--env-var", k+"="+v)
	}
	return args
}

// runReporting runs a peer that writes a JSON report and returns the
// report. A failed request makes the peer exit 1, which is no error here:
// the report says which.
func runReporting(t *testing.T, cmd *exec.Cmd, report string) []byte {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("%s: %v\n%s", filepath.Base(cmd.Path), err, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("%s wrote no report: %v\n%s", filepath.Base(cmd.Path), err, out)
	}
	return data
}

// bruRun imports a Postman collection into Bruno as the Bruno app does
// (testdata/peers/import-postman.js) and runs it with bru run, returning
// each request's status by name.
func bruRun(t *testing.T, collection string, vars map[string]string) map[string]int {
	t.Helper()
	bin := peerBin(t, "bru")
	script, err := filepath.Abs(filepath.Join(peersDir, "import-postman.js"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bruno")
	if out, err := exec.Command(peer.Command(t, "node"), script, collection, dir).CombinedOutput(); err != nil {
		t.Fatalf("Bruno's Postman import: %v\n%s", err, out)
	}
	report := filepath.Join(t.TempDir(), "bru.json")
	cmd := exec.Command(bin, envVarArgs([]string{"run", "-r", "--reporter-json", report}, vars)...)
	cmd.Dir = dir
	data := runReporting(t, cmd, report)
	// One entry per iteration, each with a result per request.
	var rep []struct {
		Results []struct {
			Name     string `json:"name"`
			Response struct {
				Status int `json:"status"`
			} `json:"response"`
			Error *string `json:"error"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("bru report: %v\n%.2000s", err, data)
	}
	got := map[string]int{}
	for _, r := range rep {
		for _, res := range r.Results {
			if res.Error != nil && *res.Error != "" {
				t.Errorf("bru: %s: %s", res.Name, *res.Error)
			}
			got[res.Name] = res.Response.Status
		}
	}
	return got
}

// httpieStatus runs an exported HTTPie command with bash in the given
// environment, HTTPie told by its own config to print the response's
// headers, and returns the status.
func httpieStatus(t *testing.T, command string, env map[string]string) int {
	t.Helper()
	bash := peer.Command(t, "bash")
	http := peer.Command(t, "http")
	conf := t.TempDir()
	if err := os.WriteFile(filepath.Join(conf, "config.json"), []byte(`{"default_options": ["--print=h", "--timeout=20"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-c", command)
	cmd.Env = []string{"PATH=" + filepath.Dir(http) + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "HTTPIE_CONFIG_DIR=" + conf}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("httpie: %v %s\n%s", err, stderr.String(), command)
	}
	first, _, _ := strings.Cut(stdout.String(), "\n")
	f := strings.Fields(first)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		t.Fatalf("httpie printed %q\n%s", stdout.String(), command)
	}
	code, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatalf("status %q", first)
	}
	return code
}
