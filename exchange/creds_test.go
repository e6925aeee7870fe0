package exchange

import (
	"context"
	"fmt"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/sign"
)

// staticCredentials is the one credential source these tests need: the
// keys a static profile names, read with lookup. The real sources (AWS
// config, the Cognito cache) live in workbench and are tested there.
func staticCredentials(lookup func(string) (string, bool)) CredentialsFunc {
	return func(_ context.Context, p *collections.Profile) (sign.Credentials, string, error) {
		if p == nil || p.Type != collections.ProfileStatic {
			return sign.Credentials{}, "", fmt.Errorf("test: no credentials for profile %+v", p)
		}
		get := func(name string) string { v, _ := lookup(name); return v }
		c := sign.Credentials{AccessKeyID: get(p.AccessKeyIDEnv), SecretAccessKey: get(p.SecretAccessKeyEnv), SessionToken: get(p.SessionTokenEnv)}
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return sign.Credentials{}, "", fmt.Errorf("test: profile %s lacks keys", p.Name)
		}
		return c, p.Region, nil
	}
}
