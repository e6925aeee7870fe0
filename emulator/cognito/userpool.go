package cognito

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sigscope/sigscope/auth/srp"
)

// authSession is the server state behind a challenge's Session string.
type authSession struct {
	challenge string
	client    *appClient
	user      *user
	created   time.Time
	attempts  int
	authTime  time.Time

	// PASSWORD_VERIFIER
	srpServer   *srp.Server
	srpA        string
	secretBlock []byte
	// SMS_MFA
	smsCode string
	// EMAIL_OTP
	emailCode string
	// MFA_SETUP: the key handed out by AssociateSoftwareToken, and whether
	// VerifySoftwareToken has seen a valid code for it.
	setupKey      []byte
	setupVerified bool
}

// refreshGrant is what an opaque refresh token stands for.
type refreshGrant struct {
	client    *appClient
	user      *user
	authTime  time.Time
	originJTI string
	expires   time.Time
}

type initiateAuthInput struct {
	AuthFlow       string            `json:"AuthFlow"`
	ClientID       string            `json:"ClientId"`
	AuthParameters map[string]string `json:"AuthParameters"`
}

type authenticationResult struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int64  `json:"ExpiresIn"`
	IDToken      string `json:"IdToken"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	TokenType    string `json:"TokenType"`
}

type authOutput struct {
	AuthenticationResult *authenticationResult `json:"AuthenticationResult,omitempty"`
	ChallengeName        string                `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters"`
	Session              string                `json:"Session,omitempty"`
}

var knownAuthFlows = []string{"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH"}

func (s *Service) lookupClient(id string) (*appClient, *apiError) {
	if id == "" {
		return nil, missingMember("clientId")
	}
	c, ok := s.clients[id]
	if !ok {
		return nil, newErr("ResourceNotFoundException", "User pool client %s does not exist.", id)
	}
	return c, nil
}

// checkSecretHash enforces SECRET_HASH for clients with a secret. username
// is what the hash must be computed over.
func checkSecretHash(c *appClient, params map[string]string, username string) *apiError {
	if c.secret == "" {
		return nil
	}
	got, ok := params["SECRET_HASH"]
	if !ok || got == "" {
		return notAuthorized("Client %s is configured for secret but secret was not received", c.id)
	}
	want := srp.SecretHash(c.id, c.secret, username)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return notAuthorized("Unable to verify secret hash for client %s", c.id)
	}
	return nil
}

func (s *Service) initiateAuth(body []byte) (any, *apiError) {
	var in initiateAuthInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.AuthFlow == "" {
		return nil, missingMember("authFlow")
	}
	known := false
	for _, f := range knownAuthFlows {
		known = known || f == in.AuthFlow
	}
	if !known {
		return nil, invalidParameter("1 validation error detected: Value '%s' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [%s]", in.AuthFlow, strings.Join(knownAuthFlows, ", "))
	}
	c, apiErr := s.lookupClient(in.ClientID)
	if apiErr != nil {
		return nil, apiErr
	}
	flow := in.AuthFlow
	if flow == flowRefreshAlias {
		flow = flowRefresh
	}
	switch flow {
	case flowSRP, flowPassword, flowRefresh:
	default:
		return nil, invalidParameter("%s flow is not supported by the sigscope emulator; use USER_SRP_AUTH, USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH", in.AuthFlow)
	}
	if !c.flows[flow] {
		return nil, invalidParameter("%s flow not enabled for this client", flow)
	}
	params := in.AuthParameters
	if params == nil {
		params = map[string]string{}
	}
	s.pruneSessions()
	switch flow {
	case flowSRP:
		return s.startSRP(c, params)
	case flowPassword:
		return s.passwordAuth(c, params)
	default:
		return s.refreshAuth(c, params)
	}
}

// findUser resolves USERNAME within the client's pool.
func findUser(c *appClient, params map[string]string) (*user, *apiError) {
	name, ok := params["USERNAME"]
	if !ok || name == "" {
		return nil, missingParameter("USERNAME")
	}
	u, ok := c.pool.users[name]
	if !ok {
		return nil, errUserNotFound
	}
	return u, nil
}

