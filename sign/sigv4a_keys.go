package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sync"
)

// PublicKey is the SigV4a ECDSA P-256 public key derived from a secret
// key. It is not a secret: a server holds it to check signatures.
type PublicKey struct {
	X string `json:"x"` // hex, 32 bytes
	Y string `json:"y"` // hex, 32 bytes
	// Fingerprint tells keys apart at a glance: the first 16 bytes of the
	// SHA-256 of the uncompressed point (04 || X || Y), hex.
	Fingerprint string `json:"fingerprint"`
}

// v4aKeyLabel is the KDF label, the algorithm name itself.
const v4aKeyLabel = AlgorithmV4a

// p256NMinus2 bounds a key candidate: FIPS 186-4 B.4.2 accepts c <= n-2
// and uses d = c+1, so that 1 <= d <= n-1.
var p256NMinus2 = new(big.Int).Sub(elliptic.P256().Params().N, big.NewInt(2))

// v4aKey is a derived SigV4a key pair and its printable forms.
type v4aKey struct {
	priv    *ecdsa.PrivateKey
	privHex string // the private scalar d, 32 bytes hex: a secret
	public  PublicKey
}

// v4aKeyCache keeps derived keys per access key id and secret: a
// derivation costs a scalar multiplication, more than the rest of a
// signature. Like keyCache it is keyed by the secret, so a corrected
// secret takes effect at once.
var v4aKeyCache = struct {
	sync.Mutex
	m map[string]*v4aKey
}{m: map[string]*v4aKey{}}

// deriveV4aKey derives the ECDSA P-256 key pair of an access key as the
// SigV4a specification defines it: NIST SP 800-108 KDF in counter mode
// with HMAC-SHA256 keyed by "AWS4A"+secret, the algorithm name as label
// and the access key id plus a one-byte external counter as context; the
// first 256-bit candidate c with c <= n-2 gives d = c+1.
func deriveV4aKey(accessKeyID, secret string) (*v4aKey, error) {
	id := accessKeyID + "\x00" + secret
	v4aKeyCache.Lock()
	k, ok := v4aKeyCache.m[id]
	v4aKeyCache.Unlock()
	if ok {
		return k, nil
	}
	d, err := v4aScalar(accessKeyID, secret)
	if err != nil {
		return nil, err
	}
	var scalar [32]byte
	d.FillBytes(scalar[:])
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), scalar[:])
	if err != nil {
		return nil, fmt.Errorf("sigv4a key: %w", err)
	}
	k = &v4aKey{priv: priv, privHex: hex.EncodeToString(scalar[:]), public: publicKeyOf(&priv.PublicKey)}
	v4aKeyCache.Lock()
	if len(v4aKeyCache.m) >= keyCacheMax {
		clear(v4aKeyCache.m)
	}
	v4aKeyCache.m[id] = k
	v4aKeyCache.Unlock()
	return k, nil
}

// v4aScalar runs the KDF until a candidate fits the curve order.
func v4aScalar(accessKeyID, secret string) (*big.Int, error) {
	// Fixed input after the 32-bit iteration counter: label || 0x00 ||
	// context || L, with context = access key id || external counter and
	// L = 256, the bit length asked for (one HMAC block).
	fixed := make([]byte, 0, len(v4aKeyLabel)+1+len(accessKeyID)+1+4)
	fixed = append(fixed, v4aKeyLabel...)
	fixed = append(fixed, 0)
	fixed = append(fixed, accessKeyID...)
	counterAt := len(fixed)
	fixed = append(fixed, 0)
	fixed = binary.BigEndian.AppendUint32(fixed, 256)

	mac := hmac.New(sha256.New, []byte("AWS4A"+secret))
	c := new(big.Int)
	for counter := 1; counter <= 0xff; counter++ {
		fixed[counterAt] = byte(counter)
		mac.Reset()
		mac.Write([]byte{0, 0, 0, 1}) // KDF iteration i = 1: 256 bits need one block
		mac.Write(fixed)
		c.SetBytes(mac.Sum(nil))
		if c.Cmp(p256NMinus2) <= 0 {
			return c.Add(c, big.NewInt(1)), nil
		}
	}
	// Each try fails with probability about 2^-32: unreachable in practice.
	return nil, errors.New("sigv4a key derivation: no candidate below the curve order after 255 tries")
}

func publicKeyOf(pub *ecdsa.PublicKey) PublicKey {
	point, err := pub.Bytes() // 04 || X || Y
	if err != nil || len(point) != 65 {
		return PublicKey{}
	}
	sum := sha256.Sum256(point)
	return PublicKey{X: hex.EncodeToString(point[1:33]), Y: hex.EncodeToString(point[33:]), Fingerprint: hex.EncodeToString(sum[:16])}
}

// ECDSA returns the key as a crypto/ecdsa public key, for checking
// signatures with it.
func (p PublicKey) ECDSA() (*ecdsa.PublicKey, error) {
	x, errX := hex.DecodeString(p.X)
	y, errY := hex.DecodeString(p.Y)
	if errX != nil || errY != nil || len(x) > 32 || len(y) > 32 {
		return nil, fmt.Errorf("public key: X and Y must be hex of at most 32 bytes each")
	}
	point := make([]byte, 65)
	point[0] = 4
	copy(point[33-len(x):33], x)
	copy(point[65-len(y):], y)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return pub, nil
}

// DerivePublicKey is the SigV4a public key of an access key and its secret.
func DerivePublicKey(accessKeyID, secret string) (PublicKey, error) {
	k, err := deriveV4aKey(accessKeyID, secret)
	if err != nil {
		return PublicKey{}, err
	}
	return k.public, nil
}

// VerifyECDSA reports whether sigHex (hex of an ASN.1 DER ECDSA signature)
// signs stringToSign (hashed with SHA-256) under pub.
func VerifyECDSA(pub *ecdsa.PublicKey, stringToSign, sigHex string) bool {
	sig, err := hex.DecodeString(sigHex)
	if err != nil || pub == nil {
		return false
	}
	sum := sha256.Sum256(bytesOf(stringToSign))
	return ecdsa.VerifyASN1(pub, sum[:], sig)
}
