package cognito

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sigscope/sigscope/emulator/awsauth"
)

// signingService is the SigV4 service name of user-pool calls.
const signingService = "cognito-idp"

// adminRefusal words a refused signature of an Admin* call as AWS's JSON
// services do.
func adminRefusal(f *awsauth.Failure) *apiError {
	typ := map[awsauth.Problem]string{
		awsauth.Missing:    "MissingAuthenticationTokenException",
		awsauth.Incomplete: "IncompleteSignatureException",
		awsauth.BadScope:   "InvalidSignatureException",
		awsauth.UnknownKey: "UnrecognizedClientException",
		awsauth.Mismatch:   "InvalidSignatureException",
		awsauth.Expired:    "ExpiredTokenException",
	}[f.Problem]
	// AWS's JSON services answer all of these 400, as any client error.
	return &apiError{Status: http.StatusBadRequest, Type: typ, Message: f.MismatchDetail()}
}

// HeaderDecision carries, on an Admin* call refused by the caller's
// policies, the statement that denied or that none allowed (as the
// gateway's X-Sigscope-Authz-Decision: AWS sends nothing like it).
const HeaderDecision = "X-Sigscope-Authz-Decision"

// adminAuthorize judges a verified Admin* call by the caller's identity
// policies: the action cognito-idp:OPERATION on the user pool's ARN
// (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL-ID), as IAM does.
func (s *Service) adminAuthorize(r *http.Request, target string, body []byte, akid string) *awsauth.Denial {
	cred, ok := s.opts.Credentials(akid)
	if !ok {
		return nil // Verify found it: a key gone since is judged by the handler
	}
	var in struct {
		UserPoolID string `json:"UserPoolId"`
	}
	_ = json.Unmarshal(body, &in) // a body that does not decode is the handler's to refuse
	resource := fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", s.opts.Region, s.opts.AccountID, in.UserPoolID)
	return awsauth.Authorize(cred, signingService+":"+strings.TrimPrefix(target, targetIDP), resource, r, s.opts.Now())
}

// isAdmin reports whether an operation needs IAM credentials (SigV4): the
// Admin* calls, as in AWS; the others are called by app users with
// nothing but a client id or an access token.
func isAdmin(target string) bool {
	return strings.HasPrefix(target, targetIDP+"Admin")
}

// epochTime is a date as AWS's JSON protocol writes it: seconds since the
// epoch, a JSON number with a fraction.
type epochTime time.Time

// MarshalJSON writes seconds with milliseconds, e.g. 1741165445.123.
func (t epochTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return fmt.Appendf(nil, "%d.%03d", ms/1000, ms%1000), nil
}

type adminUserInput struct {
	UserPoolID string `json:"UserPoolId"`
	Username   string `json:"Username"`
}

// adminCall decodes an Admin* call about one user into in (nil: nothing
// more than the pool and user) and resolves that user.
func (s *Service) adminCall(body []byte, in any) (*userPool, *user, *apiError) {
	if in != nil {
		if e := decode(body, in); e != nil {
			return nil, nil, e
		}
	}
	var who adminUserInput
	if e := decode(body, &who); e != nil {
		return nil, nil, e
	}
	return s.adminUser(who)
}

// adminUser resolves UserPoolId and Username.
func (s *Service) adminUser(in adminUserInput) (*userPool, *user, *apiError) {
	p, e := s.lookupPool(in.UserPoolID)
	if e != nil {
		return nil, nil, e
	}
	if in.Username == "" {
		return nil, nil, missingMember("username")
	}
	u, ok := p.users[in.Username]
	if !ok {
		return p, nil, errUserNotFound
	}
	return p, u, nil
}

func (s *Service) lookupPool(id string) (*userPool, *apiError) {
	if id == "" {
		return nil, missingMember("userPoolId")
	}
	p, ok := s.pools[id]
	if !ok {
		return nil, newErr("ResourceNotFoundException", "User pool %s does not exist.", id)
	}
	return p, nil
}

