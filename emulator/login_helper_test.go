package emulator

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// demoTokens logs the demo user into the demo pool's web client
// (USER_PASSWORD_AUTH, as a test sets a user up) and returns its tokens.
func demoTokens(t *testing.T, srv *Server) (idToken, accessToken string) {
	t.Helper()
	idp := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	out, err := idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(demoWebClient),
		AuthParameters: map[string]string{"USERNAME": "demo", "PASSWORD": "Passw0rd!"},
	})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	return aws.ToString(out.AuthenticationResult.IdToken), aws.ToString(out.AuthenticationResult.AccessToken)
}
