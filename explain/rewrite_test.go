package explain

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
)

// TestRebuiltClientRewroteAfterSigning: botocore signs the URL as written
// and urllib3 sends escapes in upper case, raw bytes encoded, and the
// path's last segment without its ;params. The bytes received are the
// rewrite, so AWS's canonical request is the rebuilt one; the User-Agent
// names the client, and explain puts the rewrite first, never "only the
// key remains". Another client, the same bytes: the key, as before.
func TestRebuiltClientRewroteAfterSigning(t *testing.T) {
	ua := func(v string) sign.Header { return sign.Header{Name: "User-Agent", Value: v} }
	for _, tc := range []struct {
		name      string
		req       *sign.Request
		first     string
		evidence  []string
		keyMurmur bool // the key is still listed, with the doubt said
	}{
		{"escapes in the query (botocore)", apiRequest("GET", "/prod/pets", "k=%C3%A9", ua("Botocore/1.29.27 Python/3.11.2")),
			CauseQuery, []string{`the query sent holds "%C3", "%A9"`, "in lower case or raw", `User-Agent "Botocore/1.29.27 Python/3.11.2" names botocore`}, false},
		{"escapes in the path (urllib3)", apiRequest("GET", "/prod/pets/%7Euser", "", ua("python-urllib3/1.26.12")),
			CausePath, []string{`the path sent holds "%7E"`, "urllib3 writes every escape in upper case"}, false},
		{"nothing in the bytes (the AWS CLI)", apiRequest("GET", "/prod/pets/a", "", ua("aws-cli/2.15.0 Python/3.11.6")),
			CausePath, []string{"sends it without them", "if the URL had no ';', look at the key", `"User-Agent: aws-cli/2.15.0 Python/3.11.6"`}, true},
		{"another client", apiRequest("GET", "/prod/pets/a", "", ua("curl/7.88.1")), CauseSecret, []string{"only the signing key remains"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := clientRefusal(t, tc.req, nil, apiOptions)
			d, ok := Explain(in)
			if !ok || len(d.Causes) == 0 {
				t.Fatalf("ok %v, causes %v", ok, d.Causes)
			}
			c := d.Causes[0]
			if c.ID != tc.first {
				t.Fatalf("first cause %s %q, want %s", c.ID, c.Evidence, tc.first)
			}
			for _, w := range tc.evidence {
				if !strings.Contains(c.Evidence, w) {
					t.Errorf("evidence lacks %q:\n%s", w, c.Evidence)
				}
			}
			for _, k := range d.Causes[1:] {
				if k.ID == CauseSecret && strings.Contains(k.Evidence, "only the signing key remains") {
					t.Errorf("the key is said to be all that remains: %q", k.Evidence)
				}
				if k.ID == CauseSecret && tc.keyMurmur && !strings.Contains(k.Evidence, "may have signed bytes it did not send") {
					t.Errorf("the key's evidence does not say the doubt: %q", k.Evidence)
				}
			}
		})
	}
}
