package apigw

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"

	"github.com/sigscope/sigscope/sign/awsrule"
)

// expected is the signature this gateway computes for a request, with the
// canonical request and string-to-sign behind it.
type expected struct {
	signature       string
	canonicalString string
	stringToSign    string
}

// recompute signs, with aws-sdk-go-v2's signer (not with any sigscope code,
// so that sigscope's signer and this verifier check each other), a copy of
// the request rebuilt from what the client said it signed.
func (g *Gateway) recompute(r *http.Request, in *sigInput, payloadHash, secret string) (expected, error) {
	host := r.Host
	req := &http.Request{
		Method: r.Method,
		// Opaque keeps the path as AWS reads it (normalized, still
		// escaped); the signer then encodes it once more, as SigV4 wants
		// for every service but S3. The SDK form-decodes the query, so it
		// gets '+' and ';' escaped: a client that signed a raw '+' as a
		// space is rejected here, as AWS rejects it.
		URL:    &url.URL{Opaque: "//" + host + serverPath(r), RawQuery: awsrule.FormDecoderQuery(r.URL.RawQuery)},
		Host:   host,
		Header: http.Header{},
	}
	for _, name := range in.signedHeaders {
		name = strings.ToLower(strings.TrimSpace(name))
		switch name {
		case "", "host":
			continue
		case "content-length":
			// The signer takes content-length from ContentLength only, and
			// only when positive (a signed "content-length: 0" cannot be
			// reproduced: see the package doc).
			n, _ := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
			req.ContentLength = n
			continue
		}
		values := r.Header.Values(name)
		if name == "transfer-encoding" && len(r.TransferEncoding) > 0 {
			values = []string{strings.Join(r.TransferEncoding, ",")}
		}
		key := name
		if name == "x-amz-date" {
			// The signer sets X-Amz-Date under this key itself; the same
			// key keeps a single value.
			key = "X-Amz-Date"
		}
		// Other keys stay lower case: the signer's list of headers it never
		// signs (User-Agent, Expect...) is matched on canonical keys, and a
		// client that did sign one of them must still be verified.
		req.Header[key] = append([]string(nil), values...)
	}
	if in.presigned {
		q := req.URL.Query()
		q.Del("X-Amz-Signature")
		req.URL.RawQuery = q.Encode()
	}

	var exp expected
	logger := logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) {
		if len(v) >= 2 {
			exp.canonicalString, _ = v[0].(string)
			exp.stringToSign, _ = v[1].(string)
		}
	})
	opts := func(o *v4.SignerOptions) {
		o.LogSigning = true
		o.Logger = logger
		// The token is checked on its own; it is in the signature only if
		// the client listed it among the signed headers or sent it in the query.
		o.DisableSessionToken = true
		o.DisableHeaderHoisting = true
	}
	creds := aws.Credentials{AccessKeyID: in.akid, SecretAccessKey: secret}
	ctx := context.Background()
	if in.presigned {
		signed, _, err := g.signer.PresignHTTP(ctx, creds, req, payloadHash, serviceName, g.region, in.signTime, opts)
		if err != nil {
			return exp, fmt.Errorf("presign: %w", err)
		}
		u, err := url.Parse(signed)
		if err != nil {
			return exp, fmt.Errorf("parse presigned url: %w", err)
		}
		exp.signature = u.Query().Get("X-Amz-Signature")
	} else {
		if err := g.signer.SignHTTP(ctx, creds, req, payloadHash, serviceName, g.region, in.signTime, opts); err != nil {
			return exp, fmt.Errorf("sign: %w", err)
		}
		auth := req.Header.Get("Authorization")
		i := strings.LastIndex(auth, "Signature=")
		if i < 0 {
			return exp, fmt.Errorf("signer produced no signature")
		}
		exp.signature = auth[i+len("Signature="):]
	}
	return exp, nil
}

// mismatchMessage is API Gateway's 403 text for a wrong signature.
func mismatchMessage(exp expected) string {
	return msgMismatchHead + "\n\nThe Canonical String for this request should have been\n'" + exp.canonicalString +
		"'\n\nThe String-to-Sign should have been\n'" + exp.stringToSign + "'\n"
}
