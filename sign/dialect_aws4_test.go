package sign

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// TestAWS4DialectMatchesAWS4 checks, where the aws4 dialect is documented
// (no "not documented here" for the request), that its canonical request
// is the one aws4 computes. aws4 is a peer: .ci/run installs it with npm
// ci in sign/testdata/aws4.
func TestAWS4DialectMatchesAWS4(t *testing.T) {
	node := peer.Command(t, "node")
	dir := filepath.Join("testdata", "aws4")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "aws4", "package.json")); err != nil {
		peer.Missing(t, "%s/node_modules not installed (run: npm ci --prefix sign/testdata/aws4)", dir)
	}
	reqs := []*Request{
		dialectRequest("/prod/pets", "limit=10"),
		dialectRequest("/", "q=a+b&b=c%2Bd"),
		dialectRequest("/it's(1)*!", ""),
		dialectRequest("/a%20b/%c3%a9", ""),
		dialectRequest("/prod/pets/x/../y", ""),
		dialectRequest("/prod/./pets/a/b/..", ""),
		dialectRequest("/prod//pets//", ""),
		dialectRequest("/", "z=2&%C3%A9=1&A=3"),
	}
	var in []map[string]any
	for _, r := range reqs {
		in = append(in, map[string]any{"method": "GET", "host": r.Host, "path": r.Target(), "service": "execute-api", "region": "us-east-1",
			"headers": map[string]string{"X-Amz-Date": "20150830T123600Z"}, "accessKeyId": "AKIDEXAMPLE", "secretAccessKey": suiteSecret})
	}
	data, _ := json.Marshal(in)
	cmd := exec.Command(node, "aws4.js")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(string(data))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node aws4.js: %v", err)
	}
	var got []struct{ Canonical string }
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(reqs) {
		t.Fatalf("aws4 printed %q: %v", out, err)
	}
	for i, r := range reqs {
		d := result(t, compareOrFail(t, r, Options{}), dialectAWS4)
		if len(d.NotDocumented) > 0 {
			t.Fatalf("%s: not a documented aws4 case: %+v", r.Target(), d.NotDocumented)
		}
		if d.CanonicalRequest != got[i].Canonical {
			t.Errorf("%s:\naws4 dialect:\n%q\naws4:\n%q", r.Target(), d.CanonicalRequest, got[i].Canonical)
		}
	}
}
