package srp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

// TestGroup checks the constants against properties of RFC 3526's group
// rather than against our own output: a 3072-bit safe prime, generator 2.
func TestGroup(t *testing.T) {
	if N().BitLen() != 3072 {
		t.Fatalf("N has %d bits", N().BitLen())
	}
	if !N().ProbablyPrime(8) {
		t.Fatal("N is not prime")
	}
	q := new(big.Int).Rsh(N(), 1)
	if !q.ProbablyPrime(8) {
		t.Fatal("(N-1)/2 is not prime; RFC 3526 groups are safe primes")
	}
	if G().Cmp(big.NewInt(2)) != 0 {
		t.Fatalf("g = %v", G())
	}
	// RFC 3526: the prime is 2^3072 - 2^3008 - 1 + 2^64 * ( [2^2942 pi] + 1690314 ).
	pi := piFloor2942(t)
	want := new(big.Int).Lsh(big.NewInt(1), 3072)
	want.Sub(want, new(big.Int).Lsh(big.NewInt(1), 3008))
	want.Sub(want, big.NewInt(1))
	want.Add(want, new(big.Int).Lsh(new(big.Int).Add(pi, big.NewInt(1690314)), 64))
	if N().Cmp(want) != 0 {
		t.Fatal("N differs from RFC 3526's formula")
	}
}

// piFloor2942 computes floor(2^2942 · π) with Machin's formula in fixed point.
func piFloor2942(t *testing.T) *big.Int {
	t.Helper()
	const guard = 64
	one := new(big.Int).Lsh(big.NewInt(1), 2942+guard)
	arctanInv := func(x int64) *big.Int {
		sum := new(big.Int)
		xx := big.NewInt(x * x)
		term := new(big.Int).Quo(one, big.NewInt(x))
		for k := int64(0); term.Sign() != 0; k++ {
			v := new(big.Int).Quo(term, big.NewInt(2*k+1))
			if k%2 == 0 {
				sum.Add(sum, v)
			} else {
				sum.Sub(sum, v)
			}
			term.Quo(term, xx)
		}
		return sum
	}
	pi := new(big.Int).Mul(big.NewInt(16), arctanInv(5))
	pi.Sub(pi, new(big.Int).Mul(big.NewInt(4), arctanInv(239)))
	return pi.Rsh(pi, guard)
}

// TestPad uses the examples from the JavaScript SDK's padHex documentation.
func TestPad(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want string
	}{{0, "00"}, {20, "14"}, {56, "38"}, {236, "00ec"}, {200, "00c8"}, {0x7f, "7f"}, {0x80, "0080"}, {0x0100, "0100"}, {0x8000, "008000"}} {
		if got := hex.EncodeToString(Pad(big.NewInt(c.in))); got != c.want {
			t.Errorf("Pad(%#x) = %s, want %s", c.in, got, c.want)
		}
	}
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// TestClientServerAgree runs full exchanges with random values on both sides.
func TestClientServerAgree(t *testing.T) {
	runs := 60
	if testing.Short() {
		runs = 10
	}
	const pool = "us-east-1_Agree1"
	now := time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
	for i := 0; i < runs; i++ {
		user := "user-" + randomHex(t, 4)
		password := "P" + randomHex(t, 1+i%20)
		salt := randomHex(t, 16)
		if i%5 == 0 {
			salt = "00" + salt // leading zero bytes must not matter
		}
		block := make([]byte, 16+i)
		rand.Read(block)
		blockB64 := base64.StdEncoding.EncodeToString(block)

		v, err := Verifier("Agree1", user, password, salt)
		if err != nil {
			t.Fatal(err)
		}
		server, err := NewServer(v, nil)
		if err != nil {
			t.Fatal(err)
		}
		client, err := NewClient(pool, nil)
		if err != nil {
			t.Fatal(err)
		}
		sig, ts, err := client.PasswordClaim(user, password, salt, server.SRPB(), blockB64, now)
		if err != nil {
			t.Fatal(err)
		}
		key, err := server.SessionKey(client.SRPA())
		if err != nil {
			t.Fatal(err)
		}
		if len(key) != KeyLength {
			t.Fatalf("key length %d", len(key))
		}
		if !VerifyClaim(key, "Agree1", user, block, ts, sig) {
			t.Fatalf("run %d: server rejects a correct claim", i)
		}
		// The same exchange with a wrong password must fail.
		bad, _, err := client.PasswordClaim(user, password+"x", salt, server.SRPB(), blockB64, now)
		if err != nil {
			t.Fatal(err)
		}
		if VerifyClaim(key, "Agree1", user, block, ts, bad) {
			t.Fatalf("run %d: server accepts a wrong password", i)
		}
	}
}

