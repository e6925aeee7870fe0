package sign

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/aws/smithy-go/aws-http-auth/credentials"
	"github.com/aws/smithy-go/aws-http-auth/sigv4a"
	v4 "github.com/aws/smithy-go/aws-http-auth/v4"
)

// smithyCase is a request for the cross-check with smithy-go's public
// SigV4a signer, which shares no code with this package.
type smithyCase struct {
	name    string
	req     *Request
	creds   Credentials
	regions []string
	presign bool
}

func smithyCases(t *testing.T) []smithyCase {
	get := func(query string) *Request {
		return &Request{Method: "GET", Host: "example.amazonaws.com", Path: "/", RawQuery: query}
	}
	creds := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: testSecret}
	withToken := creds
	withToken.SessionToken = "AQoDYXdzEPT//////////wEXAMPLEtoken+/="
	other := Credentials{AccessKeyID: "ASIAOTHERKEY0000", SecretAccessKey: "another/secret+key", SessionToken: "tok"}
	cases := []smithyCase{
		{"gateway POST", gatewayRequest(), creds, []string{"us-east-1"}, false},
		{"two regions", get("a=1&b=2"), creds, []string{"us-east-1", "eu-west-1"}, false},
		{"every region, session token", get(""), withToken, []string{"*"}, false},
		{"other key", get("x=y"), other, []string{"us-west-2"}, false},
		{"presigned", get("limit=10"), creds, []string{"us-east-1"}, true},
		{"presigned with token", get(""), withToken, []string{"us-*"}, true},
	}
	// The suite's two cases that come without expected output.
	for _, c := range loadSuiteV4a(t) {
		if !c.has("header-canonical-request.txt") {
			for _, presign := range []bool{false, true} {
				cases = append(cases, smithyCase{"suite " + c.Name, c.request(t), creds, []string{c.Context.Region}, presign})
			}
		}
	}
	return cases
}

// smithySign signs r with smithy-go's sigv4a signer and returns the
// request as sent.
func smithySign(t *testing.T, c smithyCase) *Request {
	t.Helper()
	u := &url.URL{Scheme: "https", Host: c.req.Host, Path: c.req.Path, RawQuery: c.req.RawQuery}
	if c.presign {
		q := u.Query()
		q.Set("X-Amz-Expires", "300") // smithy leaves the lifetime to the caller
		u.RawQuery = q.Encode()
	}
	hr, err := http.NewRequest(c.req.Method, u.String(), bytes.NewReader(c.req.Body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range c.req.Headers {
		hr.Header.Add(h.Name, h.Value)
	}
	sum := sha256.Sum256(c.req.Body)
	in := &sigv4a.SignRequestInput{
		Request: hr, PayloadHash: sum[:], Service: "execute-api", RegionSet: c.regions, Time: testTime,
		Credentials: credentials.Credentials{AccessKeyID: c.creds.AccessKeyID, SecretAccessKey: c.creds.SecretAccessKey, SessionToken: c.creds.SessionToken},
	}
	if c.presign {
		in.SignatureType = v4.SignatureTypeQueryString
	}
	if err := sigv4a.New().SignRequest(in); err != nil {
		t.Fatalf("smithy sign: %v", err)
	}
	out := &Request{Method: hr.Method, Scheme: "https", Host: hr.URL.Host, Path: hr.URL.EscapedPath(), RawQuery: hr.URL.RawQuery, Body: c.req.Body}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range hr.Header {
			if !yield(k) {
				return
			}
		}
	}) {
		if k == "Host" {
			continue
		}
		for _, v := range hr.Header[k] {
			out.Headers = append(out.Headers, Header{Name: k, Value: v})
		}
	}
	return out
}

// TestSmithyCrossCheck: a request signed by smithy-go's SigV4a signer
// verifies with this package's Verify; the public key smithy signed with
// (recovered from two of its signatures) is the one this package derives,
// and this package's signature verifies with it.
func TestSmithyCrossCheck(t *testing.T) {
	for _, c := range smithyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var sigs, stss []string
			for range 2 {
				theirs := smithySign(t, c)
				v, err := Verify(VerifyInput{Request: theirs, AccessKeyID: c.creds.AccessKeyID, SecretAccessKey: c.creds.SecretAccessKey,
					SessionToken: c.creds.SessionToken, Now: testTime, Service: "execute-api"})
				if err != nil {
					t.Fatal(err)
				}
				if !v.Valid() {
					t.Fatalf("smithy's signed request does not verify: %+v\n%s", v.Problems, theirs.Display())
				}
				sigs, stss = append(sigs, v.Info.Signature), append(stss, v.Trace.StringToSign)
			}
			theirKey := recoverPublicKey(t, stss, sigs)
			ours, err := SignFor(c.req, Options{Credentials: c.creds, Service: "execute-api", Time: testTime,
				Algorithm: SigV4a, RegionSet: c.regions, Presign: c.presign})
			if err != nil {
				t.Fatal(err)
			}
			if got := publicKeyOf(theirKey); got != *ours.PublicKey {
				t.Errorf("smithy signed with public key %+v, we derive %+v", got, *ours.PublicKey)
			}
			if !VerifyECDSA(theirKey, ours.StringToSign, ours.Signature) {
				t.Errorf("our signature does not verify with smithy's public key")
			}
		})
	}
}

// recoverPublicKey finds the public key that made two ECDSA signatures:
// each signature (r, s) over hash e fits the keys Q = r⁻¹(sR − eG), R being
// one of the two curve points with x = r; the key common to both is it.
func recoverPublicKey(t *testing.T, stss, sigs []string) *ecdsa.PublicKey {
	t.Helper()
	var found []*ecdsa.PublicKey
	for i := range sigs {
		cands := recoverCandidates(t, stss[i], sigs[i])
		if i == 0 {
			found = cands
			continue
		}
		found = slices.DeleteFunc(found, func(q *ecdsa.PublicKey) bool {
			return !slices.ContainsFunc(cands, func(c *ecdsa.PublicKey) bool { return c.Equal(q) })
		})
	}
	if len(found) != 1 {
		t.Fatalf("recovered %d public keys common to both signatures, want 1", len(found))
	}
	return found[0]
}

func recoverCandidates(t *testing.T, sts, sigHex string) []*ecdsa.PublicKey {
	curve := elliptic.P256()
	n := curve.Params().N
	der, err := hex.DecodeString(sigHex)
	if err != nil {
		t.Fatal(err)
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(sts))
	e := new(big.Int).SetBytes(sum[:])
	rInv := new(big.Int).ModInverse(sig.R, n)
	u1 := new(big.Int).Mul(new(big.Int).Neg(e), rInv)
	u1.Mod(u1, n)
	u2 := new(big.Int).Mod(new(big.Int).Mul(sig.S, rInv), n)
	var out []*ecdsa.PublicKey
	for _, prefix := range []byte{2, 3} {
		compressed := append([]byte{prefix}, sig.R.FillBytes(make([]byte, 32))...)
		rx, ry := elliptic.UnmarshalCompressed(curve, compressed)
		if rx == nil {
			continue
		}
		// The low-level point operations are deprecated for production
		// code; here they only check someone else's signatures.
		x1, y1 := curve.ScalarBaseMult(u1.FillBytes(make([]byte, 32)))
		x2, y2 := curve.ScalarMult(rx, ry, u2.FillBytes(make([]byte, 32)))
		qx, qy := curve.Add(x1, y1, x2, y2)
		pub := &ecdsa.PublicKey{Curve: curve, X: qx, Y: qy}
		if ecdsa.VerifyASN1(pub, sum[:], der) {
			out = append(out, pub)
		}
	}
	return out
}
