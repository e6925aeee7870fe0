package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"
)

// TimestampLayout is Cognito's TIMESTAMP format in Go layout terms: the day
// is not zero-padded, the clock is 24-hour and the zone reads "UTC".
const TimestampLayout = "Mon Jan 2 15:04:05 MST 2006"

// FormatTimestamp renders t in UTC as Cognito's TIMESTAMP.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(TimestampLayout) }

// ParseTimestamp reads a TIMESTAMP and insists on the UTC zone, because
// Go would otherwise accept any three-letter abbreviation with a zero offset.
func ParseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(TimestampLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("TIMESTAMP %q: want the form %q: %w", s, "Tue Mar 5 09:04:05 UTC 2024", err)
	}
	if name, off := t.Zone(); name != "UTC" || off != 0 {
		return time.Time{}, fmt.Errorf("TIMESTAMP %q: zone must be UTC", s)
	}
	return t, nil
}

// ClaimSignature computes PASSWORD_CLAIM_SIGNATURE =
// base64(HMAC-SHA256(key, poolName ‖ userID ‖ secretBlock ‖ timestamp)).
func ClaimSignature(key []byte, poolName, userIDForSRP string, secretBlock []byte, timestamp string) string {
	return base64.StdEncoding.EncodeToString(claimMAC(key, poolName, userIDForSRP, secretBlock, timestamp))
}

func claimMAC(key []byte, poolName, userIDForSRP string, secretBlock []byte, timestamp string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolName))
	m.Write([]byte(userIDForSRP))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return m.Sum(nil)
}

// VerifyClaim checks a PASSWORD_CLAIM_SIGNATURE in constant time. A signature
// that is not valid base64 simply fails.
func VerifyClaim(key []byte, poolName, userIDForSRP string, secretBlock []byte, timestamp, signatureB64 string) bool {
	got, err := base64.StdEncoding.DecodeString(signatureB64)
	if err != nil {
		return false
	}
	return hmac.Equal(got, claimMAC(key, poolName, userIDForSRP, secretBlock, timestamp))
}

// SecretHash computes SECRET_HASH for an app client with a secret:
// base64(HMAC-SHA256(clientSecret, username ‖ clientID)). For refresh,
// username must be the internal cognito:username, not the alias typed at login.
func SecretHash(clientID, clientSecret, username string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username))
	m.Write([]byte(clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
