package workbench

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/collections"
)

// The demo's guest request signs with the identity pool's guest role
// without anyone logging in, and the credentials are cached (0600) for
// the next send.
func TestGuestRequestSendsWithoutLogin(t *testing.T) {
	wb, _ := demoBench(t)
	ctx := context.Background()
	oc := wb.Send(ctx, "Public via guest credentials", Run{Timeout: 5 * time.Second})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Err != nil || oc.Result.Response.Status != 200 {
		t.Fatalf("guest send: %v %+v", oc.Err, oc.Result)
	}
	p := oc.Preview.Prepared
	if p.Mode != collections.ModeGuest || p.Trace == nil || p.Region != "us-east-1" || p.Service != "execute-api" {
		t.Fatalf("prepared: mode %s region %s service %s trace %v", p.Mode, p.Region, p.Service, p.Trace != nil)
	}
	var echo struct {
		RequestContext struct {
			Identity map[string]any `json:"identity"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(oc.Result.Response.Body, &echo); err != nil {
		t.Fatalf("echo: %v", err)
	}
	if got := echo.RequestContext.Identity["userArn"]; got != "arn:aws:sts::123456789012:assumed-role/sigscope-demo-guest/CognitoIdentityCredentials" {
		t.Fatalf("caller %v, want the guest role", got)
	}
	tok, _ := p.Request.Get("X-Amz-Security-Token")
	if tok == "" || strings.Contains(oc.Redact().Text(string(oc.Result.Wire)), tok) {
		t.Fatal("the guest session token is not masked")
	}

	// Cached under the token cache's guest folder, mode 0600, and reused.
	files, _ := filepath.Glob(filepath.Join(wb.Env.CacheDir, "tokens", "guest", "*.json"))
	if len(files) != 1 {
		t.Fatalf("guest cache files %v", files)
	}
	if st, _ := os.Stat(files[0]); st.Mode().Perm() != 0o600 {
		t.Errorf("guest cache mode %v", st.Mode().Perm())
	}
	again := wb.Send(ctx, "Public via guest credentials", Run{Timeout: 5 * time.Second})
	defer again.Close()
	if again.Err != nil || again.Result.Response.Status != 200 {
		t.Fatalf("second guest send: %v", again.Err)
	}
	if k1, k2 := accessKey(oc), accessKey(again); k1 == "" || k1 != k2 {
		t.Errorf("second send used other credentials (%s, %s): the cache was not used", k1, k2)
	}
}

func accessKey(oc *Outcome) string {
	a, _ := oc.Preview.Prepared.Request.Get("Authorization")
	_, rest, _ := strings.Cut(a, "Credential=")
	k, _, _ := strings.Cut(rest, "/")
	return k
}

// The a switch can turn any request of the demo into a guest request.
func TestSwitchToGuest(t *testing.T) {
	wb, _ := demoBench(t)
	ctx := context.Background()
	pv, err := wb.Preview(ctx, "Public", Run{Mode: collections.ModeGuest})
	if err != nil || pv.Prepared.Trace == nil || pv.Prepared.Mode != collections.ModeGuest {
		t.Fatalf("Public as guest: %v", err)
	}
	oc := wb.Send(ctx, "List pets", Run{Mode: collections.ModeGuest, Timeout: 5 * time.Second})
	defer oc.Close()
	if oc.Err != nil || oc.Result.Response.Status != 200 {
		t.Fatalf("List pets as guest: %v %+v", oc.Err, oc.Result)
	}
}
