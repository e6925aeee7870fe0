package explain

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/sign"
)

// noSecret stands in for the secret key when recomputing a signature that
// only needs its canonical request and string to sign: neither depends on
// the key. The signature it yields is meaningless and is cleared.
const noSecret = "sigscope-explain-has-no-secret"

// Recompute rebuilds the canonical request and string to sign of a
// request that carries its own SigV4 signature (an Authorization header or
// a presigned query), without its secret key: the scope, time and signed
// headers come from the signature itself. The trace's keys and signature
// are left empty. S3 rules apply when the credential scope names s3.
func Recompute(req *sign.Request) (*sign.Trace, sign.SignatureInfo, error) {
	info, err := sign.ReadSignature(req)
	if err != nil {
		return nil, info, err
	}
	// A key id that is not the request's: Verify rebuilds the canonical
	// request and string to sign, then stops before the signature, which no
	// secret here could check (and skips its search for the classic
	// mistake that would reproduce it).
	v, err := sign.Verify(sign.VerifyInput{Request: req, AccessKeyID: noSecret, SecretAccessKey: noSecret, S3: info.Service == "s3"})
	if err != nil {
		return nil, info, err
	}
	if v.Trace == nil {
		for _, p := range v.Problems {
			return nil, info, fmt.Errorf("recompute the signature: %s", p.Detail)
		}
		return nil, info, fmt.Errorf("recompute the signature: %s", strings.Join(info.SignedHeaders, ";"))
	}
	tr := v.Trace
	tr.Keys = sign.SigningKeys{}
	tr.PublicKey = nil
	tr.Signature = ""
	tr.Authorization = ""
	tr.PresignedURL = ""
	tr.Signed = nil
	return tr, info, nil
}
