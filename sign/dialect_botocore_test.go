package sign

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// botocoreScript prints, for each URL and header set it reads as JSON on
// standard input, botocore's header-mode canonical request (SigV4Auth, or
// S3SigV4Auth for "s3") and the request line its URLLib3Session sends,
// captured by a socket on loopback.
const botocoreScript = `
import json, socket, sys, threading
from botocore.auth import SigV4Auth, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(64)
lines = []
def serve():
    while True:
        c, _ = srv.accept(); data = b''
        while b'\r\n\r\n' not in data:
            d = c.recv(65536)
            if not d: break
            data += d
        lines.append(data.split(b'\r\n')[0].decode('latin-1'))
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'); c.close()
threading.Thread(target=serve, daemon=True).start()
session = URLLib3Session()
out = []
for case in json.load(sys.stdin):
    cls = S3SigV4Auth if case['service'] == 's3' else SigV4Auth
    auth = cls(Credentials('AKIDEXAMPLE', 'secret'), case['service'], 'us-east-1')
    r = AWSRequest(method='GET', url=case['url'], headers=case['headers'])
    canonical = auth.canonical_request(r)
    auth.add_auth(r)
    r.url = 'http://127.0.0.1:%d%s' % (srv.getsockname()[1], case['target'])
    session.send(r.prepare())
    out.append({'canonical': canonical, 'sent': lines[-1].split(' ')[1]})
json.dump(out, sys.stdout)
`

// TestBotocoreDialectMatchesBotocore checks, where the botocore dialect is
// documented (no "not documented here" for the request), that its
// canonical request is the one botocore computes. botocore is a peer:
// .ci/run installs Debian's python3-botocore.
func TestBotocoreDialectMatchesBotocore(t *testing.T) {
	python := peer.Python(t, "botocore", "python3-botocore")
	type tc struct {
		r  *Request
		s3 bool
	}
	var cases []tc
	for _, r := range []*Request{
		dialectRequest("/prod/pets", "limit=10"),
		dialectRequest("/", "q=a+b&b=c%2Bd"),
		dialectRequest("/it's(1)*!", ""),
		dialectRequest("/", "", "X-Custom:a\tb  c", "X-Other: \tx\t"),
		dialectRequest("/", "%C3%A9=1&z=2&A=3"),
		dialectRequest("/prod/pets/x/../y", ""),
		dialectRequest("/prod/./pets/a/b/..", ""),
		dialectRequest("/prod//pets//", ""),
	} {
		cases = append(cases, tc{r, false})
	}
	// Measured where PRODUCT.md is silent (dialect_measured.go), in both
	// families: the differential corpus's query and path forms.
	for _, target := range [][2]string{
		{"/p", "e"}, {"/p", "e=&f"}, {"/p", "&&a=1"}, {"/p", "=v&a"}, {"/p", "a=2&a=10&a=1"}, {"/p", "t=%7e&u=~"},
		{"/p", "k=%c3%a9"}, {"/p", "x=a;b,c!$'()*"}, {"/p", "a=b=c"}, {"/p/%c3%b1and%c3%ba", ""}, {"/p/caf%C3%A9", ""},
		{"/p/a+b", ""}, {"/p/a;b=c(1)!*'", ""}, {"/p/a%20b", ""}, {"/p/%7euser", ""}, {"/p/x/../y", ""}, {"/p//d", ""},
	} {
		cases = append(cases, tc{dialectRequest(target[0], target[1]), false},
			tc{dialectRequest(target[0], target[1], "X-Amz-Content-Sha256:"+emptySHA256), true})
	}
	type input struct {
		URL     string            `json:"url"`
		Target  string            `json:"target"`
		Service string            `json:"service"`
		Headers map[string]string `json:"headers"`
	}
	var in []input
	for _, c := range cases {
		r := c.r
		h := map[string]string{"X-Amz-Date": "20150830T123600Z"}
		for _, x := range r.Headers {
			h[x.Name] = x.Value
		}
		scheme, service := "https", "execute-api"
		if c.s3 {
			// S3SigV4Auth signs the body's hash over http, as sigscope does.
			scheme, service = "http", "s3"
		}
		u := scheme + "://" + r.Host + r.Path
		if r.RawQuery != "" {
			u += "?" + r.RawQuery
		}
		in = append(in, input{u, r.Target(), service, h})
	}
	data, _ := json.Marshal(in)
	cmd := exec.Command(python, "-c", botocoreScript)
	cmd.Stdin = strings.NewReader(string(data))
	cmd.Stderr = new(strings.Builder)
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v: %s", err, cmd.Stderr)
	}
	var got []struct{ Canonical, Sent string }
	if err := json.Unmarshal(outb, &got); err != nil || len(got) != len(cases) {
		t.Fatalf("botocore printed %q: %v", outb, err)
	}
	for i, c := range cases {
		r := c.r
		opts := Options{}
		if c.s3 {
			opts = Options{S3: true, Service: "s3"}
		}
		cmp := compareOrFail(t, r, opts)
		d := result(t, cmp, dialectBotocore)
		if len(d.NotDocumented) > 0 {
			t.Fatalf("%s (s3 %v): not a documented botocore case: %+v", r.Target(), c.s3, d.NotDocumented)
		}
		if d.CanonicalRequest != got[i].Canonical {
			t.Errorf("%s (s3 %v):\nbotocore dialect:\n%q\nbotocore:\n%q", r.Target(), c.s3, d.CanonicalRequest, got[i].Canonical)
		}
		path, query := urllib3Target(r.Path, r.RawQuery)
		sent := (&Request{Path: path, RawQuery: query}).Target()
		if sent != got[i].Sent {
			t.Errorf("%s: urllib3 model sends %q, botocore's URLLib3Session sent %q", r.Target(), sent, got[i].Sent)
		}
	}
}
