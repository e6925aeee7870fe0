package srp

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Client is one USER_SRP_AUTH login attempt: it owns the private value a and
// must not be reused across attempts.
type Client struct {
	poolName string
	a        *big.Int
	pubA     *big.Int
}

// privateBits is the size of random private values; RFC 5054 asks for at
// least 256 bits.
const privateBits = 256

// randomPrivate returns a uniformly random value in [1, 2^256).
func randomPrivate() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), privateBits)
	for {
		v, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return nil, fmt.Errorf("srp: random private value: %w", err)
		}
		if v.Sign() > 0 {
			return v, nil
		}
	}
}

// NewClient starts a login to userPoolID. a is the private value; nil picks a
// random 256-bit one (tests pass a fixed value to reproduce vectors).
func NewClient(userPoolID string, a *big.Int) (*Client, error) {
	poolName, err := PoolName(userPoolID)
	if err != nil {
		return nil, fmt.Errorf("srp client: %w", err)
	}
	if a == nil {
		if a, err = randomPrivate(); err != nil {
			return nil, err
		}
	} else if a.Sign() <= 0 {
		return nil, errors.New("srp client: private value a must be positive")
	} else {
		a = new(big.Int).Set(a)
	}
	A := new(big.Int).Exp(groupG, a, groupN)
	if A.Sign() == 0 {
		return nil, ErrZeroA
	}
	return &Client{poolName: poolName, a: a, pubA: A}, nil
}

// SRPA returns the public value A in lowercase hex without padding, the form
// the SDKs send as AuthParameters.SRP_A.
func (c *Client) SRPA() string { return c.pubA.Text(16) }

// SessionKey derives the 16-byte key from the PASSWORD_VERIFIER challenge
// parameters. It rejects B ≡ 0 (mod N) and u = 0 as real clients must.
func (c *Client) SessionKey(userIDForSRP, password, saltHex, srpBHex string) ([]byte, error) {
	salt, err := ParseHex("SALT", saltHex)
	if err != nil {
		return nil, fmt.Errorf("srp client: %w", err)
	}
	B, err := ParseHex("SRP_B", srpBHex)
	if err != nil {
		return nil, fmt.Errorf("srp client: %w", err)
	}
	if new(big.Int).Mod(B, groupN).Sign() == 0 {
		return nil, ErrZeroB
	}
	u := computeU(c.pubA, B)
	if u.Sign() == 0 {
		return nil, ErrZeroU
	}
	x := computeX(c.poolName, userIDForSRP, password, salt)
	// base = B - k·g^x, taken mod N so the exponentiation sees a value in [0, N).
	gx := new(big.Int).Exp(groupG, x, groupN)
	base := new(big.Int).Mul(groupK, gx)
	base.Sub(B, base)
	base.Mod(base, groupN)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, c.a)
	S := new(big.Int).Exp(base, exp, groupN)
	return deriveKey(S, u)
}

// PasswordClaim answers a PASSWORD_VERIFIER challenge: it returns
// PASSWORD_CLAIM_SIGNATURE and the TIMESTAMP it signed (now, formatted the
// way Cognito expects).
func (c *Client) PasswordClaim(userIDForSRP, password, saltHex, srpBHex, secretBlockB64 string, now time.Time) (signature, timestamp string, err error) {
	secretBlock, err := base64.StdEncoding.DecodeString(secretBlockB64)
	if err != nil {
		return "", "", fmt.Errorf("srp client: SECRET_BLOCK is not base64: %w", err)
	}
	key, err := c.SessionKey(userIDForSRP, password, saltHex, srpBHex)
	if err != nil {
		return "", "", err
	}
	timestamp = FormatTimestamp(now)
	return ClaimSignature(key, c.poolName, userIDForSRP, secretBlock, timestamp), timestamp, nil
}
