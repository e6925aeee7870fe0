// Package auth finds the credentials a request is signed with: static keys
// from the environment, AWS shared-config profiles (SSO and assume-role
// through the SDK), and Cognito: user pool logins (SRP, password, the
// challenges, the hosted UI), cached and refreshed tokens, and identity pool
// credentials. It does no terminal I/O: a Login says what it needs next and
// a front end asks the person.
package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

// ProfileCredentials resolves credentials the way the AWS CLI does: the
// environment, then the shared config and credentials files (profile, or
// AWS_PROFILE, or default), SSO and assume-role included. The EC2 instance
// metadata service is never asked: sigscope talks to no host the user did
// not name. The returned region is the profile's or the environment's, if any.
func ProfileCredentials(ctx context.Context, profile string) (aws.Credentials, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cfg, err := loadSharedConfig(ctx, profile)
	if err != nil {
		return aws.Credentials{}, "", err
	}
	if cfg.Credentials == nil {
		return aws.Credentials{}, cfg.Region, noCredentials(profile)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		if profile == "" {
			// The SDK's message lists every source of its chain; the short
			// one says what to do.
			return aws.Credentials{}, cfg.Region, noCredentials(profile)
		}
		return aws.Credentials{}, cfg.Region, fmt.Errorf("%w: %v", noCredentials(profile), err)
	}
	return creds, cfg.Region, nil
}

// loadSharedConfig loads the SDK configuration for profile ("" for
// AWS_PROFILE or default) with IMDS disabled.
func loadSharedConfig(ctx context.Context, profile string) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
	}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, describeProfileError(profile, err)
	}
	return cfg, nil
}

func noCredentials(profile string) error {
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		return errors.New("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a profile (AWS_PROFILE)")
	}
	return fmt.Errorf("profile %q gave no credentials: %s", profile, profileHint(profile))
}

// profileHint says what to fix for a profile by the kind it is: an SSO
// profile needs a login, a role profile its source's credentials, a plain
// one its keys.
func profileHint(profile string) string {
	p := profileSettings(profile)
	switch {
	case p["sso_session"] != "" || p["sso_start_url"] != "":
		return fmt.Sprintf("its SSO session may have expired: run 'aws sso login --profile %s'", profile)
	case p["role_arn"] != "" && p["source_profile"] != "":
		return fmt.Sprintf("it assumes the role %s with the credentials of profile %q: check that profile's keys and that it may assume the role", p["role_arn"], p["source_profile"])
	case p["role_arn"] != "":
		return fmt.Sprintf("it assumes the role %s: check its credential_source and that it may assume the role", p["role_arn"])
	case p["credential_process"] != "":
		return fmt.Sprintf("its credential_process (%s) failed: run it by hand to see why", p["credential_process"])
	}
	return "check its keys in ~/.aws/credentials and its settings in ~/.aws/config"
}

// profileSettings reads a profile's keys from the shared config file, just
// enough to tell its kind (the SDK's own loader fails on the very profiles
// whose advice is wanted: a role whose source has no keys).
func profileSettings(profile string) map[string]string {
	file := os.Getenv("AWS_CONFIG_FILE")
	if file == "" {
		home, _ := os.UserHomeDir()
		file = filepath.Join(home, ".aws", "config")
	}
	data, err := os.ReadFile(file)
	out := map[string]string{}
	if err != nil {
		return out
	}
	in := false
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "[") {
			name := strings.TrimSpace(strings.Trim(l, "[]"))
			in = name == "profile "+profile || (profile == "default" && name == "default")
			continue
		}
		if k, v, ok := strings.Cut(l, "="); in && ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

func describeProfileError(profile string, err error) error {
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE") // the SDK took it from there
	}
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) {
		return fmt.Errorf("profile %q is not in ~/.aws/config or ~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)", profile)
	}
	return fmt.Errorf("load AWS configuration: %w", err)
}
