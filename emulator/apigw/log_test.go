package apigw

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
)

// The request log line is the one fmt wrote before: method, escaped
// path, status and the error type with its decision.
func TestLogRequestLine(t *testing.T) {
	var buf bytes.Buffer
	g := &Gateway{deps: Deps{Log: &buf}}
	r, err := http.NewRequest("POST", "http://127.0.0.1/prod/pets/a%20b?x=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status int
		suffix string
	}{{200, ""}, {403, " AccessDeniedException (no statement allows it)"}} {
		buf.Reset()
		g.logRequest(r, tc.status, tc.suffix)
		if want := fmt.Sprintf("apigw %s %s -> %d%s\n", r.Method, r.URL.EscapedPath(), tc.status, tc.suffix); buf.String() != want {
			t.Errorf("got %q, want %q", buf.String(), want)
		}
	}
	(&Gateway{}).logRequest(r, 200, "") // no log: nothing to write to
}
