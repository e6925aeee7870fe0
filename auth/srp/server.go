package srp

import (
	"errors"
	"fmt"
	"math/big"
)

// Verifier computes the password verifier v = g^x mod N that a server stores
// instead of the password. saltHex is the SALT the server will announce; it
// is read as a number, as clients do, so leading zeros do not matter.
func Verifier(poolName, userIDForSRP, password, saltHex string) (*big.Int, error) {
	salt, err := ParseHex("SALT", saltHex)
	if err != nil {
		return nil, fmt.Errorf("srp verifier: %w", err)
	}
	x := computeX(poolName, userIDForSRP, password, salt)
	return new(big.Int).Exp(groupG, x, groupN), nil
}

// Server is the server half of one login attempt.
type Server struct {
	v, b, B *big.Int
}

// NewServer starts the server half for verifier v with private value b;
// nil b picks a random 256-bit one.
func NewServer(v, b *big.Int) (*Server, error) {
	if v == nil || v.Sign() <= 0 || v.Cmp(groupN) >= 0 {
		return nil, errors.New("srp server: verifier must be in [1, N)")
	}
	var err error
	if b == nil {
		if b, err = randomPrivate(); err != nil {
			return nil, err
		}
	} else if b.Sign() <= 0 {
		return nil, errors.New("srp server: private value b must be positive")
	} else {
		b = new(big.Int).Set(b)
	}
	// B = k·v + g^b mod N
	B := new(big.Int).Mul(groupK, v)
	B.Add(B, new(big.Int).Exp(groupG, b, groupN))
	B.Mod(B, groupN)
	if B.Sign() == 0 {
		return nil, ErrZeroB
	}
	return &Server{v: new(big.Int).Set(v), b: b, B: B}, nil
}

// SRPB returns B in lowercase hex, as announced in the challenge's SRP_B.
func (s *Server) SRPB() string { return s.B.Text(16) }

// SessionKey derives the 16-byte key from the client's SRP_A:
// S = (A · v^u)^b mod N. It rejects A ≡ 0 (mod N) and u = 0.
func (s *Server) SessionKey(srpAHex string) ([]byte, error) {
	A, err := ParseHex("SRP_A", srpAHex)
	if err != nil {
		return nil, fmt.Errorf("srp server: %w", err)
	}
	if new(big.Int).Mod(A, groupN).Sign() == 0 {
		return nil, ErrZeroA
	}
	u := computeU(A, s.B)
	if u.Sign() == 0 {
		return nil, ErrZeroU
	}
	base := new(big.Int).Exp(s.v, u, groupN)
	base.Mul(base, A)
	base.Mod(base, groupN)
	S := new(big.Int).Exp(base, s.b, groupN)
	return deriveKey(S, u)
}