type userType struct {
	Username             string          `json:"Username"`
	Attributes           []attributeType `json:"Attributes"`
	UserCreateDate       epochTime       `json:"UserCreateDate"`
	UserLastModifiedDate epochTime       `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

type adminCreateUserInput struct {
	UserPoolID        string          `json:"UserPoolId"`
	Username          string          `json:"Username"`
	UserAttributes    []attributeType `json:"UserAttributes"`
	TemporaryPassword string          `json:"TemporaryPassword"`
	MessageAction     string          `json:"MessageAction"`
}

func (s *Service) adminCreateUser(body []byte) (any, *apiError) {
	var in adminCreateUserInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	p, u, e := s.adminUser(adminUserInput{in.UserPoolID, in.Username})
	if p == nil {
		return nil, e
	}
	switch in.MessageAction {
	case "", "SUPPRESS":
	case "RESEND":
		if u == nil {
			return nil, errUserNotFound
		}
		// RESEND sends the invitation again to a user still to sign in.
		if u.status != statusForceChange {
			return nil, newErr("UnsupportedUserStateException", "Resend not possible. %s status is %s instead of FORCE_CHANGE_PASSWORD", in.Username, u.status)
		}
		s.invite(p, u, false) // printed already if the emulator made it up
		return struct {
			User userType `json:"User"`
		}{describeUser(u)}, nil
	default:
		return nil, invalidParameter("1 validation error detected: Value '%s' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]", in.MessageAction)
	}
	if u != nil {
		return nil, newErr("UsernameExistsException", "User account already exists")
	}
	pw, generated := in.TemporaryPassword, in.TemporaryPassword == ""
	if generated {
		pw = temporaryPassword()
	} else if e := p.policy.check(pw, policyDidNot); e != nil {
		return nil, e
	}
	attrs, e := attributeMap(in.UserAttributes)
	if e != nil {
		return nil, e
	}
	u, e = s.addUser(p, in.Username, pw, statusForceChange, attrs)
	if e != nil {
		return nil, e
	}
	if in.MessageAction != "SUPPRESS" {
		s.invite(p, u, generated)
	}
	return struct {
		User userType `json:"User"`
	}{describeUser(u)}, nil
}

// invite "sends" the invitation: to the log, as the codes are. A
// password the emulator made up is printed, as the invitation email
// would carry it (the only way to learn it); one the caller chose is not.
func (s *Service) invite(p *userPool, u *user, generated bool) {
	to := u.attrs["email"]
	if to == "" {
		to = "(no email)"
	}
	pw := "the one given to AdminCreateUser"
	if generated {
		pw = u.password
	}
	s.logf("Invitation to %s for %s in %s: your username is %s and temporary password is %s", to, u.username, p.id, u.username, pw)
}

// temporaryPassword makes one that passes any policy: upper and lower
// case, digits and a symbol, longer than Cognito's longest minimum.
func temporaryPassword() string {
	return randomFrom("ABCDEFGHJKLMNPQRSTUVWXYZ", 4) + randomFrom("abcdefghijkmnpqrstuvwxyz", 4) + randomFrom("23456789", 4) + "!"
}

func describeUser(u *user) userType {
	return userType{
		Username: u.username, Attributes: attributeList(u), Enabled: true, UserStatus: u.status,
		UserCreateDate: epochTime(u.created), UserLastModifiedDate: epochTime(u.modified),
	}
}

type adminGetUserOutput struct {
	Username             string          `json:"Username"`
	UserAttributes       []attributeType `json:"UserAttributes"`
	UserCreateDate       epochTime       `json:"UserCreateDate"`
	UserLastModifiedDate epochTime       `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
	MFAOptions           []mfaOption     `json:"MFAOptions,omitempty"`
	PreferredMfaSetting  string          `json:"PreferredMfaSetting,omitempty"`
	UserMFASettingList   []string        `json:"UserMFASettingList,omitempty"`
}

func (s *Service) adminGetUser(body []byte) (any, *apiError) {
	_, u, e := s.adminCall(body, nil)
	if e != nil {
		return nil, e
	}
	d := describeUser(u)
	out := adminGetUserOutput{Username: d.Username, UserAttributes: d.Attributes, UserCreateDate: d.UserCreateDate,
		UserLastModifiedDate: d.UserLastModifiedDate, Enabled: d.Enabled, UserStatus: d.UserStatus}
	out.MFAOptions, out.PreferredMfaSetting, out.UserMFASettingList = mfaSettings(u)
	return out, nil
}