func (s *Service) startSRP(c *appClient, params map[string]string) (any, *apiError) {
	srpA, ok := params["SRP_A"]
	if !ok || srpA == "" {
		return nil, missingParameter("SRP_A")
	}
	if _, ok := params["USERNAME"]; !ok {
		return nil, missingParameter("USERNAME")
	}
	if err := checkSecretHash(c, params, params["USERNAME"]); err != nil {
		return nil, err
	}
	A, err := srp.ParseHex("SRP_A", srpA)
	if err != nil {
		return nil, invalidParameter("%v", err)
	}
	if A.Mod(A, srp.N()).Sign() == 0 {
		return nil, invalidParameter("SRP_A mod N must not be zero")
	}
	u, apiErr := findUser(c, params)
	if apiErr != nil {
		return nil, apiErr
	}
	v, err := srp.Verifier(c.pool.poolName, u.username, u.password, u.salt)
	if err != nil {
		return nil, internalError(err)
	}
	server, err := srp.NewServer(v, nil)
	if err != nil {
		return nil, internalError(err)
	}
	block := randomBytes(64)
	sess := &authSession{challenge: "PASSWORD_VERIFIER", client: c, user: u, srpServer: server, srpA: srpA, secretBlock: block}
	return authOutput{
		ChallengeName: "PASSWORD_VERIFIER",
		ChallengeParameters: map[string]string{
			"SALT":            u.salt,
			"SRP_B":           server.SRPB(),
			"SECRET_BLOCK":    base64.StdEncoding.EncodeToString(block),
			"USER_ID_FOR_SRP": u.username,
			"USERNAME":        u.username,
		},
		Session: s.newSession(sess),
	}, nil
}

func (s *Service) passwordAuth(c *appClient, params map[string]string) (any, *apiError) {
	if _, ok := params["USERNAME"]; !ok {
		return nil, missingParameter("USERNAME")
	}
	password, ok := params["PASSWORD"]
	if !ok {
		return nil, missingParameter("PASSWORD")
	}
	if err := checkSecretHash(c, params, params["USERNAME"]); err != nil {
		return nil, err
	}
	u, apiErr := findUser(c, params)
	if apiErr != nil {
		return nil, apiErr
	}
	if subtle.ConstantTimeCompare([]byte(password), []byte(u.password)) != 1 {
		return nil, errIncorrectPassword
	}
	return s.afterPassword(c, u)
}

func (s *Service) refreshAuth(c *appClient, params map[string]string) (any, *apiError) {
	token, ok := params["REFRESH_TOKEN"]
	if !ok || token == "" {
		return nil, missingParameter("REFRESH_TOKEN")
	}
	g, ok := s.refresh[token]
	if !ok || g.client != c {
		return nil, errInvalidRefresh
	}
	// Cognito hashes the internal username here, not whatever alias the
	// user typed at login: the classic SECRET_HASH refresh failure.
	if err := checkSecretHash(c, params, g.user.username); err != nil {
		return nil, err
	}
	if !s.now().Before(g.expires) {
		return nil, notAuthorized("Refresh Token has expired")
	}
	toks, err := s.issueTokens(c, g.user, g.authTime, g.originJTI)
	if err != nil {
		return nil, internalError(err)
	}
	return authOutput{
		ChallengeParameters: map[string]string{},
		AuthenticationResult: &authenticationResult{
			AccessToken: toks.access,
			IDToken:     toks.id,
			ExpiresIn:   int64(s.tokenTTL / time.Second),
			TokenType:   "Bearer",
		},
	}, nil
}

