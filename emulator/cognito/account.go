package cognito

import (
	"crypto/subtle"
	"strings"
)

// accessUser resolves the user an access token was issued to, refusing it
// as Cognito does when it is invalid, expired or revoked (GlobalSignOut,
// RevokeToken), or its user is gone.
func (s *Service) accessUser(token string) (*userPool, *user, *apiError) {
	if token == "" {
		return nil, nil, missingMember("accessToken")
	}
	pool, claims, err := s.verifyToken(token, "access")
	if err != nil {
		return nil, nil, tokenError(err, "Access Token")
	}
	if origin, _ := claims["origin_jti"].(string); origin != "" {
		if _, ok := s.revoked[origin]; ok {
			return nil, nil, notAuthorized("Access Token has been revoked")
		}
	}
	name, _ := claims["username"].(string)
	sub, _ := claims["sub"].(string)
	u, ok := pool.users[name]
	// The same name signed up again is another user, with another sub.
	if !ok || u.sub != sub {
		return nil, nil, errUserNotFound
	}
	return pool, u, nil
}

// revokeGrant forgets a refresh token and invalidates the access tokens
// issued from the same login (they share its origin_jti).
func (s *Service) revokeGrant(token string, g *refreshGrant) {
	delete(s.refresh, token)
	s.revoked[g.originJTI] = s.now()
	// An access token outlives its revocation entry by no more than its
	// lifetime: older entries are no longer needed.
	for origin, at := range s.revoked {
		if s.now().Sub(at) > s.tokenTTL {
			delete(s.revoked, origin)
		}
	}
}

// signOutEverywhere revokes every refresh token of u, and with them the
// access tokens of those logins: GlobalSignOut and AdminDeleteUser.
func (s *Service) signOutEverywhere(u *user) {
	for tok, g := range s.refresh {
		if g.user == u {
			s.revokeGrant(tok, g)
		}
	}
}

type changePasswordInput struct {
	AccessToken      string `json:"AccessToken"`
	PreviousPassword string `json:"PreviousPassword"`
	ProposedPassword string `json:"ProposedPassword"`
}

func (s *Service) changePassword(body []byte) (any, *apiError) {
	var in changePasswordInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if in.ProposedPassword == "" {
		return nil, missingMember("proposedPassword")
	}
	p, u, e := s.accessUser(in.AccessToken)
	if e != nil {
		return nil, e
	}
	if subtle.ConstantTimeCompare([]byte(in.PreviousPassword), []byte(u.password)) != 1 {
		return nil, errIncorrectPassword
	}
	if e := p.policy.check(in.ProposedPassword, policyDoesNot); e != nil {
		return nil, e
	}
	u.setPassword(in.ProposedPassword, s.now())
	return struct{}{}, nil
}

type accessTokenInput struct {
	AccessToken string `json:"AccessToken"`
}

func (s *Service) globalSignOut(body []byte) (any, *apiError) {
	var in accessTokenInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	_, u, e := s.accessUser(in.AccessToken)
	if e != nil {
		return nil, e
	}
	s.signOutEverywhere(u)
	return struct{}{}, nil
}

type revokeTokenInput struct {
	Token        string `json:"Token"`
	ClientID     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret"`
}

// revokeToken revokes one refresh token and the access tokens of its
// login. A token the pool does not know is not an error (RFC 7009, which
// Cognito's revocation follows); one issued to another client is.
func (s *Service) revokeToken(body []byte) (any, *apiError) {
	var in revokeTokenInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if in.Token == "" {
		return nil, missingMember("token")
	}
	c, e := s.lookupClient(in.ClientID)
	if e != nil {
		return nil, e
	}
	if c.secret != "" {
		if in.ClientSecret == "" {
			return nil, notAuthorized("Client %s is configured for secret but secret was not received", c.id)
		}
		if subtle.ConstantTimeCompare([]byte(in.ClientSecret), []byte(c.secret)) != 1 {
			return nil, notAuthorized("Unable to verify secret for client %s", c.id)
		}
	}
	if strings.Count(in.Token, ".") == 2 {
		return nil, newErr("UnsupportedTokenTypeException", "RevokeToken takes a refresh token; this is a JWT (an id or access token), which cannot be revoked on its own")
	}
	g, ok := s.refresh[in.Token]
	if !ok {
		return struct{}{}, nil
	}
	if g.client != c {
		return nil, newErr("UnauthorizedException", "the refresh token was issued to another app client than %s", c.id)
	}
	s.revokeGrant(in.Token, g)
	return struct{}{}, nil
}

type updateAttributesInput struct {
	AccessToken    string          `json:"AccessToken"`
	UserAttributes []attributeType `json:"UserAttributes"`
}

type updateAttributesOutput struct {
	CodeDeliveryDetailsList []codeDelivery `json:"CodeDeliveryDetailsList,omitempty"`
}

func (s *Service) updateUserAttributes(body []byte) (any, *apiError) {
	var in updateAttributesInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if in.UserAttributes == nil {
		return nil, missingMember("userAttributes")
	}
	p, u, e := s.accessUser(in.AccessToken)
	if e != nil {
		return nil, e
	}
	attrs, e := attributeMap(in.UserAttributes)
	if e != nil {
		return nil, e
	}
	var out updateAttributesOutput
	for _, name := range s.setAttributes(u, attrs) {
		// A new email or phone number is unverified until its code comes back.
		if d := s.sendCode(p, u, codeVerify+name, signUpCodeLifetime, name); d != nil {
			out.CodeDeliveryDetailsList = append(out.CodeDeliveryDetailsList, *d)
		}
	}
	return out, nil
}

// setAttributes writes attrs onto u and returns the addresses (email,
// phone_number) that changed and are now unverified.
func (s *Service) setAttributes(u *user, attrs map[string]string) []string {
	var changed []string
	for _, name := range []string{"email", "phone_number"} {
		if v, ok := attrs[name]; ok && v != u.attrs[name] {
			if _, set := attrs[name+"_verified"]; !set {
				attrs[name+"_verified"] = "false"
				changed = append(changed, name)
			}
		}
	}
	for k, v := range attrs {
		u.attrs[k] = v
	}
	u.modified = s.now()
	return changed
}

type verifyAttributeInput struct {
	AccessToken   string `json:"AccessToken"`
	AttributeName string `json:"AttributeName"`
	Code          string `json:"Code"`
}

// verifyUserAttribute takes the code UpdateUserAttributes sent for a new
// email or phone number.
func (s *Service) verifyUserAttribute(body []byte) (any, *apiError) {
	var in verifyAttributeInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	_, u, e := s.accessUser(in.AccessToken)
	if e != nil {
		return nil, e
	}
	if in.AttributeName != "email" && in.AttributeName != "phone_number" {
		return nil, invalidParameter("Attribute %s cannot be verified: only email and phone_number are", in.AttributeName)
	}
	if e := s.useCode(u, codeVerify+in.AttributeName, in.Code); e != nil {
		return nil, e
	}
	u.attrs[in.AttributeName+"_verified"] = "true"
	u.modified = s.now()
	return struct{}{}, nil
}
