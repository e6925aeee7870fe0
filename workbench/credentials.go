package workbench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/sign"
)

// LoginRequiredError says that a Cognito profile has no usable cached
// login: the user must log in first.
type LoginRequiredError struct {
	Profile    string
	Need       string // "identity-pool AWS credentials", "an id token"...
	Collection string // the collection file, for the command to run
	Err        error  // what the session cache said
}

// Missing says what is missing, without the step to take: each face
// words that step its own way (the command line's `sigscope login FILE`,
// the UI's login key).
func (e *LoginRequiredError) Missing() string {
	reason := ""
	if e.Err != nil {
		// The cache's own advice to log in is the face's to give.
		r, _, _ := strings.Cut(e.Err.Error(), ": run 'sigscope login")
		reason = " (" + r + ")"
	}
	return fmt.Sprintf("auth profile %q is a Cognito login and there is no usable cached session to take %s from%s", e.Profile, e.Need, reason)
}

// Error is the command line's wording: Missing and the command to run.
func (e *LoginRequiredError) Error() string {
	coll := e.Collection
	if coll == "" {
		coll = "COLLECTION"
	}
	return e.Missing() + ": run `sigscope login " + coll + "` first"
}

func (e *LoginRequiredError) Unwrap() error { return e.Err }

// Sources are where credentials and tokens come from by default: static
// keys from the environment variables a static profile names, the AWS
// shared config for an aws profile (and for no profile at all), and the
// cached login of a Cognito profile (sigscope login), refreshed as needed.
type Sources struct {
	LookupEnv      func(string) (string, bool) // nil: os.LookupEnv
	CollectionPath string
	Environment    string
	AuthOptions    []auth.Option
	// Username picks whose cached login to use; "" the profile's user.
	Username string
	// Used, when set, receives the user whose login gave the token or
	// credentials, so that the output can say whose it was.
	Used *string
}

// Credentials returns the AWS credentials of a profile and its region.
func (s Sources) Credentials(ctx context.Context, p *collections.Profile) (sign.Credentials, string, error) {
	lookupEnv := s.LookupEnv
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	if p == nil {
		return awsProfile(ctx, "", "the default AWS credentials")
	}
	switch p.Type {
	case collections.ProfileStatic:
		get := func(what, name string, required bool) (string, error) {
			if name == "" {
				if required {
					return "", fmt.Errorf("auth profile %q: no %s_env set in the collection", p.Name, what)
				}
				return "", nil
			}
			v, ok := lookupEnv(name)
			if !ok && required {
				return "", fmt.Errorf("auth profile %q: environment variable %s is not set (it holds the %s)", p.Name, name, strings.ReplaceAll(what, "_", " "))
			}
			if v == "" && required {
				return "", fmt.Errorf("auth profile %q: environment variable %s is set but empty (it holds the %s)", p.Name, name, strings.ReplaceAll(what, "_", " "))
			}
			return v, nil
		}
		var c sign.Credentials
		var err error
		if c.AccessKeyID, err = get("access_key_id", p.AccessKeyIDEnv, true); err != nil {
			return c, "", err
		}
		if c.SecretAccessKey, err = get("secret_access_key", p.SecretAccessKeyEnv, true); err != nil {
			return c, "", err
		}
		if c.SessionToken, err = get("session_token", p.SessionTokenEnv, false); err != nil {
			return c, "", err
		}
		if err := checkStaticValues(p, c, lookupEnv); err != nil {
			return sign.Credentials{}, "", err
		}
		return c, p.Region, nil
	case collections.ProfileAWS:
		c, region, err := awsProfile(ctx, p.AWSProfile, fmt.Sprintf("auth profile %q", p.Name))
		if p.Region != "" {
			region = p.Region
		}
		return c, region, err
	case collections.ProfileCognito:
		sess, err := s.session(ctx, p, "identity-pool AWS credentials")
		if err != nil {
			return sign.Credentials{}, "", err
		}
		c, err := sess.Retrieve(ctx)
		if err != nil {
			return sign.Credentials{}, "", s.loginError(p, "identity-pool AWS credentials", err)
		}
		return sign.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, p.Region, nil
	}
	return sign.Credentials{}, "", fmt.Errorf("auth profile %q: type %q cannot give AWS credentials", p.Name, p.Type)
}

// Guest returns the guest (unauthenticated) credentials of a cognito
// profile's identity pool (auth mode guest) and the profile's region:
// nobody logs in; the token cache keeps them per identity pool.
func (s Sources) Guest(ctx context.Context, p *collections.Profile) (sign.Credentials, string, error) {
	if p == nil || p.Type != collections.ProfileCognito {
		return sign.Credentials{}, "", errors.New("auth mode guest needs a cognito auth profile with identity_pool_id (auth.profile)")
	}
	if p.IdentityPoolID == "" {
		return sign.Credentials{}, "", fmt.Errorf("auth mode guest: auth profile %q has no identity_pool_id: guest credentials come from the identity pool's unauthenticated role", p.Name)
	}
	lookupEnv := s.LookupEnv
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	cp, err := auth.CognitoProfileFrom(p, lookupEnv)
	if err != nil {
		return sign.Credentials{}, "", err
	}
	c, err := auth.CachedGuestCredentials(ctx, cp, s.AuthOptions...)
	if err != nil {
		return sign.Credentials{}, "", fmt.Errorf("auth profile %q, guest credentials: %w", p.Name, err)
	}
	region := p.Region
	if region == "" {
		region, _, _ = strings.Cut(p.IdentityPoolID, ":")
	}
	return sign.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, region, nil
}

