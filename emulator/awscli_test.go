package emulator

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/auth/srp"
	"github.com/sigscope/sigscope/internal/peer"
)

// The demo's IAM user (default.yaml) and ids the AWS CLI calls name.
const (
	demoKeyID     = "AKIDSIGSCOPEDEMO0001"
	demoSecret    = "sigscopeDemoSecretKey0000/NotASecret+0001"
	demoPool      = "us-east-1_Demo1"
	demoWebClient = "3n4b5urk1ft4fl3mg5e62d9ado"
	demoIDPool    = "us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab"
	cliCode       = "135790" // the pool's confirmation_code in these tests
)

// awsCLI finds the AWS CLI: Debian's (.ci/run installs awscli 2.9.19),
// else the first on PATH.
func awsCLI(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		return "/usr/bin/aws"
	}
	return peer.Command(t, "aws")
}

// cli runs the AWS CLI against one emulator, isolated from the machine's
// AWS configuration: no config or credentials file, keys from the
// environment only, JSON out, no pager.
type cli struct {
	t    *testing.T
	bin  string
	url  string
	home string
}

func newCLI(t *testing.T, srv *Server) *cli {
	return &cli{t: t, bin: awsCLI(t), url: srv.URL, home: t.TempDir()}
}

// run calls `aws ARGS --endpoint-url URL` with the keys given (akid ""
// for none) and returns stdout, stderr and whether it succeeded.
func (c *cli) run(akid, secret, token string, args ...string) (string, string, bool) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "--endpoint-url", c.url, "--output", "json")...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + c.home,
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_PAGER=",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CLI_AUTO_PROMPT=off",
	}
	// A pyenv shim finds its interpreter through these.
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PYENV") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if akid != "" {
		cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+akid, "AWS_SECRET_ACCESS_KEY="+secret)
	}
	if token != "" {
		cmd.Env = append(cmd.Env, "AWS_SESSION_TOKEN="+token)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		c.t.Fatalf("run aws %s: %v", args[0], err)
	}
	return stdout.String(), stderr.String(), err == nil
}

// ok runs a call that must succeed and decodes its JSON answer (nil for
// an empty one).
func (c *cli) ok(akid, secret string, args ...string) map[string]any {
	c.t.Helper()
	out, errOut, ok := c.run(akid, secret, "", args...)
	if !ok {
		c.t.Fatalf("aws %s failed:\n%s", strings.Join(args[:2], " "), errOut)
	}
	if strings.TrimSpace(out) == "" {
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		c.t.Fatalf("aws %s printed what is not JSON: %v\n%s", strings.Join(args[:2], " "), err, out)
	}
	return v
}

// refused runs a call that must fail with AWS's error code and message,
// as the CLI parses them from the answer.
func (c *cli) refused(akid, secret, code, msg string, args ...string) {
	c.t.Helper()
	_, errOut, ok := c.run(akid, secret, "", args...)
	if ok {
		c.t.Fatalf("aws %s succeeded, want %s", strings.Join(args[:2], " "), code)
	}
	if !strings.Contains(errOut, "An error occurred ("+code+") when calling the ") || !strings.Contains(errOut, msg) {
		c.t.Fatalf("aws %s: want (%s) %q, got:\n%s", strings.Join(args[:2], " "), code, msg, errOut)
	}
}

