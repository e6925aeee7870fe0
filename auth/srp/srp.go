// Package srp implements the SRP-6a variant that Amazon Cognito user pools use
// for USER_SRP_AUTH: the client half (what an SDK does to log in) and the
// server half (what the emulator does to verify), sharing one set of
// primitives so both sides agree byte for byte.
//
// Cognito's parameters: the 3072-bit RFC 3526 group, g = 2, SHA-256,
// k = H(pad(N) ‖ pad(g)), u = H(pad(A) ‖ pad(B)),
// x = H(pad(salt) ‖ H(poolName ‖ userID ‖ ":" ‖ password)), and the session
// key is the first 16 bytes of HKDF-SHA256(ikm = pad(S), salt = pad(u),
// info = "Caldera Derived Key").
package srp

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// nHex is the 3072-bit MODP prime of RFC 3526 section 4.
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

// derivedKeyInfo is the HKDF info string Cognito uses; the name is historical.
const derivedKeyInfo = "Caldera Derived Key"

// KeyLength is the length in bytes of the derived session key.
const KeyLength = 16

var (
	groupN = mustHex(nHex)
	groupG = big.NewInt(2)
	groupK = new(big.Int).SetBytes(hashBytes(Pad(groupN), Pad(groupG)))
)

// N returns a copy of the group prime.
func N() *big.Int { return new(big.Int).Set(groupN) }

// G returns a copy of the generator.
func G() *big.Int { return new(big.Int).Set(groupG) }

// K returns a copy of the multiplier k = H(pad(N) ‖ pad(g)).
func K() *big.Int { return new(big.Int).Set(groupK) }

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad built-in constant")
	}
	return n
}

// Pad returns the big-endian bytes of a non-negative n with a leading 0x00
// when the top bit is set, so the value always reads as positive: the byte
// form of the JavaScript SDK's padHex (and Java's BigInteger.toByteArray).
// Zero pads to a single 0x00 byte, as padHex(0) gives "00".
func Pad(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

func hashBytes(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// PoolName returns the part of a user pool id after "_" ("us-east-1_Demo1"
// gives "Demo1"), which Cognito mixes into the password hash.
func PoolName(userPoolID string) (string, error) {
	region, name, ok := strings.Cut(userPoolID, "_")
	if !ok || region == "" || name == "" {
		return "", fmt.Errorf("user pool id %q: want <region>_<name>, e.g. us-east-1_Demo1", userPoolID)
	}
	return name, nil
}

// ParseHex reads an SRP value sent as hex (SRP_A, SRP_B, SALT). Odd lengths
// and leading zeros are fine, as every SDK sends BigInteger.toString(16);
// signs, prefixes and non-hex characters are not.
func ParseHex(name, s string) (*big.Int, error) {
	if s == "" {
		return nil, fmt.Errorf("%s is empty", name)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return nil, fmt.Errorf("%s is not hex: unexpected %q at offset %d", name, c, i)
		}
	}
	n, _ := new(big.Int).SetString(s, 16)
	return n, nil
}

// computeU returns u = H(pad(A) ‖ pad(B)).
func computeU(A, B *big.Int) *big.Int {
	return new(big.Int).SetBytes(hashBytes(Pad(A), Pad(B)))
}

// computeX returns x = H(pad(salt) ‖ H(poolName ‖ userID ‖ ":" ‖ password)).
func computeX(poolName, userIDForSRP, password string, salt *big.Int) *big.Int {
	inner := hashBytes([]byte(poolName + userIDForSRP + ":" + password))
	return new(big.Int).SetBytes(hashBytes(Pad(salt), inner))
}

// deriveKey turns the shared secret S into the 16-byte session key.
func deriveKey(S, u *big.Int) ([]byte, error) {
	key, err := hkdf.Key(sha256.New, Pad(S), Pad(u), derivedKeyInfo, KeyLength)
	if err != nil {
		return nil, fmt.Errorf("derive srp key: %w", err)
	}
	return key, nil
}

// Errors a careful peer must raise rather than continue with a degenerate
// value: B ≡ 0 or A ≡ 0 (mod N) would let an attacker force S, and u = 0
// would make S independent of the password.
var (
	ErrZeroB = errors.New("srp: SRP_B mod N is zero; refusing the server's value")
	ErrZeroA = errors.New("srp: SRP_A mod N is zero; refusing the client's value")
	ErrZeroU = errors.New("srp: u = H(A ‖ B) is zero; refusing to continue")
)
