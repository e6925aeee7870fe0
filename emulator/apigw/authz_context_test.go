package apigw

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator/iampolicy"
)

// The condition keys are written lower case, as Context.Set stores them
// (conditions match keys without regard to case), one value each.
func TestPolicyContextKeys(t *testing.T) {
	g, _ := newTestServer(t, testNow)
	r, err := http.NewRequest("GET", "http://127.0.0.1/prod/pets", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.RemoteAddr = "127.0.0.1:5000"
	r.Header.Set("User-Agent", "ua/1")
	r.Header.Set("Referer", "http://example.test/")
	session := &Credential{SessionToken: "tok", Context: map[string]string{"aws:PrincipalTag/Team": "blue"}, Caller: map[string]any{
		"userArn": "arn:aws:sts::123456789012:assumed-role/R/CognitoIdentityCredentials", "accountId": "123456789012", "user": "AROAX:Cognito",
		"cognitoIdentityId": "us-east-1:id", "cognitoIdentityPoolId": "us-east-1:pool", "cognitoAuthenticationType": "authenticated",
	}}
	user := &Credential{Caller: map[string]any{"userArn": "arn:aws:iam::123456789012:user/alice", "accountId": "123456789012", "user": "AIDAX"}}
	now := testNow.UTC().Format(time.RFC3339)
	common := map[string]string{"aws:sourceip": "127.0.0.1", "aws:currenttime": now, "aws:epochtime": "1440938760",
		"aws:securetransport": "false", "aws:useragent": "ua/1", "aws:referer": "http://example.test/"}
	with := func(extra map[string]string) iampolicy.Context {
		want := iampolicy.Context{}
		for _, m := range []map[string]string{common, extra} {
			for k, v := range m {
				want[k] = []string{v}
			}
		}
		return want
	}
	for _, tc := range []struct {
		name string
		cred *Credential
		want iampolicy.Context
	}{
		{"anonymous", nil, with(map[string]string{"aws:principaltype": "Anonymous"})},
		{"user", user, with(map[string]string{"aws:principalarn": "arn:aws:iam::123456789012:user/alice", "aws:principalaccount": "123456789012",
			"aws:userid": "AIDAX", "aws:principaltype": "User", "aws:username": "alice"})},
		{"role session", session, with(map[string]string{"aws:principalarn": "arn:aws:iam::123456789012:role/R", "aws:principalaccount": "123456789012",
			"aws:userid": "AROAX:Cognito", "aws:principaltype": "AssumedRole", "aws:tokenissuetime": now,
			"cognito-identity.amazonaws.com:sub": "us-east-1:id", "cognito-identity.amazonaws.com:aud": "us-east-1:pool",
			"cognito-identity.amazonaws.com:amr": "authenticated", "aws:principaltag/team": "blue"})},
	} {
		got := g.policyContext(r, tc.cred)
		for k := range got {
			if k != strings.ToLower(k) {
				t.Errorf("%s: key %q is not lower case", tc.name, k)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, got, tc.want)
		}
	}
}
