package workbench

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
)

// TestSourcesFromTheLoginCache: before a login, a Cognito profile asks for
// one (naming the collection); after it, the id token and the identity
// pool's temporary credentials come from the cache, as `sigscope send`
// takes them after `sigscope login`.
func TestSourcesFromTheLoginCache(t *testing.T) {
	wb, _ := demoBench(t)
	ctx := context.Background()
	_, err := wb.Preview(ctx, "Who am I", Run{})
	var le *LoginRequiredError
	if !errors.As(err, &le) || !errors.Is(err, auth.ErrNotLoggedIn) || le.Profile != "app" || !strings.Contains(err.Error(), "sigscope login "+wb.Coll.Path) {
		t.Fatalf("before login: %v", err)
	}
	if !IsLoginRequired(err) {
		t.Fatal("IsLoginRequired")
	}
	login(t, wb)

	oc := wb.Send(ctx, "Who am I", Run{Timeout: 5 * time.Second})
	defer oc.Close()
	var echo struct {
		RequestContext struct {
			Authorizer struct {
				Claims map[string]any `json:"claims"`
			} `json:"authorizer"`
			Identity map[string]any `json:"identity"`
		} `json:"requestContext"`
	}
	if oc.Err != nil || json.Unmarshal(oc.Result.Response.Body, &echo) != nil || echo.RequestContext.Authorizer.Claims["cognito:username"] != "demo" {
		t.Fatalf("id token from the cache: %v %s", oc.Err, oc.Result.Response.Body)
	}

	oc2 := wb.Send(ctx, "List pets", Run{Timeout: 5 * time.Second})
	defer oc2.Close()
	p := oc2.Preview.Prepared
	if p.Trace == nil || !strings.HasPrefix(p.Trace.AccessKeyID, "ASIA") || len(p.Secrets) != 1 || p.Secrets[0] == "" {
		t.Fatalf("not signed with temporary credentials: %+v", p.Trace)
	}
	if json.Unmarshal(oc2.Result.Response.Body, &echo) != nil || echo.RequestContext.Identity["cognitoAuthenticationType"] != "authenticated" {
		t.Fatalf("identity-pool credentials: %d %s", oc2.Result.Response.Status, oc2.Result.Response.Body)
	}
}

func TestStaticSourceNamesTheMissingVariable(t *testing.T) {
	s := Sources{LookupEnv: func(k string) (string, bool) { return map[string]string{"AK": "AKID"}[k], k == "AK" }}
	p := &collections.Profile{Name: "keys", Type: collections.ProfileStatic, AccessKeyIDEnv: "AK", SecretAccessKeyEnv: "SK"}
	if _, _, err := s.Credentials(context.Background(), p); err == nil || !strings.Contains(err.Error(), "environment variable SK is not set") {
		t.Fatalf("missing secret key: %v", err)
	}
	if _, err := s.Token(context.Background(), p, collections.ModeIDToken); err == nil || !strings.Contains(err.Error(), "needs a cognito profile") {
		t.Fatalf("token from a static profile: %v", err)
	}
}