// adminSetPasswordInput is AdminSetUserPassword's beyond UserPoolId and
// Username (adminCall reads those).
type adminSetPasswordInput struct {
	Password  string `json:"Password"`
	Permanent bool   `json:"Permanent"`
}

func (s *Service) adminSetUserPassword(body []byte) (any, *apiError) {
	var in adminSetPasswordInput
	p, u, e := s.adminCall(body, &in)
	if e != nil {
		return nil, e
	}
	if in.Password == "" {
		return nil, missingMember("password")
	}
	if e := p.policy.check(in.Password, policyDidNot); e != nil {
		return nil, e
	}
	u.setPassword(in.Password, s.now())
	if in.Permanent {
		u.status = statusConfirmed
	} else {
		u.status = statusForceChange
	}
	return struct{}{}, nil
}

func (s *Service) adminConfirmSignUp(body []byte) (any, *apiError) {
	_, u, e := s.adminCall(body, nil)
	if e != nil {
		return nil, e
	}
	if u.status != statusUnconfirmed {
		return nil, notAuthorized("User cannot be confirmed. Current status is %s", u.status)
	}
	delete(u.codes, codeSignUp)
	s.confirm(u)
	return struct{}{}, nil
}

func (s *Service) adminDeleteUser(body []byte) (any, *apiError) {
	p, u, e := s.adminCall(body, nil)
	if e != nil {
		return nil, e
	}
	s.signOutEverywhere(u)
	for id, sess := range s.sessions {
		if sess.user == u {
			delete(s.sessions, id)
		}
	}
	delete(p.users, u.username)
	return struct{}{}, nil
}

type adminUpdateAttributesInput struct {
	UserAttributes []attributeType `json:"UserAttributes"`
}

func (s *Service) adminUpdateUserAttributes(body []byte) (any, *apiError) {
	var in adminUpdateAttributesInput
	_, u, e := s.adminCall(body, &in)
	if e != nil {
		return nil, e
	}
	if in.UserAttributes == nil {
		return nil, missingMember("userAttributes")
	}
	attrs, e := attributeMap(in.UserAttributes)
	if e != nil {
		return nil, e
	}
	s.setAttributes(u, attrs)
	return struct{}{}, nil
}

type adminInitiateAuthInput struct {
	UserPoolID     string            `json:"UserPoolId"`
	ClientID       string            `json:"ClientId"`
	AuthFlow       string            `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters"`
}

// adminInitiateAuth logs a user in with the password, server side
// (ADMIN_USER_PASSWORD_AUTH, or its older name ADMIN_NO_SRP_AUTH), or
// refreshes. A challenge is answered with RespondToAuthChallenge
// (AdminRespondToAuthChallenge is not emulated).
func (s *Service) adminInitiateAuth(body []byte) (any, *apiError) {
	var in adminInitiateAuthInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	p, e := s.lookupPool(in.UserPoolID)
	if e != nil {
		return nil, e
	}
	c, e := s.lookupClient(in.ClientID)
	if e != nil {
		return nil, e
	}
	if c.pool != p {
		return nil, newErr("ResourceNotFoundException", "User pool client %s does not exist.", in.ClientID)
	}
	params := in.AuthParameters
	if params == nil {
		params = map[string]string{}
	}
	s.pruneSessions()
	switch in.AuthFlow {
	case "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
		if !c.flows[flowAdminPassword] {
			return nil, invalidParameter("Auth flow not enabled for this client")
		}
		return s.passwordAuth(c, params)
	case flowRefresh, flowRefreshAlias:
		return s.refreshAuth(c, params)
	case "":
		return nil, missingMember("authFlow")
	}
	return nil, invalidParameter("%s flow is not supported by AdminInitiateAuth in the sigscope emulator; use ADMIN_USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH", in.AuthFlow)
}
