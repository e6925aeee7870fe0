package cognito

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/sigscope/sigscope/auth/srp"
)

type respondInput struct {
	ChallengeName      string            `json:"ChallengeName"`
	ClientID           string            `json:"ClientId"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	Session            string            `json:"Session"`
}

// timestampSkew is how far a PASSWORD_VERIFIER TIMESTAMP may be from the
// server clock.
const timestampSkew = 5 * time.Minute

func (s *Service) respondToAuthChallenge(body []byte) (any, *apiError) {
	var in respondInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ChallengeName == "" {
		return nil, missingMember("challengeName")
	}
	c, apiErr := s.lookupClient(in.ClientID)
	if apiErr != nil {
		return nil, apiErr
	}
	if in.Session == "" {
		return nil, missingParameter("Session")
	}
	s.pruneSessions()
	sess, ok := s.sessions[in.Session]
	if !ok {
		return nil, errInvalidSession
	}
	if s.now().Sub(sess.created) > sessionLifetime {
		delete(s.sessions, in.Session)
		return nil, errSessionExpired
	}
	if sess.client != c {
		return nil, errInvalidSession
	}
	if in.ChallengeName != sess.challenge {
		return nil, invalidParameter("ChallengeName %s does not match the session, which expects %s", in.ChallengeName, sess.challenge)
	}
	resp := in.ChallengeResponses
	if resp == nil {
		resp = map[string]string{}
	}
	username, ok := resp["USERNAME"]
	if !ok || username == "" {
		return nil, missingParameter("USERNAME")
	}
	if username != sess.user.username {
		return nil, errInvalidSession
	}
	if err := checkSecretHash(c, resp, username); err != nil {
		return nil, err
	}
	switch sess.challenge {
	case "PASSWORD_VERIFIER":
		return s.answerPasswordVerifier(in.Session, sess, resp)
	case "NEW_PASSWORD_REQUIRED":
		return s.answerNewPassword(in.Session, sess, resp)
	case "SOFTWARE_TOKEN_MFA":
		return s.answerCode(in.Session, sess, resp, "SOFTWARE_TOKEN_MFA_CODE", func(code string) bool {
			return totpValid(sess.user.totpKey, s.now(), code)
		})
	case "SMS_MFA":
		return s.answerCode(in.Session, sess, resp, "SMS_MFA_CODE", func(code string) bool {
			return subtle.ConstantTimeCompare([]byte(code), []byte(sess.smsCode)) == 1
		})
	case "EMAIL_OTP":
		return s.answerCode(in.Session, sess, resp, "EMAIL_OTP_CODE", func(code string) bool {
			return subtle.ConstantTimeCompare([]byte(code), []byte(sess.emailCode)) == 1
		})
	case "SELECT_MFA_TYPE":
		return s.answerSelectMFA(in.Session, sess, resp)
	case "MFA_SETUP":
		return s.answerMFASetup(in.Session, sess)
	}
	return nil, internalError(fmt.Errorf("session holds unknown challenge %q", sess.challenge))
}

func (s *Service) answerPasswordVerifier(id string, sess *authSession, resp map[string]string) (any, *apiError) {
	for _, name := range []string{"PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		if resp[name] == "" {
			return nil, missingParameter(name)
		}
	}
	block, err := base64.StdEncoding.DecodeString(resp["PASSWORD_CLAIM_SECRET_BLOCK"])
	if err != nil || subtle.ConstantTimeCompare(block, sess.secretBlock) != 1 {
		return nil, notAuthorized("PASSWORD_CLAIM_SECRET_BLOCK does not match the SECRET_BLOCK of this session.")
	}
	ts, err := srp.ParseTimestamp(resp["TIMESTAMP"])
	if err != nil {
		return nil, notAuthorized("TIMESTAMP is not in Cognito's format (e.g. %q): %v", srp.FormatTimestamp(s.now()), err)
	}
	if skew := s.now().Sub(ts); skew > timestampSkew || skew < -timestampSkew {
		return nil, notAuthorized("TIMESTAMP %q is more than 5 minutes from the server time %q.", resp["TIMESTAMP"], srp.FormatTimestamp(s.now()))
	}
	// The SRP values are single-use whatever the outcome.
	delete(s.sessions, id)
	key, err := sess.srpServer.SessionKey(sess.srpA)
	if err != nil {
		return nil, errIncorrectPassword
	}
	u := sess.user
	if !srp.VerifyClaim(key, sess.client.pool.poolName, u.username, block, resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"]) {
		return nil, errIncorrectPassword
	}
	return s.afterPassword(sess.client, u)
}

func (s *Service) answerNewPassword(id string, sess *authSession, resp map[string]string) (any, *apiError) {
	pw, ok := resp["NEW_PASSWORD"]
	if !ok || pw == "" {
		return nil, missingParameter("NEW_PASSWORD")
	}
	u := sess.user
	if e := sess.client.pool.policy.check(pw, policyDoesNot); e != nil {
		return nil, e
	}
	for k, v := range resp {
		name, ok := strings.CutPrefix(k, "userAttributes.")
		if !ok {
			continue
		}
		if name == "" || name == "sub" || reservedClaims[name] {
			return nil, invalidParameter("Cannot modify the attribute %q", name)
		}
		u.attrs[name] = v
	}
	u.setPassword(pw, s.now())
	u.status = statusConfirmed
	delete(s.sessions, id)
	return s.afterNewPassword(sess.client, u)
}

// answerCode handles the MFA challenges: a wrong code may be retried a few
// times within the session's lifetime.
func (s *Service) answerCode(id string, sess *authSession, resp map[string]string, param string, valid func(string) bool) (any, *apiError) {
	code, ok := resp[param]
	if !ok || code == "" {
		return nil, missingParameter(param)
	}
	if !valid(code) {
		sess.attempts++
		if sess.attempts >= maxCodeAttempts {
			delete(s.sessions, id)
		}
		if param != "SOFTWARE_TOKEN_MFA_CODE" {
			return nil, newErr("CodeMismatchException", "Invalid code or auth state for the user.")
		}
		return nil, newErr("CodeMismatchException", "Invalid code received for user")
	}
	delete(s.sessions, id)
	return s.login(sess.client, sess.user)
}

// totpCode computes the RFC 6238 code (HMAC-SHA1, 6 digits) for a counter.
func totpCode(key []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// totpValid accepts the code of the current 30-second step or either
// neighbour, to absorb clock drift between phone and server.
func totpValid(key []byte, now time.Time, code string) bool {
	if len(code) != 6 || now.Unix() < 0 {
		return false
	}
	step := uint64(now.Unix()) / 30
	ok := 0
	for _, c := range []uint64{step - 1, step, step + 1} {
		ok |= subtle.ConstantTimeCompare([]byte(totpCode(key, c)), []byte(code))
	}
	return ok == 1
}

// smsCode returns a random six-digit code.
func smsCode() string {
	b := randomBytes(4)
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(b)%1_000_000)
}
