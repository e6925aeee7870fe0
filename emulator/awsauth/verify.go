// Package awsauth verifies the SigV4 header signature of an AWS API call
// that is not API Gateway's or S3's: the JSON protocol (Cognito's Admin*
// operations, signed for cognito-idp) and the Query protocol (STS, signed
// for sts). As the gateway and S3 do, it recomputes the signature with
// aws-sdk-go-v2's signer, never with sigscope's sign/, over a copy of the
// request rebuilt from the headers the client listed as signed, so that
// sigscope's signer and the emulator check each other.
//
// It reports what is wrong as a Problem; each service words the refusal
// in its own protocol's shape (JSON __type, or Query's ErrorResponse XML).
// Not handled: presigned query signatures and SigV4a (both refused as an
// incomplete signature), and a signed "content-length: 0" (the SDK signer
// cannot reproduce it; the gateway's package doc says more).
package awsauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sigscope/sigscope/emulator/iampolicy"
)

const (
	algorithm     = "AWS4-HMAC-SHA256"
	amzDateLayout = "20060102T150405Z"
	terminator    = "aws4_request"
	// maxSkew is the window AWS's services other than S3 allow either way.
	maxSkew = 5 * time.Minute
)

// The messages AWS's JSON and Query services give, shared by both shapes.
const (
	MsgMismatch     = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	MsgInvalidToken = "The security token included in the request is invalid."
	MsgExpiredToken = "The security token included in the request is expired"
)

// Credential is what the verifier needs to know about an access key.
type Credential struct {
	SecretAccessKey string
	SessionToken    string    // empty for long-term keys
	Expiration      time.Time // zero: never expires
	// Who the key is and the identity policies it acts under (Authorize);
	// Restricted is false for a caller the emulator lets call everything.
	Principal  iampolicy.Principal
	Policies   []iampolicy.Named
	Restricted bool
}

// Lookup finds the credential behind an access key id.
type Lookup func(accessKeyID string) (Credential, bool)

// Problem says which check a request failed.
type Problem int

const (
	// Missing: no Authorization header at all.
	Missing Problem = iota + 1
	// Incomplete: the header is there but malformed or lacks a part.
	Incomplete
	// BadScope: the credential scope names another region, service,
	// terminator or day, or the clock is more than 5 minutes off.
	BadScope
	// UnknownKey: the access key id is not known, or the session token is
	// not the one issued with it.
	UnknownKey
	// Mismatch: the signature is not the one computed.
	Mismatch
	// Expired: temporary credentials past their expiration.
	Expired
)

// Failure is a refused signature. Message is AWS's text for it; a
// Mismatch also carries what the server signed.
type Failure struct {
	Problem          Problem
	Message          string
	CanonicalRequest string
	StringToSign     string
}

func (f *Failure) Error() string { return f.Message }

// MismatchDetail is Message followed by the canonical request and the
// string-to-sign, in the words AWS uses when it shows them.
func (f *Failure) MismatchDetail() string {
	if f.Problem != Mismatch {
		return f.Message
	}
	return f.Message + "\n\nThe Canonical String for this request should have been\n'" + f.CanonicalRequest +
		"'\n\nThe String-to-Sign should have been\n'" + f.StringToSign + "'\n"
}

// Verifier checks the signatures of one service in one region.
type Verifier struct {
	service, region string
	now             func() time.Time
	lookup          Lookup
	signer          *v4.Signer
}

// New makes a verifier for calls signed for service (cognito-idp, sts) in
// region. now may be nil (time.Now).
func New(service, region string, now func() time.Time, lookup Lookup) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{service: service, region: region, now: now, lookup: lookup, signer: v4.NewSigner()}
}

// ScopeService is the service a request's credential scope names, from the
// Authorization header or a presigned X-Amz-Credential ("" if none): what
// the emulator routes a signed call by.
func ScopeService(r *http.Request) string {
	// Every request asks (the server routes S3 and STS by it), so the
	// header is read in place rather than through AuthParams' map, and
	// the query is parsed only when there is no header to read.
	var cred string
	if a := r.Header.Get("Authorization"); a != "" {
		cred = authParam(a, "Credential")
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	// The service is the credential's fourth part: AKID/DATE/REGION/SERVICE/...
	for range 3 {
		i := strings.IndexByte(cred, '/')
		if i < 0 {
			return ""
		}
		cred = cred[i+1:]
	}
	service, _, _ := strings.Cut(cred, "/")
	return service
}

// authParam is AuthParams(value)[key] without the map: the last part
// named key wins, as it does there.
func authParam(value, key string) string {
	_, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
	var out string
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && strings.TrimSpace(k) == key {
			out = strings.TrimSpace(v)
		}
	}
	return out
}

