package cognito

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

// TestAmazonCognitoIdentityJS logs in with the library Amplify uses: its
// own SRP code against the emulator, then a refresh and GetUser.
func TestAmazonCognitoIdentityJS(t *testing.T) {
	node := peer.Command(t, "node")
	dir := filepath.Join("testdata", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "amazon-cognito-identity-js", "package.json")); err != nil {
		peer.Missing(t, "%s/node_modules not installed (run: npm ci --prefix emulator/cognito/testdata/node)", dir)
	}
	// The library stamps TIMESTAMP with the real clock, so the emulator
	// runs on it too.
	svc, err := New(testConfig(), Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)

	cmd := exec.Command(node, "login.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"COGNITO_ENDPOINT="+srv.URL+"/",
		"COGNITO_USER_POOL_ID="+poolID,
		"COGNITO_CLIENT_ID="+webClient,
		"COGNITO_USERNAME=demo",
		"COGNITO_PASSWORD="+demoPassword,
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("login.js did not finish within 60 s")
	}
	if err != nil {
		t.Fatalf("node login.js: %v\n%s", err, stderr.String())
	}
	var out struct {
		Flow             string         `json:"flow"`
		Login            map[string]any `json:"login"`
		Refreshed        map[string]any `json:"refreshed"`
		RefreshTokenKept bool           `json:"refresh_token_kept"`
		Attributes       map[string]string
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("login.js output is not JSON: %v", err)
	}
	if out.Flow != "USER_SRP_AUTH" {
		t.Errorf("flow %q, want USER_SRP_AUTH", out.Flow)
	}
	for name, want := range map[string]any{
		"cognito:username": "demo", "token_use": "id", "aud": webClient, "email": "demo@example.com", "email_verified": true,
		"iss": "https://cognito-idp.us-east-1.amazonaws.com/" + poolID,
	} {
		if out.Login[name] != want {
			t.Errorf("id token %s = %v, want %v", name, out.Login[name], want)
		}
	}
	wantSub := svc.pools[poolID].users["demo"].sub
	if out.Login["sub"] != wantSub {
		t.Errorf("sub = %v, want %s", out.Login["sub"], wantSub)
	}
	if out.Refreshed["sub"] != wantSub || out.Refreshed["auth_time"] != out.Login["auth_time"] || !out.RefreshTokenKept {
		t.Errorf("refresh: sub %v auth_time %v/%v kept %v", out.Refreshed["sub"], out.Refreshed["auth_time"], out.Login["auth_time"], out.RefreshTokenKept)
	}
	if out.Attributes["sub"] != wantSub || out.Attributes["email"] != "demo@example.com" {
		t.Errorf("GetUser attributes %v", out.Attributes)
	}
	if strings.Contains(stdout.String()+stderr.String(), demoPassword) {
		t.Error("login.js printed the password")
	}
}
