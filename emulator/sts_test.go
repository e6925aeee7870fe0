package emulator

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// TestGetCallerIdentityRoutes: a call signed for sts reaches STS, which
// names the caller as the gateway does: the static user, the identity
// pool's authenticated role for a logged-in user's credentials, and its
// guest role for a guest's. Cognito's Admin* calls take the same keys.
func TestGetCallerIdentityRoutes(t *testing.T) {
	srv := startDefault(t, Options{})
	ctx := context.Background()
	caller := func(akid, secret, token string) (*awssts.GetCallerIdentityOutput, error) {
		return awssts.New(awssts.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(akid, secret, token)}).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	}
	me, err := caller(demoKeyID, demoSecret, "")
	if err != nil || aws.ToString(me.Arn) != "arn:aws:iam::123456789012:user/sigscope-demo" {
		t.Fatalf("static user: %+v, %v", me, err)
	}

	anon := aws.AnonymousCredentials{}
	idToken, _ := demoTokens(t, srv)
	ident := cognitoidentity.New(cognitoidentity.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: anon, RetryMaxAttempts: 1})
	for _, c := range []struct {
		name, role string
		logins     map[string]string
	}{
		{"logged in", "sigscope-demo-auth", map[string]string{"cognito-idp.us-east-1.amazonaws.com/" + demoPool: idToken}},
		{"guest", "sigscope-demo-guest", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, err := ident.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(demoIDPool), Logins: c.logins})
			if err != nil {
				t.Fatal(err)
			}
			cr, err := ident.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: c.logins})
			if err != nil {
				t.Fatal(err)
			}
			k := cr.Credentials
			out, err := caller(aws.ToString(k.AccessKeyId), aws.ToString(k.SecretKey), aws.ToString(k.SessionToken))
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.Arn) != "arn:aws:sts::123456789012:assumed-role/"+c.role+"/CognitoIdentityCredentials" ||
				!strings.HasPrefix(aws.ToString(out.UserId), "AROA") || !strings.HasSuffix(aws.ToString(out.UserId), ":CognitoIdentityCredentials") ||
				aws.ToString(out.Account) != "123456789012" {
				t.Errorf("got %s %s %s", aws.ToString(out.Arn), aws.ToString(out.UserId), aws.ToString(out.Account))
			}
			// Identity-pool keys sign Admin* calls too, judged by their
			// role's policies: the authenticated role's (role_policies)
			// allow execute-api only; the guest role has none configured,
			// so the emulator lets it call everything.
			admin := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
				Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(k.AccessKeyId), aws.ToString(k.SecretKey), aws.ToString(k.SessionToken))})
			_, err = admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(demoPool), Username: aws.String("demo")})
			var api smithy.APIError
			switch denied := errors.As(err, &api) && api.ErrorCode() == "AccessDeniedException" &&
				strings.HasPrefix(api.ErrorMessage(), "User: arn:aws:sts::123456789012:assumed-role/"+c.role+"/CognitoIdentityCredentials is not authorized to perform: cognito-idp:AdminGetUser"); {
			case c.role == "sigscope-demo-auth" && !denied:
				t.Errorf("AdminGetUser with the authenticated role's keys: %v, want AccessDeniedException", err)
			case c.role == "sigscope-demo-guest" && err != nil:
				t.Errorf("AdminGetUser with the guest role's keys: %v", err)
			}
		})
	}
}