// AuthParams reads "ALG Credential=..., SignedHeaders=..., Signature=...".
func AuthParams(value string) map[string]string {
	_, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
	params := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			params[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return params
}

// signed is what the Authorization header says.
type signed struct {
	akid, day, region, service, term string
	signedHeaders                    []string
	signature                        string
	amzDate                          string
	signTime                         time.Time
	token                            string
}

// Verify checks r's header signature over body, then its session token
// and expiry, in the order AWS reports problems. It returns the access key
// id on success.
func (v *Verifier) Verify(r *http.Request, body []byte) (string, *Failure) {
	in, f := v.read(r)
	if f != nil {
		return "", f
	}
	cred, ok := v.lookup(in.akid)
	if !ok {
		return "", &Failure{Problem: UnknownKey, Message: MsgInvalidToken}
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	sum := sha256.Sum256(body)
	bodySHA := hex.EncodeToString(sum[:])
	if payload == "" {
		payload = bodySHA
	}
	got, err := Recompute(v.signer, r, Signing{AccessKeyID: in.akid, Secret: cred.SecretAccessKey, Service: v.service, Region: v.region, Time: in.signTime, SignedHeaders: in.signedHeaders, PayloadHash: payload})
	if err != nil {
		return "", &Failure{Problem: Incomplete, Message: fmt.Sprintf("the emulator could not recompute the signature: %v", err)}
	}
	// A signed X-Amz-Content-Sha256 vouches for the body only if it is the
	// body's hash.
	if subtle.ConstantTimeCompare([]byte(got.Signature), []byte(in.signature)) != 1 || !strings.EqualFold(payload, bodySHA) && payload != "UNSIGNED-PAYLOAD" {
		return "", &Failure{Problem: Mismatch, Message: MsgMismatch, CanonicalRequest: got.CanonicalRequest, StringToSign: got.StringToSign}
	}
	if subtle.ConstantTimeCompare([]byte(in.token), []byte(cred.SessionToken)) != 1 {
		return "", &Failure{Problem: UnknownKey, Message: MsgInvalidToken}
	}
	if !cred.Expiration.IsZero() && !v.now().Before(cred.Expiration) {
		return "", &Failure{Problem: Expired, Message: MsgExpiredToken}
	}
	return in.akid, nil
}

// read parses the Authorization header and checks its date, clock and
// scope; it needs no secret.
func (v *Verifier) read(r *http.Request) (*signed, *Failure) {
	value := strings.TrimSpace(r.Header.Get("Authorization"))
	if value == "" {
		if r.URL.Query().Has("X-Amz-Signature") {
			return nil, &Failure{Problem: Incomplete, Message: "the sigscope emulator verifies only header signatures for " + v.service + ", not presigned URLs: sign the Authorization header"}
		}
		return nil, &Failure{Problem: Missing, Message: "Missing Authentication Token"}
	}
	alg, _, _ := strings.Cut(value, " ")
	if alg != algorithm {
		return nil, &Failure{Problem: Incomplete, Message: fmt.Sprintf("Unsupported AWS 'algorithm': '%s'.", shortWord(alg))}
	}
	p := AuthParams(value)
	var msg strings.Builder
	for _, name := range []string{"Credential", "Signature", "SignedHeaders"} {
		if p[name] == "" {
			fmt.Fprintf(&msg, "Authorization header requires '%s' parameter. ", name)
		}
	}
	in := &signed{amzDate: r.Header.Get("X-Amz-Date"), token: r.Header.Get("X-Amz-Security-Token"), signature: p["Signature"]}
	if in.amzDate == "" {
		msg.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if msg.Len() > 0 {
		return nil, &Failure{Problem: Incomplete, Message: msg.String() + "Authorization=" + algorithm}
	}
	t, err := time.Parse(amzDateLayout, in.amzDate)
	if err != nil {
		return nil, &Failure{Problem: Incomplete, Message: fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", in.amzDate)}
	}
	in.signTime = t.UTC()
	in.signedHeaders = strings.Split(p["SignedHeaders"], ";")
	parts := strings.Split(p["Credential"], "/")
	if len(parts) != 5 {
		return nil, &Failure{Problem: Incomplete, Message: fmt.Sprintf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", p["Credential"])}
	}
	in.akid, in.day, in.region, in.service, in.term = parts[0], parts[1], parts[2], parts[3], parts[4]
	now := v.now().UTC()
	f := func(t time.Time) string { return t.Format(amzDateLayout) }
	switch {
	case in.signTime.After(now.Add(maxSkew)):
		return nil, &Failure{Problem: BadScope, Message: fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 5 min.)", f(in.signTime), f(now.Add(maxSkew)), f(now))}
	case in.signTime.Before(now.Add(-maxSkew)):
		return nil, &Failure{Problem: BadScope, Message: fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)", f(in.signTime), f(now.Add(-maxSkew)), f(now))}
	}
	msg.Reset()
	if in.region != v.region {
		fmt.Fprintf(&msg, "Credential should be scoped to a valid region, not '%s'. ", in.region)
	}
	if in.service != v.service {
		fmt.Fprintf(&msg, "Credential should be scoped to correct service: '%s'. ", v.service)
	}
	if in.term != terminator {
		fmt.Fprintf(&msg, "Credential should be scoped with a valid terminator: '%s', not '%s'. ", terminator, in.term)
	}
	if day := in.signTime.Format("20060102"); in.day != day {
		fmt.Fprintf(&msg, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", in.day, day, in.amzDate)
	}
	if msg.Len() > 0 {
		return nil, &Failure{Problem: BadScope, Message: strings.TrimSpace(msg.String())}
	}
	return in, nil
}

// shortWord keeps the first word of an Authorization header readable but
// never echoes a whole token sent raw.
func shortWord(w string) string {
	if len(w) > 24 {
		return w[:4] + "…"
	}
	return w
}
