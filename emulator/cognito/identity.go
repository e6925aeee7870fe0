package cognito

import (
	"encoding/base64"
	"errors"
	"sort"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// IssuedCredentials are temporary AWS credentials handed out by
// GetCredentialsForIdentity, as the API Gateway emulator needs to see them.
type IssuedCredentials struct {
	AccessKeyID, SecretAccessKey, SessionToken, IdentityID, IdentityPoolID string
	Expiration                                                             time.Time
	Authenticated                                                          bool
	Logins                                                                 []string // provider names, e.g. cognito-idp.us-east-1.amazonaws.com/us-east-1_Demo1
	// Role is the IAM role name the credentials act as: the pool's
	// authenticated role, or its unauthenticated (guest) role.
	Role string
}

// identity is an identity-pool identity: a guest one, or one per (pool, sub).
type identity struct {
	id            string
	pool          *identityPool
	authenticated bool
	logins        []string
}

// credentialRetention is how long expired credentials stay known, so API
// Gateway can answer "expired" rather than "invalid" for a while.
const credentialRetention = 12 * time.Hour

type getIDInput struct {
	AccountID      string            `json:"AccountId"`
	IdentityPoolID string            `json:"IdentityPoolId"`
	Logins         map[string]string `json:"Logins"`
}

type getCredentialsInput struct {
	IdentityID    string            `json:"IdentityId"`
	Logins        map[string]string `json:"Logins"`
	CustomRoleArn string            `json:"CustomRoleArn"`
}

type credentialsJSON struct {
	AccessKeyID  string `json:"AccessKeyId"`
	SecretKey    string `json:"SecretKey"`
	SessionToken string `json:"SessionToken"`
	Expiration   int64  `json:"Expiration"` // epoch seconds, a JSON number as the real service sends
}

type getCredentialsOutput struct {
	Credentials credentialsJSON `json:"Credentials"`
	IdentityID  string          `json:"IdentityId"`
}

// checkLogins validates every Logins entry against ip and returns the
// identity id they stand for and the sorted provider names.
func (s *Service) checkLogins(ip *identityPool, logins map[string]string) (string, []string, *apiError) {
	providers := make([]string, 0, len(logins))
	for name := range logins {
		providers = append(providers, name)
	}
	sort.Strings(providers)
	var subject string
	for _, name := range providers {
		pool, ok := ip.providers[name]
		if !ok {
			return "", nil, notAuthorized("Invalid login token. Token is not from a supported provider of this identity pool.")
		}
		tokPool, claims, err := s.verifyToken(logins[name], "id")
		if err != nil {
			switch {
			case errors.Is(err, jwt.ErrTokenExpired):
				exp, _ := claims.GetExpirationTime()
				if exp != nil {
					return "", nil, notAuthorized("Invalid login token. Token expired: %d >= %d", s.now().Unix(), exp.Unix())
				}
				return "", nil, notAuthorized("Invalid login token. Token expired.")
			case errors.Is(err, errWrongTokenUse):
				return "", nil, notAuthorized("Invalid login token. Not a valid OpenId Connect identity token.")
			default:
				return "", nil, notAuthorized("Invalid login token. Couldn't verify signed token.")
			}
		}
		if tokPool != pool {
			return "", nil, notAuthorized("Invalid login token. Issuer doesn't match providerName")
		}
		aud, _ := claims["aud"].(string)
		if _, ok := pool.clients[aud]; !ok {
			return "", nil, notAuthorized("Invalid login token. Audience is not a client of %s.", pool.id)
		}
		if subject == "" {
			sub, _ := claims["sub"].(string)
			subject = name + "/" + sub
		}
	}
	return ip.region + ":" + nameUUID("identity:"+ip.id+"/"+subject), providers, nil
}

func (s *Service) lookupIdentityPool(id string) (*identityPool, *apiError) {
	if id == "" {
		return nil, missingMember("identityPoolId")
	}
	ip, ok := s.idPools[id]
	if !ok {
		return nil, newErr("ResourceNotFoundException", "IdentityPool '%s' not found.", id)
	}
	return ip, nil
}

func (s *Service) getID(body []byte) (any, *apiError) {
	var in getIDInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	ip, apiErr := s.lookupIdentityPool(in.IdentityPoolID)
	if apiErr != nil {
		return nil, apiErr
	}
	if len(in.Logins) == 0 {
		if !ip.allowUnauth {
			return nil, notAuthorized("Unauthenticated access is not supported for this identity pool.")
		}
		id := ip.region + ":" + newUUID()
		s.identities[id] = &identity{id: id, pool: ip}
		return map[string]string{"IdentityId": id}, nil
	}
	id, providers, apiErr := s.checkLogins(ip, in.Logins)
	if apiErr != nil {
		return nil, apiErr
	}
	s.identities[id] = &identity{id: id, pool: ip, authenticated: true, logins: providers}
	return map[string]string{"IdentityId": id}, nil
}

func (s *Service) getCredentialsForIdentity(body []byte) (any, *apiError) {
	var in getCredentialsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.IdentityID == "" {
		return nil, missingMember("identityId")
	}
	ident, ok := s.identities[in.IdentityID]
	if !ok && len(in.Logins) > 0 {
		// Authenticated identity ids are derived from (pool, sub), so one
		// from an earlier run is recognised again from its logins.
		for _, ip := range s.idPools {
			if id, providers, err := s.checkLogins(ip, in.Logins); err == nil && id == in.IdentityID {
				ident = &identity{id: id, pool: ip, authenticated: true, logins: providers}
				s.identities[id] = ident
				ok = true
				break
			}
		}
	}
	if !ok {
		return nil, newErr("ResourceNotFoundException", "Identity '%s' not found.", in.IdentityID)
	}
	var logins []string
	if ident.authenticated {
		if len(in.Logins) == 0 {
			return nil, notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.")
		}
		id, providers, apiErr := s.checkLogins(ident.pool, in.Logins)
		if apiErr != nil {
			return nil, apiErr
		}
		if id != ident.id {
			return nil, notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.")
		}
		logins = providers
	} else {
		if len(in.Logins) > 0 {
			return nil, notAuthorized("Logins don't match. This identity is unauthenticated; call GetId with the logins to get an authenticated identity.")
		}
		if !ident.pool.allowUnauth {
			return nil, notAuthorized("Unauthenticated access is not supported for this identity pool.")
		}
	}
	now := s.now()
	s.pruneCredentials(now)
	cred := &IssuedCredentials{
		AccessKeyID:     "ASIA" + randomFrom(upperAlnum, 16),
		SecretAccessKey: randomFrom(secretAlphabet, 40),
		SessionToken:    base64.StdEncoding.EncodeToString(randomBytes(300)),
		IdentityID:      ident.id,
		IdentityPoolID:  ident.pool.id,
		Expiration:      now.Add(s.credTTL).Truncate(time.Second),
		Authenticated:   ident.authenticated,
		Logins:          logins,
		Role:            ident.pool.unauthRole,
	}
	if ident.authenticated {
		cred.Role = ident.pool.authRole
	}
	s.creds[cred.AccessKeyID] = cred
	s.tokens[cred.SessionToken] = cred.AccessKeyID
	return getCredentialsOutput{
		IdentityID: ident.id,
		Credentials: credentialsJSON{
			AccessKeyID:  cred.AccessKeyID,
			SecretKey:    cred.SecretAccessKey,
			SessionToken: cred.SessionToken,
			Expiration:   cred.Expiration.Unix(),
		},
	}, nil
}

func (s *Service) pruneCredentials(now time.Time) {
	for key, c := range s.creds {
		if now.Sub(c.Expiration) > credentialRetention {
			delete(s.creds, key)
			delete(s.tokens, c.SessionToken)
		}
	}
}

// LookupCredentials returns credentials this service issued through
// GetCredentialsForIdentity. Expired ones are still returned (for a while);
// the caller checks Expiration.
func (s *Service) LookupCredentials(accessKeyID string) (IssuedCredentials, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[accessKeyID]
	if !ok {
		return IssuedCredentials{}, false
	}
	out := *c
	out.Logins = append([]string(nil), c.Logins...)
	return out, true
}

// SessionTokenValid reports whether token is a session token this service
// issued, expired or not; LookupCredentials gives the expiry.
func (s *Service) SessionTokenValid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.tokens[token]
	return ok
}
