package cognito

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ci "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
)

// TestConcurrentLogins runs SRP logins and identity calls side by side; run
// with -race it checks the locking.
func TestConcurrentLogins(t *testing.T) {
	e := newEnv(t, testConfig())
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := e.srpLogin(t, webClient, "demo", demoPassword, "", e.clock.Now())
			if err != nil {
				errs <- err
				return
			}
			logins := map[string]string{providerName: aws.ToString(out.AuthenticationResult.IdToken)}
			id, err := e.ident.GetId(ctx, &ci.GetIdInput{IdentityPoolId: aws.String(idPoolGuest), Logins: logins})
			if err != nil {
				errs <- err
				return
			}
			creds, err := e.ident.GetCredentialsForIdentity(ctx, &ci.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
			if err != nil {
				errs <- err
				return
			}
			if _, ok := e.svc.LookupCredentials(aws.ToString(creds.Credentials.AccessKeyId)); !ok {
				errs <- errors.New("LookupCredentials does not know a key it just issued")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// FuzzOperations feeds arbitrary bodies to every operation: the answer is
// always a well-formed 200 or 400, never a panic or a 500.
func FuzzOperations(f *testing.F) {
	for _, seed := range []string{
		`{"AuthFlow":"USER_SRP_AUTH","ClientId":"` + webClient + `","AuthParameters":{"USERNAME":"demo","SRP_A":"ff"}}`,
		`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + webClient + `","AuthParameters":{"USERNAME":"sms","PASSWORD":"Passw0rd!"}}`,
		`{"AuthFlow":"REFRESH_TOKEN","ClientId":"` + secretClient + `","AuthParameters":{"REFRESH_TOKEN":"x","SECRET_HASH":"y"}}`,
		`{"ChallengeName":"PASSWORD_VERIFIER","ClientId":"` + webClient + `","Session":"s","ChallengeResponses":{"USERNAME":"demo","TIMESTAMP":"Tue Mar 5 09:04:05 UTC 2024"}}`,
		`{"IdentityPoolId":"` + idPoolGuest + `","Logins":{"` + providerName + `":"a.b.c"}}`,
		`{"IdentityId":"us-east-1:x","Logins":{}}`,
		`{"AccessToken":"eyJhbGciOiJSUzI1NiJ9.e30.x"}`,
		`null`, `[]`, `{"AuthParameters":null}`, "",
	} {
		f.Add(seed)
	}
	svc, err := New(testConfig(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	targets := []string{"InitiateAuth", "RespondToAuthChallenge", "GetUser"}
	f.Fuzz(func(t *testing.T, body string) {
		for i, op := range append(targets, "GetId", "GetCredentialsForIdentity") {
			prefix := targetIDP
			if i >= len(targets) {
				prefix = targetIdentity
			}
			req := httptest.NewRequest("POST", "/", strings.NewReader(body))
			req.Header.Set("X-Amz-Target", prefix+op)
			rec := httptest.NewRecorder()
			svc.ServeHTTP(rec, req)
			if rec.Code != 200 && rec.Code != 400 {
				t.Fatalf("%s: status %d: %s", op, rec.Code, rec.Body.String())
			}
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("%s: body is not a JSON object: %v", op, err)
			}
			if rec.Code == 400 && (out["__type"] == nil || rec.Header().Get("x-amzn-ErrorType") == "") {
				t.Fatalf("%s: error without __type or x-amzn-ErrorType", op)
			}
		}
	})
}
