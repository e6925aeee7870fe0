package sign

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// botocoreScript prints botocore's header-mode canonical request for each
// URL and header set it reads as JSON on standard input.
const botocoreScript = `
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
auth = SigV4Auth(Credentials('AKIDEXAMPLE', 'secret'), 'execute-api', 'us-east-1')
out = []
for case in json.load(sys.stdin):
    r = AWSRequest(method='GET', url=case['url'], headers=case['headers'])
    out.append(auth.canonical_request(r))
json.dump(out, sys.stdout)
`

// botocorePython is a python3 that can import botocore: Debian's (where
// .ci/run installs it) first, then the one on PATH.
func botocorePython() string {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import botocore").Run() == nil {
			return path
		}
	}
	return ""
}

// TestBotocoreDialectMatchesBotocore checks, where the botocore dialect is
// documented (no "not documented here" for the request), that its
// canonical request is the one botocore computes. botocore is a peer:
// .ci/run installs Debian's python3-botocore.
func TestBotocoreDialectMatchesBotocore(t *testing.T) {
	python := botocorePython()
	if python == "" {
		peer.Missing(t, "python3 with botocore not found (bash .ci/run installs python3-botocore)")
	}
	reqs := []*Request{
		dialectRequest("/prod/pets", "limit=10"),
		dialectRequest("/", "q=a+b&b=c%2Bd"),
		dialectRequest("/it's(1)*!", ""),
		dialectRequest("/", "", "X-Custom:a\tb  c", "X-Other: \tx\t"),
		dialectRequest("/", "%C3%A9=1&z=2&A=3"),
		dialectRequest("/prod/pets/x/../y", ""),
		dialectRequest("/prod/./pets/a/b/..", ""),
		dialectRequest("/prod//pets//", ""),
	}
	type input struct {
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
	}
	var in []input
	for _, r := range reqs {
		h := map[string]string{"X-Amz-Date": "20150830T123600Z"}
		for _, x := range r.Headers {
			h[x.Name] = x.Value
		}
		u := "https://" + r.Host + r.Path
		if r.RawQuery != "" {
			u += "?" + r.RawQuery
		}
		in = append(in, input{u, h})
	}
	data, _ := json.Marshal(in)
	cmd := exec.Command(python, "-c", botocoreScript)
	cmd.Stdin = strings.NewReader(string(data))
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v", err)
	}
	var got []string
	if err := json.Unmarshal(outb, &got); err != nil || len(got) != len(reqs) {
		t.Fatalf("botocore printed %q: %v", outb, err)
	}
	for i, r := range reqs {
		c := compareOrFail(t, r, Options{})
		d := result(t, c, dialectBotocore)
		if len(d.NotDocumented) > 0 {
			t.Fatalf("%s: not a documented botocore case: %+v", r.Target(), d.NotDocumented)
		}
		if d.CanonicalRequest != got[i] {
			t.Errorf("%s:\nbotocore dialect:\n%q\nbotocore:\n%q", r.Target(), d.CanonicalRequest, got[i])
		}
	}
}
