package sign

import (
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// StepRegionSet checks SigV4a's X-Amz-Region-Set: present, signed, and
// naming the endpoint's region.
const StepRegionSet = "region set"

// checkRegions checks a SigV4a signature's region set; SigV4 has none.
func (v *Verification) checkRegions(in VerifyInput, r *Request) {
	info := v.Info
	if !isV4a(info.Algorithm) {
		return
	}
	v.run(StepRegionSet)
	where := "an X-Amz-Region-Set header"
	if info.Presigned {
		where = "an X-Amz-Region-Set query parameter"
	}
	if len(info.RegionSet) == 0 {
		v.add(Problem{Step: StepRegionSet, Detail: "the request carries no X-Amz-Region-Set: a SigV4a signature names the regions it is valid in there, and AWS requires it",
			Hint: "sign again with sigv4a: the signer adds " + where})
		return
	}
	joined := strings.Join(info.RegionSet, ",")
	if !info.Presigned && !slices.Contains(info.SignedHeaders, "x-amz-region-set") {
		v.add(Problem{Step: StepRegionSet, Theirs: strings.Join(info.SignedHeaders, ";"),
			Detail: "X-Amz-Region-Set is sent but not signed: SigV4a signs it, so the server's signature covers it and the request's does not",
			Hint:   "sign the region set header (sigscope sign --algorithm sigv4a does)"})
	}
	if err := checkRegionSet(info.RegionSet); err != nil {
		v.add(Problem{Step: StepRegionSet, Theirs: joined, Detail: err.Error()})
	}
	region, from := in.Region, "the endpoint (as given)"
	if region == "" && in.Service == "" {
		region, _ = hostScope(r.Host)
		from = "the host " + r.Host
	}
	if region != "" && !regionSetIncludes(info.RegionSet, region) {
		v.add(Problem{Step: StepRegionSet, Ours: region, Theirs: joined,
			Detail: fmt.Sprintf("the region set %s does not include %s, where %s is: the signature is not valid there", joined, region, from),
			Hint:   "sign with a region set that includes " + region + " (--region-set " + region + ", or * for every region)"})
	}
}

// regionSetIncludes reports whether a region set names region: itself,
// "*", or a prefix ending in "*" (us-*).
func regionSetIncludes(set []string, region string) bool {
	for _, r := range set {
		if r == "*" || r == region || strings.HasSuffix(r, "*") && strings.HasPrefix(region, strings.TrimSuffix(r, "*")) {
			return true
		}
	}
	return false
}

func splitRegionSet(v string) []string {
	var set []string
	for _, r := range strings.Split(v, ",") {
		set = append(set, strings.TrimSpace(r))
	}
	return set
}

// finishV4a is finish for SigV4a: the string-to-sign, the key pair derived
// from the secret for the request's access key, and a fresh signature
// (ECDSA's differ on every call: compare with signatureHolds, never by
// bytes).
func (t *Trace) finishV4a(secret string) {
	t.CanonicalRequestHash = sha256Hex(bytesOf(t.CanonicalRequest))
	t.StringToSign = stringToSign(t)
	t.Keys, t.PublicKey, t.Signature = SigningKeys{}, nil, ""
	key, err := deriveV4aKey(t.AccessKeyID, secret)
	if err != nil {
		return
	}
	t.Keys = SigningKeys{Signing: key.privHex}
	pub := key.public
	t.PublicKey = &pub
	t.Signature, _ = signECDSA(key.priv, t.StringToSign)
}

// signatureHolds reports whether sig is the signature of the trace's
// string-to-sign under the secret: the same HMAC for SigV4, an ECDSA
// signature that verifies with the derived public key for SigV4a.
func signatureHolds(t *Trace, secret, sig string) bool {
	if !isV4a(t.Algorithm) {
		return t.Signature == sig
	}
	key, err := deriveV4aKey(t.AccessKeyID, secret)
	if err != nil {
		return false
	}
	return VerifyECDSA(&key.priv.PublicKey, t.StringToSign, sig)
}

// isDERSignatureHex reports whether s is lower-case hex of an ASN.1 DER
// ECDSA signature: SEQUENCE { r INTEGER, s INTEGER }, both positive.
func isDERSignatureHex(s string) bool {
	if len(s) < 16 || len(s) > 2*72 || !isLowerHex(s, len(s)) {
		return false
	}
	der, err := hex.DecodeString(s)
	if err != nil {
		return false
	}
	var sig struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(der, &sig)
	return err == nil && len(rest) == 0 && sig.R.Sign() > 0 && sig.S.Sign() > 0
}
