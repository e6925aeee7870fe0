package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dotSegmentsCollection sends paths with dot segments and duplicate
// slashes, signed with the emulator's demo keys.
const dotSegmentsCollection = `name: Dot segments
environments:
  local: {base_url: "{{emulator}}/prod", region: us-east-1}
default_environment: local
auth:
  keys:
    type: static
    access_key_id_env: SIGSCOPE_DEMO_ACCESS_KEY_ID
    secret_access_key_env: SIGSCOPE_DEMO_SECRET_ACCESS_KEY
defaults:
  auth: {mode: iam, profile: keys, service: execute-api}
requests:
  - {name: parent, method: GET, url: "{{base_url}}/pets/x/../y"}
  - {name: current, method: GET, url: "{{base_url}}/pets/./z"}
  - {name: double, method: GET, url: "{{base_url}}/pets//double"}
`

// TestSendDotSegmentsAcceptedByTheEmulator: sigscope signs the path AWS
// reads (normalized) and sends it as written; the emulator, reading it as
// AWS does, accepts it.
func TestSendDotSegmentsAcceptedByTheEmulator(t *testing.T) {
	e := newSendEnv(t)
	coll := filepath.Join(t.TempDir(), "dots.yaml")
	if err := os.WriteFile(coll, []byte(dotSegmentsCollection), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, sent := range map[string]string{"parent": "/prod/pets/x/../y", "current": "/prod/pets/./z", "double": "/prod/pets//double"} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := e.send(t, coll, name, "--var=emulator="+e.srv.URL)
			if code != 0 {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
			}
			if want := `"rawPath":"` + sent + `"`; !strings.Contains(stdout, want) {
				t.Errorf("the path was not sent as written (%s):\n%s", want, stdout)
			}
		})
	}
}
