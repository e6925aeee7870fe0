package cognito

import (
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
)

// MFA methods beyond the two in config.go.
const (
	mfaEmail     = "email"
	mfaTOTPSetup = "totp-setup"
)

// challengeFor names the challenge that asks for a method's code.
var challengeFor = map[string]string{
	mfaTOTP:  "SOFTWARE_TOKEN_MFA",
	mfaSMS:   "SMS_MFA",
	mfaEmail: "EMAIL_OTP",
}

// splitMFATypes reads MFAConfig.Type: one method or several joined by commas.
func splitMFATypes(t string) []string {
	var out []string
	for _, p := range strings.Split(t, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// validateMFA checks a user's mfa block against the methods it names.
func validateMFA(where string, u UserConfig, add func(where, format string, args ...any)) {
	m := u.MFA
	types := splitMFATypes(m.Type)
	if len(types) == 0 {
		add(where, "mfa.type is empty: want totp, sms, email, totp-setup, or several of totp, sms and email joined by commas")
		return
	}
	seen := map[string]bool{}
	for _, t := range types {
		if seen[t] {
			add(where, "mfa.type %q names %s twice", m.Type, t)
		}
		seen[t] = true
		switch t {
		case mfaTOTP, mfaSMS:
		case mfaEmail:
			if u.Attributes["email"] == "" {
				add(where, "mfa.type %q: the user has no email attribute to send the code to", m.Type)
			}
		case mfaTOTPSetup:
			if len(types) > 1 {
				add(where, "mfa.type %q: totp-setup (an authenticator still to be set up) cannot be combined with other methods", m.Type)
			}
		default:
			add(where, "mfa.type %q: want totp, sms, email, totp-setup, or several of totp, sms and email joined by commas", m.Type)
		}
	}
	if seen[mfaTOTP] {
		if _, err := decodeTOTPSecret(m.Secret); err != nil {
			hint := ""
			if m.Secret == "" {
				hint = " (for a user who must set up an authenticator at the next login, use type totp-setup)"
			}
			add(where, "mfa.secret: %v%s", err, hint)
		}
	} else if m.Secret != "" {
		add(where, "mfa.secret is only for type totp")
	}
	if seen[mfaSMS] {
		if !phonePattern.MatchString(m.Phone) {
			add(where, "mfa.phone %q: want an E.164 number like +15555550100", m.Phone)
		}
	} else if m.Phone != "" {
		add(where, "mfa.phone is only for type sms")
	}
}

// applyMFA copies a validated mfa block onto a user.
func applyMFA(u *user, m *MFAConfig) {
	if m == nil {
		return
	}
	types := splitMFATypes(m.Type)
	u.phone = m.Phone
	if types[0] == mfaTOTPSetup {
		u.mfaType = mfaTOTP // with no key: MFA_SETUP
		return
	}
	u.mfaType = types[0]
	if len(types) > 1 {
		u.mfaChoices = types
	}
	for _, t := range types {
		if t == mfaTOTP {
			u.totpKey, _ = decodeTOTPSecret(m.Secret) // validated already
		}
	}
}

// mfaChallenge answers what a user owes once the password is settled: a
// choice of method, an authenticator to set up, a code, or nothing.
func (s *Service) mfaChallenge(c *appClient, u *user) (any, *apiError) {
	if len(u.mfaChoices) > 1 {
		choices := make([]string, len(u.mfaChoices))
		for i, t := range u.mfaChoices {
			choices[i] = challengeFor[t]
		}
		list, _ := json.Marshal(choices)
		return authOutput{
			ChallengeName: "SELECT_MFA_TYPE",
			ChallengeParameters: map[string]string{
				"MFAS_CAN_CHOOSE": string(list),
				"USER_ID_FOR_SRP": u.username,
			},
			Session: s.newSession(&authSession{challenge: "SELECT_MFA_TYPE", client: c, user: u}),
		}, nil
	}
	if u.mfaType == mfaTOTP && u.totpKey == nil {
		return authOutput{
			ChallengeName: "MFA_SETUP",
			ChallengeParameters: map[string]string{
				"MFAS_CAN_SETUP":  `["SOFTWARE_TOKEN_MFA"]`,
				"USER_ID_FOR_SRP": u.username,
			},
			Session: s.newSession(&authSession{challenge: "MFA_SETUP", client: c, user: u}),
		}, nil
	}
	if u.mfaType == "" {
		return s.login(c, u)
	}
	return s.codeChallenge(c, u, u.mfaType)
}

// codeChallenge sends (for SMS and email, logs) a code and asks for it.
func (s *Service) codeChallenge(c *appClient, u *user, method string) (any, *apiError) {
	name := challengeFor[method]
	sess := &authSession{challenge: name, client: c, user: u}
	params := map[string]string{"USER_ID_FOR_SRP": u.username}
	switch method {
	case mfaSMS:
		sess.smsCode = smsCode()
		s.logf("SMS to %s: your code is %s", u.phone, sess.smsCode)
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = "SMS"
		params["CODE_DELIVERY_DESTINATION"] = maskPhone(u.phone)
		s.keepSent(c.pool.id, u.username, SentCode{Medium: "SMS", Destination: maskPhone(u.phone), Code: sess.smsCode})
	case mfaEmail:
		sess.emailCode = smsCode()
		s.logf("Email to %s: your code is %s", u.attrs["email"], sess.emailCode)
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = "EMAIL"
		params["CODE_DELIVERY_DESTINATION"] = maskEmail(u.attrs["email"])
		s.keepSent(c.pool.id, u.username, SentCode{Medium: "EMAIL", Destination: maskEmail(u.attrs["email"]), Code: sess.emailCode})
	}
	return authOutput{ChallengeName: name, ChallengeParameters: params, Session: s.newSession(sess)}, nil
}

// SentCode is an MFA code the emulator "sent": a real user pool delivers
// it by SMS or email, the emulator only writes it to its log.
type SentCode struct {
	Medium      string // "SMS" or "EMAIL", as CODE_DELIVERY_DELIVERY_MEDIUM
	Destination string // masked, as CODE_DELIVERY_DESTINATION
	Code        string
}

// LastCode returns the code last sent to a user of a pool. It is for a
// process that runs the emulator itself and has no log on screen (the
// terminal UI of `sigscope demo`), so that an SMS or email login can be
// finished; the codes are demo data, no secret of anyone's.
func (s *Service) LastCode(poolID, username string) (SentCode, bool) {
	s.sentMu.Lock()
	defer s.sentMu.Unlock()
	c, ok := s.sent[poolID+"\x00"+username]
	return c, ok
}

// keepSent records a code for LastCode: one per user, so the map is
// bounded by the configured users.
func (s *Service) keepSent(poolID, username string, c SentCode) {
	s.sentMu.Lock()
	defer s.sentMu.Unlock()
	if s.sent == nil {
		s.sent = map[string]SentCode{}
	}
	s.sent[poolID+"\x00"+username] = c
}

// answerSelectMFA takes ANSWER (SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP)
// and asks for that method's code under a new session.
func (s *Service) answerSelectMFA(id string, sess *authSession, resp map[string]string) (any, *apiError) {
	answer, ok := resp["ANSWER"]
	if !ok || answer == "" {
		return nil, missingParameter("ANSWER")
	}
	for _, t := range sess.user.mfaChoices {
		if challengeFor[t] == answer {
			delete(s.sessions, id)
			return s.codeChallenge(sess.client, sess.user, t)
		}
	}
	choices := make([]string, len(sess.user.mfaChoices))
	for i, t := range sess.user.mfaChoices {
		choices[i] = challengeFor[t]
	}
	return nil, invalidParameter("ANSWER %q is not one of the MFA types the user can choose: %s", answer, strings.Join(choices, ", "))
}

// answerMFASetup completes MFA_SETUP once VerifySoftwareToken has accepted a
// code: the key becomes the user's, and the login ends with tokens.
func (s *Service) answerMFASetup(id string, sess *authSession) (any, *apiError) {
	if !sess.setupVerified {
		return nil, invalidParameter("the software token is not verified yet: call AssociateSoftwareToken, then VerifySoftwareToken with a code, each with the Session it returned")
	}
	delete(s.sessions, id)
	u := sess.user
	u.totpKey = sess.setupKey
	u.mfaType = mfaTOTP
	return s.login(sess.client, u)
}

// setupSession finds the MFA_SETUP session that AssociateSoftwareToken and
// VerifySoftwareToken name. Only the Session form is emulated.
func (s *Service) setupSession(id, accessToken string) (*authSession, *apiError) {
	if id == "" {
		if accessToken != "" {
			return nil, invalidParameter("the sigscope emulator sets up software tokens only during a login (Session from the MFA_SETUP challenge), not with an AccessToken")
		}
		return nil, invalidParameter("Session or AccessToken is required")
	}
	s.pruneSessions()
	sess, ok := s.sessions[id]
	if !ok {
		return nil, errInvalidSession
	}
	if s.now().Sub(sess.created) > sessionLifetime {
		delete(s.sessions, id)
		return nil, errSessionExpired
	}
	if sess.challenge != "MFA_SETUP" {
		return nil, invalidParameter("the session is for %s, not MFA_SETUP", sess.challenge)
	}
	return sess, nil
}

type associateInput struct {
	AccessToken string `json:"AccessToken"`
	Session     string `json:"Session"`
}

type associateOutput struct {
	SecretCode string `json:"SecretCode"`
	Session    string `json:"Session"`
}

// associateSoftwareToken hands out a fresh TOTP key for the session's user
// and a new session, as Cognito rotates it at every step.
func (s *Service) associateSoftwareToken(body []byte) (any, *apiError) {
	var in associateInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	sess, apiErr := s.setupSession(in.Session, in.AccessToken)
	if apiErr != nil {
		return nil, apiErr
	}
	delete(s.sessions, in.Session)
	key := randomBytes(20)
	next := &authSession{challenge: "MFA_SETUP", client: sess.client, user: sess.user, setupKey: key}
	return associateOutput{
		SecretCode: base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key),
		Session:    s.newSession(next),
	}, nil
}

type verifyInput struct {
	AccessToken        string `json:"AccessToken"`
	Session            string `json:"Session"`
	UserCode           string `json:"UserCode"`
	FriendlyDeviceName string `json:"FriendlyDeviceName"`
}

type verifyOutput struct {
	Status  string `json:"Status"`
	Session string `json:"Session,omitempty"`
}

// verifySoftwareToken checks a code from the authenticator the user just
// set up; a wrong code leaves the session usable for another try.
func (s *Service) verifySoftwareToken(body []byte) (any, *apiError) {
	var in verifyInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.UserCode == "" {
		return nil, missingMember("userCode")
	}
	sess, apiErr := s.setupSession(in.Session, in.AccessToken)
	if apiErr != nil {
		return nil, apiErr
	}
	if sess.setupKey == nil {
		return nil, invalidParameter("no software token to verify: call AssociateSoftwareToken first")
	}
	if !totpValid(sess.setupKey, s.now(), in.UserCode) {
		sess.attempts++
		if sess.attempts >= maxCodeAttempts {
			delete(s.sessions, in.Session)
		}
		return nil, newErr("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	}
	delete(s.sessions, in.Session)
	next := &authSession{challenge: "MFA_SETUP", client: sess.client, user: sess.user, setupKey: sess.setupKey, setupVerified: true}
	return verifyOutput{Status: "SUCCESS", Session: s.newSession(next)}, nil
}

// maskEmail hides an address the way Cognito's CODE_DELIVERY_DESTINATION
// does: d***@e***.
func maskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	return fmt.Sprintf("%c***@%c***", local[0], domain[0])
}
