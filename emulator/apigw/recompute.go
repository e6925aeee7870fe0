package apigw

import (
	"net/http"

	"github.com/sigscope/sigscope/emulator/awsauth"
)

// recompute is the signature this gateway computes for the request
// (awsauth.Recompute, shared with the Cognito and STS verifiers).
func (g *Gateway) recompute(r *http.Request, in *sigInput, payloadHash, secret string) (awsauth.Recomputed, error) {
	return awsauth.Recompute(g.signer, r, awsauth.Signing{
		AccessKeyID: in.akid, Secret: secret, Service: serviceName, Region: g.region, Time: in.signTime,
		SignedHeaders: in.signedHeaders, PayloadHash: payloadHash, Presigned: in.presigned,
	})
}

// mismatchMessage is API Gateway's 403 text for a wrong signature.
func mismatchMessage(exp awsauth.Recomputed) string {
	return msgMismatchHead + "\n\nThe Canonical String for this request should have been\n'" + exp.CanonicalRequest +
		"'\n\nThe String-to-Sign should have been\n'" + exp.StringToSign + "'\n"
}
