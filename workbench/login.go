package workbench

import (
	"context"

	"fmt"
	"github.com/sigscope/sigscope/internal/cabundle"
	"time"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
)

// LoginTarget is a Cognito profile of the collection, resolved in the
// current environment, ready for a login: the profile, where its tokens
// are cached, and the password its password_env holds, if any.
type LoginTarget struct {
	ProfileName string
	Profile     auth.CognitoProfile
	Key         auth.CacheKey // Username empty: filled by the login
	Username    string        // the profile's username, if it names one
	Password    string        // from password_env; "" when unset
	PasswordEnv string

	opts []auth.Option
}

// LoginTarget resolves the Cognito profile name ("" for the collection's
// default or only one). A collection nobody confirmed is refused with an
// *UntrustedError: its password_env and endpoint are the collection's.
func (w *Workbench) LoginTarget(name string) (*LoginTarget, error) {
	if err := w.CheckTrust(); err != nil {
		return nil, err
	}
	w.doc.RLock()
	cp, env, err := auth.ResolveCognitoProfile(w.Coll, name, w.Environment(), w.Vars(), w.Env.lookup)
	w.doc.RUnlock()
	if err != nil {
		return nil, err
	}
	p, err := auth.CognitoProfileFrom(cp, w.Env.lookup)
	if err != nil {
		return nil, err
	}
	t := &LoginTarget{
		ProfileName: cp.Name, Profile: p, Username: p.Username, PasswordEnv: cp.PasswordEnv,
		Key:  auth.CacheKey{Collection: w.Coll.Path, Environment: env, UserPoolID: p.UserPoolID},
		opts: w.Env.authOptions(),
	}
	if ca, ok := w.Env.lookup(cabundle.EnvVar); ok && ca != "" {
		t.opts = append(t.opts, auth.WithCAFile(ca))
	}
	if cp.PasswordEnv != "" {
		t.Password, _ = w.Env.lookup(cp.PasswordEnv)
	}
	return t, nil
}

// Start begins a password login (SRP or USER_PASSWORD_AUTH) of username.
// It does no I/O: each Answer of the login talks to Cognito.
func (t *LoginTarget) Start(username string) (*auth.Login, error) {
	return auth.NewLogin(t.Profile, username, t.opts...)
}

// Finish caches the tokens of a finished login (file I/O) and, when the
// profile has an identity pool, fetches its AWS credentials too (network),
// so that the first signed request does not wait.
func (t *LoginTarget) Finish(ctx context.Context, l *auth.Login) (*LoginStatus, error) {
	sess, err := l.Session(t.Key)
	if err != nil {
		return nil, err
	}
	return t.status(ctx, sess)
}

// LoginStatus says who is logged in with a profile, until when.
type LoginStatus struct {
	Profile     string
	Username    string
	UserPoolID  string
	Expiry      time.Time // of the id token
	IdentityID  string
	Claims      auth.Claims // of the id token: non-secret, for display
	CredsExpiry time.Time
}

func (t *LoginTarget) status(ctx context.Context, sess *auth.Session) (*LoginStatus, error) {
	tok, err := sess.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	st := &LoginStatus{Profile: t.ProfileName, Username: sess.Username(), UserPoolID: t.Profile.UserPoolID, Expiry: tok.Expiry}
	if c, err := tok.IDClaims(); err == nil {
		st.Claims = c
		if exp := c.Time("exp"); !exp.IsZero() {
			st.Expiry = exp
		}
	}
	if t.Profile.IdentityPoolID != "" {
		creds, err := sess.Credentials(ctx)
		if err != nil {
			return st, fmt.Errorf("logged in, but the identity pool gave no credentials: %w", err)
		}
		st.IdentityID, st.CredsExpiry = sess.IdentityID(), creds.Expires
	}
	return st, nil
}

// Status opens the cached login of the target (refreshing its tokens when
// they are about to expire: network I/O). It wraps auth.ErrNotLoggedIn
// when there is none.
func (t *LoginTarget) Status(ctx context.Context) (*LoginStatus, error) {
	sess, err := auth.CognitoSession(ctx, t.Key, t.Profile, t.opts...)
	if err != nil {
		return nil, err
	}
	return t.status(ctx, sess)
}

// Logout forgets the cached login of the target (the last user's).
func (t *LoginTarget) Logout(ctx context.Context) error {
	sess, err := auth.CognitoSession(ctx, t.Key, t.Profile, t.opts...)
	if err != nil {
		return err
	}
	return sess.Logout()
}

// CognitoProfiles names the collection's profiles of type cognito.
func (w *Workbench) CognitoProfiles() []string {
	w.doc.RLock()
	defer w.doc.RUnlock()
	var out []string
	for _, n := range w.Coll.AuthProfiles() {
		if typ, _ := w.Coll.ProfileType(n); typ == collections.ProfileCognito {
			out = append(out, n)
		}
	}
	return out
}

// StartHosted begins a hosted-UI sign-in: it listens on loopback for the
// browser's redirect (I/O) and returns the URL to open.
func (t *LoginTarget) StartHosted(ctx context.Context) (*auth.HostedLogin, error) {
	p := t.Profile
	p.Flow = auth.FlowHosted
	return auth.StartHostedLogin(ctx, p, t.opts...)
}

// FinishHosted waits for the browser to come back (until ctx ends), then
// caches the tokens like Finish.
func (t *LoginTarget) FinishHosted(ctx context.Context, h *auth.HostedLogin) (*LoginStatus, error) {
	if _, err := h.Wait(ctx); err != nil {
		return nil, err
	}
	sess, err := h.Session(t.Key)
	if err != nil {
		return nil, err
	}
	return t.status(ctx, sess)
}
