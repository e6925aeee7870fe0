package cognito

import (
	"crypto/subtle"
	"sort"
	"time"
)

// The purposes a confirmation code is sent for, and how long each lasts
// (Cognito: sign-up codes 24 hours, forgotten-password codes 1 hour).
const (
	codeSignUp = "signup"
	codeReset  = "reset"
	codeVerify = "verify:" // + attribute name

	signUpCodeLifetime = 24 * time.Hour
	resetCodeLifetime  = time.Hour
	// maxUsersPerPool bounds what SignUp and AdminCreateUser may add, so
	// that the emulator's memory stays bounded.
	maxUsersPerPool = 10000
)

var (
	errCodeMismatch  = newErr("CodeMismatchException", "Invalid verification code provided, please try again.")
	errCodeExpired   = newErr("ExpiredCodeException", "Invalid code provided, please request a code again.")
	errAttemptLimit  = newErr("LimitExceededException", "Attempt limit exceeded, please try after some time.")
	errUserNotFoundC = newErr("UserNotFoundException", "Username/client id combination not found.")
)

// sentCode is a confirmation code waiting to be used.
type sentCode struct {
	code     string
	expires  time.Time
	attempts int
}

type codeDelivery struct {
	AttributeName  string `json:"AttributeName"`
	DeliveryMedium string `json:"DeliveryMedium"`
	Destination    string `json:"Destination"`
}

// sendCode "sends" a code for purpose to the user's email (else phone),
// as Cognito would: the emulator writes it to its log and keeps it for
// LastCode. A pool's confirmation_code makes it fixed. It returns the
// delivery details, nil when the user has neither attribute.
func (s *Service) sendCode(p *userPool, u *user, purpose string, lifetime time.Duration, attr string) *codeDelivery {
	code := p.confirmationCode
	if code == "" {
		code = smsCode()
	}
	if u.codes == nil {
		u.codes = map[string]*sentCode{}
	}
	u.codes[purpose] = &sentCode{code: code, expires: s.now().Add(lifetime)}
	if attr == "" {
		attr = "email"
		if u.attrs["email"] == "" && u.attrs["phone_number"] != "" {
			attr = "phone_number"
		}
	}
	to := u.attrs[attr]
	if to == "" {
		s.logf("%s code for %s in %s (no email or phone_number to send it to): your code is %s", purpose, u.username, p.id, code)
		return nil
	}
	d := &codeDelivery{AttributeName: attr, DeliveryMedium: "EMAIL", Destination: maskEmail(to)}
	if attr == "phone_number" {
		d.DeliveryMedium, d.Destination = "SMS", maskPhone(to)
		s.logf("SMS to %s: your code is %s", to, code)
	} else {
		s.logf("Email to %s: your code is %s", to, code)
	}
	s.keepSent(p.id, u.username, SentCode{Medium: d.DeliveryMedium, Destination: d.Destination, Code: code})
	return d
}

// useCode checks a code sent for purpose: a wrong one counts towards
// Cognito's attempt limit, a right one is spent.
func (s *Service) useCode(u *user, purpose, code string) *apiError {
	c, ok := u.codes[purpose]
	if !ok {
		return errCodeMismatch
	}
	if c.attempts >= maxCodeAttempts {
		return errAttemptLimit
	}
	if !s.now().Before(c.expires) {
		return errCodeExpired
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(c.code)) != 1 {
		c.attempts++
		return errCodeMismatch
	}
	delete(u.codes, purpose)
	return nil
}

type signUpInput struct {
	ClientID       string          `json:"ClientId"`
	SecretHash     string          `json:"SecretHash"`
	Username       string          `json:"Username"`
	Password       string          `json:"Password"`
	UserAttributes []attributeType `json:"UserAttributes"`
}

type signUpOutput struct {
	UserConfirmed       bool          `json:"UserConfirmed"`
	UserSub             string        `json:"UserSub"`
	CodeDeliveryDetails *codeDelivery `json:"CodeDeliveryDetails,omitempty"`
}

// clientCall resolves the app client of an unauthenticated user-pool call
// and checks its SecretHash over username.
func (s *Service) clientCall(clientID, secretHash, username string) (*appClient, *apiError) {
	c, e := s.lookupClient(clientID)
	if e != nil {
		return nil, e
	}
	if username == "" {
		return nil, missingMember("username")
	}
	params := map[string]string{}
	if secretHash != "" {
		params["SECRET_HASH"] = secretHash
	}
	return c, checkSecretHash(c, params, username)
}

func (s *Service) signUp(body []byte) (any, *apiError) {
	var in signUpInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if in.Password == "" {
		return nil, missingMember("password")
	}
	c, e := s.clientCall(in.ClientID, in.SecretHash, in.Username)
	if e != nil {
		return nil, e
	}
	p := c.pool
	if _, exists := p.users[in.Username]; exists {
		return nil, newErr("UsernameExistsException", "User already exists")
	}
	if e := p.policy.check(in.Password, policyDidNot); e != nil {
		return nil, e
	}
	attrs, e := attributeMap(in.UserAttributes)
	if e != nil {
		return nil, e
	}
	u, e := s.addUser(p, in.Username, in.Password, statusUnconfirmed, attrs)
	if e != nil {
		return nil, e
	}
	return signUpOutput{UserSub: u.sub, CodeDeliveryDetails: s.sendCode(p, u, codeSignUp, signUpCodeLifetime, "")}, nil
}