func TestClaimTampering(t *testing.T) {
	v, _ := Verifier("Tamper", "u", "pw", "0a0b")
	server, _ := NewServer(v, nil)
	client, _ := NewClient("eu-west-1_Tamper", nil)
	block := []byte("block")
	sig, ts, err := client.PasswordClaim("u", "pw", "0a0b", server.SRPB(), base64.StdEncoding.EncodeToString(block), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	key, err := server.SessionKey(client.SRPA())
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyClaim(key, "Tamper", "u", block, ts, sig) {
		t.Fatal("correct claim rejected")
	}
	raw, _ := base64.StdEncoding.DecodeString(sig)
	raw[0] ^= 1
	for name, ok := range map[string]bool{
		"flipped bit":     VerifyClaim(key, "Tamper", "u", block, ts, base64.StdEncoding.EncodeToString(raw)),
		"other timestamp": VerifyClaim(key, "Tamper", "u", block, ts+" ", sig),
		"other block":     VerifyClaim(key, "Tamper", "u", []byte("blocK"), ts, sig),
		"other user":      VerifyClaim(key, "Tamper", "v", block, ts, sig),
		"other pool":      VerifyClaim(key, "Tamper2", "u", block, ts, sig),
		"not base64":      VerifyClaim(key, "Tamper", "u", block, ts, "%%%"),
		"empty":           VerifyClaim(key, "Tamper", "u", block, ts, ""),
	} {
		if ok {
			t.Errorf("%s: claim accepted", name)
		}
	}
}

func TestRejections(t *testing.T) {
	client, err := NewClient("us-east-1_Rej", big.NewInt(12345))
	if err != nil {
		t.Fatal(err)
	}
	nHex := N().Text(16)
	twoN := new(big.Int).Lsh(N(), 1).Text(16)
	for _, b := range []string{"0", "000", nHex, twoN} {
		if _, _, err := client.PasswordClaim("u", "p", "01", b, "AA==", time.Now()); !errors.Is(err, ErrZeroB) {
			t.Errorf("B=%.8s…: err = %v, want ErrZeroB", b, err)
		}
	}
	for _, b := range []string{"", "-5", "0x12", "12 34", "zz", "+1"} {
		if _, _, err := client.PasswordClaim("u", "p", "01", b, "AA==", time.Now()); err == nil || !strings.Contains(err.Error(), "SRP_B") {
			t.Errorf("B=%q: err = %v, want a message naming SRP_B", b, err)
		}
	}
	if _, _, err := client.PasswordClaim("u", "p", "xyz", "05", "AA==", time.Now()); err == nil || !strings.Contains(err.Error(), "SALT") {
		t.Errorf("bad salt: err = %v", err)
	}
	if _, _, err := client.PasswordClaim("u", "p", "01", "05", "not base64!", time.Now()); err == nil || !strings.Contains(err.Error(), "SECRET_BLOCK") {
		t.Errorf("bad secret block: err = %v", err)
	}

	v, _ := Verifier("Rej", "u", "p", "01")
	server, err := NewServer(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"0", nHex, twoN} {
		if _, err := server.SessionKey(a); !errors.Is(err, ErrZeroA) {
			t.Errorf("A=%.8s…: err = %v, want ErrZeroA", a, err)
		}
	}
	if _, err := server.SessionKey("ghij"); err == nil {
		t.Error("non-hex A accepted")
	}

	for _, id := range []string{"", "us-east-1", "_Demo", "us-east-1_"} {
		if _, err := NewClient(id, nil); err == nil {
			t.Errorf("pool id %q accepted", id)
		}
	}
	for _, a := range []*big.Int{big.NewInt(0), big.NewInt(-3)} {
		if _, err := NewClient("us-east-1_X", a); err == nil {
			t.Errorf("a = %v accepted", a)
		}
	}
	for _, v := range []*big.Int{nil, big.NewInt(0), N()} {
		if _, err := NewServer(v, nil); err == nil {
			t.Errorf("verifier %v accepted", v)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	want := time.Date(2024, 3, 5, 9, 4, 5, 0, time.UTC)
	for _, s := range []string{"Tue Mar 5 09:04:05 UTC 2024", "Tue Mar 05 09:04:05 UTC 2024"} {
		got, err := ParseTimestamp(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "Tue Mar 5 09:04:05 PST 2024", "Tue Mar 5 09:04:05 GMT+1 2024", "2024-03-05T09:04:05Z", "Tue Mar 5 9:04 UTC 2024"} {
		if _, err := ParseTimestamp(s); err == nil {
			t.Errorf("ParseTimestamp(%q) accepted", s)
		}
	}
}
