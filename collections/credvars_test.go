package collections

import (
	"strings"
	"testing"
)

// TestCredentialFieldsKeepTheirRoles: each *_env field reads only a
// variable that fits it. AWS's own variables only in their own role, no
// secret-shaped name where the value goes out in clear, and one variable
// in one role only (in one profile or across two); each refusal names the
// line and column of the field.
func TestCredentialFieldsKeepTheirRoles(t *testing.T) {
	cases := []struct {
		name, profiles, want string // want "": loads
	}{
		{"own roles", "  k: {type: static, access_key_id_env: AWS_ACCESS_KEY_ID, secret_access_key_env: AWS_SECRET_ACCESS_KEY, session_token_env: AWS_SESSION_TOKEN}\n", ""},
		{"custom names", "  k: {type: static, access_key_id_env: PROD_KEY_ID, secret_access_key_env: PROD_SECRET_KEY, session_token_env: PROD_SESSION_TOKEN}\n", ""},
		{"same role twice", "  a: {type: static, access_key_id_env: AWS_ACCESS_KEY_ID, secret_access_key_env: AWS_SECRET_ACCESS_KEY}\n  b: {type: static, access_key_id_env: AWS_ACCESS_KEY_ID, secret_access_key_env: AWS_SECRET_ACCESS_KEY, region: eu-west-1}\n", ""},
		{"secret key as session token", "  k: {type: static, access_key_id_env: K, secret_access_key_env: AWS_ACCESS_KEY_ID, session_token_env: AWS_SECRET_ACCESS_KEY}\n",
			`3:104: auth profile "k": session_token_env is refused: AWS_SECRET_ACCESS_KEY is AWS's variable for the secret access key`},
		{"access key id as secret", "  k: {type: static, access_key_id_env: K, secret_access_key_env: AWS_ACCESS_KEY_ID}\n",
			`secret_access_key_env is refused: AWS_ACCESS_KEY_ID is AWS's variable for the access key id`},
		{"secret key as access key id", "  k: {type: static, access_key_id_env: AWS_SECRET_ACCESS_KEY, secret_access_key_env: S}\n",
			`3:40: auth profile "k": access_key_id_env is refused: AWS_SECRET_ACCESS_KEY is AWS's variable`},
		{"secret-shaped access key id", "  k: {type: static, access_key_id_env: MY_SECRET, secret_access_key_env: S}\n",
			`access_key_id_env may not read it, which is sent in the Credential= part of every signature`},
		{"token-shaped access key id", "  k: {type: static, access_key_id_env: GITHUB_TOKEN, secret_access_key_env: S}\n",
			`(its name has TOKEN)`},
		{"password as session token", "  k: {type: static, access_key_id_env: K, secret_access_key_env: S, session_token_env: DB_PASSWORD}\n",
			`session_token_env may not read it, which is sent in the X-Amz-Security-Token header`},
		{"one variable two fields", "  k: {type: static, access_key_id_env: K, secret_access_key_env: SHARED, session_token_env: SHARED}\n",
			`SHARED is already read as the secret access key by auth profile "k" (line 3)`},
		{"one variable two profiles", "  a: {type: static, access_key_id_env: K, secret_access_key_env: SHARED}\n  b: {type: static, access_key_id_env: K, secret_access_key_env: S, session_token_env: SHARED}\n",
			`4:` + `88: auth profile "b": session_token_env is refused: SHARED is already read as the secret access key by auth profile "a" (line 3)`},
		{"secret key as password", "  u: {type: cognito, user_pool_id: us-east-1_A, client_id: c, password_env: AWS_SECRET_ACCESS_KEY}\n",
			`password_env is refused: AWS_SECRET_ACCESS_KEY is AWS's variable`},
		{"session token as client secret", "  u: {type: cognito, user_pool_id: us-east-1_A, client_id: c, client_secret_env: AWS_SESSION_TOKEN}\n",
			`client_secret_env is refused: AWS_SESSION_TOKEN is AWS's variable for the session token`},
		{"secret key shape as password", "  u: {type: cognito, user_pool_id: us-east-1_A, client_id: c, password_env: PROD_SECRET_KEY}\n",
			`(its name has SECRET_KEY)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := "name: c\nauth:\n" + c.profiles + "requests: []\n"
			_, err := LoadBytes("c.yaml", []byte(src))
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && err == nil:
				t.Fatal("loaded")
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("got %v\nwant it to hold %q", err, c.want)
			}
		})
	}
}

// TestCredentialEnvProblemIsTheLoadersRule: importers ask the same
// function the loader uses, so what they write always loads.
func TestCredentialEnvProblemIsTheLoadersRule(t *testing.T) {
	fields := []string{"access_key_id_env", "secret_access_key_env", "session_token_env", "password_env", "client_secret_env"}
	names := []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "MY_SECRET", "MY_TOKEN", "PLAIN", "MY_KEY_ID"}
	for _, f := range fields {
		for _, n := range names {
			problem := CredentialEnvProblem(f, n)
			profile := "  p: {type: static, " + f + ": " + n + "}\n"
			if f == "password_env" || f == "client_secret_env" {
				profile = "  p: {type: cognito, user_pool_id: us-east-1_A, client_id: c, " + f + ": " + n + "}\n"
			} else if f != "access_key_id_env" {
				profile = "  p: {type: static, access_key_id_env: OTHER_ID, " + f + ": " + n + "}\n"
				if f != "secret_access_key_env" {
					profile = "  p: {type: static, access_key_id_env: OTHER_ID, secret_access_key_env: OTHER_S, " + f + ": " + n + "}\n"
				}
			} else {
				profile = "  p: {type: static, " + f + ": " + n + ", secret_access_key_env: OTHER_S}\n"
			}
			_, err := LoadBytes("c.yaml", []byte("name: c\nauth:\n"+profile+"requests: []\n"))
			if (problem == "") != (err == nil) {
				t.Errorf("%s: %s: CredentialEnvProblem %q, load %v", f, n, problem, err)
			}
		}
	}
}