// addUser adds a user with a fresh sub, as SignUp and AdminCreateUser do.
func (s *Service) addUser(p *userPool, username, password, status string, attrs map[string]string) (*user, *apiError) {
	if len(p.users) >= maxUsersPerPool {
		return nil, newErr("LimitExceededException", "the sigscope emulator holds at most %d users per pool; delete some (AdminDeleteUser) or restart it", maxUsersPerPool)
	}
	now := s.now()
	u := &user{username: username, sub: newUUID(), password: password, salt: randomHex(16), status: status, attrs: attrs, created: now, modified: now}
	p.users[username] = u
	return u, nil
}

// userCallInput is what the unauthenticated calls about an existing
// user take (each its own subset).
type userCallInput struct {
	ClientID         string `json:"ClientId"`
	SecretHash       string `json:"SecretHash"`
	Username         string `json:"Username"`
	ConfirmationCode string `json:"ConfirmationCode"`
	Password         string `json:"Password"`
}

// userCall decodes such a call and resolves its client and user.
func (s *Service) userCall(body []byte) (*appClient, *user, userCallInput, *apiError) {
	var in userCallInput
	if e := decode(body, &in); e != nil {
		return nil, nil, in, e
	}
	c, e := s.clientCall(in.ClientID, in.SecretHash, in.Username)
	if e != nil {
		return nil, nil, in, e
	}
	u, ok := c.pool.users[in.Username]
	if !ok {
		return nil, nil, in, errUserNotFoundC
	}
	return c, u, in, nil
}

func (s *Service) confirmSignUp(body []byte) (any, *apiError) {
	_, u, in, e := s.userCall(body)
	if e != nil {
		return nil, e
	}
	if in.ConfirmationCode == "" {
		return nil, missingMember("confirmationCode")
	}
	if u.status != statusUnconfirmed {
		return nil, notAuthorized("User cannot be confirmed. Current status is %s", u.status)
	}
	if e := s.useCode(u, codeSignUp, in.ConfirmationCode); e != nil {
		return nil, e
	}
	s.confirm(u)
	return struct{}{}, nil
}

// confirm marks a signed-up user CONFIRMED, and the address the code went
// to verified.
func (s *Service) confirm(u *user) {
	u.status = statusConfirmed
	u.modified = s.now()
	if u.attrs["email"] != "" {
		u.attrs["email_verified"] = "true"
	} else if u.attrs["phone_number"] != "" {
		u.attrs["phone_number_verified"] = "true"
	}
}

type deliveryOutput struct {
	CodeDeliveryDetails *codeDelivery `json:"CodeDeliveryDetails,omitempty"`
}

func (s *Service) resendConfirmationCode(body []byte) (any, *apiError) {
	c, u, _, e := s.userCall(body)
	if e != nil {
		return nil, e
	}
	if u.status != statusUnconfirmed {
		return nil, invalidParameter("User is already confirmed.")
	}
	return deliveryOutput{s.sendCode(c.pool, u, codeSignUp, signUpCodeLifetime, "")}, nil
}

func (s *Service) forgotPassword(body []byte) (any, *apiError) {
	c, u, _, e := s.userCall(body)
	if e != nil {
		return nil, e
	}
	if u.attrs["email"] == "" && u.attrs["phone_number"] == "" {
		return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
	}
	return deliveryOutput{s.sendCode(c.pool, u, codeReset, resetCodeLifetime, "")}, nil
}

func (s *Service) confirmForgotPassword(body []byte) (any, *apiError) {
	c, u, in, e := s.userCall(body)
	if e != nil {
		return nil, e
	}
	switch {
	case in.ConfirmationCode == "":
		return nil, missingMember("confirmationCode")
	case in.Password == "":
		return nil, missingMember("password")
	}
	if e := c.pool.policy.check(in.Password, policyDidNot); e != nil {
		return nil, e
	}
	if e := s.useCode(u, codeReset, in.ConfirmationCode); e != nil {
		return nil, e
	}
	u.setPassword(in.Password, s.now())
	if u.status == statusReset || u.status == statusForceChange {
		u.status = statusConfirmed
	}
	return struct{}{}, nil
}

// standardAttributes are the attributes of every Cognito user pool's
// schema; custom:* ones are accepted too.
var standardAttributes = map[string]bool{
	"address": true, "birthdate": true, "email": true, "email_verified": true, "family_name": true, "gender": true,
	"given_name": true, "locale": true, "middle_name": true, "name": true, "nickname": true, "phone_number": true,
	"phone_number_verified": true, "picture": true, "preferred_username": true, "profile": true, "updated_at": true,
	"website": true, "zoneinfo": true,
}

// attributeMap reads a UserAttributes list, refusing what is not in the
// schema as Cognito does.
func attributeMap(list []attributeType) (map[string]string, *apiError) {
	attrs := map[string]string{}
	for _, a := range list {
		if e := checkAttribute(a.Name); e != nil {
			return nil, e
		}
		attrs[a.Name] = a.Value
	}
	return attrs, nil
}

func checkAttribute(name string) *apiError {
	switch {
	case name == "sub":
		return invalidParameter("Cannot modify an already provided sub attribute")
	case name == "" || !standardAttributes[name] && !(len(name) > 7 && name[:7] == "custom:"):
		return invalidParameter("Attributes did not conform to the schema: %s: Attribute does not exist in the schema.", name)
	}
	return nil
}

// attributeList is a user's attributes as Cognito lists them: sub first,
// then by name.
func attributeList(u *user) []attributeType {
	out := []attributeType{{Name: "sub", Value: u.sub}}
	names := make([]string, 0, len(u.attrs))
	for k := range u.attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, attributeType{Name: k, Value: u.attrs[k]})
	}
	return out
}
