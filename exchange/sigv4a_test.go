package exchange

import (
	"context"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/sign"
)

const sigv4aCollection = `
name: sigv4a round trip
environments:
  local:
    base_url: "{{emulator}}/prod"
    region: us-east-1
auth:
  keys:
    type: static
    access_key_id_env: TEST_ACCESS_KEY_ID
    secret_access_key_env: TEST_SECRET_ACCESS_KEY
defaults:
  auth: {mode: iam, profile: keys, algorithm: sigv4a}
requests:
  - name: region alone
    method: GET
    url: "{{base_url}}/pets"
    query: {limit: "10"}
  - name: two regions
    method: POST
    url: "{{base_url}}/pets"
    headers: {Content-Type: application/json}
    body: {json: {name: Rex}}
    auth: {region_set: ["{{region}}", eu-west-1]}
  - name: presigned
    method: GET
    url: "{{base_url}}/pets"
    auth: {presign: true, region_set: "*"}
  - name: elsewhere
    method: GET
    url: "{{base_url}}/pets"
    auth: {region_set: "eu-*"}
`

// TestSigV4aRoundTrip: a collection request with algorithm sigv4a is
// signed by sigscope, sent to the emulator, and accepted there (the
// emulator derives the key and builds the canonical request without
// sigscope's signer); a region set without the emulator's region is not.
func TestSigV4aRoundTrip(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	coll, err := collections.LoadBytes("sigv4a.yaml", []byte(sigv4aCollection))
	if err != nil {
		t.Fatal(err)
	}
	e.coll = coll
	for _, tc := range []struct {
		name, regions string
		status        int
	}{
		{"region alone", "us-east-1", 200},
		{"two regions", "us-east-1,eu-west-1", 200},
		{"presigned", "*", 200},
		{"elsewhere", "eu-*", 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rr, err := e.coll.Resolve(tc.name, "local", e.vars, e.lookup)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Prepare(context.Background(), rr, PrepareOptions{LookupEnv: e.lookup, Credentials: staticCredentials(e.lookup)})
			if err != nil {
				t.Fatal(err)
			}
			if p.Trace == nil || p.Trace.Algorithm != sign.AlgorithmV4a || strings.Join(p.Trace.RegionSet, ",") != tc.regions {
				t.Fatalf("trace %+v", p.Trace)
			}
			if !strings.Contains(string(p.Wire), "AWS4-ECDSA-P256-SHA256") || !strings.Contains(string(p.Wire), "X-Amz-Region-Set") {
				t.Errorf("no SigV4a on the wire: %q", p.Wire)
			}
			res := e.send(t, p, Options{})
			if res.Response.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.Response.Status, tc.status, res.Response.Body)
			}
			if tc.status == 200 {
				if got := field(jsonBody(t, res), "requestContext", "identity", "accessKey"); got != e.keys["TEST_ACCESS_KEY_ID"] {
					t.Errorf("identity.accessKey = %v", got)
				}
			} else if !strings.Contains(string(res.Response.Body), "does not include this endpoint's region 'us-east-1'") {
				t.Errorf("403 body: %s", res.Response.Body)
			}
		})
	}
}
