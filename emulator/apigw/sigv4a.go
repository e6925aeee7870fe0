package apigw

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"

	"github.com/sigscope/sigscope/emulator/awsauth"
)

// sigAlgorithmV4a is SigV4a: ECDSA P-256 with a key derived from the
// secret, signed for the regions of X-Amz-Region-Set.
const sigAlgorithmV4a = "AWS4-ECDSA-P256-SHA256"

const regionSetKey = "X-Amz-Region-Set"

func supportedAlgorithm(alg string) bool { return alg == sigAlgorithm || alg == sigAlgorithmV4a }

// checkScopeV4a checks AKID/date/service/aws4_request and the region set
// against this gateway, collecting every complaint.
func checkScopeV4a(in *sigInput, region string) *apiError {
	parts := strings.Split(strings.TrimRight(in.credential, "/"), "/")
	if len(parts) != 4 {
		return errForbidden(ErrIncompleteSignature,
			"Credential must have exactly 4 slash-delimited elements for %s, e.g. keyid/date/service/term, got '%s'", sigAlgorithmV4a, in.credential)
	}
	in.akid = parts[0]
	var msg strings.Builder
	if in.regionSet == "" {
		fmt.Fprintf(&msg, "%s requires the '%s' %s. ", sigAlgorithmV4a, regionSetKey, map[bool]string{true: "query-string parameter", false: "header"}[in.presigned])
	} else if !regionSetCovers(in.regionSet, region) {
		fmt.Fprintf(&msg, "The region set '%s' does not include this endpoint's region '%s'. ", in.regionSet, region)
	}
	if !in.presigned && in.regionSet != "" && !signs(in.signedHeaders, "x-amz-region-set") {
		fmt.Fprintf(&msg, "'%s' must be a 'SignedHeader' in the AWS Authorization. ", regionSetKey)
	}
	if parts[2] != serviceName {
		fmt.Fprintf(&msg, "Credential should be scoped to correct service: '%s'. ", serviceName)
	}
	if parts[3] != terminator {
		fmt.Fprintf(&msg, "Credential should be scoped with a valid terminator: '%s', not '%s'. ", terminator, parts[3])
	}
	if day := in.signTime.Format("20060102"); parts[1] != day {
		fmt.Fprintf(&msg, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			parts[1], day, in.amzDate)
	}
	if msg.Len() > 0 {
		return errForbidden(ErrInvalidSignature, "%s", strings.TrimSpace(msg.String()))
	}
	return nil
}

func signs(list []string, name string) bool {
	for _, h := range list {
		if strings.EqualFold(strings.TrimSpace(h), name) {
			return true
		}
	}
	return false
}

// regionSetCovers reports whether a comma-separated region set names
// region: itself, "*", or a prefix ending in "*".
func regionSetCovers(set, region string) bool {
	for _, r := range strings.Split(set, ",") {
		r = strings.TrimSpace(r)
		if r == "*" || r == region || strings.HasSuffix(r, "*") && strings.HasPrefix(region, strings.TrimSuffix(r, "*")) {
			return true
		}
	}
	return false
}

// recomputeV4a rebuilds the canonical request with aws-sdk-go-v2's SigV4
// signer, as for SigV4 (a canonical request does not depend on the
// algorithm, but for the X-Amz-Algorithm and X-Amz-Credential values of a
// presigned query, put back here), then checks the signature with the
// public key derived from the secret. exp.Signature is left empty: ECDSA
// signatures are checked, not recomputed.
func (g *Gateway) recomputeV4a(r *http.Request, in *sigInput, payloadHash, secret string) (exp awsauth.Recomputed, ok bool, err error) {
	exp, err = g.recompute(r, in, payloadHash, secret)
	if err != nil {
		return exp, false, err
	}
	if in.presigned {
		exp.CanonicalRequest = v4aPresignedQuery(exp.CanonicalRequest, in.credential)
	}
	sum := sha256.Sum256([]byte(exp.CanonicalRequest))
	day := in.signTime.Format("20060102")
	exp.StringToSign = sigAlgorithmV4a + "\n" + in.signTime.Format(amzDateLayout) + "\n" +
		day + "/" + serviceName + "/" + terminator + "\n" + hex.EncodeToString(sum[:])
	exp.Signature = ""
	pub, err := v4aPublicKey(in.akid, secret)
	if err != nil {
		return exp, false, err
	}
	sig, err := hex.DecodeString(in.signature)
	if err != nil {
		return exp, false, nil
	}
	digest := sha256.Sum256([]byte(exp.StringToSign))
	return exp, ecdsa.VerifyASN1(pub, digest[:], sig), nil
}

// v4aPresignedQuery replaces, in the third line of a canonical request
// (the query), the SigV4 algorithm and credential the SDK signed with by
// the request's SigV4a ones. The keys do not change, so neither does the
// sort order.
func v4aPresignedQuery(canonical, credential string) string {
	lines := strings.SplitN(canonical, "\n", 4)
	if len(lines) < 4 {
		return canonical
	}
	pairs := strings.Split(lines[2], "&")
	for i, p := range pairs {
		switch k, _, _ := strings.Cut(p, "="); k {
		case "X-Amz-Algorithm":
			pairs[i] = k + "=" + sigAlgorithmV4a
		case "X-Amz-Credential":
			pairs[i] = k + "=" + strings.ReplaceAll(url.QueryEscape(credential), "+", "%20")
		}
	}
	lines[2] = strings.Join(pairs, "&")
	return strings.Join(lines, "\n")
}

// v4aPublicKey derives the SigV4a public key of an access key: the NIST
// SP 800-108 counter-mode KDF (PRF HMAC-SHA256, key "AWS4A"+secret, label
// the algorithm name, context the access key id and a one-byte counter,
// 256 bits) gives candidates until one is at most n-2; the private key is
// that plus one. Written apart from sigscope's signer on purpose: the two
// check each other.
func v4aPublicKey(akid, secret string) (*ecdsa.PublicKey, error) {
	curve := elliptic.P256()
	limit := new(big.Int).Sub(curve.Params().N, big.NewInt(2))
	for counter := 1; counter < 256; counter++ {
		m := hmac.New(sha256.New, []byte("AWS4A"+secret))
		m.Write([]byte{0, 0, 0, 1})
		m.Write([]byte(sigAlgorithmV4a))
		m.Write([]byte{0})
		m.Write([]byte(akid))
		m.Write([]byte{byte(counter)})
		m.Write([]byte{0, 0, 1, 0}) // 256 bits
		c := new(big.Int).SetBytes(m.Sum(nil))
		if c.Cmp(limit) > 0 {
			continue
		}
		d := c.Add(c, big.NewInt(1)).FillBytes(make([]byte, 32))
		priv, err := ecdsa.ParseRawPrivateKey(curve, d)
		if err != nil {
			return nil, fmt.Errorf("sigv4a key: %w", err)
		}
		return &priv.PublicKey, nil
	}
	return nil, errors.New("sigv4a key: no candidate below the curve order")
}
