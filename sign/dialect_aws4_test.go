package sign

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// TestAWS4DialectMatchesAWS4 checks, where the aws4 dialect is documented
// (no "not documented here" for the request), that its canonical request
// is the one aws4 computes: on measured cases and on every case of
// TestDialectRules, presigned ones included. aws4 is a peer: .ci/run installs it with npm
// ci in sign/testdata/aws4.
func TestAWS4DialectMatchesAWS4(t *testing.T) {
	node := peer.Command(t, "node")
	dir := filepath.Join("testdata", "aws4")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "aws4", "package.json")); err != nil {
		peer.Missing(t, "%s/node_modules not installed (run: npm ci --prefix sign/testdata/aws4)", dir)
	}
	var cases []peerCase
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
		cases = append(cases, peerCase{r: r})
	}
	// Measured where PRODUCT.md is silent (dialect_measured.go), in both
	// families: the differential corpus's query and path forms.
	cases = append(cases, measuredCases([][2]string{
		{"/p", "e"}, {"/p", "e=&f"}, {"/p", "&&a=1"}, {"/p", "=v&a"}, {"/p", "a=2&a=10&a=1"}, {"/p", "e&e=1"}, {"/p", "t=%7e&u=~"},
		{"/p", "k=%c3%a9"}, {"/p", "a=b=c"}, {"/p/%c3%b1and%c3%ba", ""}, {"/p/caf%C3%A9", ""}, {"/p/a+b", ""},
		{"/p/a;b=c(1)!*'", ""}, {"/p/a%20b", ""}, {"/p/%7euser", ""}, {"/p/x/../y", ""}, {"/p//d", ""}, {"/p/a%2Fb", ""},
	})...)
	// And every rule of TestDialectRules where compare documents aws4.
	cases = append(cases, ruleCasesFor(t, dialectAWS4)...)
	var in []map[string]any
	for _, c := range cases {
		r, service := c.r, "execute-api"
		if c.opts.S3 {
			service = "s3"
		}
		h, path := map[string]string{"X-Amz-Date": "20150830T123600Z"}, r.Target()
		if c.opts.Presign {
			h, path = map[string]string{}, presignedTarget(r)
		}
		for _, x := range r.Headers {
			h[x.Name] = x.Value
		}
		in = append(in, map[string]any{"method": "GET", "host": r.Host, "path": path, "service": service, "region": "us-east-1",
			"headers": h, "accessKeyId": "AKIDEXAMPLE", "secretAccessKey": suiteSecret, "signQuery": c.opts.Presign})
	}
	var got []struct{ Canonical, Sent string }
	runNode(t, node, dir, []string{"aws4.js"}, in, len(cases), &got)
	for i, c := range cases {
		d := result(t, compareOrFail(t, c.r, c.opts), dialectAWS4)
		if len(d.NotDocumented) > 0 {
			t.Fatalf("%s: not a documented aws4 case: %+v", c, d.NotDocumented)
		}
		if d.CanonicalRequest != got[i].Canonical {
			t.Errorf("%s:\naws4 dialect:\n%q\naws4:\n%q", c, d.CanonicalRequest, got[i].Canonical)
		}
		if !c.opts.Presign { // a presigned target carries the signature: compare's own request is the URL as written
			checkOwnTarget(t, c, d, got[i].Sent)
		}
	}
}

// checkOwnTarget: the request compare says the signer's own stack sends is
// the one the library left to send.
func checkOwnTarget(t *testing.T, c peerCase, d DialectResult, sent string) {
	t.Helper()
	want := c.r.Target()
	if d.OwnRequest != nil {
		want = d.OwnRequest.Target
	}
	if want != sent {
		t.Errorf("%s: %s sends %q; compare says %q", c, d.Signer, sent, want)
	}
}
