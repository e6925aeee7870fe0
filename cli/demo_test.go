package cli

import (
	"regexp"
	"strings"
	"testing"
)

// TestDemo runs the walk-through as a newcomer would: every act must happen
// and no secret may reach the screen in clear.
func TestDemo(t *testing.T) {
	stdout, stderr, code := run(t, nil, nil, "demo")
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	for _, want := range []string{
		"USER_SRP_AUTH", "Logged in: id token for demo (demo@example.com)",
		"GetId and GetCredentialsForIdentity", "temporary keys ASIA",
		"Canonical request", "x-amz-security-token:", "String to sign", "Signature = HMAC",
		`"cognitoAuthenticationType": "authenticated"`,
		"the authorizer passed on the claims cognito:username=demo",
		"CloudFront policy: resource http://127.0.0.1:", "went out with 4 cookies from the jar and got 200 OK",
		"The request signature we calculated does not match",
		"received: content-type:application/json; charset=utf-8",
		"Credential should be scoped to a valid region, not 'eu-west-1'",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(stdout, "Passw0rd!") {
		t.Error("the demo printed the password")
	}
	// JWTs, long session tokens and cookie values must show masked.
	if m := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{40,}|[A-Za-z0-9+/=_~-]{120,}`).FindString(stdout); m != "" {
		t.Errorf("the demo printed a secret in clear: %.20s…", m)
	}
}

func TestWrapWords(t *testing.T) {
	got := wrapWords("   one two three four\nshort", 12)
	want := "   one two\n   three\n   four\nshort"
	if got != want {
		t.Errorf("wrapWords = %q, want %q", got, want)
	}
	if wrapWords("a long line stays", 0) != "a long line stays" {
		t.Error("width 0 must not wrap")
	}
}
