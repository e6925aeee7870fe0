package auth

import (
	"errors"
	"fmt"
	"github.com/sigscope/sigscope/internal/cabundle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/sigscope/sigscope/auth/srp"
	"github.com/sigscope/sigscope/internal/secret"
)

// Flow is how a user proves who they are to a user pool.
type Flow string

const (
	// FlowSRP is USER_SRP_AUTH: the password never leaves the machine. It
	// is what Amplify does, and the default.
	FlowSRP Flow = "srp"
	// FlowPassword is USER_PASSWORD_AUTH: the password is sent (over TLS).
	FlowPassword Flow = "password"
	// FlowHosted is the hosted UI in the system browser: OAuth 2.0
	// authorization code with PKCE, for users of federated providers.
	FlowHosted Flow = "hosted"
)

// CognitoProfile is everything a login to one user pool app client needs.
// ClientSecret is in clear: it was read from the environment variable the
// collection names, and String masks it.
type CognitoProfile struct {
	Region       string // default: the user pool id's prefix
	UserPoolID   string
	ClientID     string
	ClientSecret string // for app clients with a secret; "" otherwise
	// UnsetSecretEnv names the variable that should hold the client secret
	// when it was not set: only a call that needs the secret (a login, a
	// refresh) fails for it, so a fresh cached token still works.
	UnsetSecretEnv string
	IdentityPoolID string // "" when the profile only logs in to the user pool
	Flow           Flow   // "" means FlowSRP
	// Endpoint is the base URL of an emulator serving the Cognito APIs (and
	// the hosted UI); "" talks to AWS.
	Endpoint string
	Username string // the default user; a front end may ask for another

	// Hosted UI (FlowHosted). Domain is the user pool domain, e.g.
	// https://myapp.auth.us-east-1.amazoncognito.com; "" uses Endpoint.
	Domain           string
	Scopes           []string // default: openid
	IdentityProvider string   // e.g. Google, to skip the provider choice
	RedirectPort     int      // 0 picks a free port; Cognito wants the exact registered callback URL
}

// String describes the profile with the client secret masked.
func (p CognitoProfile) String() string {
	s := fmt.Sprintf("cognito user pool %s, client %s, region %s, flow %s", p.UserPoolID, p.ClientID, p.region(), p.flow())
	if p.ClientSecret != "" {
		s += ", client secret " + secret.Mask(p.ClientSecret)
	}
	if p.IdentityPoolID != "" {
		s += ", identity pool " + p.IdentityPoolID
	}
	if p.Endpoint != "" {
		s += ", endpoint " + p.Endpoint
	}
	return s
}

// GoString keeps %#v from printing the client secret.
func (p CognitoProfile) GoString() string { return "auth.CognitoProfile{" + p.String() + "}" }

func (p CognitoProfile) flow() Flow {
	if p.Flow == "" {
		return FlowSRP
	}
	return p.Flow
}

func (p CognitoProfile) region() string {
	if p.Region != "" {
		return p.Region
	}
	if i := strings.IndexByte(p.UserPoolID, '_'); i > 0 {
		return p.UserPoolID[:i]
	}
	return ""
}

// providerName is the Logins key of the user pool in identity-pool calls.
// It names the pool's own region, which may differ from the profile's.
func (p CognitoProfile) providerName() string {
	region := p.region()
	if i := strings.IndexByte(p.UserPoolID, '_'); i > 0 {
		region = p.UserPoolID[:i]
	}
	return fmt.Sprintf("cognito-idp.%s.amazonaws.com/%s", region, p.UserPoolID)
}

// Validate reports what is missing or malformed, naming the field.
func (p CognitoProfile) Validate() error {
	var errs []error
	if p.UserPoolID == "" {
		errs = append(errs, errors.New("user_pool_id is empty: want <region>_<id>, e.g. us-east-1_AbCdEf123"))
	} else if _, err := srp.PoolName(p.UserPoolID); err != nil {
		errs = append(errs, fmt.Errorf("user_pool_id %q: want <region>_<id>, e.g. us-east-1_AbCdEf123", p.UserPoolID))
	}
	if p.ClientID == "" {
		errs = append(errs, errors.New("client_id is empty: copy the app client id from the user pool's App clients page"))
	}
	if p.region() == "" {
		errs = append(errs, errors.New("region is empty and the user pool id does not start with one"))
	}
	switch p.flow() {
	case FlowSRP, FlowPassword, FlowHosted:
	default:
		errs = append(errs, fmt.Errorf("flow %q: want srp, password or hosted", p.Flow))
	}
	if p.Endpoint != "" {
		if u, err := url.Parse(p.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("endpoint %q: want a base URL such as http://127.0.0.1:4566 (is a {{variable}} in it unset?)", p.Endpoint))
		} else if err := plainHTTPOnlyToLoopback("endpoint", p.Endpoint); err != nil {
			errs = append(errs, err)
		}
	}
	if p.Domain != "" {
		if err := plainHTTPOnlyToLoopback("domain", p.Domain); err != nil {
			errs = append(errs, err)
		}
	}
	if p.IdentityPoolID != "" && !strings.Contains(p.IdentityPoolID, ":") {
		errs = append(errs, fmt.Errorf("identity_pool_id %q: want <region>:<uuid>", p.IdentityPoolID))
	}
	if p.RedirectPort < 0 || p.RedirectPort > 65535 {
		errs = append(errs, fmt.Errorf("redirect port %d: want 1-65535, or 0 for any free port", p.RedirectPort))
	}
	return errors.Join(errs...)
}

