package export

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/internal/peer"
)

// guestCollection is the demo's guest request with the demo's Cognito
// profile: what an Amplify app sends while nobody is signed in.
const guestCollection = `name: guests
environments:
  local: {base_url: "{{emulator}}/prod", region: us-east-1}
auth:
  app:
    type: cognito
    region: "{{region}}"
    user_pool_id: us-east-1_Demo1
    client_id: 3n4b5urk1ft4fl3mg5e62d9ado
    identity_pool_id: us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab
    endpoint: "{{emulator}}"
defaults:
  auth: {mode: guest, profile: app}
requests:
  - name: Pets as a guest
    url: "{{base_url}}/pets"
  - name: Pets as a guest again
    url: "{{base_url}}/pets"
`

const guestRole = "assumed-role/sigscope-demo-guest/CognitoIdentityCredentials"

// callerOf is the caller the emulator's echo names.
func callerOf(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		RequestContext struct {
			Identity struct {
				UserArn string `json:"userArn"`
			} `json:"identity"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("echo: %v\n%.300s", err, body)
	}
	return e.RequestContext.Identity.UserArn
}

// A guest request is never exported unsigned: the Postman export fetches
// guest credentials in a pre-request script (newman and Bruno's CLI run
// it and get 200 as the guest role), the fresh curl command says how the
// shell gets them (run as printed with the AWS CLI: 200 as the guest),
// the frozen one and stock HTTPie's are signed with them.
func TestGuestExportsSign(t *testing.T) {
	b := newBench(t, guestCollection, nil)
	if code, _ := b.send(t, "Pets as a guest"); code != 200 {
		t.Fatalf("send: %d", code)
	}
	col, err := collections.Load(filepath.Join(b.dir, "coll.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pm, err := Postman(col, PostmanOptions{Vars: map[string]string{"emulator": b.srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"type": "awsv4"`, `"listen": "prerequest"`, `"value": "{{guest_access_key}}"`, `"key": "identity_pool_id"`} {
		if !strings.Contains(string(pm), want) {
			t.Errorf("Postman export has no %s:\n%s", want, pm)
		}
	}
	exported := filepath.Join(t.TempDir(), "guests.postman_collection.json")
	if err := os.WriteFile(exported, pm, 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("newman", func(t *testing.T) {
		got := newmanAnswers(t, exported, nil)
		for _, name := range []string{"Pets as a guest", "Pets as a guest again"} {
			a := got[name]
			if a.code != 200 || !strings.HasSuffix(callerOf(t, a.body), guestRole) {
				t.Errorf("newman %s: %d %.300s", name, a.code, a.body)
			}
		}
	})
	t.Run("bru", func(t *testing.T) {
		allOK(t, "bru", bruRun(t, exported, nil), 2)
	})

	pv := b.preview(t, "Pets as a guest")
	t.Run("curl fresh", func(t *testing.T) {
		aws := peer.Command(t, "aws")
		cmd, err := Curl(pv.Prepared, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(cmd, "--aws-sigv4") || !strings.Contains(cmd, "aws cognito-identity get-id") {
			t.Fatalf("the fresh command neither signs nor says where the guest credentials come from:\n%s", cmd)
		}
		// The recipe's indented comment lines, then the command, in a
		// shell with no AWS credentials of its own.
		var script []string
		for _, l := range strings.Split(cmd, "\n") {
			if r, ok := strings.CutPrefix(l, "#   "); ok {
				script = append(script, r)
			}
		}
		script = append(script, cmd)
		code, body := runShell(t, "PATH=\""+filepath.Dir(aws)+":$PATH\"\n"+strings.Join(script, "\n"), map[string]string{"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
		if code != 200 || !strings.HasSuffix(callerOf(t, body), guestRole) {
			t.Errorf("the recipe and the command: %d %.300s\n%s", code, body, cmd)
		}
	})
	t.Run("curl frozen", func(t *testing.T) {
		cmd, err := Curl(pv.Prepared, Options{Frozen: true, ShowSecrets: true})
		if err != nil {
			t.Fatal(err)
		}
		code, body := runShell(t, cmd, nil)
		if code != 200 || !strings.HasSuffix(callerOf(t, body), guestRole) {
			t.Errorf("frozen: %d %.300s\n%s", code, body, cmd)
		}
	})
	t.Run("httpie", func(t *testing.T) {
		cmd, err := HTTPie(pv.Prepared, Options{ShowSecrets: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(cmd, "Authorization:AWS4-HMAC-SHA256") || !strings.Contains(cmd, "request as signed now") {
			t.Fatalf("stock HTTPie's command is not the request as signed with the guest credentials:\n%s", cmd)
		}
		if code := httpieStatus(t, cmd, nil); code != 200 {
			t.Errorf("httpie: %d\n%s", code, cmd)
		}
	})
}
