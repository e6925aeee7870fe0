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
	type tc struct {
		r  *Request
		s3 bool
	}
	var cases []tc
	for _, r := range []*Request{
		dialectRequest("/prod/pets", "limit=10"),
		dialectRequest("/", "q=a+b&b=c%2Bd"),
		dialectRequest("/it's(1)*!", ""),
		dialectRequest("/a%20b/%c3%a9", ""),
		dialectRequest("/prod/pets/x/../y", ""),
		dialectRequest("/prod/./pets/a/b/..", ""),
		dialectRequest("/prod//pets//", ""),
		dialectRequest("/", "z=2&%C3%A9=1&A=3"),
	} {
		cases = append(cases, tc{r, false})
	}
	// Measured where PRODUCT.md is silent (dialect_measured.go), in both
	// families: the differential corpus's query and path forms.
	for _, target := range [][2]string{
		{"/p", "e"}, {"/p", "e=&f"}, {"/p", "&&a=1"}, {"/p", "=v&a"}, {"/p", "a=2&a=10&a=1"}, {"/p", "e&e=1"}, {"/p", "t=%7e&u=~"},
		{"/p", "k=%c3%a9"}, {"/p", "a=b=c"}, {"/p/%c3%b1and%c3%ba", ""}, {"/p/caf%C3%A9", ""}, {"/p/a+b", ""},
		{"/p/a;b=c(1)!*'", ""}, {"/p/a%20b", ""}, {"/p/%7euser", ""}, {"/p/x/../y", ""}, {"/p//d", ""}, {"/p/a%2Fb", ""},
	} {
		cases = append(cases, tc{dialectRequest(target[0], target[1]), false},
			tc{dialectRequest(target[0], target[1], "X-Amz-Content-Sha256:"+emptySHA256), true})
	}
	var in []map[string]any
	for _, c := range cases {
		r, service := c.r, "execute-api"
		if c.s3 {
			service = "s3"
		}
		h := map[string]string{"X-Amz-Date": "20150830T123600Z"}
		for _, x := range r.Headers {
			h[x.Name] = x.Value
		}
		in = append(in, map[string]any{"method": "GET", "host": r.Host, "path": r.Target(), "service": service, "region": "us-east-1",
			"headers": h, "accessKeyId": "AKIDEXAMPLE", "secretAccessKey": suiteSecret})
	}
	data, _ := json.Marshal(in)
	cmd := exec.Command(node, "aws4.js")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(string(data))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node aws4.js: %v", err)
	}
	var got []struct{ Canonical, Sent string }
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(cases) {
		t.Fatalf("aws4 printed %q: %v", out, err)
	}
	for i, c := range cases {
		r, opts := c.r, Options{}
		if c.s3 {
			opts = Options{S3: true, Service: "s3"}
		}
		d := result(t, compareOrFail(t, r, opts), dialectAWS4)
		if len(d.NotDocumented) > 0 {
			t.Fatalf("%s (s3 %v): not a documented aws4 case: %+v", r.Target(), c.s3, d.NotDocumented)
		}
		if d.CanonicalRequest != got[i].Canonical {
			t.Errorf("%s (s3 %v):\naws4 dialect:\n%q\naws4:\n%q", r.Target(), c.s3, d.CanonicalRequest, got[i].Canonical)
		}
		checkOwnTarget(t, r, c.s3, d, got[i].Sent)
	}
}

// checkOwnTarget: the request compare says the signer's own stack sends is
// the one the library left to send.
func checkOwnTarget(t *testing.T, r *Request, s3 bool, d DialectResult, sent string) {
	t.Helper()
	want := r.Target()
	if d.OwnRequest != nil {
		want = d.OwnRequest.Target
	}
	if want != sent {
		t.Errorf("%s (s3 %v): %s sends %q; compare says %q", r.Target(), s3, d.Signer, sent, want)
	}
}
