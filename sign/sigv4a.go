package sign

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// AlgorithmV4a is the SigV4a algorithm identifier.
const AlgorithmV4a = "AWS4-ECDSA-P256-SHA256"

// Names of the signing algorithms, as Options.Algorithm takes them.
const (
	SigV4  = "sigv4"
	SigV4a = "sigv4a"
)

// RegionSetHeader carries a SigV4a signature's regions (a query parameter
// of the same name when presigned).
const RegionSetHeader = "X-Amz-Region-Set"

// ParseAlgorithm reads an algorithm name as a user writes it: sigv4 or
// sigv4a (any case), or the identifiers AWS4-HMAC-SHA256 and
// AWS4-ECDSA-P256-SHA256. "" is sigv4.
func ParseAlgorithm(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", SigV4, "v4", strings.ToLower(Algorithm):
		return SigV4, nil
	case SigV4a, "v4a", strings.ToLower(AlgorithmV4a):
		return SigV4a, nil
	}
	return "", fmt.Errorf("unknown signing algorithm %q: use sigv4 (AWS4-HMAC-SHA256) or sigv4a (AWS4-ECDSA-P256-SHA256)", s)
}

// ParseRegionSet splits a comma-separated region set ("us-east-1,eu-west-1",
// "*", "us-*") and checks each entry.
func ParseRegionSet(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var set []string
	for _, r := range strings.Split(s, ",") {
		set = append(set, strings.TrimSpace(r))
	}
	return set, checkRegionSet(set)
}

func checkRegionSet(set []string) error {
	for _, r := range set {
		switch {
		case r == "":
			return fmt.Errorf("region set %q has an empty entry: write regions separated by commas, such as us-east-1,eu-west-1", strings.Join(set, ","))
		case strings.ContainsAny(r, ",/ \t\r\n") || strings.ToLower(r) != r:
			return fmt.Errorf("region %q in the region set: use lower-case region names (us-east-1), or * alone or at the end (us-*) for many", r)
		}
	}
	return nil
}

// SignFor signs with the algorithm opts.Algorithm names: Sign for SigV4,
// SignV4a for SigV4a.
func SignFor(req *Request, opts Options) (*Trace, error) {
	alg, err := ParseAlgorithm(opts.Algorithm)
	if err != nil {
		return nil, err
	}
	if alg == SigV4a {
		return SignV4a(req, opts)
	}
	if len(opts.RegionSet) > 0 {
		return nil, fmt.Errorf("a region set is for SigV4a only: sign with algorithm sigv4a, or give one region")
	}
	return Sign(req, opts)
}

