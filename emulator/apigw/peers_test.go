package apigw

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

// realClockServer serves the test API with the real clock: peers stamp
// their signatures with it.
func realClockServer(t *testing.T) *httptest.Server {
	t.Helper()
	g, err := New(testConfig(), Deps{Region: testRegion, Now: time.Now, Credentials: fakeCreds{time.Now()}, Tokens: fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return srv
}

// botocoreSend signs each path with botocore and sends it with botocore's
// own HTTP session, printing the status of each.
const botocoreSend = `
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session
c = json.load(sys.stdin)
auth = SigV4Auth(Credentials(c['akid'], c['secret']), 'execute-api', c['region'])
session = URLLib3Session()
out = []
for path in c['paths']:
    r = AWSRequest(method='GET', url=c['endpoint'] + path)
    auth.add_auth(r)
    resp = session.send(r.prepare())
    out.append({'status': resp.status_code, 'body': resp.text})
json.dump(out, sys.stdout)
`

// TestDotSegmentsFromBotocore: botocore signs the normalized path and
// sends it as written; AWS, and so the emulator, accept that.
func TestDotSegmentsFromBotocore(t *testing.T) {
	python := peer.Python(t, "botocore", "python3-botocore")
	srv := realClockServer(t)
	var paths []string
	for _, p := range dotPaths {
		paths = append(paths, p.sent)
	}
	in, _ := json.Marshal(map[string]any{"akid": staticAKID, "secret": staticKey, "region": testRegion, "endpoint": srv.URL, "paths": paths})
	cmd := exec.Command(python, "-c", botocoreSend)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v", err)
	}
	checkPeerAnswers(t, "botocore", out)
}

// TestDotSegmentsFromAWS4: aws4 (newman's and Bruno's signer) normalizes
// the path it signs and node sends it as written.
func TestDotSegmentsFromAWS4(t *testing.T) {
	node := peer.Command(t, "node")
	dir := filepath.Join("..", "..", "sign", "testdata", "aws4")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "aws4", "package.json")); err != nil {
		peer.Missing(t, "%s/node_modules not installed (run: npm ci --prefix sign/testdata/aws4)", dir)
	}
	srv := realClockServer(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	var cases []map[string]any
	for _, p := range dotPaths {
		cases = append(cases, map[string]any{"method": "GET", "host": host, "path": p.sent, "service": "execute-api", "region": testRegion,
			"accessKeyId": staticAKID, "secretAccessKey": staticKey, "endpoint": srv.URL})
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command(node, "aws4.js")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node aws4.js: %v", err)
	}
	checkPeerAnswers(t, "aws4", out)
}

// checkPeerAnswers wants 200 for every dot path, and the path AWS reads
// in the echo.
func checkPeerAnswers(t *testing.T, who string, out []byte) {
	t.Helper()
	var got []struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(dotPaths) {
		t.Fatalf("%s printed %q: %v", who, out, err)
	}
	for i, p := range dotPaths {
		var echo map[string]any
		_ = json.Unmarshal([]byte(got[i].Body), &echo)
		if got[i].Status != 200 {
			t.Errorf("%s %s: status %d: %s", who, p.sent, got[i].Status, got[i].Body)
			continue
		}
		if sent := jsonPath(echo, "rawPath"); sent != p.sent {
			t.Errorf("%s sent %v, not %s as written: the test proves nothing about normalization", who, sent, p.sent)
		}
	}
}
