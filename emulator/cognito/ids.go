package cognito

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	// crypto/rand.Read never fails on supported platforms (Go 1.24+ crashes
	// the program instead), so there is no error path to thread through.
	rand.Read(b)
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }

func formatUUID(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// uuidNamespace is the sigscope emulator's RFC 4122 name-space id; names
// hashed under it give UUIDs that stay the same across restarts, so a
// configured user keeps its sub and identity id.
var uuidNamespace = []byte{0x5e, 0x1b, 0x5c, 0x0b, 0x7a, 0x3e, 0x4d, 0x2f, 0x9c, 0x61, 0x0e, 0x8b, 0x2a, 0x44, 0xd7, 0x10}

// nameUUID returns the version 5 (SHA-1, name-based) UUID of name.
func nameUUID(name string) string {
	h := sha1.New()
	h.Write(uuidNamespace)
	h.Write([]byte(name))
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// keyID names a signing key by the hash of its public half, base64 like
// Cognito's kids.
func keyID(pub *rsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub) // cannot fail for an RSA key
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:])
}

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// randomFrom draws n characters uniformly from alphabet (rejection sampling
// keeps the distribution flat for alphabets that do not divide 256).
func randomFrom(alphabet string, n int) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(alphabet)
	for len(out) < n {
		for _, c := range randomBytes(n) {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// opaqueToken returns an unguessable string for sessions and refresh tokens.
func opaqueToken(n int) string { return base64.RawURLEncoding.EncodeToString(randomBytes(n)) }
