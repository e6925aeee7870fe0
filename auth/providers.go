package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Getenv reads one environment variable; os.LookupEnv in production.
type Getenv func(name string) (string, bool)

// EnvCredentials returns static keys read from the named environment
// variables (tokenEnv may be ""). They never expire.
func EnvCredentials(getenv Getenv, idEnv, secretEnv, tokenEnv string) (aws.CredentialsProvider, error) {
	var missing []string
	read := func(name string) string {
		if name == "" {
			return ""
		}
		v, ok := getenv(name)
		if !ok || v == "" {
			missing = append(missing, name)
		}
		return v
	}
	if idEnv == "" || secretEnv == "" {
		return nil, errors.New("static credentials need access_key_id_env and secret_access_key_env: the names of the variables holding the keys")
	}
	id, key := read(idEnv), read(secretEnv)
	token := ""
	if tokenEnv != "" {
		if v, ok := getenv(tokenEnv); ok {
			token = v
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("static credentials: %s not set: export the key%s before running sigscope", strings.Join(missing, " and "), plural(len(missing)))
	}
	return credentials.NewStaticCredentialsProvider(id, key, token), nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// SharedConfigCredentials returns the provider the AWS CLI would use for
// profile ("" for the default chain): environment, shared config and
// credentials files, SSO and assume-role, cached by the SDK and refreshed
// before expiry. The instance metadata service is never asked. The region
// is the profile's, if any.
func SharedConfigCredentials(ctx context.Context, profile string) (aws.CredentialsProvider, string, error) {
	cfg, err := loadSharedConfig(ctx, profile)
	if err != nil {
		return nil, "", err
	}
	if cfg.Credentials == nil {
		return nil, cfg.Region, noCredentials(profile)
	}
	return cfg.Credentials, cfg.Region, nil
}

// GuestCredentials returns an identity pool's unauthenticated (guest)
// credentials, for pools that allow guests, and the identity id.
func GuestCredentials(ctx context.Context, p CognitoProfile, opts ...Option) (aws.Credentials, string, error) {
	return guestFetch(ctx, p, "", opts)
}

func guestFetch(ctx context.Context, p CognitoProfile, identityID string, opts []Option) (aws.Credentials, string, error) {
	if p.IdentityPoolID == "" {
		return aws.Credentials{}, "", errors.New("guest credentials need identity_pool_id")
	}
	if p.Region == "" {
		if i := strings.IndexByte(p.IdentityPoolID, ':'); i > 0 {
			p.Region = p.IdentityPoolID[:i]
		}
	}
	o := buildOptions(opts)
	c := newClients(p, o)
	creds, id, err := getCredentials(ctx, c.ident, explainer{p: p}, p.IdentityPoolID, identityID, nil, o.now())
	if err != nil {
		return aws.Credentials{}, "", err
	}
	a := creds.aws()
	a.Source = guestSource
	return a, id, nil
}

// GuestProvider is GuestCredentials as an aws.CredentialsProvider, cached
// by the SDK and renewed before expiry; it keeps its identity id so that
// renewals do not create new guest identities.
func GuestProvider(p CognitoProfile, opts ...Option) aws.CredentialsProvider {
	return aws.NewCredentialsCache(&guestProvider{p: p, opts: opts}, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = maxRefreshWindow
	})
}

type guestProvider struct {
	p    CognitoProfile
	opts []Option
	mu   sync.Mutex
	id   string
}

func (g *guestProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, id, err := guestFetch(ctx, g.p, g.id, g.opts)
	if err != nil {
		return aws.Credentials{}, err
	}
	g.id = id
	return c, nil
}
