package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/importer"
)

// TestRoundTripThroughImport: a curl command with --aws-sigv4, as people
// paste it, is imported into a collection, sent by sigscope, exported as
// curl again, and the exported command gets the same answer from the
// emulator.
func TestRoundTripThroughImport(t *testing.T) {
	b := newBench(t, staticCollection, nil)
	// The query in canonical order, as a command that works with curl 7.x
	// must have it (it signs the query as written).
	pasted := `curl --aws-sigv4 "aws:amz:us-east-1:execute-api" \
  --user "$SIGSCOPE_DEMO_ACCESS_KEY_ID:$SIGSCOPE_DEMO_SECRET_ACCESS_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"name":"Rex","tags":["a b"]}' \
  '` + b.srv.URL + `/prod/pets?limit=5&type=dog'`
	// The command as pasted works with curl itself.
	if code, body := runShell(t, pasted, b.env); code != 200 {
		t.Fatalf("the pasted command: %d %s", code, body)
	}
	c, err := importer.Import([]byte(pasted), "pasted.sh", "curl")
	if err != nil {
		t.Fatal(err)
	}
	yml, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "imported.yaml")
	if err := os.WriteFile(path, yml, 0o600); err != nil {
		t.Fatal(err)
	}
	wb := openBench(t, path, b.srv.URL, b.env)
	refs := wb.Requests()
	if len(refs) != 1 {
		t.Fatalf("imported %d requests:\n%s", len(refs), yml)
	}
	ib := &bench{srv: b.srv, wb: wb, env: b.env, dir: filepath.Dir(path)}
	code, want := ib.send(t, refs[0].Path)
	if code != 200 {
		t.Fatalf("send of the imported request: %d\n%s", code, yml)
	}
	for _, frozen := range []bool{false, true} {
		pv := ib.preview(t, refs[0].Path)
		cmd, err := Curl(pv.Prepared, Options{Frozen: frozen, EnvNames: ib.envNames(pv)})
		if err != nil {
			t.Fatal(err)
		}
		if !frozen && !strings.Contains(cmd, "--aws-sigv4 aws:amz:us-east-1:execute-api") {
			t.Errorf("exported without --aws-sigv4:\n%s", cmd)
		}
		got, body := runShell(t, cmd, b.env)
		if got != 200 {
			t.Fatalf("frozen=%v: the exported command got %d: %s\n%s\nimported:\n%s", frozen, got, body, cmd, yml)
		}
		e := parseEcho(t, body)
		if e.Method != want.Method || e.Path != want.Path || !sameBody(e.Body, want.Body) || !sameQuery(e.Query, want.Query) {
			t.Errorf("frozen=%v: the gateway saw %+v, from send %+v", frozen, e, want)
		}
	}
}
