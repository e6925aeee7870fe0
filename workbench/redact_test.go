package workbench

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestRedactorCatchesEncodedForms: a secret echoed percent-encoded (either
// case), JSON-escaped or in base64 is masked like the secret itself.
func TestRedactorCatchesEncodedForms(t *testing.T) {
	secret := "IQoJb3JpZ2luX2Vj/Ab+cd==Token123456"
	r := NewSecretsRedactor(secret)
	echoes := map[string]string{
		"plain":          secret,
		"percent":        "IQoJb3JpZ2luX2Vj%2FAb%2Bcd%3D%3DToken123456",
		"percent lower":  "IQoJb3JpZ2luX2Vj%2fAb%2bcd%3d%3dToken123456",
		"json slash":     `IQoJb3JpZ2luX2Vj\/Ab+cd==Token123456`,
		"json u002b":     `IQoJb3JpZ2luX2Vj\/Ab\u002bcd==Token123456`,
		"base64":         base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64 url raw": base64.RawURLEncoding.EncodeToString([]byte(secret)),
	}
	for name, echo := range echoes {
		out := r.Known(`{"echo":"` + echo + `"}`)
		if strings.Contains(out, echo) {
			t.Errorf("%s form in clear: %s", name, out)
		}
	}
	if got := r.Known("nothing secret here"); got != "nothing secret here" {
		t.Errorf("ordinary text changed: %q", got)
	}
}
