package collections

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// doc joins lines into a YAML document, so that a test's line numbers are
// the argument positions (first line = 1) and columns can be counted by eye.
func doc(lines ...string) []byte {
	return []byte(strings.Join(lines, "\n") + "\n")
}

func mustLoad(t *testing.T, data []byte) *Collection {
	t.Helper()
	c, err := LoadBytes("t.yaml", data)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return c
}

func loadErrors(t *testing.T, data []byte) Errors {
	t.Helper()
	c, err := LoadBytes("t.yaml", data)
	if err == nil {
		t.Fatalf("load succeeded, want errors (collection %q)", c.Name)
	}
	if c != nil {
		t.Errorf("a collection was returned along with errors")
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error is %T, want Errors: %v", err, err)
	}
	return es
}

// want is one expected error: its exact position and a part of its message.
type want struct {
	pos string // "line:col"
	msg string
}

// checkErrors asserts that es holds exactly the wanted errors, in order.
func checkErrors(t *testing.T, es Errors, wants ...want) {
	t.Helper()
	if len(es) != len(wants) {
		t.Errorf("got %d errors, want %d:\n%v", len(es), len(wants), es)
	}
	for i := 0; i < len(es) && i < len(wants); i++ {
		prefix := "t.yaml:" + wants[i].pos + ": "
		got := es[i].Error()
		if !strings.HasPrefix(got, prefix) || !strings.Contains(got, wants[i].msg) {
			t.Errorf("error %d:\n got %s\nwant %s…%s…", i, got, prefix, wants[i].msg)
		}
	}
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o644) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }
