// Package cognito emulates the parts of Amazon Cognito that a browser or CLI
// login touches: user pools (InitiateAuth with USER_SRP_AUTH,
// USER_PASSWORD_AUTH and refresh, RespondToAuthChallenge with the password
// verifier, new-password and MFA challenges including SELECT_MFA_TYPE,
// EMAIL_OTP and MFA_SETUP with AssociateSoftwareToken and
// VerifySoftwareToken, GetUser, JWKS), what an Amplify app's Auth category
// calls besides (SignUp, ConfirmSignUp, ResendConfirmationCode,
// ForgotPassword, ConfirmForgotPassword, ChangePassword, GlobalSignOut,
// RevokeToken, UpdateUserAttributes, VerifyUserAttribute), the Admin*
// calls tests set users up with (AdminCreateUser, AdminSetUserPassword,
// AdminConfirmSignUp, AdminGetUser, AdminDeleteUser,
// AdminUpdateUserAttributes, AdminInitiateAuth; SigV4-signed for
// cognito-idp, as in AWS), the hosted UI's /oauth2/authorize and
// /oauth2/token (authorization code with PKCE, refresh) and identity pools
// (GetId, GetCredentialsForIdentity), over the AWS JSON 1.1 protocol the SDKs
// speak. State lives in memory; only the Admin* calls need AWS credentials.
// Codes the pool would send by email or SMS are written to Options.Log and
// kept for LastCode, or fixed by a pool's confirmation_code.
package cognito

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sigscope/sigscope/auth/srp"
	"github.com/sigscope/sigscope/emulator/awsauth"
)

// Options are the runtime settings that are not part of the config file.
type Options struct {
	Region    string           // e.g. us-east-1; default us-east-1
	Now       func() time.Time // nil = time.Now; tests move the clock
	Log       io.Writer        // receives "sent" SMS codes; never passwords or tokens
	AccountID string           // default "000000000000"
	// Credentials finds the secret of an access key, for the Admin* calls,
	// which must be signed with SigV4 for cognito-idp as in AWS. nil: every
	// Admin* call is refused as signed by an unknown key.
	Credentials awsauth.Lookup
}

const (
	targetIDP      = "AWSCognitoIdentityProviderService."
	targetIdentity = "AWSCognitoIdentityService."
	jsonContent    = "application/x-amz-json-1.1"
	maxBodyBytes   = 1 << 20
	// sessionLifetime is Cognito's default AuthSessionValidity.
	sessionLifetime = 3 * time.Minute
	// refreshLifetime is Cognito's default refresh token validity.
	refreshLifetime = 30 * 24 * time.Hour
	// maxCodeAttempts bounds wrong MFA codes per session.
	maxCodeAttempts = 5
)

// Service is the emulated Cognito, an http.Handler.
type Service struct {
	opts     Options
	admin    *awsauth.Verifier
	tokenTTL time.Duration
	credTTL  time.Duration

	// Fixed after New.
	pools         map[string]*userPool
	poolsByIssuer map[string]*userPool
	clients       map[string]*appClient
	idPools       map[string]*identityPool

	logMu sync.Mutex

	sentMu sync.Mutex
	sent   map[string]SentCode // pool id + "\x00" + username → the last code "sent"

	mu         sync.Mutex // guards everything below and the mutable user fields
	sessions   map[string]*authSession
	refresh    map[string]*refreshGrant
	identities map[string]*identity
	creds      map[string]*IssuedCredentials
	tokens     map[string]string    // session token → access key id
	codes      map[string]*authCode // hosted UI authorization codes
	// revoked holds the origin_jti of access tokens that GlobalSignOut or
	// RevokeToken invalidated, until those tokens have expired.
	revoked map[string]time.Time
}

type userPool struct {
	id, name, poolName, issuer string
	key                        *rsa.PrivateKey
	kid                        string
	clients                    map[string]*appClient
	users                      map[string]*user
	policy                     passwordPolicy
	confirmationCode           string // "" = a random code each time
}

type appClient struct {
	id, name, secret string
	flows            map[string]bool
	pool             *userPool
}

type user struct {
	username string
	sub      string
	salt     string // SRP salt, hex
	// Mutable (guarded by Service.mu): a new password replaces a temporary one.
	password string
	status   string
	attrs    map[string]string
	mfaType  string // "", mfaTOTP, mfaSMS or mfaEmail: the method asked for
	totpKey  []byte // nil with mfaTOTP: MFA_SETUP at the next login
	phone    string
	// mfaChoices lists the methods when there are several: the login
	// answers SELECT_MFA_TYPE first.
	mfaChoices []string
	created    time.Time
	modified   time.Time
	// codes are the confirmation codes sent and not yet used, by purpose
	// (codeSignUp, codeReset, codeVerify+attribute).
	codes map[string]*sentCode
}

type identityPool struct {
	id, region        string
	allowUnauth       bool
	authRole          string // role names the credentials act as
	unauthRole        string
	providers         map[string]*userPool // provider name → user pool
	providerNamesList []string
}

// New builds the emulator from cfg, generating a fresh RSA key per user pool.
// Config errors name the item, e.g. `user_pools[0].users[1] (alice): ...`.
func New(cfg Config, opts Options) (*Service, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("cognito config: %w", err)
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.AccountID == "" {
		opts.AccountID = "000000000000"
	}
	if opts.Credentials == nil {
		opts.Credentials = func(string) (awsauth.Credential, bool) { return awsauth.Credential{}, false }
	}
	s := &Service{
		opts:          opts,
		tokenTTL:      time.Duration(cfg.TokenLifetime),
		credTTL:       time.Duration(cfg.CredentialLifetime),
		pools:         map[string]*userPool{},
		poolsByIssuer: map[string]*userPool{},
		clients:       map[string]*appClient{},
		idPools:       map[string]*identityPool{},
		sessions:      map[string]*authSession{},
		refresh:       map[string]*refreshGrant{},
		identities:    map[string]*identity{},
		creds:         map[string]*IssuedCredentials{},
		tokens:        map[string]string{},
		codes:         map[string]*authCode{},
		revoked:       map[string]time.Time{},
	}
	s.admin = awsauth.New(signingService, opts.Region, opts.Now, opts.Credentials)
	if s.tokenTTL == 0 {
		s.tokenTTL = time.Hour
	}
	if s.credTTL == 0 {
		s.credTTL = time.Hour
	}
	for i, pc := range cfg.UserPools {
		p, err := s.buildPool(pc)
		if err != nil {
			return nil, fmt.Errorf("cognito config: user_pools[%d] (%s): %w", i, pc.ID, err)
		}
		s.pools[p.id] = p
		s.poolsByIssuer[p.issuer] = p
		for id, c := range p.clients {
			s.clients[id] = c
		}
	}
	for _, ic := range cfg.IdentityPools {
		region, _, _ := strings.Cut(ic.ID, ":")
		ip := &identityPool{id: ic.ID, region: region, allowUnauth: ic.AllowUnauthenticated, providers: map[string]*userPool{},
			authRole: ic.AuthenticatedRole, unauthRole: ic.UnauthenticatedRole}
		if ip.authRole == "" {
			ip.authRole = DefaultAuthRole
		}
		if ip.unauthRole == "" {
			ip.unauthRole = DefaultUnauthRole
		}
		for _, up := range ic.UserPools {
			p := s.pools[up]
			ip.providers[s.providerName(p)] = p
		}
		for name := range ip.providers {
			ip.providerNamesList = append(ip.providerNamesList, name)
		}
		sort.Strings(ip.providerNamesList)
		s.idPools[ip.id] = ip
	}
	return s, nil
}

func (s *Service) buildPool(pc UserPoolConfig) (*userPool, error) {
	poolName, err := srp.PoolName(pc.ID)
	if err != nil {
		return nil, err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	p := &userPool{
		id:       pc.ID,
		name:     pc.Name,
		poolName: poolName,
		issuer:   fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s", s.opts.Region, pc.ID),
		key:      key,
		kid:      keyID(&key.PublicKey),
		clients:  map[string]*appClient{},
		users:    map[string]*user{},
		policy:   newPasswordPolicy(pc.PasswordPolicy),

		confirmationCode: pc.ConfirmationCode,
	}
	for _, cc := range pc.Clients {
		c := &appClient{id: cc.ID, name: cc.Name, secret: cc.Secret, flows: map[string]bool{}, pool: p}
		flows := cc.AuthFlows
		if len(flows) == 0 {
			flows = []string{flowSRP, flowPassword, flowRefresh, flowAdminPassword}
		}
		for _, f := range flows {
			n, _ := normalizeFlow(f)
			c.flows[n] = true
		}
		p.clients[c.id] = c
	}
	for _, uc := range pc.Users {
		u := &user{
			username: uc.Username,
			password: uc.Password,
			status:   uc.Status,
			attrs:    map[string]string{},
			salt:     randomHex(16),
			created:  s.now(),
			modified: s.now(),
		}
		if u.status == "" {
			u.status = statusConfirmed
		}
		for k, v := range uc.Attributes {
			if k == "sub" {
				u.sub = v
				continue
			}
			u.attrs[k] = v
		}
		if u.sub == "" {
			u.sub = nameUUID("user:" + pc.ID + "/" + uc.Username)
		}
		applyMFA(u, uc.MFA)
		p.users[u.username] = u
	}
	return p, nil
}

func (s *Service) now() time.Time { return s.opts.Now() }

// providerName is the Logins key for a user pool in identity-pool calls.
func (s *Service) providerName(p *userPool) string {
	return fmt.Sprintf("cognito-idp.%s.amazonaws.com/%s", s.opts.Region, p.id)
}

// Handles reports whether r is for this service: a Cognito X-Amz-Target, or
// a GET of a configured pool's .well-known documents.
func (s *Service) Handles(r *http.Request) bool {
	t := r.Header.Get("X-Amz-Target")
	if strings.HasPrefix(t, targetIDP) || strings.HasPrefix(t, targetIdentity) {
		return true
	}
	if isOAuthPath(r.URL.Path) {
		return true
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	_, _, ok := s.wellKnown(r.URL.Path)
	return ok
}

// ServeHTTP answers Cognito API calls and JWKS requests.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", newUUID())
	if isOAuthPath(r.URL.Path) {
		s.serveOAuth(w, r)
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if p, doc, ok := s.wellKnown(r.URL.Path); ok {
			s.serveWellKnown(w, r, p, doc)
			return
		}
	}
	target := r.Header.Get("X-Amz-Target")
	if target == "" {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			writeJSON(w, http.StatusNotFound, "application/json", map[string]string{"message": "Not Found: the Cognito emulator serves POST / with X-Amz-Target, and GET /<userPoolId>/.well-known/jwks.json"})
			return
		}
		writeError(w, newErr("UnknownOperationException", "missing X-Amz-Target header; Cognito calls are POST / with X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>"))
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, newErr("UnknownOperationException", "Cognito calls use POST, not %s", r.Method))
		return
	}
	handler, ok := operations[target]
	if !ok {
		writeError(w, newErr("UnknownOperationException", "operation %s is not supported by the sigscope emulator", target))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
			writeError(w, &apiError{Status: http.StatusRequestEntityTooLarge, Type: "SerializationException",
				Message: fmt.Sprintf("request body over %d bytes: the Cognito emulator refuses it", maxBodyBytes)})
			return
		}
		writeError(w, newErr("SerializationException", "read request body: %v", err))
		return
	}
	// Before the lock: the credentials of an identity pool are looked up
	// under it.
	if isAdmin(target) {
		akid, f := s.admin.Verify(r, body)
		if f != nil {
			writeError(w, adminRefusal(f))
			return
		}
		if d := s.adminAuthorize(r, target, body, akid); d != nil {
			// The emulator names the statement (AWS never does).
			w.Header().Set(HeaderDecision, d.Reason)
			writeError(w, &apiError{Status: http.StatusBadRequest, Type: "AccessDeniedException", Message: d.Message})
			return
		}
	}
	s.mu.Lock()
	out, apiErr := handler(s, body)
	s.mu.Unlock()
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, jsonContent, out)
}

