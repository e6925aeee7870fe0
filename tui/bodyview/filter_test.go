package bodyview

import (
	"strings"
	"testing"
)

const petsJSON = `{"items":[{"name":"rex","id":1},{"name":"fido","id":12345678901234567890}]}`

func TestFilter(t *testing.T) {
	m := newView(40, 6, "application/json", petsJSON)
	bodyLines := m.Lines()

	if err := m.SetFilter(".items[] | .name"); err != nil {
		t.Fatal(err)
	}
	if m.Filtering() != ".items[] | .name" {
		t.Fatalf("Filtering = %q", m.Filtering())
	}
	if m.Lines() != 2 {
		t.Fatalf("Lines = %d, want 2", m.Lines())
	}
	wantRows(t, m, `"rex"`, `"fido"`, "")

	// Objects come out pretty-printed; big integers are not rounded.
	if err := m.SetFilter(".items[1]"); err != nil {
		t.Fatal(err)
	}
	wantRows(t, m, "{", `  "id": 12345678901234567890,`, `  "name": "fido"`, "}")

	m.ClearFilter()
	if m.Filtering() != "" || m.Lines() != bodyLines {
		t.Fatalf("after ClearFilter: Filtering %q, Lines %d (body has %d)", m.Filtering(), m.Lines(), bodyLines)
	}
	wantRows(t, m, "{", `  "items": [`)
}

func TestFilterErrorsLeaveTheViewAlone(t *testing.T) {
	m := newView(40, 3, "application/json", petsJSON)
	if err := m.SetFilter(".items[0].name"); err != nil {
		t.Fatal(err)
	}
	for _, expr := range []string{".items[", "nosuchfunction(1)", `error("boom")`, ".items | keys | .[0] | .x", "input"} {
		err := m.SetFilter(expr)
		if err == nil {
			t.Fatalf("SetFilter(%q) succeeded", expr)
		}
		if !strings.HasPrefix(err.Error(), "jq: ") {
			t.Fatalf("SetFilter(%q) error %q lacks the jq: prefix", expr, err)
		}
		if m.Filtering() != ".items[0].name" {
			t.Fatalf("Filtering = %q after a failed filter", m.Filtering())
		}
		wantRows(t, m, `"rex"`)
	}
	if err := m.SetFilter(`error("boom")`); !strings.Contains(err.Error(), "boom") {
		t.Fatalf("error %q does not carry jq's message", err)
	}
}

func TestFilterNeedsJSON(t *testing.T) {
	m := newView(40, 3, "text/plain", "hello")
	if err := m.SetFilter("."); err == nil {
		t.Fatal("jq on text succeeded")
	}
	m.SetBody(2, "application/octet-stream", []byte{0, 1, 2, 3, 0, 0, 0})
	if err := m.SetFilter("."); err == nil {
		t.Fatal("jq on binary succeeded")
	}
}

func TestFilterSeesNoEnvironment(t *testing.T) {
	t.Setenv("SIGSCOPE_TEST_SECRET", "hunter2")
	m := newView(40, 3, "application/json", `{}`)
	if err := m.SetFilter("[$ENV, env] | map(length)"); err != nil {
		t.Fatal(err)
	}
	wantRows(t, m, "[", "  0,", "  0")
}

func TestFilterEdgeResults(t *testing.T) {
	m := newView(40, 3, "application/json", `{"a":1}`)
	if err := m.SetFilter("empty"); err != nil {
		t.Fatal(err)
	}
	wantRows(t, m, "(no results)")
	if err := m.SetFilter("1, halt, 2"); err != nil {
		t.Fatal(err)
	}
	wantRows(t, m, "1", "")
	if err := m.SetFilter("  "); err != nil || m.Filtering() != "" {
		t.Fatalf("a blank filter should clear: err %v, Filtering %q", err, m.Filtering())
	}
}

func TestFilterRunsOverEachValueOfAStream(t *testing.T) {
	m := newView(40, 3, "application/x-ndjson", "{\"a\":1}\n{\"a\":2}\n")
	if err := m.SetFilter(".a"); err != nil {
		t.Fatal(err)
	}
	wantRows(t, m, "1", "2")
}

func TestFilterFollowsNewBodies(t *testing.T) {
	m := newView(40, 2, "application/json", `{"a":1}`)
	if err := m.SetFilter(".a"); err != nil {
		t.Fatal(err)
	}
	m.SetBody(2, "application/json", []byte(`{"a":2}`))
	wantRows(t, m, "2")
	if m.Filtering() != ".a" {
		t.Fatalf("Filtering = %q", m.Filtering())
	}
	m.SetBody(3, "text/plain", []byte("not json"))
	if m.Filtering() != "" {
		t.Fatalf("a filter that fails on the new body should go, Filtering = %q", m.Filtering())
	}
	wantRows(t, m, "not json")
}
