package workbench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/sign"
)

// usesCollection signs its request with an AWS profile for execute-api in
// us-east-1 and keeps a static profile beside it.
const usesCollection = `name: c
auth:
  keys:
    type: static
    access_key_id_env: C_KEY_ID
    secret_access_key_env: C_ALPHA
    session_token_env: C_BETA
  dev:
    type: aws
    profile: dev
defaults:
  auth: {mode: iam, profile: dev, service: execute-api, region: us-east-1}
requests:
  - name: r
    method: GET
    url: http://api.test/prod/x
`

// TestTrustCoversTheUseOfCredentials: a confirmed collection asks again
// when what it does with credentials changes, even where the variables it
// reads and the hosts it connects to stay the same: fields swapped, another
// AWS profile, another profile for the request, a Host header that moves
// the signature elsewhere, another service or region. The question names
// each field with its variable and what every request signs for.
func TestTrustCoversTheUseOfCredentials(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(usesCollection)
	wb := openFile(t, path, cache)
	ue, ok := IsUntrusted(wb.CheckTrust())
	if !ok {
		t.Fatal("trusted before any confirmation")
	}
	for _, want := range []string{
		`auth profile "keys": static keys, the access key id from $C_KEY_ID, the secret access key from $C_ALPHA, the session token from $C_BETA`,
		`auth profile "dev": the AWS shared-config profile "dev"`,
		`signs (SigV4) with auth profile "dev" for service execute-api in region us-east-1, for host api.test`,
	} {
		if !strings.Contains(ue.List(), want) {
			t.Errorf("the question does not say %q:\n%s", want, ue.List())
		}
	}
	if err := wb.Trust(); err != nil {
		t.Fatal(err)
	}

	write("# a comment changes nothing that is confirmed\n" + usesCollection)
	if ok, _, _ := openFile(t, path, cache).TrustStatus(); !ok {
		t.Fatal("a comment asked again")
	}
	changes := []struct{ name, from, to, says string }{
		{"fields swapped", "secret_access_key_env: C_ALPHA\n    session_token_env: C_BETA", "secret_access_key_env: C_BETA\n    session_token_env: C_ALPHA", "the secret access key from $C_BETA, the session token from $C_ALPHA"},
		{"another AWS profile", "profile: dev\n", "profile: prod-admin\n", `the AWS shared-config profile "prod-admin"`},
		{"another profile for the request", "profile: dev, service", "profile: keys, service", `with auth profile "keys"`},
		{"a Host header", "    url: http://api.test/prod/x\n", "    url: http://api.test/prod/x\n    headers: {Host: iam.amazonaws.com}\n", "for host iam.amazonaws.com (its Host header) while connecting to api.test"},
		{"another service", "service: execute-api", "service: iam", "for service iam"},
		{"another region", "region: us-east-1", "region: eu-west-1", "in region eu-west-1"},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			changed := strings.Replace(usesCollection, c.from, c.to, 1)
			if changed == usesCollection {
				t.Fatalf("%q is not in the collection", c.from)
			}
			write(changed)
			wb := openFile(t, path, cache)
			ue, ok := IsUntrusted(wb.CheckTrust())
			if !ok {
				t.Fatal("did not ask again")
			}
			if !strings.Contains(ue.List(), c.says) {
				t.Errorf("the question does not say %q:\n%s", c.says, ue.List())
			}
			if _, err := wb.Preview(context.Background(), "r", Run{}); err == nil {
				t.Error("previewed without a new confirmation")
			}
		})
	}
}

// TestStaticValuesThatWouldLeaveInClear: the names can be right and the
// values still wrong (a variable holding a copy of the secret key); the
// access key id and the session token are sent readable, so neither may
// hold the secret key, and no message quotes a value.
func TestStaticValuesThatWouldLeaveInClear(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	env := map[string]string{"K": "AKIDEXAMPLE", "S": secret, "T": secret, "COPY": secret, "AWS_SECRET_ACCESS_KEY": secret}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := []struct {
		name string
		p    collections.Profile
		want string
	}{
		{"session token is the secret key", collections.Profile{Name: "p", Type: collections.ProfileStatic, AccessKeyIDEnv: "K", SecretAccessKeyEnv: "S", SessionTokenEnv: "T"},
			"the session token (T) holds the same value as the secret access key (S)"},
		{"access key id is a copy of AWS_SECRET_ACCESS_KEY", collections.Profile{Name: "p", Type: collections.ProfileStatic, AccessKeyIDEnv: "COPY", SecretAccessKeyEnv: "K"},
			"the access key id (COPY) holds the same value as AWS_SECRET_ACCESS_KEY"},
		{"session token is the access key id", collections.Profile{Name: "p", Type: collections.ProfileStatic, AccessKeyIDEnv: "K", SecretAccessKeyEnv: "S", SessionTokenEnv: "K2"},
			"the session token (K2) holds the same value as the access key id (K)"},
	}
	env["K2"] = env["K"]
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Sources{LookupEnv: lookup}.Credentials(context.Background(), &c.p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "AKIDEXAMPLE") {
				t.Fatalf("the message quotes a value: %v", err)
			}
		})
	}
	good := collections.Profile{Name: "p", Type: collections.ProfileStatic, AccessKeyIDEnv: "K", SecretAccessKeyEnv: "S"}
	if c, _, err := (Sources{LookupEnv: lookup}).Credentials(context.Background(), &good); err != nil || c != (sign.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: secret}) {
		t.Fatalf("good keys: %v %v", c, err)
	}
}
