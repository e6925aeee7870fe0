package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfileHintsFitTheProfile: the advice for a profile that gave no
// credentials depends on its kind, and AWS_PROFILE is named when the
// profile came from there.
func TestProfileHintsFitTheProfile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	os.WriteFile(cfg, []byte(`[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = Dev
region = us-east-1

[profile role]
role_arn = arn:aws:iam::123456789012:role/Deploy
source_profile = base

[profile base]
region = us-east-1
`), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("HOME", dir)

	if h := profileHint("sso"); !strings.Contains(h, "aws sso login --profile sso") {
		t.Errorf("sso: %s", h)
	}
	if h := profileHint("role"); strings.Contains(h, "sso") || !strings.Contains(h, `profile "base"`) || !strings.Contains(h, "role/Deploy") {
		t.Errorf("role: %s", h)
	}
	if h := profileHint("base"); strings.Contains(h, "sso") || !strings.Contains(h, "credentials") {
		t.Errorf("plain: %s", h)
	}
	t.Setenv("AWS_PROFILE", "nope")
	_, _, err := ProfileCredentials(context.Background(), "")
	if err == nil || !strings.Contains(err.Error(), `profile "nope"`) {
		t.Errorf("AWS_PROFILE=nope: %v", err)
	}
	t.Setenv("AWS_PROFILE", "")
	_, _, err = ProfileCredentials(context.Background(), "")
	if err == nil || strings.Contains(err.Error(), "flags") {
		t.Errorf("no credentials: %v", err)
	}
}
