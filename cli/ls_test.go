package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLsListsACollection(t *testing.T) {
	var out, errb lockedBuf
	if code := Main([]string{"ls", demoCollection}, strings.NewReader(""), &out, &errb); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"teaching/Awkward path", "id_token ▸ app", "local (default)", "demo-iam (static)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("ls lacks %q:\n%s", want, out.String())
		}
	}
	out = lockedBuf{}
	Main([]string{"ls", demoCollection, "-o", "json"}, strings.NewReader(""), &out, &errb)
	var l collectionListing
	if err := json.Unmarshal([]byte(out.String()), &l); err != nil || len(l.Requests) != 10 || l.Requests[0].Auth != "iam" || l.Requests[0].Profile != "app" {
		t.Fatalf("json: %v %+v", err, l)
	}
	if code := Main([]string{"ls", "nope.yaml"}, strings.NewReader(""), &out, &errb); code != ExitError {
		t.Fatalf("missing file: exit %d", code)
	}
}

// TestShellCompletion: the shell is offered request names, environments
// and Cognito profiles from the collection named before them.
func TestShellCompletion(t *testing.T) {
	complete := func(args ...string) string {
		var out, errb lockedBuf
		Main(append([]string{"__complete"}, args...), strings.NewReader(""), &out, &errb)
		return out.String()
	}
	if got := complete("send", demoCollection, "teach"); !strings.Contains(got, "teaching/Awkward path") || strings.Contains(got, "List pets") {
		t.Errorf("request names: %q", got)
	}
	if got := complete("send", demoCollection, "List pets", "--env", ""); !strings.Contains(got, "local") {
		t.Errorf("environments: %q", got)
	}
	if got := complete("login", demoCollection, "--profile", ""); !strings.Contains(got, "app") || strings.Contains(got, "demo-iam") {
		t.Errorf("cognito profiles: %q", got)
	}
}
