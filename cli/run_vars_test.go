package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunVarsFromData: jq expressions read the run's variables as $vars —
// a --data row's columns, a value captured earlier (or by the same
// request), a --var — so one assertion checks every row; a row whose
// answer differs fails with expected against actual, exit 1.
func TestRunVarsFromData(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/pets":
			var in map[string]any
			data, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(data, &in); err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			in["id"] = "p-" + in["name"].(string)
			in["type"] = "dog" // whatever was asked: the cat row fails
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(in)
		case strings.HasPrefix(r.URL.Path, "/pets/"):
			json.NewEncoder(w).Encode(map[string]string{"id": strings.TrimPrefix(r.URL.Path, "/pets/"), "owner": r.URL.Query().Get("owner")})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	coll := filepath.Join(dir, "api.yaml")
	os.WriteFile(coll, []byte(`name: vars
requests:
  - name: Create
    method: POST
    url: "{{base}}/pets"
    body: {json: {name: "{{name}}", type: "{{type}}"}}
    capture:
      pet_id: {json: '.id'}
      echoed: {json: 'select(.name == $vars.name) | .name'}
    assert:
      status: 201
      json: ['.name == $vars.name', '.id == $vars.pet_id', '.type == $vars.type']
  - name: Get
    url: "{{base}}/pets/{{pet_id}}?owner={{owner}}"
    assert:
      json: ['.id == $vars.pet_id', '.owner == $vars.owner', '$vars.echoed == $vars.name']
`), 0o644)
	data := filepath.Join(dir, "pets.csv")
	os.WriteFile(data, []byte("name,type\nRex,dog\nTom,cat\n"), 0o644)

	out, errs, code := run(t, runEnv(t), nil, "run", coll, "--var", "base="+srv.URL, "--var", "owner=ann", "--data", data, "--yes")
	if code != ExitError {
		t.Fatalf("exit %d, want 1 (the cat row fails)\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"✓ 201 Create  ", "✓ 200 Get  ", "✓ 200 Get [2]",
		"✗ 201 Create [2]",
		`json .type == $vars.type: expected true, got false (.type is "dog") (` + coll + ":",
		"4 requests: 3 passed, 1 failed, 0 no answer",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "$vars.name: expected") || strings.Contains(out, "$vars.pet_id: expected") {
		t.Errorf("an assertion on $vars that holds is reported failed:\n%s", out)
	}

	// Another $name is a mistake the load reports with its line.
	os.WriteFile(coll, []byte("name: vars\nrequests:\n  - name: Create\n    url: \"{{base}}/pets\"\n    assert:\n      json: ['.name == $name']\n"), 0o644)
	_, errs, code = run(t, runEnv(t), nil, "run", coll, "--var", "base="+srv.URL, "--yes")
	if code != ExitError || !strings.Contains(errs, "api.yaml:6:") || !strings.Contains(errs, "$vars") {
		t.Errorf("an undefined jq variable: exit %d: %s", code, errs)
	}
}

// TestRunEmulatorConfigBeside: --emulator without a file starts the
// emulator with the .emulator.yaml beside the collection, when there is
// one; `--emulator FILE` (a space, not =) says how to write it.
func TestRunEmulatorConfigBeside(t *testing.T) {
	env := runEnv(t)
	cfg, errs, code := run(t, env, nil, "emulator", "--print-config")
	if code != 0 {
		t.Fatalf("print-config: exit %d: %s", code, errs)
	}
	own := strings.Replace(cfg, "  routes:\n", "  routes:\n    - {method: GET, path: /team, authorizer: NONE, response: {kind: static, body: {message: from beside}}}\n", 1)
	if own == cfg {
		t.Fatal("no routes: in the built-in configuration")
	}
	dir := t.TempDir()
	coll := filepath.Join(dir, "team.yaml")
	os.WriteFile(coll, []byte("name: team\nrequests:\n  - name: Team route\n    url: \"{{emulator}}/prod/team\"\n    assert:\n      json: ['.message == \"from beside\"']\n"), 0o644)
	out, errs, code := run(t, env, nil, "run", coll, "--emulator", "--yes")
	if code != ExitError {
		t.Fatalf("without the file beside: exit %d, want the built-in emulator's refusal\n%s%s", code, out, errs)
	}
	os.WriteFile(filepath.Join(dir, ".emulator.yaml"), []byte(own), 0o644)
	out, errs, code = run(t, env, nil, "run", coll, "--emulator", "--yes")
	if code != 0 || !strings.Contains(out, "✓ 200 Team route") {
		t.Errorf("with .emulator.yaml beside: exit %d\n%s%s", code, out, errs)
	}
	other := filepath.Join(t.TempDir(), "other.yaml")
	os.WriteFile(other, []byte(own), 0o644)
	_, errs, code = run(t, env, nil, "run", coll, "--emulator", other, "--yes")
	if code != ExitError || !strings.Contains(errs, "write --emulator="+other) {
		t.Errorf("--emulator FILE: exit %d: %s", code, errs)
	}
}