type operation func(s *Service, body []byte) (any, *apiError)

var operations = map[string]operation{
	targetIDP + "InitiateAuth":                   (*Service).initiateAuth,
	targetIDP + "RespondToAuthChallenge":         (*Service).respondToAuthChallenge,
	targetIDP + "GetUser":                        (*Service).getUser,
	targetIDP + "AssociateSoftwareToken":         (*Service).associateSoftwareToken,
	targetIDP + "VerifySoftwareToken":            (*Service).verifySoftwareToken,
	targetIDP + "SignUp":                         (*Service).signUp,
	targetIDP + "ConfirmSignUp":                  (*Service).confirmSignUp,
	targetIDP + "ResendConfirmationCode":         (*Service).resendConfirmationCode,
	targetIDP + "ForgotPassword":                 (*Service).forgotPassword,
	targetIDP + "ConfirmForgotPassword":          (*Service).confirmForgotPassword,
	targetIDP + "ChangePassword":                 (*Service).changePassword,
	targetIDP + "GlobalSignOut":                  (*Service).globalSignOut,
	targetIDP + "RevokeToken":                    (*Service).revokeToken,
	targetIDP + "UpdateUserAttributes":           (*Service).updateUserAttributes,
	targetIDP + "VerifyUserAttribute":            (*Service).verifyUserAttribute,
	targetIDP + "AdminCreateUser":                (*Service).adminCreateUser,
	targetIDP + "AdminSetUserPassword":           (*Service).adminSetUserPassword,
	targetIDP + "AdminConfirmSignUp":             (*Service).adminConfirmSignUp,
	targetIDP + "AdminGetUser":                   (*Service).adminGetUser,
	targetIDP + "AdminDeleteUser":                (*Service).adminDeleteUser,
	targetIDP + "AdminUpdateUserAttributes":      (*Service).adminUpdateUserAttributes,
	targetIDP + "AdminInitiateAuth":              (*Service).adminInitiateAuth,
	targetIdentity + "GetId":                     (*Service).getID,
	targetIdentity + "GetCredentialsForIdentity": (*Service).getCredentialsForIdentity,
}

// decode parses a request body into v, answering SerializationException as
// AWS does for malformed JSON or mistyped members.
func decode(body []byte, v any) *apiError {
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return newErr("SerializationException", "request body is not the expected JSON: %v", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"__type":"InternalErrorException","message":"encode response"}`)
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(data)
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("x-amzn-ErrorType", e.Type)
	writeJSON(w, e.Status, jsonContent, map[string]string{"__type": e.Type, "message": e.Message})
}

// logf writes one line to Options.Log; callers never pass secrets.
func (s *Service) logf(format string, args ...any) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Log, format+"\n", args...)
}
