package sign

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// peerCase is a request a real signer library signs in a dialect peer
// test, with the options compare judges it under.
type peerCase struct {
	name string
	r    *Request
	opts Options
}

func (c peerCase) String() string {
	mode := "header"
	switch {
	case c.opts.Presign:
		mode = "presign"
	case c.opts.S3:
		mode = "s3"
	}
	if c.name != "" {
		return c.name + " (" + mode + ", " + c.r.Target() + ")"
	}
	return c.r.Target() + " (" + mode + ")"
}

// measuredCases are the targets measured for dialect_measured.go, each in
// both families (an S3 request carries x-amz-content-sha256, as the SDKs'
// S3 clients send it).
func measuredCases(targets [][2]string) []peerCase {
	var cases []peerCase
	for _, target := range targets {
		cases = append(cases, peerCase{r: dialectRequest(target[0], target[1])},
			peerCase{r: dialectRequest(target[0], target[1], "X-Amz-Content-Sha256:"+emptySHA256), opts: Options{S3: true, Service: "s3"}})
	}
	return cases
}

// ruleCasesFor are TestDialectRules' cases on which the signer id's
// handling is documented (compare names no gap for it): the real library
// must sign each the way compare says. An S3 request gets
// x-amz-content-sha256 as for measuredCases.
func ruleCasesFor(t *testing.T, id string) []peerCase {
	t.Helper()
	var cases []peerCase
	for _, c := range dialectRuleCases() {
		r, opts := c.req, c.opts
		if opts.S3 && !opts.Presign {
			if _, ok := r.Get("X-Amz-Content-Sha256"); !ok {
				r.Headers = append(r.Headers, Header{Name: "X-Amz-Content-Sha256", Value: emptySHA256})
			}
			opts.Service = "s3"
		}
		if d := result(t, compareOrFail(t, r, opts), id); len(d.NotDocumented) > 0 {
			continue // compare says it does not know: nothing to hold the library to
		}
		cases = append(cases, peerCase{name: c.name, r: r, opts: opts})
	}
	if len(cases) == 0 {
		t.Fatalf("no rule case documents %s", id)
	}
	return cases
}

// presignedTarget is the target a library presigning by itself is handed
// so that it signs the parameters compare assumes (aws4 sets no
// X-Amz-Expires outside S3 and reads its time from X-Amz-Date).
func presignedTarget(r *Request) string {
	extra := "X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600"
	if r.RawQuery == "" {
		return r.Path + "?" + extra
	}
	return r.Target() + "&" + extra
}

// TestEveryRuleIsRunOnThePeers: a documented behaviour of a signer this
// repository runs (aws4, smithy, Amplify's Signer, the local curl for the
// header rules) has a case in TestDialectRules, so its peer test runs the
// library on it; a behaviour only written down would pass
// TestEveryRuleIsSourced with a source string alone.
func TestEveryRuleIsRunOnThePeers(t *testing.T) {
	peers := map[string]bool{dialectAWS4: true, dialectSmithy: true, dialectAmplify: true, dialectCurl: true}
	covered := map[string]map[string]bool{}
	for _, c := range dialectRuleCases() {
		if covered[c.rule] == nil {
			covered[c.rule] = map[string]bool{}
		}
		for name := range peers {
			if !slices.Contains(c.gaps, name) && !(name == dialectCurl && c.opts.Presign) {
				covered[c.rule][name] = true
			}
		}
	}
	for _, r := range dialectRules {
		for _, d := range Dialects {
			b, ok := r.by[d.ID]
			if !peers[d.Name] || !ok || b.undocumented || d.curl != nil && r.part != PartHeaders {
				continue
			}
			if !covered[r.id][d.Name] {
				t.Errorf("%s: %s's documented behaviour (%s) has no TestDialectRules case its peer test runs", r.id, d.ID, b.does)
			}
		}
	}
}

// runNode runs a node peer in dir (node and args), hands it in as JSON on
// standard input and decodes its JSON answer into got, a pointer to a
// slice that must hold one answer per case (n).
func runNode(t *testing.T, node, dir string, args []string, in any, n int, got any) {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(string(data))
	stderr := new(strings.Builder)
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node in %s: %v: %s", dir, err, stderr)
	}
	if err := json.Unmarshal(out, got); err != nil || reflect.ValueOf(got).Elem().Len() != n {
		t.Fatalf("node in %s printed %q for %d cases: %v", dir, out, n, err)
	}
}
