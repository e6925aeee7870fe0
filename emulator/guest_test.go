package emulator

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// The demo identity pool lets guests in: GetId without logins gives an
// identity whose credentials act as the pool's guest role, and the IAM
// routes accept their signature; the caller is the guest role.
func TestGuestCredentialsPassIAMRoutes(t *testing.T) {
	srv := startDefault(t, Options{})
	ctx := context.Background()
	ident := cognitoidentity.New(cognitoidentity.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	id, err := ident.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String("us-east-1:1a2b3c4d-0000-4000-8000-1234567890ab")})
	if err != nil {
		t.Fatalf("GetId without logins: %v", err)
	}
	cr, err := ident.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId})
	if err != nil {
		t.Fatalf("GetCredentialsForIdentity: %v", err)
	}
	guest := aws.Credentials{AccessKeyID: aws.ToString(cr.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(cr.Credentials.SecretKey), SessionToken: aws.ToString(cr.Credentials.SessionToken)}
	a := send(t, &http.Client{}, signedReq(t, "GET", srv.APIURL()+"/pets", guest))
	if a.status != 200 {
		t.Fatalf("guest-signed GET /pets: %d %s", a.status, a.raw)
	}
	for k, want := range map[string]any{
		"userArn":                   "arn:aws:sts::123456789012:assumed-role/sigscope-demo-guest/CognitoIdentityCredentials",
		"cognitoAuthenticationType": "unauthenticated",
		"cognitoIdentityId":         aws.ToString(id.IdentityId),
	} {
		if got := field(a.json, "requestContext", "identity", k); got != want {
			t.Errorf("identity.%s = %v, want %v", k, got, want)
		}
	}
}
