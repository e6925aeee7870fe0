package workbench

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
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

// TestCredentialName: one rule for headers, query, form, JSON and XML
// names, whatever their case and separators; names that describe a
// credential, page or identify a request stay readable.
func TestCredentialName(t *testing.T) {
	for _, n := range []string{
		"Authorization", "Proxy-Authorization", "X-Api-Key", "api_key", "apiKey", "X-Amz-Security-Token", "X-Auth-Token",
		"access_token", "refresh_token", "id_token", "IdToken", "AccessToken", "RefreshToken", "SessionToken", "SecretAccessKey",
		"SecretKey", "client_secret", "ClientSecret", "password", "Password", "NEW_PASSWORD", "secret", "SecretHash", "SECRET_HASH",
		"Session", "JSESSIONID", "X-Session-Id", "private_key", "SAMLAssertion", "code_verifier", "Ocp-Apim-Subscription-Key",
		"X-Functions-Key", "x-amz-server-side-encryption-customer-key", "sts:SessionToken", "SecretString", "authorizationToken",
	} {
		if !CredentialName(n) {
			t.Errorf("%s is a credential's name", n)
		}
	}
	for _, n := range []string{
		"AccessKeyId", "token_type", "TokenType", "token_use", "expires_in", "ExpiresIn", "NextToken", "ContinuationToken",
		"ClientToken", "ClientRequestToken", "PaginationToken", "SecretArn", "SecretName", "PasswordLastUsed", "apiKeySource",
		"authorizationType", "authorizationScopes", "client_secret_expires_at", "RoleSessionName", "private_key_id", "Key",
		"PartitionKey", "DeviceKey", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials", "WWW-Authenticate",
		"Content-Type", "X-Amz-Credential", "X-Amz-Signature", "Cookie", "Set-Cookie", "client_id", "username", "Expiration",
		"x-amz-server-side-encryption-customer-key-MD5", "token_endpoint",
	} {
		if CredentialName(n) {
			t.Errorf("%s is no credential's name", n)
		}
	}
}

// TestRedactorMasksCredentialFields: values of credential-named fields in
// JSON (also inside a JSON string, in arrays, numbers), XML (namespaced,
// CDATA) and form or query text are masked where they are, every other
// byte kept; masking twice changes nothing more.
func TestRedactorMasksCredentialFields(t *testing.T) {
	r := NewSecretsRedactor()
	cases := map[string]string{
		// Cognito InitiateAuth's answer, and a challenge.
		`{"AuthenticationResult":{"AccessToken":"eyJraWQiOiJhIn0.eyJzdWIiOiIxIn0.c2ln","ExpiresIn":3600,"IdToken":"eyJpZCI6MX0.eyJ0b2tlbl91c2UiOiJpZCJ9.c2ln","RefreshToken":"eyJjdHkiOiJKV1QifQ.refresh","TokenType":"Bearer"},"ChallengeParameters":{}}`: `{"AuthenticationResult":{"AccessToken":"eyJr…(36 chars)","ExpiresIn":3600,"IdToken":"eyJp…(41 chars)","RefreshToken":"eyJj…(26 chars)","TokenType":"Bearer"},"ChallengeParameters":{}}`,
		`{"ChallengeName": "PASSWORD_VERIFIER", "Session": "AYABeC0ffee0123456789", "ChallengeParameters": {"SECRET_BLOCK": "c2VjcmV0YmxvY2s=", "SALT": "abc", "USER_ID_FOR_SRP": "demo"}}`:                                                                `{"ChallengeName": "PASSWORD_VERIFIER", "Session": "AYAB…(21 chars)", "ChallengeParameters": {"SECRET_BLOCK": "c2Vj…(16 chars)", "SALT": "abc", "USER_ID_FOR_SRP": "demo"}}`,
		// Cognito identity's credentials; escapes decoded before masking.
		`{"Credentials":{"AccessKeyId":"ASIAEXAMPLE","Expiration":1.7e9,"SecretKey":"ab\/cd+0123456789","SessionToken":"IQoJ\u00e9session"}}`:             `{"Credentials":{"AccessKeyId":"ASIAEXAMPLE","Expiration":1.7e9,"SecretKey":"ab/c…(16 chars)","SessionToken":"IQoJ…(12 chars)"}}`,
		`{"password": 123456, "pin": 1234, "apiKey": null, "api_key": true, "refresh_tokens": ["rt-aaaaaaaaaa", "rt-bbbbbbbbbb"], "NextToken": "page-2"}`: `{"password": "…(6 chars)", "pin": 1234, "apiKey": null, "api_key": true, "refresh_tokens": ["rt-a…(13 chars)", "rt-b…(13 chars)"], "NextToken": "page-2"}`,
		`{"body":"{\"client_secret\":\"s3cr\\\"et0123456789\",\"user\":\"demo\"}","headers":{"X-Api-Key":"key-0123456789"}}`:                              `{"body":"{\"client_secret\":\"s3cr…(17 chars)\",\"user\":\"demo\"}","headers":{"X-Api-Key":"key-…(14 chars)"}}`,
		`{"headers":{"Authorization":"Bearer eyJhbGciOi.x.y","Cookie":"sid=0123456789abcdef"}}`:                                                           `{"headers":{"Authorization":"Bearer eyJh…(14 chars)","Cookie":"sid=0123…(16 chars)"}}`,
		// STS's answer, a namespaced element, CDATA, entities.
		"<AssumeRoleResult>\n  <Credentials>\n    <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n    <SecretAccessKey>wJalrXUtnFEMI/K7MDENG&amp;0123</SecretAccessKey>\n    <SessionToken>FQoGZXIvYXdzE0123</SessionToken>\n    <Expiration>2026-01-01T00:00:00Z</Expiration>\n  </Credentials>\n</AssumeRoleResult>": "<AssumeRoleResult>\n  <Credentials>\n    <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n    <SecretAccessKey>wJal…(26 chars)</SecretAccessKey>\n    <SessionToken>FQoG…(17 chars)</SessionToken>\n    <Expiration>2026-01-01T00:00:00Z</Expiration>\n  </Credentials>\n</AssumeRoleResult>",
		`<a:Password xmlns:a="urn:x"><![CDATA[pa<ss>word0]]></a:Password><Key>photos/a.jpg</Key><Token/>`: `<a:Password xmlns:a="urn:x"><![CDATA[pa<s…(11 chars)]]></a:Password><Key>photos/a.jpg</Key><Token/>`,
		// An OAuth token request and answer, a redirect with a token.
		`grant_type=refresh_token&client_id=abc&client_secret=s3cr3t%2Fvalue0123&refresh_token=rt-0123456789&password=hunter2`:                       `grant_type=refresh_token&client_id=abc&client_secret=s3cr…(16 chars)&refresh_token=rt-0…(13 chars)&password=…(7 chars)`,
		`https://app.example/cb#id_token=it-0123456789 https://app.example/cb?code=abc&access_token=at-0123456789&token_type=bearer&expires_in=3600`: `https://app.example/cb#id_token=it-0…(13 chars) https://app.example/cb?code=abc&access_token=at-0…(13 chars)&token_type=bearer&expires_in=3600`,
	}
	for in, want := range cases {
		got := r.Known(in)
		if got != want {
			t.Errorf("masked\n%s\nas\n%s\nwant\n%s", in, got, want)
		}
		if again := r.Known(got); again != got {
			t.Errorf("masked twice:\n%s\nthen\n%s", got, again)
		}
	}
	for _, kept := range []string{
		`{"Key":"photos/a.jpg","NextToken":"abc","token_type":"Bearer","AccessKeyId":"AKIDEXAMPLE","expires_in":3600,"authorizationType":"AWS_IAM","description":"the token"}`,
		"<ListBucketResult><Contents><Key>a/token.txt</Key></Contents><NextContinuationToken>abc</NextContinuationToken></ListBucketResult>",
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa3",
		`{"Authorization":"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=5fa0"}`,
		"\x00\xffpassword\x00\xfe", // binary, no field
	} {
		if got := r.Known(kept); got != kept {
			t.Errorf("changed\n%s\nto\n%s", kept, got)
		}
	}
}