// Option tunes logins and sessions; tests use them to inject a clock and a
// token store.
type Option func(*options)

type options struct {
	now    func() time.Time
	store  *Store
	caFile string
}

// WithCAFile trusts the CAs in a PEM file besides the system's, for every
// Cognito call (the emulator's --tls CA, a private CA); "" changes nothing.
func WithCAFile(path string) Option { return func(o *options) { o.caFile = path } }

// httpClient is the client for Cognito's APIs and the hosted UI's token
// endpoint. A CA file that cannot be read fails the first call, with the
// file named.
func (o options) httpClient() *http.Client {
	c, err := cabundle.Client(o.caFile)
	if err != nil {
		return &http.Client{Transport: failingTransport{err}}
	}
	return c
}

type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

// WithClock replaces time.Now for SRP timestamps and expiry decisions.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithStore keeps tokens in s instead of the user's cache directory.
func WithStore(s *Store) Option { return func(o *options) { o.store = s } }

func buildOptions(opts []Option) options {
	o := options{now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// withStore fills in the default token store when none was given.
func (o *options) withStore() error {
	if o.store != nil {
		return nil
	}
	s, err := DefaultStore()
	if err != nil {
		return err
	}
	o.store = s
	return nil
}

// clients are the two Cognito APIs for one profile. Neither needs AWS
// credentials, so they are anonymous: no credential chain is consulted.
type clients struct {
	idp   *cip.Client
	ident *cognitoidentity.Client
}

func newClients(p CognitoProfile, o options) clients {
	var base *string
	if p.Endpoint != "" {
		base = aws.String(strings.TrimRight(p.Endpoint, "/"))
	}
	client := o.httpClient()
	// One attempt: a retried RespondToAuthChallenge could spend a
	// single-use session twice, and a person is there to try again.
	return clients{
		idp: cip.New(cip.Options{
			Region: p.region(), BaseEndpoint: base, Credentials: aws.AnonymousCredentials{},
			HTTPClient: client, RetryMaxAttempts: 1,
		}),
		ident: cognitoidentity.New(cognitoidentity.Options{
			Region: p.region(), BaseEndpoint: base, Credentials: aws.AnonymousCredentials{},
			HTTPClient: client, RetryMaxAttempts: 1,
		}),
	}
}

// secretHash is SECRET_HASH for username, or "" for clients without a secret.
func (p CognitoProfile) secretHash(username string) string {
	if p.ClientSecret == "" {
		return ""
	}
	return srp.SecretHash(p.ClientID, p.ClientSecret, username)
}

// needSecret fails a call that needs the client secret when the variable
// meant to hold it is not set.
func (p CognitoProfile) needSecret() error {
	if p.UnsetSecretEnv == "" {
		return nil
	}
	return fmt.Errorf("the app client has a secret and client_secret_env names %s, which is not set: export the secret in it", p.UnsetSecretEnv)
}

// withSecretHash adds SECRET_HASH to params when the client has a secret.
func (p CognitoProfile) withSecretHash(params map[string]string, username string) map[string]string {
	if h := p.secretHash(username); h != "" {
		params["SECRET_HASH"] = h
	}
	return params
}

// plainHTTPOnlyToLoopback refuses a plain-http Cognito endpoint or hosted
// UI domain anywhere but this machine: a password, a code or a refresh
// token would cross the network in clear (a collection from a repository
// could point there on purpose).
func plainHTTPOnlyToLoopback(field, base string) error {
	u, err := url.Parse(base)
	if err != nil || !strings.EqualFold(u.Scheme, "http") || isLoopback(base) {
		return nil
	}
	return fmt.Errorf("%s %q is plain http to another machine: passwords and tokens would cross the network in clear; use https (plain http is for an emulator on loopback)", field, base)
}