// SignV4a signs req with SigV4a (AWS4-ECDSA-P256-SHA256) and returns the
// full trace. The canonical request is SigV4's with the region set signed
// (the X-Amz-Region-Set header, or query parameter when presigning); the
// credential scope leaves out the region; the string-to-sign is signed with
// ECDSA P-256 under the key derived from the secret, and the signature is
// the hex of its ASN.1 DER form, different on every call.
//
// The canonical request is checked as Sign checks it: aws-sdk-go-v2 signs
// the same request with SigV4 and must canonicalize it byte for byte as
// the trace does (in a presigned URL, SigV4a then changes only the
// X-Amz-Algorithm and X-Amz-Credential values).
func SignV4a(req *Request, opts Options) (*Trace, error) {
	if alg, err := ParseAlgorithm(opts.Algorithm); err != nil || alg != SigV4a && opts.Algorithm != "" {
		return nil, fmt.Errorf("SignV4a: options name algorithm %q, not sigv4a", opts.Algorithm)
	}
	opts.Algorithm = SigV4a
	set := slices.Clone(opts.RegionSet)
	if len(set) == 0 && opts.Region != "" {
		set = []string{opts.Region}
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("no region set: pass --region (or --region-set us-east-1,eu-west-1, or * for every region)")
	}
	if err := checkRegionSet(set); err != nil {
		return nil, err
	}
	if opts.Region == "" {
		// SigV4's checks and the SDK's SigV4 cross-check want a region;
		// SigV4a's scope has none.
		opts.Region = set[0]
	}
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	key, err := deriveV4aKey(opts.Credentials.AccessKeyID, opts.Credentials.SecretAccessKey)
	if err != nil {
		return nil, err
	}

	r, originalQuery := withRegionSet(req, strings.Join(set, ","), opts.Presign)
	t, in, r, err := trace(r, opts)
	if err != nil {
		return nil, err
	}
	sdk, err := sdkSign(in)
	if err != nil {
		return nil, err
	}
	if err := agree(t, sdk); err != nil {
		return nil, err
	}

	day := t.RequestDate[:8]
	t.Algorithm = AlgorithmV4a
	t.CredentialScope = day + "/" + opts.Service + "/aws4_request"
	t.RegionSet = set
	t.Query.Input = originalQuery
	credential := opts.Credentials.AccessKeyID + "/" + t.CredentialScope
	markRegionSetSigned(t, credential)
	t.CanonicalRequest = buildCanonicalRequest(t)
	t.CanonicalRequestHash = sha256Hex(bytesOf(t.CanonicalRequest))
	t.StringToSign = stringToSign(t)
	t.Keys = SigningKeys{Signing: key.privHex}
	pub := key.public
	t.PublicKey = &pub
	if t.Signature, err = signECDSA(key.priv, t.StringToSign); err != nil {
		return nil, err
	}
	t.Authorization = ""
	if t.Mode == "header" {
		t.Authorization = AlgorithmV4a + " Credential=" + credential + ", SignedHeaders=" + t.SignedHeaders + ", Signature=" + t.Signature
	}
	t.Notes = append(t.Notes, "SigV4a signatures are ECDSA: they differ on every signing, and a server checks them with the public key derived from the secret, not by comparing bytes.")
	t.Signed = signedRequest(r, t, opts.Credentials.SessionToken, opts)
	return t, nil
}

// withRegionSet is req with the region set it is signed for, replacing one
// it carries, and the raw query before the signer's additions.
func withRegionSet(req *Request, joined string, presign bool) (*Request, string) {
	r := req.shallowClone()
	r.Del(RegionSetHeader)
	if !presign {
		r.Set(RegionSetHeader, joined)
		return r, r.RawQuery
	}
	var kept []string
	if r.RawQuery != "" {
		for _, p := range strings.Split(r.RawQuery, "&") {
			if k, _, _ := strings.Cut(p, "="); unescapeLenient(k) != RegionSetHeader {
				kept = append(kept, p)
			}
		}
	}
	original := strings.Join(kept, "&")
	r.RawQuery = strings.Join(append(kept, RegionSetHeader+"="+uriEncode(joined, true)), "&")
	return r, original
}

// markRegionSetSigned turns the SigV4 trace of the request into SigV4a's:
// the region set is the signer's, and a presigned query names the SigV4a
// algorithm and credential.
func markRegionSetSigned(t *Trace, credential string) {
	for i := range t.Headers {
		if t.Headers[i].Name == "x-amz-region-set" {
			t.Headers[i].Source, t.Headers[i].Rules = "signer", []string{RuleAddedBySigner}
		}
	}
	if t.Mode != "query" {
		return
	}
	for i := range t.Query.Params {
		p := &t.Query.Params[i]
		switch p.Key {
		case "X-Amz-Algorithm":
			p.Value = AlgorithmV4a
		case "X-Amz-Credential":
			p.Value = credential
		case RegionSetHeader:
			p.RawKey, p.RawValue, p.Source, p.Rules = "", "", "signer", []string{RuleAddedBySigner}
		}
	}
	t.Query.Output = canonicalQuery(t.Query.Params)
}

func stringToSign(t *Trace) string {
	return t.Algorithm + "\n" + t.RequestDate + "\n" + t.CredentialScope + "\n" + t.CanonicalRequestHash
}

func signECDSA(priv *ecdsa.PrivateKey, sts string) (string, error) {
	sum := sha256.Sum256(bytesOf(sts))
	sig, err := ecdsa.SignASN1(rand.Reader, priv, sum[:])
	if err != nil {
		return "", fmt.Errorf("sigv4a: ecdsa sign: %w", err)
	}
	return hex.EncodeToString(sig), nil
}

// isV4a reports whether a trace or signature uses SigV4a.
func isV4a(algorithm string) bool { return algorithm == AlgorithmV4a }
