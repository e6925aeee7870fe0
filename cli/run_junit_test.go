package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// junitBySchema validates the report against the JUnit schema CI servers
// read reports with (testdata/run/junit.xsd), by xmlschema (Debian's
// python3-xmlschema), a validator that is not ours.
func junitBySchema(t *testing.T, path string) {
	t.Helper()
	py := peer.Python(t, "xmlschema", "python3-xmlschema")
	script := `import sys, xmlschema
schema = xmlschema.XMLSchema(sys.argv[1])
errors = list(schema.iter_errors(sys.argv[2]))
for e in errors:
    print(e.reason, "at", e.path)
print("valid" if not errors else "invalid")
`
	out, err := exec.Command(py, "-c", script, filepath.Join("testdata", "run", "junit.xsd"), path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "valid" {
		t.Errorf("the JUnit report does not validate against the schema: %v\n%s", err, out)
	}
}

// TestJUnitSchemaCatchesDrift: the schema check fails a report that
// drifts from the format (an attribute the readers do not know, a count
// that is no number), so that its passing means something.
func TestJUnitSchemaCatchesDrift(t *testing.T) {
	py := peer.Python(t, "xmlschema", "python3-xmlschema")
	for _, bad := range []string{
		`<testsuites><testsuite name="a" tests="one"></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="1"><testcase name="x" verdict="ok"/></testsuite></testsuites>`,
		`<testsuites><testsuite tests="1"/></testsuites>`,
	} {
		out, err := exec.Command(py, "-c", `import sys, xmlschema
print(xmlschema.XMLSchema(sys.argv[1]).is_valid(sys.argv[2]))`, filepath.Join("testdata", "run", "junit.xsd"), bad).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "False" {
			t.Errorf("%s: %v %s, want False", bad, err, out)
		}
	}
}