// afterPassword is reached once the password is proven: it answers the next
// challenge the user owes, or the tokens.
func (s *Service) afterPassword(c *appClient, u *user) (any, *apiError) {
	switch u.status {
	case statusUnconfirmed:
		return nil, newErr("UserNotConfirmedException", "User is not confirmed.")
	case statusReset:
		return nil, newErr("PasswordResetRequiredException", "Password reset required for the user")
	}
	if u.status == statusForceChange {
		attrs := map[string]string{}
		for k, v := range u.attrs {
			// Cognito leaves the verification flags out of this list.
			if k != "email_verified" && k != "phone_number_verified" {
				attrs[k] = v
			}
		}
		attrJSON, _ := jsonString(attrs)
		return authOutput{
			ChallengeName: "NEW_PASSWORD_REQUIRED",
			ChallengeParameters: map[string]string{
				"USER_ID_FOR_SRP":    u.username,
				"requiredAttributes": "[]",
				"userAttributes":     attrJSON,
			},
			Session: s.newSession(&authSession{challenge: "NEW_PASSWORD_REQUIRED", client: c, user: u}),
		}, nil
	}
	return s.afterNewPassword(c, u)
}

// afterNewPassword asks for the MFA the user owes (mfa.go), else logs in.
func (s *Service) afterNewPassword(c *appClient, u *user) (any, *apiError) {
	return s.mfaChallenge(c, u)
}

// login issues the full AuthenticationResult, refresh token included.
func (s *Service) login(c *appClient, u *user) (any, *apiError) {
	now := s.now()
	originJTI := newUUID()
	toks, err := s.issueTokens(c, u, now, originJTI)
	if err != nil {
		return nil, internalError(err)
	}
	refresh := opaqueToken(96)
	s.refresh[refresh] = &refreshGrant{client: c, user: u, authTime: now, originJTI: originJTI, expires: now.Add(refreshLifetime)}
	return authOutput{
		ChallengeParameters: map[string]string{},
		AuthenticationResult: &authenticationResult{
			AccessToken:  toks.access,
			IDToken:      toks.id,
			RefreshToken: refresh,
			ExpiresIn:    int64(s.tokenTTL / time.Second),
			TokenType:    "Bearer",
		},
	}, nil
}

func (s *Service) newSession(sess *authSession) string {
	sess.created = s.now()
	id := opaqueToken(192)
	s.sessions[id] = sess
	return id
}

// pruneSessions forgets sessions well past their lifetime so the map stays
// small; recently expired ones are kept to answer "session is expired".
func (s *Service) pruneSessions() {
	cutoff := s.now().Add(-10 * sessionLifetime)
	for id, sess := range s.sessions {
		if sess.created.Before(cutoff) {
			delete(s.sessions, id)
		}
	}
	now := s.now()
	for tok, g := range s.refresh {
		if now.After(g.expires) {
			delete(s.refresh, tok)
		}
	}
}

func maskPhone(p string) string {
	if len(p) <= 5 {
		return p
	}
	return "+" + strings.Repeat("*", len(p)-5) + p[len(p)-4:]
}

type getUserInput struct {
	AccessToken string `json:"AccessToken"`
}

type attributeType struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

type mfaOption struct {
	AttributeName  string `json:"AttributeName"`
	DeliveryMedium string `json:"DeliveryMedium"`
}

type getUserOutput struct {
	Username            string          `json:"Username"`
	UserAttributes      []attributeType `json:"UserAttributes"`
	MFAOptions          []mfaOption     `json:"MFAOptions,omitempty"`
	PreferredMfaSetting string          `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList  []string        `json:"UserMFASettingList,omitempty"`
}

func (s *Service) getUser(body []byte) (any, *apiError) {
	var in getUserInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	_, u, e := s.accessUser(in.AccessToken)
	if e != nil {
		return nil, e
	}
	out := getUserOutput{Username: u.username, UserAttributes: attributeList(u)}
	out.MFAOptions, out.PreferredMfaSetting, out.UserMFASettingList = mfaSettings(u)
	return out, nil
}

// mfaSettings is how GetUser and AdminGetUser describe a user's MFA.
func mfaSettings(u *user) (options []mfaOption, preferred string, list []string) {
	switch u.mfaType {
	case mfaTOTP:
		return nil, "SOFTWARE_TOKEN_MFA", []string{"SOFTWARE_TOKEN_MFA"}
	case mfaSMS:
		return []mfaOption{{AttributeName: "phone_number", DeliveryMedium: "SMS"}}, "SMS_MFA", []string{"SMS_MFA"}
	}
	return nil, "", nil
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %T: %w", v, err)
	}
	return string(b), nil
}
