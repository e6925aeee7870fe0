package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// maxRefreshWindow is how long before expiry tokens and credentials are
// renewed; shorter lifetimes (the emulator's, in tests) renew in their
// last quarter instead.
const maxRefreshWindow = 5 * time.Minute

func refreshWindow(issued, expiry time.Time) time.Duration {
	w := maxRefreshWindow
	if life := expiry.Sub(issued); life > 0 && life/4 < w {
		w = life / 4
	}
	return w
}

// Session is a logged-in user of one collection, environment and user
// pool: the cached tokens, refreshed before they expire, and the identity
// pool credentials made from them. It is an aws.CredentialsProvider. It is
// safe for concurrent use.
type Session struct {
	mu  sync.Mutex
	p   CognitoProfile
	o   options
	c   clients
	x   explainer
	rec *record
}

// CognitoSession opens the cached login for key, made with profile p, and
// refreshes its tokens if they are about to expire. Without a usable login
// the error wraps ErrNotLoggedIn (errors.Is), and says to run sigscope
// login.
func CognitoSession(ctx context.Context, key CacheKey, p CognitoProfile, opts ...Option) (*Session, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("cognito profile: %w", err)
	}
	o := buildOptions(opts)
	if err := o.withStore(); err != nil {
		return nil, err
	}
	if key.UserPoolID == "" {
		key.UserPoolID = p.UserPoolID
	}
	rec, err := o.store.load(key)
	if errors.Is(err, ErrNotLoggedIn) {
		who := "anyone"
		if key.Username != "" {
			who = key.Username
		}
		return nil, fmt.Errorf("%w as %s to user pool %s for this collection%s: run 'sigscope login'", ErrNotLoggedIn, who, p.UserPoolID, envSuffix(key.Environment))
	}
	if err != nil {
		return nil, err
	}
	if rec.ClientID != p.ClientID || rec.Endpoint != p.Endpoint {
		return nil, fmt.Errorf("%w: the cached login of %s was made with app client %s at %q, the profile now names client %s at %q: run 'sigscope login' again",
			ErrNotLoggedIn, rec.Username, rec.ClientID, endpointName(rec.Endpoint), p.ClientID, endpointName(p.Endpoint))
	}
	s := newSession(p, o, rec)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.freshTokens(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func envSuffix(env string) string {
	if env == "" {
		return ""
	}
	return " (environment " + env + ")"
}

func endpointName(e string) string {
	if e == "" {
		return "AWS"
	}
	return e
}

func newSession(p CognitoProfile, o options, rec *record) *Session {
	return &Session{p: p, o: o, c: newClients(p, o), x: explainer{p: p, username: rec.Username}, rec: rec}
}

// saveLogin caches freshly issued tokens under key and returns the session.
func saveLogin(key CacheKey, p CognitoProfile, o options, t Tokens) (*Session, error) {
	if key.UserPoolID == "" {
		key.UserPoolID = p.UserPoolID
	}
	if key.Username == "" {
		key.Username = t.Username()
	}
	rec := &record{
		Collection: key.Collection, Environment: key.Environment, UserPoolID: key.UserPoolID, Username: key.Username,
		ClientID: p.ClientID, Endpoint: p.Endpoint, Flow: p.flow(), Tokens: t, LoggedIn: o.now(),
		IdentityPoolID: p.IdentityPoolID,
	}
	if p.flow() == FlowHosted {
		rec.Domain = p.hostedDomain()
	}
	if err := o.withStore(); err != nil {
		return nil, err
	}
	if err := o.store.save(rec); err != nil {
		return nil, err
	}
	return newSession(p, o, rec), nil
}

// Session caches the tokens of a finished login under key (an empty
// Username is the login's) and returns the session, ready for
// Credentials.
func (l *Login) Session(key CacheKey) (*Session, error) {
	if l.tokens == nil {
		return nil, errors.New("the login is not done yet")
	}
	if key.Username == "" {
		key.Username = l.username
	}
	return saveLogin(key, l.p, l.o, *l.tokens)
}

// Key is the cache key of the session.
func (s *Session) Key() CacheKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec.key()
}

// Username is the name the user logged in with.
func (s *Session) Username() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec.Username
}

// IdentityID is the identity pool's id for the user, once Credentials has
// been called (it is cached with the tokens).
func (s *Session) IdentityID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec.IdentityID
}

// Tokens returns the user pool tokens, refreshed first if they expire
// within a few minutes.
func (s *Session) Tokens(ctx context.Context) (Tokens, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.freshTokens(ctx); err != nil {
		return Tokens{}, err
	}
	return s.rec.Tokens, nil
}

// Refresh renews the id and access tokens now, whatever their expiry.
func (s *Session) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh(ctx)
}

// Logout forgets the session's cached tokens and credentials.
func (s *Session) Logout() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.o.store.Delete(s.rec.key())
}

func (s *Session) freshTokens(ctx context.Context) error {
	t := s.rec.Tokens
	issued := time.Time{}
	if c, err := t.IDClaims(); err == nil {
		issued = c.Time("iat")
	}
	if s.o.now().Before(t.Expiry.Add(-refreshWindow(issued, t.Expiry))) {
		return nil
	}
	return s.refresh(ctx)
}

