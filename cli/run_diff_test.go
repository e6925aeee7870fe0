package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunDiff: run --diff compares the run with the previous run of the
// same collection — not with a run of another collection in between —
// and exits 1 when a check that held fails now.
func TestRunDiff(t *testing.T) {
	env := append(runEnv(t), "SIGSCOPE_HISTORY=") // the tests' process turns it off
	good := demoCopy(t, nil)
	_, errs, code := run(t, env, nil, "run", good, "QA smoke", "--emulator", "--yes", "--diff")
	if code != 0 || !strings.Contains(errs, "no earlier run of this collection") {
		t.Fatalf("first run --diff: exit %d: %s", code, errs)
	}
	other := filepath.Join(t.TempDir(), "other.yaml")
	os.WriteFile(other, []byte("name: other\nrequests:\n  - name: Public\n    url: \"{{emulator}}/prod/public\"\n"), 0o644)
	if _, errs, code := run(t, env, nil, "run", other, "--emulator", "--yes"); code != 0 {
		t.Fatalf("the other collection: exit %d: %s", code, errs)
	}
	// The same file, Get pet now asking for a pet that is not there.
	data, _ := os.ReadFile(good)
	os.WriteFile(good, []byte(strings.Replace(string(data), `url: "{{base_url}}/store/pets/{{pet_id}}"
        assert:
          status: 200`, `url: "{{base_url}}/store/pets/999"
        assert:
          status: 200`, 1)), 0o644)
	out, errs, code := run(t, env, nil, "run", good, "QA smoke", "--emulator", "--yes", "--diff")
	if code != ExitError || !strings.Contains(out, "200      → 404       QA smoke/Get pet") ||
		!strings.Contains(out, "✗ status: passed → failed (expected 200, got 404)") ||
		strings.Contains(out, "Public") || !strings.Contains(errs, "check(s) that held in") {
		t.Errorf("second run --diff: exit %d\n%s%s", code, out, errs)
	}
	// -o json stays one document: the comparison goes to stderr.
	out, errs, code = run(t, env, nil, "run", good, "QA smoke", "--emulator", "--yes", "--diff", "-o", "json")
	if code != ExitError || !strings.HasPrefix(out, "{") || strings.Contains(out, "→") || !strings.Contains(errs, "every request answered as before") {
		t.Errorf("--diff -o json: exit %d\n%s%s", code, out, errs)
	}
}
