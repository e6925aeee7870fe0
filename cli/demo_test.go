package cli

import (
	"strings"
	"testing"
)

// TestDemo runs the walk-through as a newcomer would and checks that both
// acts happened: an accepted signature and an explained mismatch.
func TestDemo(t *testing.T) {
	stdout, stderr, code := run(t, nil, nil, "demo")
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Canonical request", "String to sign", "Signature = HMAC",
		"The gateway answered 200 OK",
		"The gateway answered 403 Forbidden",
		"The request signature we calculated does not match",
		"line 4 (canonical headers) differs",
		"received: content-type:application/json; charset=utf-8",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}
