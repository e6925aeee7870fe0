package workbench

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
	"github.com/sigscope/sigscope/sign"
)

// The curl command must survive a shell: quotes, spaces and $ in values
// come out as they went in.
func TestCurlCommandQuotesForTheShell(t *testing.T) {
	r := &sign.Request{Method: "POST", Scheme: "https", Host: "api.example.com", Path: "/a%20b", RawQuery: "x=1&y=it's",
		Headers: []sign.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Content-Length", Value: "9"}, {Name: "X-Note", Value: "$HOME it's"}},
		Body:    []byte(`{"a":"'"}`)}
	cmd := CurlCommand(r)
	if strings.Contains(cmd, "Content-Length") {
		t.Error("curl computes Content-Length itself")
	}
	sh := peer.Command(t, "sh")
	// Replace curl by printf to see the arguments the shell hands it.
	out, err := exec.Command(sh, "-c", "curl() { printf '%s\\n' \"$@\"; }; "+cmd).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://api.example.com/a%20b?x=1&y=it's", "X-Note: $HOME it's", `{"a":"'"}`, "--path-as-is"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("argument %q missing from:\n%s", want, out)
		}
	}
}
