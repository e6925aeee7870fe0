package sign

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// publicPairs are key pairs published with sigscope: the emulator's demo
// credentials (emulator/default.yaml, printed in the README and the
// demo). A signature made with them opens nothing but the emulator, so the
// keys derived from them need no mask.
var publicPairs = map[string]string{
	"AKIDSIGSCOPEDEMO0001": "sigscopeDemoSecretKey0000/NotASecret+0001",
}

func isPublicPair(c Credentials) bool {
	s, ok := publicPairs[c.AccessKeyID]
	return ok && s == c.SecretAccessKey && c.SessionToken == ""
}

// Lesson is the rule text a walk-through adds to the trace's own rules:
// why each header is signed (and the others not), the date's form, what
// the payload hash is of, how the texts are joined, how each key of the
// chain is made, and the shell line that recomputes each step by hand.
// None of it repeats a step's formula; it says what the formula leaves out.
type Lesson struct {
	// Header is why a header (by lower-case name) is in the canonical
	// request; NotSigned the request's headers left out, and why.
	Header    map[string]string
	NotSigned []string

	Date, Scope, Payload, CanonicalHash string
	CanonicalJoin, StringToSignJoin     string

	// Keys and KeyRecipes are kDate, kRegion, kService and kSigning: how
	// each is made, and an openssl line that recomputes it.
	Keys, KeyRecipes [4]string

	Signature, SignatureRecipe, Authorization string
}

// Lesson explains the trace for someone learning SigV4. With reveal the
// recipes carry the derived keys in hex (the caller shows secrets, or the
// keys are public); without, they name the key ($KDATE) instead. The
// secret key itself appears only when the pair is public.
func (t *Trace) Lesson(reveal bool) Lesson {
	reveal = reveal || t.PublicKeys
	l := Lesson{Header: map[string]string{}}
	var never []string
	for k := range ignoredHeaders {
		never = append(never, strings.ToLower(k))
	}
	slices.Sort(never)
	for _, h := range t.Headers {
		l.Header[h.Name] = headerWhy(h, never)
	}
	for _, s := range t.Skipped {
		l.NotSigned = append(l.NotSigned, strings.ToLower(s.Name)+": "+s.Reason)
	}

	l.Date = "ISO 8601 basic format in UTC, yyyymmdd T hhmmss Z, without dashes or colons"
	if when, err := time.Parse(amzDateFormat, t.RequestDate); err == nil {
		l.Date += ": " + t.RequestDate + " is " + when.Format("2 January 2006 15:04:05") + " UTC; the scope's day is its first 8 characters"
	}
	scope := strings.Split(t.CredentialScope, "/")
	for len(scope) < 4 {
		scope = append(scope, "")
	}
	l.Scope = fmt.Sprintf("the day is the date's first 8 characters, then the region (%s) and the service (%s) the request goes to; the same text follows the access key in Credential=, and the server rebuilds it to find the key", scope[1], scope[2])
	switch t.Payload.Source {
	case "body":
		l.Payload = fmt.Sprintf("hex SHA-256 of the body's %d bytes exactly as sent (an empty body hashes nothing: e3b0…b855); the server hashes what it receives and compares", t.Payload.Size)
	case "unsigned":
		l.Payload = "the literal UNSIGNED-PAYLOAD: the body is left out of the signature, which S3 and presigned URLs allow"
	default:
		l.Payload = "the hash the request declares in its " + t.Payload.Source + ", taken as it is: the server checks the body against it"
	}
	l.CanonicalHash = "hex SHA-256 of step 1's text, its lines joined as step 1 says"
	l.CanonicalJoin = "each line above ends with a newline (\\n) but the last, the payload hash; the blank line is the end of the headers"
	l.StringToSignJoin = "the four lines (algorithm, date, scope, hash) with a newline (\\n) between them and none after the last; this exact text is what step 4 signs"

	if t.Algorithm == Algorithm {
		l.Keys = [4]string{
			"the HMAC key is the text AWS4 followed by the secret access key, the message the scope's day: 32 bytes, written here in hex, good for that day only",
			"keyed with kDate's 32 raw bytes, not its 64 hex characters (the usual slip when recomputing by hand), over the region name",
			"keyed with kRegion's raw bytes over the service name, as in the scope",
			"keyed with kService's raw bytes over the fixed text aws4_request: the key for every request of this day, region and service",
		}
		keys := [4]string{t.Keys.Date, t.Keys.Region, t.Keys.Service, t.Keys.Signing}
		names := [4]string{"$KDATE", "$KREGION", "$KSERVICE", "$KSIGNING"}
		if reveal {
			names = keys
		}
		secret := "AWS4$AWS_SECRET_ACCESS_KEY"
		if s, ok := publicPairs[t.AccessKeyID]; ok && t.PublicKeys {
			secret = "AWS4" + s
		}
		l.KeyRecipes[0] = hmacRecipe(scope[0], "key:"+secret)
		for i := 1; i < 4; i++ {
			msg := scope[i]
			if i == 3 {
				msg = "aws4_request"
			}
			l.KeyRecipes[i] = hmacRecipe(msg, "hexkey:"+names[i-1])
		}
		l.Signature = "keyed with kSigning's raw bytes over step 2's text exactly, written as 64 lower-case hex characters"
		l.SignatureRecipe = "printf '" + strings.ReplaceAll(t.StringToSign, "\n", `\n`) + "' | openssl dgst -sha256 -mac HMAC -macopt hexkey:" + names[3]
	}
	if t.Mode == "query" {
		l.Authorization = "the URL as sent: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires and X-Amz-SignedHeaders signed in the query, X-Amz-Signature added after signing"
	} else {
		l.Authorization = "what the server reads: the algorithm, then Credential= the access key id and the scope, SignedHeaders= step 1's list, Signature= the line above, each after a comma and a space"
	}
	return l
}

// hmacRecipe is the openssl line that computes hex HMAC-SHA256 of msg.
func hmacRecipe(msg, macopt string) string {
	return "printf %s '" + msg + "' | openssl dgst -sha256 -mac HMAC -macopt '" + macopt + "'"
}

// headerWhy says why a header is signed: host always, content-length for
// a body, the signer's own, and every other header but those that change
// in flight (never).
func headerWhy(h HeaderLine, never []string) string {
	switch h.Name {
	case "host":
		return "always signed, whatever the request: it names the server the signature is for, so the request cannot be replayed against another host; the value is the URL's authority, the default port dropped"
	case "content-length":
		return "signed because the body is not empty: its length in bytes, so that a cut or padded body fails; a request without a body leaves it out"
	case "x-amz-date":
		return "added by the signer: the signing time, in the form of step 2's date line; signed so that it cannot be moved, and refused more than 5 minutes from the server's clock"
	case "x-amz-security-token":
		return "added by the signer for temporary credentials (STS, Cognito): the session token, signed so that it cannot be swapped for another"
	case "x-amz-content-sha256":
		return "the payload hash (the last line) sent as a header; S3 requires it and checks the body against it"
	}
	why := "a header of the request: signed, as every header is but those that change in flight (" + strings.Join(never, ", ") + ")"
	if h.Source == "signer" {
		why = "added by the signer, and signed"
	}
	if h.Name == "content-type" {
		why += "; a proxy or client library that adds '; charset=utf-8' after signing breaks the signature here"
	}
	return why
}
