package cli

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
)

// The examples of docs/collections.md run. A fenced block's info string
// says what it is to the test (GitHub shows only its first word):
//
//	```yaml file=pets.yaml run exit=1 args=--data,pets.csv
//
// file=NAME writes the block to NAME in a folder of the test's own (a
// collection, a data file, a schema); run runs `sigscope run NAME
// --emulator --yes` there with args (comma-separated), expecting exit
// (default 0); check loads a collection that targets real AWS, without
// running it. A ```text output block right after a run block is what the
// run prints: each of its lines must be a line of the output, the times
// aside. A YAML block that is a whole collection (top-level name: and
// requests:) must be one of these: no example of a collection goes
// unchecked.

type docBlock struct {
	line  int // of the opening fence
	lang  string
	attrs map[string]string
	words map[string]bool
	text  string
}

func docBlocks(t *testing.T, path string) []docBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docBlock
	var cur *docBlock
	var body strings.Builder
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if !strings.HasPrefix(l, "```") {
			if cur != nil {
				body.WriteString(l + "\n")
			}
			continue
		}
		if cur != nil {
			cur.text = body.String()
			out = append(out, *cur)
			cur = nil
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(l, "```"))
		b := docBlock{line: n, attrs: map[string]string{}, words: map[string]bool{}}
		for i, w := range fields {
			if i == 0 {
				b.lang = w
			} else if k, v, ok := strings.Cut(w, "="); ok {
				b.attrs[k] = v
			} else {
				b.words[w] = true
			}
		}
		cur = &b
		body.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var topName, topRequests = regexp.MustCompile(`(?m)^name:`), regexp.MustCompile(`(?m)^requests:`)

func wholeCollection(text string) bool {
	return topName.MatchString(text) && topRequests.MatchString(text)
}

// times are what changes from run to run in a run's output.
var times = regexp.MustCompile(`\d+(\.\d+)? ?(µs|ms|s)\b`)

func TestDocExamplesRun(t *testing.T) {
	doc := filepath.Join("..", "docs", "collections.md")
	blocks := docBlocks(t, doc)
	dir := t.TempDir()
	for _, b := range blocks {
		if name := b.attrs["file"]; name != "" {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(b.text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	env := runEnv(t)
	ran := 0
	for i, b := range blocks {
		where := doc + ":" + strconv.Itoa(b.line)
		if b.lang == "yaml" && wholeCollection(b.text) && !b.words["run"] && !b.words["check"] {
			t.Errorf("%s: a collection example neither run nor check: mark its fence (see run_docs_test.go)", where)
		}
		if b.words["check"] {
			if _, err := collections.LoadBytes("example.yaml", []byte(b.text)); err != nil {
				t.Errorf("%s: the example does not load: %v", where, err)
			}
		}
		if !b.words["run"] {
			continue
		}
		ran++
		name := b.attrs["file"]
		if name == "" {
			t.Errorf("%s: a run block without file=NAME", where)
			continue
		}
		want, _ := strconv.Atoi(b.attrs["exit"])
		args := []string{"run", name, "--emulator", "--yes"}
		if a := b.attrs["args"]; a != "" {
			args = append(args, strings.Split(a, ",")...)
		}
		cmd := exec.Command(binary, args...)
		cmd.Dir, cmd.Env = dir, env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != want {
			t.Errorf("%s: sigscope %s: exit %d, the doc says %d\n%s%s", where, strings.Join(args, " "), code, want, stdout.String(), stderr.String())
			continue
		}
		if i+1 < len(blocks) && blocks[i+1].lang == "text" && blocks[i+1].words["output"] {
			got := map[string]bool{}
			for _, l := range strings.Split(times.ReplaceAllString(stdout.String(), "T"), "\n") {
				got[strings.TrimRight(l, " ")] = true
			}
			for _, l := range strings.Split(times.ReplaceAllString(blocks[i+1].text, "T"), "\n") {
				if l = strings.TrimRight(l, " "); l != "" && !got[l] {
					t.Errorf("%s: the doc shows %q; the run printed\n%s", doc+":"+strconv.Itoa(blocks[i+1].line), l, stdout.String())
				}
			}
		}
	}
	if ran < 5 {
		t.Errorf("%d runnable examples in %s; the format's reference has more", ran, doc)
	}
}
