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

// TestRedactorWriterMasksAcrossWrites: a body streamed in pieces of every
// size, with the secret split at every position, comes out masked.
func TestRedactorWriterMasksAcrossWrites(t *testing.T) {
	secret := "tok_0123456789abcdefghij"
	r := NewSecretsRedactor(secret)
	body := []byte("head " + secret + " middle \x00\xff" + base64.StdEncoding.EncodeToString([]byte(secret)) + " tail " + secret)
	for size := 1; size <= len(body); size++ {
		var out strings.Builder
		w := r.Writer(&out)
		for i := 0; i < len(body); i += size {
			if _, err := w.Write(body[i:min(i+size, len(body))]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if strings.Contains(got, secret) || strings.Contains(got, base64.StdEncoding.EncodeToString([]byte(secret))) {
			t.Fatalf("chunks of %d: secret in clear: %q", size, got)
		}
		if want := r.Known(string(body)); got != want {
			t.Fatalf("chunks of %d: got %q, want %q", size, got, want)
		}
	}
}

// TestRedactorMasksCredentialHeadersByName: a credential written literally
// in a collection is masked by its header's name; SigV4's Authorization
// and headers that only talk about credentials stay readable.
func TestRedactorMasksCredentialHeadersByName(t *testing.T) {
	r := NewSecretsRedactor()
	wire := strings.Join([]string{
		"GET / HTTP/1.1",
		"Authorization: Bearer literal-token-0123456789",
		"Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==",
		"X-Api-Key: key-literal-abcdef",
		"X-Auth-Token: tok-literal-abcdef",
		"X-Client-Secret: shh-literal-abcdef",
		"Access-Control-Allow-Credentials: true",
		"Content-Type: application/json",
		"",
	}, "\r\n")
	got := r.Text(wire)
	for _, clear := range []string{"literal-token-0123456789", "dXNlcjpwYXNzd29yZA==", "key-literal-abcdef", "tok-literal-abcdef", "shh-literal-abcdef"} {
		if strings.Contains(got, clear) {
			t.Errorf("%q in clear:\n%s", clear, got)
		}
	}
	for _, kept := range []string{"Authorization: Bearer ", "Proxy-Authorization: Basic ", "Access-Control-Allow-Credentials: true", "Content-Type: application/json"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q lost:\n%s", kept, got)
		}
	}
	sigv4 := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	if got := r.Header("Authorization", sigv4); got != sigv4 {
		t.Errorf("SigV4 Authorization changed: %q", got)
	}
	if got := r.Header("x-amz-security-token", "FQoGZXIvYXdzEJr//////////wEaDOKmPCtNR"); strings.Contains(got, "FQoGZXIvYXdzEJr//") {
		t.Errorf("session token header in clear: %q", got)
	}
}

// TestSessionTokenRedactorNamesTheToken: a session token given on the
// command line is masked in every form, and said to be one.
func TestSessionTokenRedactorNamesTheToken(t *testing.T) {
	const token = "IQoJb3JpZ2luX2VjEXAMPLE/abc+def=="
	r := NewSessionTokenRedactor(token, "")
	for _, form := range []string{token, "IQoJb3JpZ2luX2VjEXAMPLE%2Fabc%2Bdef%3D%3D", "IQoJb3JpZ2luX2VjEXAMPLE%2fabc%2bdef%3d%3d", base64.StdEncoding.EncodeToString([]byte(token))} {
		got := r.Text("x-amz-security-token:" + form + "\n")
		if got != "x-amz-security-token:<session token IQoJ…(33 chars)>\n" {
			t.Errorf("%q masked as %q", form, got)
		}
	}
	if got := NewSessionTokenRedactor().Text("no token here"); got != "no token here" {
		t.Errorf("without a token: %q", got)
	}
}
