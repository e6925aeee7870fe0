package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// TestExportRoundTripCommands follows a Postman user on their first day,
// command by command: sigscope import of their collection, sigscope send
// of each request (200), sigscope login for the Cognito token, sigscope
// export --as postman, and newman run of the export (every request 200).
// export's own tests run the same through Bruno's CLI, HTTPie and curl.
func TestExportRoundTripCommands(t *testing.T) {
	peersDir, err := filepath.Abs("../export/testdata/peers")
	if err != nil {
		t.Fatal(err)
	}
	newman := filepath.Join(peersDir, "node_modules", ".bin", "newman")
	peer.Command(t, "node")
	if _, err := os.Stat(newman); err != nil {
		peer.Missing(t, "newman is not installed (run: npm ci --prefix export/testdata/peers)")
	}
	e := newExportEnv(t)
	cred := e.srv.Config.Credentials[0]
	env := append(os.Environ(), "HOME="+e.env["HOME"], "XDG_CACHE_HOME="+e.env["XDG_CACHE_HOME"],
		"aws_access_key="+cred.AccessKeyID, "aws_secret_key="+cred.SecretAccessKey,
		"SIGSCOPE_DEMO_PASSWORD="+e.srv.Config.Cognito.UserPools[0].Users[0].Password)

	coll := filepath.Join(t.TempDir(), "pets.yaml")
	if _, stderr, code := runImport(t, "", filepath.Join(peersDir, "pets.postman_collection.json"), "-o", coll); code != ExitOK {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	out, stderr, code := run(t, env, nil, "login", demoCollection, "--var", "emulator="+e.srv.URL, "--yes", "-o", "json", "--show-tokens")
	if code != ExitOK {
		t.Fatalf("login: exit %d %s", code, stderr)
	}
	var login struct {
		IDToken string `json:"id_token"`
	}
	if err := json.Unmarshal([]byte(out), &login); err != nil || login.IDToken == "" {
		t.Fatalf("login output: %v", err)
	}
	base := e.srv.URL + "/prod"
	vars := []string{"--var", "base_url=" + base, "--var", "id_token=" + login.IDToken}
	// Named as written in the file: no folder escapes needed.
	for _, req := range []string{"pets/List pets", "pets/Create pet", "pets/Awkward path", "pets/Raw plus", "Who am I", "Public"} {
		if _, stderr, code := run(t, env, nil, append([]string{"send", coll, req, "--yes"}, vars...)...); code != ExitOK {
			t.Errorf("send %s: exit %d %s", req, code, stderr)
		}
	}

	pm, stderr, code := e.export(t, coll, "--as", "postman", "--var", "base_url="+base)
	if code != ExitOK {
		t.Fatalf("export: exit %d %s", code, stderr)
	}
	dir := t.TempDir()
	exported := filepath.Join(dir, "pets.postman_collection.json")
	if err := os.WriteFile(exported, []byte(pm), 0o600); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "newman.json")
	cmd := exec.Command(newman, "run", exported, "--reporters", "json", "--reporter-json-export", report,
		"--env-var", "aws_access_key="+cred.AccessKeyID, "--env-var", "aws_secret_key="+cred.SecretAccessKey, "--env-var", "id_token="+login.IDToken)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("newman: %v\n%s", err, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Run struct {
			Executions []struct {
				Item     struct{ Name string } `json:"item"`
				Response *struct{ Code int }   `json:"response"`
			} `json:"executions"`
		} `json:"run"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Run.Executions) != 6 {
		t.Fatalf("newman ran %d requests, want 6", len(rep.Run.Executions))
	}
	for _, x := range rep.Run.Executions {
		if x.Response == nil || x.Response.Code != 200 {
			t.Errorf("newman: %s got %+v", x.Item.Name, x.Response)
		}
	}
}