// Token returns the id or access token of a Cognito profile's cached login.
func (s Sources) Token(ctx context.Context, p *collections.Profile, mode collections.AuthMode) (string, error) {
	if p == nil {
		return "", fmt.Errorf("auth mode %s needs a Cognito auth profile (auth.profile)", mode)
	}
	if p.Type != collections.ProfileCognito {
		return "", fmt.Errorf("auth mode %s: auth profile %q is of type %s; a user-pool token needs a cognito profile", mode, p.Name, p.Type)
	}
	need := "an id token"
	if mode == collections.ModeAccessToken {
		need = "an access token"
	}
	sess, err := s.session(ctx, p, need)
	if err != nil {
		return "", err
	}
	t, err := sess.Tokens(ctx)
	if err != nil {
		return "", s.loginError(p, need, err)
	}
	if mode == collections.ModeAccessToken {
		return t.AccessToken, nil
	}
	return t.IDToken, nil
}

func (s Sources) session(ctx context.Context, p *collections.Profile, need string) (*auth.Session, error) {
	if s.CollectionPath == "" {
		return nil, &LoginRequiredError{Profile: p.Name, Need: need}
	}
	lookupEnv := s.LookupEnv
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	cp, err := auth.CognitoProfileFrom(p, lookupEnv)
	if err != nil {
		return nil, err // it names the profile already
	}
	coll := s.CollectionPath
	if abs, err := filepath.Abs(coll); err == nil {
		coll = abs
	}
	// The user asked for (send --username), else the profile's; only a
	// profile that names none takes the user who logged in last.
	user := s.Username
	if user == "" {
		user = cp.Username
	}
	key := auth.CacheKey{Collection: coll, Environment: s.Environment, UserPoolID: cp.UserPoolID, Username: user}
	sess, err := auth.CognitoSession(ctx, key, cp, s.AuthOptions...)
	if err != nil {
		return nil, s.loginError(p, need, err)
	}
	if s.Used != nil {
		*s.Used = sess.Username()
	}
	return sess, nil
}

func (s Sources) loginError(p *collections.Profile, need string, err error) error {
	if errors.Is(err, auth.ErrNotLoggedIn) {
		return &LoginRequiredError{Profile: p.Name, Need: need, Collection: s.CollectionPath, Err: err}
	}
	return fmt.Errorf("auth profile %q: %w", p.Name, err)
}

func awsProfile(ctx context.Context, name, what string) (sign.Credentials, string, error) {
	c, region, err := auth.ProfileCredentials(ctx, name)
	if err != nil {
		return sign.Credentials{}, "", fmt.Errorf("%s: %w", what, err)
	}
	return sign.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, region, nil
}

// IsLoginRequired reports whether err asks the user to log in first.
func IsLoginRequired(err error) bool {
	_, ok := AsLoginRequired(err)
	return ok
}

// AsLoginRequired is the LoginRequiredError err holds, if any.
func AsLoginRequired(err error) (*LoginRequiredError, bool) {
	var le *LoginRequiredError
	ok := errors.As(err, &le)
	return le, ok
}

// checkStaticValues refuses static keys whose values show that a secret
// would leave in clear: the access key id and the session token are sent
// readable, so neither may hold the secret access key (the profile's own,
// or the one in AWS_SECRET_ACCESS_KEY), nor the two the same value. No
// value is ever quoted.
func checkStaticValues(p *collections.Profile, c sign.Credentials, lookupEnv func(string) (string, bool)) error {
	secrets := []struct{ what, value string }{{"the secret access key (" + p.SecretAccessKeyEnv + ")", c.SecretAccessKey}}
	if v, ok := lookupEnv("AWS_SECRET_ACCESS_KEY"); ok && v != "" && p.SecretAccessKeyEnv != "AWS_SECRET_ACCESS_KEY" {
		secrets = append(secrets, struct{ what, value string }{"AWS_SECRET_ACCESS_KEY", v})
	}
	clear := []struct{ what, value string }{
		{"the access key id (" + p.AccessKeyIDEnv + ")", c.AccessKeyID},
		{"the session token (" + p.SessionTokenEnv + ")", c.SessionToken},
	}
	for _, cl := range clear {
		if cl.value == "" {
			continue
		}
		for _, sec := range secrets {
			if cl.value == sec.value {
				return fmt.Errorf("auth profile %q: %s holds the same value as %s, and it would be sent in clear: check which variable each *_env field names", p.Name, cl.what, sec.what)
			}
		}
	}
	if c.SessionToken != "" && c.SessionToken == c.AccessKeyID {
		return fmt.Errorf("auth profile %q: the session token (%s) holds the same value as the access key id (%s): check which variable each *_env field names", p.Name, p.SessionTokenEnv, p.AccessKeyIDEnv)
	}
	return nil
}
