package export

import (
	"strings"
	"testing"
)

// TestCurlOfSigV4aIsTheSignedRequest: curl cannot sign SigV4a, so the
// export is the request as signed, said so in a comment, and it runs.
func TestCurlOfSigV4aIsTheSignedRequest(t *testing.T) {
	b := newBench(t, `
name: v4a
environments:
  local: {base_url: "{{emulator}}/prod", region: us-east-1}
auth:
  keys: {type: static, access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID, secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY}
defaults:
  auth: {mode: iam, profile: keys, algorithm: sigv4a, region_set: [us-east-1]}
requests:
  - name: list
    method: GET
    url: "{{base_url}}/pets"
`, nil)
	pv := b.preview(t, "list")
	cmd, err := Curl(pv.Prepared, Options{EnvNames: b.envNames(pv)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cmd, "--aws-sigv4 'aws:amz") || !strings.Contains(cmd, "cannot sign SigV4a") || !strings.Contains(cmd, "AWS4-ECDSA-P256-SHA256 Credential=") {
		t.Fatalf("the v4a export:\n%s", cmd)
	}
	if code, out := runShell(t, cmd, b.env); code != 200 {
		t.Errorf("the exported command got %d: %s", code, out)
	}
}
