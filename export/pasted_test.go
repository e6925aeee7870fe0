package export

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/internal/testkit"
	"github.com/sigscope/sigscope/workbench"
)

// recBench is a collection whose requests go to a recording server, for
// running an exported command and seeing exactly what arrived.
type recBench struct {
	rec *testkit.Recorder
	wb  *workbench.Workbench
	env map[string]string
	dir string
}

// newRecBench writes the collection ({{emulator}} is the recorder's URL)
// into a new folder and opens it.
func newRecBench(t *testing.T, collection string) *recBench {
	t.Helper()
	rec := testkit.NewRecorder(t, nil)
	env := map[string]string{
		"SIGSCOPE_DEMO_ACCESS_KEY_ID":     "AKIDSIGSCOPEDEMO0001",
		"SIGSCOPE_DEMO_SECRET_ACCESS_KEY": "planted/SECRET+key0123456789abcdefghijkl",
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "coll.yaml")
	if err := os.WriteFile(path, []byte(collection), 0o600); err != nil {
		t.Fatal(err)
	}
	return &recBench{rec: rec, env: env, dir: dir, wb: openBench(t, path, "http://"+rec.Addr, env)}
}

func (b *recBench) preview(t *testing.T, request string) *workbench.Preview {
	t.Helper()
	pv, err := b.wb.Preview(context.Background(), request, workbench.Run{})
	if err != nil {
		t.Fatalf("preview %q: %v", request, err)
	}
	return pv
}

// yamlString writes s as a YAML scalar (JSON is YAML), so that any bytes
// of a hostile value reach the collection as they are.
func yamlString(t *testing.T, s string) string {
	t.Helper()
	j, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

// exporters are the command forms, by name.
var exporters = map[string]func(*exchange.Prepared, Options) (string, error){"curl": Curl, "httpie": HTTPie}

// A shell runs a pasted command: how to start it, and whether the command
// goes in on standard input (an interactive shell, which expands history).
type shell struct {
	name  string
	args  []string
	stdin bool
}

// shells are the shells a command is pasted into. The interactive ones
// read it as a terminal user's would, history expansion (!) included. An
// interactive zsh takes # for a comment only with INTERACTIVE_COMMENTS,
// which zsh -i sets as many setups do; plain zsh -i runs each comment
// line as a command (an error), so a quote in a comment would pair with
// one of the command and turn quoted text into code.
var shells = []shell{
	{"dash", []string{"dash", "-c"}, false},
	{"bash", []string{"bash", "-c"}, false},
	{"zsh", []string{"zsh", "-f", "-c"}, false},
	{"bash -i", []string{"bash", "--norc", "--noprofile", "-i"}, true},
	{"zsh -i", []string{"zsh", "-f", "-i"}, true},
	{"plain zsh -i", []string{"zsh", "-f", "-i"}, true},
}

// runPasted runs a command as a user who pastes it into the shell would,
// in dir, with only env and a PATH that finds curl and HTTPie, and fails
// the test when the shell fails. It returns standard output.
func runPasted(t *testing.T, sh shell, dir, command string, env map[string]string) string {
	t.Helper()
	stdout, stderr, err := pasted(t, sh, dir, command, env, toolPath(t))
	if err != nil {
		t.Fatalf("%s: %v\n%s\ncommand:\n%s", sh.name, err, stderr, command)
	}
	return stdout
}

// pasted runs command with sh in dir, with only env, PATH and a home of
// its own.
func pasted(t *testing.T, sh shell, dir, command string, env map[string]string, path string) (stdout, stderr string, err error) {
	t.Helper()
	bin := peer.Command(t, sh.args[0])
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".curlrc"), []byte("silent\nshow-error\nmax-time = 20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := sh.args[1:]
	var stdin io.Reader
	if sh.stdin {
		script := command
		if sh.name == "zsh -i" {
			script = "setopt interactivecomments\n" + script
		}
		stdin = strings.NewReader(script + "\nexit $?\n")
	} else {
		args = append(args, command)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.Env = []string{"PATH=" + path, "HOME=" + home, "CURL_HOME=" + home, "HTTPIE_CONFIG_DIR=" + home, "LC_ALL=C.UTF-8", "TERM=dumb"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// toolPath is a PATH with the folders of curl and HTTPie, when present,
// and the system's.
func toolPath(t *testing.T) string {
	t.Helper()
	dirs := []string{}
	for _, tool := range []string{"curl", "http"} {
		if p, err := exec.LookPath(tool); err == nil {
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	return strings.Join(append(dirs, "/usr/bin", "/bin"), ":")
}

// newRequests returns what the recorder got after the first n requests.
func newRequests(rec *testkit.Recorder, n int) ([]*http.Request, []string) {
	return rec.Requests()[n:], rec.Raw()[n:]
}

// noPWNED fails when a hostile value ran as a command in dir.
func noPWNED(t *testing.T, dir, what string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "PWNED") {
			t.Fatalf("%s: a hostile value ran as a command (%s exists)", what, e.Name())
		}
	}
}
