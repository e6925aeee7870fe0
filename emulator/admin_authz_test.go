package emulator

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"

	"github.com/sigscope/sigscope/emulator/apigw"
)

// TestAdminCallsJudgedByPolicies: a verified Admin* call is judged by the
// caller's identity policies, and refused as Cognito refuses it: 400
// AccessDeniedException, "User: ARN is not authorized to perform:
// cognito-idp:OPERATION on resource: POOL-ARN because no identity-based
// policy allows the cognito-idp:OPERATION action" (the wording AWS's
// services use since IAM's "Improved access denied error messages", as
// Cognito answers Terraform and the AWS SDKs), or "… with an explicit deny
// in an identity-based policy". A user configured without policies may
// call everything, as before.
func TestAdminCallsJudgedByPolicies(t *testing.T) {
	cfg := DefaultConfig()
	var doc apigw.PolicyDoc
	if err := unmarshalPolicy(&doc, `{"Version":"2012-10-17","Statement":[
		{"Sid":"ReadUsers","Effect":"Allow","Action":["cognito-idp:AdminGet*","cognito-idp:ListUsers"],"Resource":"arn:aws:cognito-idp:us-east-1:123456789012:userpool/*"},
		{"Sid":"NoDeletes","Effect":"Deny","Action":"cognito-idp:AdminDelete*","Resource":"*"}]}`); err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = append(cfg.Credentials, StaticCredential{AccessKeyID: "AKIDSIGSCOPEUSERADMIN", SecretAccessKey: "sigscopeUserAdminSecret0000/NotASecret", ARN: "arn:aws:iam::123456789012:user/user-reader", Policies: []apigw.PolicyDoc{doc}})
	srv := startDefault(t, Options{Config: cfg})
	client := func(akid, secret string) *cip.Client {
		return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1, Credentials: credentials.NewStaticCredentialsProvider(akid, secret, "")})
	}
	pool := "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Demo1"
	ctx := context.Background()
	get := func(c *cip.Client) error {
		_, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1_Demo1"), Username: aws.String("demo")})
		return err
	}
	create := func(c *cip.Client) error {
		_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String("us-east-1_Demo1"), Username: aws.String("zed")})
		return err
	}
	del := func(c *cip.Client) error {
		_, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String("us-east-1_Demo1"), Username: aws.String("demo")})
		return err
	}
	demo, ro, reader := client(cfg.Credentials[0].AccessKeyID, cfg.Credentials[0].SecretAccessKey), client(cfg.Credentials[1].AccessKeyID, cfg.Credentials[1].SecretAccessKey), client("AKIDSIGSCOPEUSERADMIN", "sigscopeUserAdminSecret0000/NotASecret")
	cases := []struct {
		name string
		call func(*cip.Client) error
		c    *cip.Client
		msg  string // "" when allowed
	}{
		{"reader gets a user", get, reader, ""},
		{"reader creates (no statement allows)", create, reader, "User: arn:aws:iam::123456789012:user/user-reader is not authorized to perform: cognito-idp:AdminCreateUser on resource: " + pool + " because no identity-based policy allows the cognito-idp:AdminCreateUser action"},
		{"reader deletes (a Deny)", del, reader, "User: arn:aws:iam::123456789012:user/user-reader is not authorized to perform: cognito-idp:AdminDeleteUser on resource: " + pool + " with an explicit deny in an identity-based policy"},
		{"read-only user (execute-api only)", get, ro, "User: arn:aws:iam::123456789012:user/sigscope-readonly is not authorized to perform: cognito-idp:AdminGetUser on resource: " + pool + " because no identity-based policy allows the cognito-idp:AdminGetUser action"},
		{"demo user, no policies", get, demo, ""},
	}
	for _, c := range cases {
		err := c.call(c.c)
		if c.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var api smithy.APIError
		var resp *awshttp.ResponseError
		if !errors.As(err, &api) || !errors.As(err, &resp) || api.ErrorCode() != "AccessDeniedException" || api.ErrorMessage() != c.msg || resp.HTTPStatusCode() != 400 {
			t.Errorf("%s: %v\nwant 400 AccessDeniedException %q", c.name, err, c.msg)
		}
	}
}