// TestRedactorCatchesURLEncodings: a secret in a URL path is masked as the
// wire sends it (space encoded, '@' and '+' kept), as SigV4's canonical
// path writes it (encoded twice), and as a form, Go or a query writes it.
func TestRedactorCatchesURLEncodings(t *testing.T) {
	const secret = "tenant key@Example+0123456789"
	r := NewSecretsRedactor(secret)
	for name, form := range map[string]string{
		"wire path":      "tenant%20key@Example+0123456789",
		"canonical path": "tenant%2520key%40Example%2B0123456789",
		"query":          "tenant%20key%40Example%2B0123456789",
		"form (+)":       "tenant+key%40Example%2B0123456789",
		"Go %q":          `tenant key@Example+0123456789`,
	} {
		for _, text := range []string{"GET /p/" + form + "/x HTTP/1.1", "GET\n/p/" + form + "/x\n\nhost:h\n"} {
			if got := r.Text(text); strings.Contains(got, form) || strings.Contains(got, "0123456789") {
				t.Errorf("%s form in clear: %q", name, got)
			}
		}
	}
}

// TestRedactorWriterMasksFieldsOfSpooledBody: a body too big for memory
// streams out with its credential fields masked (a short password in its
// field, a token wherever it is echoed), split at every size, every other
// byte as received.
func TestRedactorWriterMasksFieldsOfSpooledBody(t *testing.T) {
	pad := strings.Repeat("0123456789abcdef", 64)
	body := pad + `{"password":"hunter2","RefreshToken":"rt-0123456789abcdef","user":"password"}` + pad + " echo: rt-0123456789abcdef\n"
	file := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &exchange.Prepared{Request: &sign.Request{Method: "GET", Path: "/"}}
	res := &exchange.Result{Response: &exchange.Response{BodyFile: file, Size: int64(len(body))}}
	r := NewRedactor(false, p, res)
	want := strings.Replace(strings.Replace(body, `"hunter2"`, `"…(7 chars)"`, 1), "rt-0123456789abcdef", "rt-0…(19 chars)", 2)
	for _, size := range []int{1, 7, 100, len(body)} {
		var out strings.Builder
		w := r.Writer(&out)
		for i := 0; i < len(body); i += size {
			if _, err := w.Write([]byte(body[i:min(i+size, len(body))])); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Fatalf("chunks of %d:\n%s\nwant\n%s", size, out.String()[len(pad):], want[len(pad):])
		}
	}
}
