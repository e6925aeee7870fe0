package export

import (
	"strings"
	"testing"
)

// TestPipedBodyMasksSecrets: a body that goes through printf (a NUL, a
// tab) is masked like any other: a credential it carries by name is not
// in a command unless --show-secrets.
func TestPipedBodyMasksSecrets(t *testing.T) {
	const secret = "PLANTED-BODY-TOKEN-0123456789"
	b := newRecBench(t, `
name: piped
environments:
  local: {base_url: "{{emulator}}", region: us-east-1}
requests:
  - name: nul
    method: POST
    url: "{{base_url}}/items"
    auth: {mode: none}
    body: {text: "{\"access_token\":\"`+secret+`\",\"note\":\"a\u0000b\"}"}
  - name: tab
    method: POST
    url: "{{base_url}}/items"
    auth: {mode: none}
    body: {text: "{\"access_token\":\"`+secret+`\",\"note\":\"a\tb\"}"}
`)
	for _, req := range []string{"nul", "tab"} {
		pv := b.preview(t, req)
		for _, frozen := range []bool{false, true} {
			for name, export := range exporters {
				cmd, err := export(pv.Prepared, Options{Frozen: frozen})
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(cmd, secret) || !strings.Contains(cmd, "printf") {
					t.Errorf("%s as %s frozen=%v: the token in clear, or no printf:\n%s", req, name, frozen, cmd)
				}
				shown, err := export(pv.Prepared, Options{Frozen: frozen, ShowSecrets: true})
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				if out := runPasted(t, shells[0], dir, strings.SplitN(shown[strings.Index(shown, "printf"):], " \\\n", 2)[0], nil); out != string(pv.Prepared.Request.Body) {
					t.Errorf("%s as %s with --show-secrets: printf gives %q, want %q", req, name, out, pv.Prepared.Request.Body)
				}
			}
		}
	}
}
