package cognito

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// An identity pool's guests act as its unauthenticated role, its users as
// its authenticated role: two roles, as in AWS.
func TestIdentityPoolRoles(t *testing.T) {
	cfg := testConfig()
	cfg.IdentityPools[0].AuthenticatedRole = "pets-auth"
	cfg.IdentityPools[0].UnauthenticatedRole = "pets-guest"
	e := newEnv(t, cfg)

	guest, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest)})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: guest.IdentityId})
	if err != nil {
		t.Fatal(err)
	}
	if issued, _ := e.svc.LookupCredentials(aws.ToString(gc.Credentials.AccessKeyId)); issued.Role != "pets-guest" || issued.Authenticated {
		t.Errorf("guest credentials act as %q (authenticated %v), want pets-guest", issued.Role, issued.Authenticated)
	}

	logins := map[string]string{providerName: e.idToken(t, webClient, "demo")}
	user, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest), Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	uc, err := e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: user.IdentityId, Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	if issued, _ := e.svc.LookupCredentials(aws.ToString(uc.Credentials.AccessKeyId)); issued.Role != "pets-auth" || !issued.Authenticated {
		t.Errorf("user credentials act as %q, want pets-auth", issued.Role)
	}

	// A pool that names no roles has the default pair.
	ng, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolNoGuest), Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	nc, err := e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: ng.IdentityId, Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	if issued, _ := e.svc.LookupCredentials(aws.ToString(nc.Credentials.AccessKeyId)); issued.Role != DefaultAuthRole {
		t.Errorf("default authenticated role %q, want %s", issued.Role, DefaultAuthRole)
	}
}

func TestIdentityPoolRoleErrors(t *testing.T) {
	for _, c := range []struct {
		name       string
		auth, anon string
		want       string
	}{
		{"arn", "arn:aws:iam::123456789012:role/pets-auth", "", `identity_pools[0] (` + idPoolGuest + `): authenticated_role "arn:aws:iam::123456789012:role/pets-auth": want an IAM role name`},
		{"bad guest role", "", "pets guest", `unauthenticated_role "pets guest": want an IAM role name`},
		{"one role for both", "pets", "pets", `authenticated_role and unauthenticated_role are both "pets"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.IdentityPools[0].AuthenticatedRole, cfg.IdentityPools[0].UnauthenticatedRole = c.auth, c.anon
			_, err := New(cfg, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("New: %v\nwant %s", err, c.want)
			}
		})
	}
}
