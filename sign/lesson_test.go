package sign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

var demoPair = Credentials{AccessKeyID: "AKIDSIGSCOPEDEMO0001", SecretAccessKey: "sigscopeDemoSecretKey0000/NotASecret+0001"}

func lessonTrace(t *testing.T, creds Credentials, body string) *Trace {
	t.Helper()
	r := &Request{Method: "POST", Scheme: "https", Host: "abc123.execute-api.us-east-1.amazonaws.com", Path: "/prod/pets",
		Headers: []Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Content-Length", Value: strconv.Itoa(len(body))}, {Name: "User-Agent", Value: "test"}}, Body: []byte(body)}
	tr, err := Sign(r, Options{Credentials: creds, Region: "us-east-1", Service: "execute-api", Time: time.Date(2026, 12, 1, 12, 36, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// Only the emulator's demo pair counts as public, and only whole.
func TestPublicKeysAreTheDemoPairOnly(t *testing.T) {
	if !lessonTrace(t, demoPair, "{}").PublicKeys {
		t.Error("the emulator's demo pair is not public")
	}
	for _, c := range []Credentials{
		{AccessKeyID: demoPair.AccessKeyID, SecretAccessKey: "another secret"},
		{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
		{AccessKeyID: demoPair.AccessKeyID, SecretAccessKey: demoPair.SecretAccessKey, SessionToken: "token"},
	} {
		if lessonTrace(t, c, "{}").PublicKeys {
			t.Errorf("%s with that secret is taken for public", c.AccessKeyID)
		}
	}
}

// Every header line gets the rule that signs it, and the headers left out
// say why.
func TestLessonExplainsEveryHeader(t *testing.T) {
	tr := lessonTrace(t, demoPair, `{"name":"Rex"}`)
	l := tr.Lesson(false)
	for _, h := range tr.Headers {
		if l.Header[h.Name] == "" {
			t.Errorf("no rule for the %s header", h.Name)
		}
	}
	for name, want := range map[string]string{"host": "always signed", "content-length": "the body is not empty", "x-amz-date": "signing time", "content-type": "charset"} {
		if !strings.Contains(l.Header[name], want) {
			t.Errorf("%s: %q does not say %q", name, l.Header[name], want)
		}
	}
	if len(l.NotSigned) != 1 || !strings.HasPrefix(l.NotSigned[0], "user-agent: ") {
		t.Errorf("not signed: %q", l.NotSigned)
	}
	if !strings.Contains(l.Date, "20261201T123600Z is 1 December 2026 12:36:00 UTC") {
		t.Errorf("the date's form: %q", l.Date)
	}
	if !strings.Contains(l.Payload, "14 bytes") || !strings.Contains(l.StringToSignJoin, `(\n)`) {
		t.Errorf("payload %q, join %q", l.Payload, l.StringToSignJoin)
	}
}

// The recipes recompute the chain: each HMAC over the message it names,
// keyed as it says, gives the next key and then the signature.
func TestLessonRecipesRecomputeTheChain(t *testing.T) {
	tr := lessonTrace(t, demoPair, "{}")
	l := tr.Lesson(false)
	want := []string{tr.Keys.Date, tr.Keys.Region, tr.Keys.Service, tr.Keys.Signing}
	for i, r := range l.KeyRecipes {
		msg, key := recipeParts(t, r)
		if got := hmacHex(key, msg); got != want[i] {
			t.Errorf("recipe %d %q gives %s, want %s", i, r, got, want[i])
		}
	}
	msg, key := recipeParts(t, l.SignatureRecipe)
	if got := hmacHex(key, msg); got != tr.Signature {
		t.Errorf("the signature recipe gives %s, want %s", got, tr.Signature)
	}

	// With real keys the recipes name the keys instead of showing them,
	// unless the caller reveals them.
	real := lessonTrace(t, Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}, "{}")
	masked := real.Lesson(false)
	all := strings.Join(masked.KeyRecipes[:], "\n") + masked.SignatureRecipe
	if strings.Contains(all, real.Keys.Date) || strings.Contains(all, "wJalrXUtnFEMI") || !strings.Contains(all, "hexkey:$KDATE") {
		t.Errorf("real keys in the recipes:\n%s", all)
	}
	if shown := real.Lesson(true); !strings.Contains(shown.KeyRecipes[1], real.Keys.Date) || strings.Contains(shown.KeyRecipes[0], "wJalrXUtnFEMI") {
		t.Errorf("revealed: %q / %q", shown.KeyRecipes[1], shown.KeyRecipes[0])
	}
}

// The recipes are what a reader types: openssl gives the same keys.
func TestLessonRecipesRunInOpenSSL(t *testing.T) {
	peer.Command(t, "openssl")
	tr := lessonTrace(t, demoPair, "{}")
	l := tr.Lesson(false)
	for i, want := range []string{tr.Keys.Date, tr.Keys.Region, tr.Keys.Service, tr.Keys.Signing, tr.Signature} {
		r := l.SignatureRecipe
		if i < 4 {
			r = l.KeyRecipes[i]
		}
		out, err := exec.Command("sh", "-c", r).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%s\ngave %q (%v), want %s", r, out, err, want)
		}
	}
}

// recipeParts reads the message and the key back out of a recipe.
func recipeParts(t *testing.T, r string) (msg string, key []byte) {
	t.Helper()
	_, rest, _ := strings.Cut(r, "printf ")
	rest = strings.TrimPrefix(rest, "%s ")
	rest = strings.TrimPrefix(rest, "'")
	msg, rest, _ = strings.Cut(rest, "'")
	msg = strings.ReplaceAll(msg, `\n`, "\n")
	_, opt, _ := strings.Cut(rest, "-macopt ")
	opt = strings.Trim(opt, "'")
	switch {
	case strings.HasPrefix(opt, "hexkey:"):
		k, err := hex.DecodeString(strings.TrimPrefix(opt, "hexkey:"))
		if err != nil {
			t.Fatalf("%q: %v", r, err)
		}
		return msg, k
	case strings.HasPrefix(opt, "key:"):
		return msg, []byte(strings.TrimPrefix(opt, "key:"))
	}
	t.Fatalf("no key in %q", r)
	return "", nil
}

func hmacHex(key []byte, msg string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return hex.EncodeToString(h.Sum(nil))
}