func str(v any, path ...string) string {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

// TestAWSCLICognito: the AWS CLI parses the answer of every Cognito
// operation the emulator added, unsigned as the CLI sends the app-user
// calls and SigV4-signed (cognito-idp) for the Admin* calls.
func TestAWSCLICognito(t *testing.T) {
	t.Parallel() // each CLI call is seconds of Python start-up on a loaded machine
	cfg := DefaultConfig()
	cfg.Cognito.UserPools[0].ConfirmationCode = cliCode
	srv := startDefault(t, Options{Config: cfg})
	c := newCLI(t, srv)
	const none = ""
	idp := func(op string, args ...string) []string { return append([]string{"cognito-idp", op}, args...) }

	up := c.ok(none, none, idp("sign-up", "--client-id", demoWebClient, "--username", "zed", "--password", "Passw0rd!",
		"--user-attributes", "Name=email,Value=zed@example.com")...)
	if up["UserConfirmed"] != false || str(up, "UserSub") == "" || str(up, "CodeDeliveryDetails", "DeliveryMedium") != "EMAIL" ||
		str(up, "CodeDeliveryDetails", "Destination") != "z***@e***" {
		t.Fatalf("sign-up: %v", up)
	}
	c.refused(none, none, "UsernameExistsException", "User already exists",
		idp("sign-up", "--client-id", demoWebClient, "--username", "zed", "--password", "Passw0rd!")...)
	c.refused(none, none, "InvalidPasswordException", "Password did not conform with policy: Password must have symbol characters",
		idp("sign-up", "--client-id", demoWebClient, "--username", "yan", "--password", "Passw0rdNoSymbol")...)
	c.refused(none, none, "UserNotConfirmedException", "User is not confirmed.",
		idp("initiate-auth", "--client-id", demoWebClient, "--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=zed,PASSWORD=Passw0rd!")...)
	resent := c.ok(none, none, idp("resend-confirmation-code", "--client-id", demoWebClient, "--username", "zed")...)
	if str(resent, "CodeDeliveryDetails", "AttributeName") != "email" {
		t.Errorf("resend-confirmation-code: %v", resent)
	}
	c.refused(none, none, "CodeMismatchException", "Invalid verification code provided, please try again.",
		idp("confirm-sign-up", "--client-id", demoWebClient, "--username", "zed", "--confirmation-code", "000000")...)
	c.ok(none, none, idp("confirm-sign-up", "--client-id", demoWebClient, "--username", "zed", "--confirmation-code", cliCode)...)

	login := c.ok(none, none, idp("initiate-auth", "--client-id", demoWebClient, "--auth-flow", "USER_PASSWORD_AUTH",
		"--auth-parameters", "USERNAME=zed,PASSWORD=Passw0rd!")...)
	access, refresh := str(login, "AuthenticationResult", "AccessToken"), str(login, "AuthenticationResult", "RefreshToken")
	if access == "" || refresh == "" {
		t.Fatalf("initiate-auth after confirming gave no tokens: %v", login)
	}
	upd := c.ok(none, none, idp("update-user-attributes", "--access-token", access, "--user-attributes", "Name=given_name,Value=Zed", "Name=email,Value=zed2@example.com")...)
	if list, _ := upd["CodeDeliveryDetailsList"].([]any); len(list) != 1 {
		t.Errorf("update-user-attributes: %v", upd)
	}
	user := c.ok(none, none, idp("get-user", "--access-token", access)...)
	if str(user, "Username") != "zed" || !strings.Contains(mustJSON(t, user["UserAttributes"]), `{"Name":"given_name","Value":"Zed"}`) {
		t.Errorf("get-user: %v", user)
	}
	c.ok(none, none, idp("change-password", "--access-token", access, "--previous-password", "Passw0rd!", "--proposed-password", "N3wPassword!")...)

	forgot := c.ok(none, none, idp("forgot-password", "--client-id", demoWebClient, "--username", "zed")...)
	if str(forgot, "CodeDeliveryDetails", "Destination") != "z***@e***" {
		t.Errorf("forgot-password: %v", forgot)
	}
	c.ok(none, none, idp("confirm-forgot-password", "--client-id", demoWebClient, "--username", "zed", "--confirmation-code", cliCode, "--password", "An0therPass!")...)

	// awscli 2.9's model signs RevokeToken and GlobalSignOut (later models
	// do not): the emulator, like Cognito, needs no signature there and
	// accepts one.
	c.ok(demoKeyID, demoSecret, idp("revoke-token", "--client-id", demoWebClient, "--token", refresh)...)
	again := c.ok(none, none, idp("initiate-auth", "--client-id", demoWebClient, "--auth-flow", "USER_PASSWORD_AUTH",
		"--auth-parameters", "USERNAME=zed,PASSWORD=An0therPass!")...)
	access = str(again, "AuthenticationResult", "AccessToken")
	c.ok(demoKeyID, demoSecret, idp("global-sign-out", "--access-token", access)...) // signed by awscli 2.9, as revoke-token
	c.refused(none, none, "NotAuthorizedException", "Access Token has been revoked", idp("get-user", "--access-token", access)...)

	// The Admin* calls, signed with the demo's IAM user.
	k, s := demoKeyID, demoSecret
	created := c.ok(k, s, idp("admin-create-user", "--user-pool-id", demoPool, "--username", "amy", "--temporary-password", "Temp0rary!",
		"--user-attributes", "Name=email,Value=amy@example.com", "--message-action", "SUPPRESS")...)
	if str(created, "User", "UserStatus") != "FORCE_CHANGE_PASSWORD" || str(created, "User", "UserCreateDate") == "" {
		t.Errorf("admin-create-user: %v", created)
	}
	c.ok(k, s, idp("admin-set-user-password", "--user-pool-id", demoPool, "--username", "amy", "--password", "Perm4nent!", "--permanent")...)
	c.ok(k, s, idp("admin-update-user-attributes", "--user-pool-id", demoPool, "--username", "amy", "--user-attributes", "Name=custom:team,Value=red")...)
	got := c.ok(k, s, idp("admin-get-user", "--user-pool-id", demoPool, "--username", "amy")...)
	if str(got, "UserStatus") != "CONFIRMED" || got["Enabled"] != true || !strings.Contains(mustJSON(t, got["UserAttributes"]), `{"Name":"custom:team","Value":"red"}`) {
		t.Errorf("admin-get-user: %v", got)
	}
	c.ok(none, none, idp("sign-up", "--client-id", demoWebClient, "--username", "bo", "--password", "Passw0rd!")...)
	c.ok(k, s, idp("admin-confirm-sign-up", "--user-pool-id", demoPool, "--username", "bo")...)
	admin := c.ok(k, s, idp("admin-initiate-auth", "--user-pool-id", demoPool, "--client-id", "7s8c1o2p3e4d5e6m7o8s9e0c1r",
		"--auth-flow", "ADMIN_USER_PASSWORD_AUTH", "--auth-parameters",
		"USERNAME=amy,PASSWORD=Perm4nent!,SECRET_HASH="+srp.SecretHash("7s8c1o2p3e4d5e6m7o8s9e0c1r", "sigscopedemoclientsecret0000notarealsecret00000001", "amy"))...)
	if str(admin, "AuthenticationResult", "IdToken") == "" {
		t.Errorf("admin-initiate-auth: %v", admin)
	}
	c.ok(k, s, idp("admin-delete-user", "--user-pool-id", demoPool, "--username", "amy")...)
	c.refused(k, s, "UserNotFoundException", "User does not exist.", idp("admin-get-user", "--user-pool-id", demoPool, "--username", "amy")...)

	// Signed with a wrong secret, an Admin* call is refused.
	c.refused(k, "wrong", "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.",
		idp("admin-get-user", "--user-pool-id", demoPool, "--username", "demo")...)
}

// TestAWSCLIGetCallerIdentity: `aws sts get-caller-identity` parses the
// emulator's answer for a static user and for identity-pool credentials
// (fetched with `aws cognito-identity`), and its refusal of a bad signature.
func TestAWSCLIGetCallerIdentity(t *testing.T) {
	t.Parallel()
	srv := startDefault(t, Options{})
	c := newCLI(t, srv)
	me := c.ok(demoKeyID, demoSecret, "sts", "get-caller-identity")
	if str(me, "Arn") != "arn:aws:iam::123456789012:user/sigscope-demo" || str(me, "Account") != "123456789012" || !strings.HasPrefix(str(me, "UserId"), "AIDA") {
		t.Errorf("static user: %v", me)
	}
	c.refused(demoKeyID, "wrong", "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", "sts", "get-caller-identity")
	c.refused("AKIDNOTKNOWN00000000", demoSecret, "InvalidClientTokenId", "The security token included in the request is invalid.", "sts", "get-caller-identity")

	// A guest of the identity pool: its credentials act as the pool's
	// unauthenticated role.
	id := c.ok("", "", "cognito-identity", "get-id", "--identity-pool-id", demoIDPool)
	creds := c.ok("", "", "cognito-identity", "get-credentials-for-identity", "--identity-id", str(id, "IdentityId"))
	ak, sk, tok := str(creds, "Credentials", "AccessKeyId"), str(creds, "Credentials", "SecretKey"), str(creds, "Credentials", "SessionToken")
	out, errOut, ok := c.run(ak, sk, tok, "sts", "get-caller-identity")
	if !ok {
		t.Fatalf("get-caller-identity with identity-pool credentials:\n%s", errOut)
	}
	var guest map[string]any
	if err := json.Unmarshal([]byte(out), &guest); err != nil {
		t.Fatal(err)
	}
	if str(guest, "Arn") != "arn:aws:sts::123456789012:assumed-role/sigscope-demo-guest/CognitoIdentityCredentials" ||
		!strings.HasPrefix(str(guest, "UserId"), "AROA") || !strings.HasSuffix(str(guest, "UserId"), ":CognitoIdentityCredentials") {
		t.Errorf("identity-pool credentials: %v", guest)
	}
	// Without the session token the key is not one AWS knows.
	if _, errOut, ok := c.run(ak, sk, "", "sts", "get-caller-identity"); ok || !strings.Contains(errOut, "(InvalidClientTokenId)") {
		t.Errorf("without the session token: ok=%v\n%s", ok, errOut)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