// refresh renews the tokens with the refresh token: REFRESH_TOKEN_AUTH, or
// the hosted UI's token endpoint for hosted logins. The caller holds s.mu.
func (s *Session) refresh(ctx context.Context) error {
	old := s.rec.Tokens
	if old.RefreshToken == "" {
		return fmt.Errorf("%w: the cached login has no refresh token: run 'sigscope login' again", ErrNotLoggedIn)
	}
	var t Tokens
	var err error
	if s.rec.Flow == FlowHosted {
		t, err = s.refreshHosted(ctx, old.RefreshToken)
	} else {
		t, err = s.refreshUserPool(ctx, old)
	}
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) && ae.Code == "NotAuthorizedException" || errors.Is(err, errInvalidGrant) {
			return fmt.Errorf("%w: %w", ErrNotLoggedIn, err)
		}
		return err
	}
	if t.RefreshToken == "" {
		t.RefreshToken = old.RefreshToken // Cognito rotates it only when rotation is on
	}
	s.rec.Tokens = t
	return s.o.store.save(s.rec)
}

func (s *Session) refreshUserPool(ctx context.Context, old Tokens) (Tokens, error) {
	if err := s.p.needSecret(); err != nil {
		return Tokens{}, fmt.Errorf("refresh the tokens: %w", err)
	}
	// SECRET_HASH on refresh is over the internal username, not the alias
	// (an email, say) typed at login.
	internal := old.Username()
	if internal == "" {
		internal = s.rec.Username
	}
	out, err := s.c.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       ciptypes.AuthFlowTypeRefreshTokenAuth,
		ClientId:       aws.String(s.p.ClientID),
		AuthParameters: s.p.withSecretHash(map[string]string{"REFRESH_TOKEN": old.RefreshToken}, internal),
	})
	if err != nil {
		x := s.x
		x.refresh = true
		return Tokens{}, x.explain("InitiateAuth", err)
	}
	r := out.AuthenticationResult
	if r == nil || aws.ToString(r.IdToken) == "" {
		return Tokens{}, fmt.Errorf("refresh: Cognito answered the %q challenge instead of tokens", out.ChallengeName)
	}
	t := Tokens{
		IDToken: aws.ToString(r.IdToken), AccessToken: aws.ToString(r.AccessToken),
		RefreshToken: aws.ToString(r.RefreshToken), TokenType: aws.ToString(r.TokenType),
	}
	t.setExpiry(s.o.now(), int64(r.ExpiresIn))
	return t, nil
}

// Credentials returns identity pool credentials for the user: GetId and
// GetCredentialsForIdentity with the id token in Logins, cached until a
// few minutes before they expire, the tokens refreshed first when needed.
func (s *Session) Credentials(ctx context.Context) (aws.Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p.IdentityPoolID == "" {
		return aws.Credentials{}, fmt.Errorf("the auth profile has no identity_pool_id: AWS credentials come from a Cognito identity pool; add identity_pool_id, or send the id token instead (auth mode id_token)")
	}
	if c := s.rec.Credentials; c != nil && s.rec.IdentityPoolID == s.p.IdentityPoolID {
		obtained := c.Expiry.Add(-time.Hour)
		if !c.Obtained.IsZero() {
			obtained = c.Obtained
		}
		if s.o.now().Before(c.Expiry.Add(-refreshWindow(obtained, c.Expiry))) {
			return c.aws(), nil
		}
	}
	if err := s.freshTokens(ctx); err != nil {
		return aws.Credentials{}, err
	}
	logins := map[string]string{s.p.providerName(): s.rec.Tokens.IDToken}
	if s.rec.IdentityPoolID != s.p.IdentityPoolID {
		s.rec.IdentityID = ""
		s.rec.IdentityPoolID = s.p.IdentityPoolID
	}
	c, id, err := getCredentials(ctx, s.c.ident, s.x, s.p.IdentityPoolID, s.rec.IdentityID, logins, s.o.now())
	if err != nil {
		return aws.Credentials{}, err
	}
	s.rec.IdentityID = id
	s.rec.Credentials = c
	if err := s.o.store.save(s.rec); err != nil {
		return aws.Credentials{}, err
	}
	return c.aws(), nil
}

// Retrieve makes a Session an aws.CredentialsProvider.
func (s *Session) Retrieve(ctx context.Context) (aws.Credentials, error) { return s.Credentials(ctx) }

func (c *cachedCredentials) aws() aws.Credentials {
	return aws.Credentials{
		AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
		Source: "sigscope: Cognito identity pool", CanExpire: true, Expires: c.Expiry,
	}
}

// getCredentials runs GetId (unless identityID is known) and
// GetCredentialsForIdentity. A cached identity id the pool no longer knows
// is dropped and fetched again once.
func getCredentials(ctx context.Context, ident *cognitoidentity.Client, x explainer, poolID, identityID string, logins map[string]string, now time.Time) (*cachedCredentials, string, error) {
	for attempt := 0; ; attempt++ {
		if identityID == "" {
			out, err := ident.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(poolID), Logins: logins})
			if err != nil {
				return nil, "", x.explain("GetId", err)
			}
			identityID = aws.ToString(out.IdentityId)
		}
		out, err := ident.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: aws.String(identityID), Logins: logins})
		if err != nil {
			var ae smithy.APIError
			if attempt == 0 && errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException" {
				identityID = ""
				continue
			}
			return nil, "", x.explain("GetCredentialsForIdentity", err)
		}
		c := out.Credentials
		if c == nil || aws.ToString(c.AccessKeyId) == "" {
			return nil, "", errors.New("GetCredentialsForIdentity returned no credentials")
		}
		exp := aws.ToTime(c.Expiration)
		if exp.IsZero() {
			exp = now.Add(time.Hour)
		}
		if id := aws.ToString(out.IdentityId); id != "" {
			identityID = id
		}
		return &cachedCredentials{
			AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretKey),
			SessionToken: aws.ToString(c.SessionToken), Expiry: exp, Obtained: now,
		}, identityID, nil
	}
}
