package exchange

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/emulator"
)

// TestCognitoSessionFromCache logs in with package auth (SRP against the
// emulator's user pool), then lets Prepare take the id token and the
// identity-pool credentials from the login cache, as `sigscope send` does
// after `sigscope login`.
func TestCognitoSessionFromCache(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	store := &auth.Store{Dir: filepath.Join(t.TempDir(), "tokens")}
	collPath := filepath.Join(t.TempDir(), "exchange-test.yaml")
	po := func() PrepareOptions {
		return PrepareOptions{CollectionPath: collPath, AuthOptions: []auth.Option{auth.WithStore(store)}}
	}
	resolve := func(name string) *collections.ResolvedRequest {
		rr, err := e.coll.Resolve(name, "", e.vars, e.lookup)
		if err != nil {
			t.Fatal(err)
		}
		return rr
	}

	_, err := Prepare(context.Background(), resolve("me"), po())
	var le *LoginRequiredError
	if !errors.As(err, &le) || !errors.Is(err, auth.ErrNotLoggedIn) || !strings.Contains(err.Error(), "sigscope login "+collPath) {
		t.Fatalf("before login: %v", err)
	}

	rr := resolve("me")
	cp, err := auth.CognitoProfileFrom(rr.Auth.Profile, e.lookup)
	if err != nil {
		t.Fatal(err)
	}
	login, err := auth.NewLogin(cp, "demo", auth.WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	step, err := login.Answer(context.Background(), auth.Answer{Password: "Passw0rd!"})
	if err != nil || step.Kind != auth.StepDone {
		t.Fatalf("login: step %v, %v", step.Kind, err)
	}
	if _, err := login.Session(auth.CacheKey{Collection: collPath, Environment: rr.Environment, UserPoolID: cp.UserPoolID}); err != nil {
		t.Fatal(err)
	}

	p, err := Prepare(context.Background(), resolve("me"), po())
	if err != nil {
		t.Fatal(err)
	}
	res := e.send(t, p, Options{})
	if res.Response.Status != 200 || field(jsonBody(t, res), "requestContext", "authorizer", "claims", "cognito:username") != "demo" {
		t.Errorf("id token from the cache: %d %s", res.Response.Status, res.Response.Body)
	}

	p, err = Prepare(context.Background(), resolve("list as user"), po())
	if err != nil {
		t.Fatal(err)
	}
	if p.Trace == nil || !strings.HasPrefix(p.Trace.AccessKeyID, "ASIA") || len(p.Secrets) != 1 || p.Secrets[0] == "" {
		t.Fatalf("not signed with temporary credentials: %+v", p.Trace)
	}
	res = e.send(t, p, Options{})
	if res.Response.Status != 200 {
		t.Fatalf("identity-pool credentials: %d %s", res.Response.Status, res.Response.Body)
	}
	m := jsonBody(t, res)
	if got := field(m, "requestContext", "identity", "cognitoAuthenticationType"); got != "authenticated" {
		t.Errorf("cognitoAuthenticationType %v", got)
	}
}
