package collections

import (
	"strings"
	"testing"
)

// Guest mode signs with the identity pool's unauthenticated role: it
// needs a cognito profile that names the pool, and says so at the line.
func TestGuestModeValidation(t *testing.T) {
	cases := []struct {
		name  string
		data  []byte
		wants []want
	}{
		{"no profile", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"    auth: {mode: guest}",
		), []want{{"3:5", `request "a": auth mode guest needs a cognito profile with identity_pool_id (mode set at line 5): set auth.profile`}}},

		{"not a cognito profile", doc(
			"name: t",
			"auth:",
			"  ops: {type: aws}",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"    auth: {mode: guest, profile: ops}",
		), []want{{"5:5", `request "a": auth mode guest needs a cognito profile (its identity pool's guest role), but "ops" is type aws (mode set at line 7)`}}},

		{"no identity pool", doc(
			"name: t",
			"auth:",
			"  app: {type: cognito, user_pool_id: us-east-1_Demo1, client_id: abc}",
			"defaults:",
			"  auth: {mode: guest, profile: app}",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
		), []want{{"7:5", `request "a": auth mode guest with cognito profile "app" needs identity_pool_id on the profile (guests get their credentials from the identity pool's unauthenticated role) (mode set at line 5)`}}},

		{"misspelt", doc(
			"name: t",
			"requests:",
			"  - name: a",
			"    url: https://x.test/",
			"    auth: {mode: gust}",
		), []want{{"5:18", `bad auth mode "gust"; did you mean "guest"?`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErrors(t, loadErrors(t, tc.data), tc.wants...)
		})
	}
}

const guestCollection = `name: t
environments:
  local: {base_url: "https://abc.execute-api.us-east-1.amazonaws.com/prod", region: us-east-1}
auth:
  app:
    type: cognito
    user_pool_id: us-east-1_Demo1
    client_id: abc
    identity_pool_id: us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab
requests:
  - name: a
    url: "{{base_url}}/pets"
    auth: {mode: guest, profile: app}
`

func TestGuestModeResolvesAsSigV4(t *testing.T) {
	c, err := LoadBytes("t.yaml", []byte(guestCollection))
	if err != nil {
		t.Fatal(err)
	}
	rr, err := c.Resolve("a", "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := rr.Auth
	if a.Mode != ModeGuest || a.Service != "execute-api" || a.Region != "us-east-1" || a.Algorithm != AlgorithmSigV4 {
		t.Fatalf("auth = %+v", a)
	}
	if a.Profile == nil || a.Profile.IdentityPoolID != "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab" {
		t.Fatalf("profile = %+v", a.Profile)
	}
}

// The trust question names the guest source: which identity pool's
// unauthenticated credentials sign, for which host.
func TestUsesNamesGuestSource(t *testing.T) {
	c, err := LoadBytes("t.yaml", []byte(guestCollection))
	if err != nil {
		t.Fatal(err)
	}
	want := `signs (SigV4) with the guest (unauthenticated) credentials of auth profile "app" from identity pool "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab" for service execute-api in region us-east-1, for host abc.execute-api.us-east-1.amazonaws.com`
	uses := c.Uses()
	found := false
	for _, u := range uses {
		if u == want {
			found = true
		}
	}
	if !found {
		t.Fatalf("Uses() =\n%s\nwant a line\n%s", strings.Join(uses, "\n"), want)
	}
}
