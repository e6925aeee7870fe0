package sign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"
	"unsafe"
)

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(bytesOf(data))
	return m.Sum(nil)
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// bytesOf views a string as bytes without copying, for hashing only: the
// hash functions neither keep nor change their input, and a canonical
// request with a session token is over a kilobyte.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// derivedKeys is the HMAC chain for one secret, date, region and service.
type derivedKeys struct {
	date, region, service, signing []byte
	hex                            SigningKeys
	macs                           sync.Pool // of HMAC(signing) states: hmac.New hashes the key pad each time
}

// sign returns hex(HMAC(kSigning, data)).
func (k *derivedKeys) sign(data string) string {
	m, _ := k.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, k.signing)
	}
	m.Reset()
	m.Write(bytesOf(data))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0]))
	k.macs.Put(m)
	return out
}

// keyCache keeps derived keys per secret and scope: deriving them costs four
// HMACs, more than the rest of a signature. Unlike aws-sdk-go-v2's cache it is
// keyed by the secret itself, so a corrected secret takes effect at once.
var keyCache = struct {
	sync.Mutex
	m map[string]*derivedKeys
}{m: map[string]*derivedKeys{}}

const keyCacheMax = 256

func deriveKeys(secret, date, region, service string) *derivedKeys {
	id := secret + "\x00" + date + "\x00" + region + "\x00" + service
	keyCache.Lock()
	k, ok := keyCache.m[id]
	keyCache.Unlock()
	if ok {
		return k
	}
	k = &derivedKeys{}
	k.date = hmacSHA256([]byte("AWS4"+secret), date)
	k.region = hmacSHA256(k.date, region)
	k.service = hmacSHA256(k.region, service)
	k.signing = hmacSHA256(k.service, "aws4_request")
	k.hex = SigningKeys{
		Date:    hex.EncodeToString(k.date),
		Region:  hex.EncodeToString(k.region),
		Service: hex.EncodeToString(k.service),
		Signing: hex.EncodeToString(k.signing),
	}
	keyCache.Lock()
	if len(keyCache.m) >= keyCacheMax {
		clear(keyCache.m)
	}
	keyCache.m[id] = k
	keyCache.Unlock()
	return k
}
