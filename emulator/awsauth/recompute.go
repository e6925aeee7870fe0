package awsauth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"

	"github.com/sigscope/sigscope/sign/awsrule"
)

// Signing is what a recomputation signs with: the client's own claims
// (key, time, signed headers) and the server's (secret, service, region).
type Signing struct {
	AccessKeyID, Secret string
	Service, Region     string
	Time                time.Time
	SignedHeaders       []string
	PayloadHash         string
	// Presigned signs the query (X-Amz-Signature dropped) instead of the
	// Authorization header.
	Presigned bool
	// S3Path, when set, is the path already canonical as S3 reads it
	// (awsrule.S3Path), signed as it is: S3 does not escape it again.
	S3Path string
}

// Recomputed is the signature the server computes, with the canonical
// request and string-to-sign the SDK logged on the way.
type Recomputed struct {
	Signature, CanonicalRequest, StringToSign string
}

// Recompute signs, with aws-sdk-go-v2's signer (never with sigscope's
// sign/, so that sigscope's signer and the emulator check each other), a
// copy of r rebuilt from the headers the client listed as signed. The
// path is read as every service but S3 reads it (awsrule.Standard:
// normalized, still escaped, then escaped once more by the signer); the
// query as RFC 3986 says ('+' is a plus: the SDK form-decodes, so it gets
// '+' and ';' escaped, and a client that signed a raw '+' as a space is
// refused here, as AWS refuses it). S3 gives its own path (S3Path). The
// gateway, S3 and the Cognito and STS verifiers all recompute through it.
func Recompute(signer *v4.Signer, r *http.Request, s Signing) (Recomputed, error) {
	path := awsrule.Standard.Path(WirePath(r))
	if s.S3Path != "" {
		path = s.S3Path
	}
	req := &http.Request{
		Method: r.Method,
		URL:    &url.URL{Opaque: "//" + r.Host + path, RawQuery: awsrule.FormDecoderQuery(r.URL.RawQuery)},
		Host:   r.Host,
		Header: http.Header{},
	}
	for _, name := range s.SignedHeaders {
		name = strings.ToLower(strings.TrimSpace(name))
		switch name {
		case "", "host":
			continue
		case "content-length":
			// The signer takes content-length from ContentLength only, and
			// only when positive (a signed "content-length: 0" cannot be
			// reproduced).
			req.ContentLength, _ = strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
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
	if s.Presigned {
		q := req.URL.Query()
		q.Del("X-Amz-Signature")
		req.URL.RawQuery = q.Encode()
	}
	key := memoKey(req, s)
	if out, ok := recomputed.get(key); ok {
		return out, nil
	}
	out, err := sign(signer, req, s)
	if err == nil {
		recomputed.put(key, out)
	}
	return out, err
}

// sign runs the SDK's signer over the rebuilt request.
func sign(signer *v4.Signer, req *http.Request, s Signing) (Recomputed, error) {
	var out Recomputed
	logger := logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) {
		if len(v) >= 2 {
			out.CanonicalRequest, _ = v[0].(string)
			out.StringToSign, _ = v[1].(string)
		}
	})
	opts := func(o *v4.SignerOptions) {
		o.LogSigning, o.Logger = true, logger
		// The token is checked on its own; it is in the signature only if
		// the client listed it among the signed headers or sent it in the
		// query.
		o.DisableSessionToken = true
		// X-Amz-* headers of a presigned request stay headers, as the
		// client listed them.
		o.DisableHeaderHoisting = true
		o.DisableURIPathEscaping = s.S3Path != ""
	}
	creds := aws.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.Secret}
	ctx := context.Background()
	if s.Presigned {
		signed, _, err := signer.PresignHTTP(ctx, creds, req, s.PayloadHash, s.Service, s.Region, s.Time, opts)
		if err != nil {
			return out, fmt.Errorf("presign: %w", err)
		}
		u, err := url.Parse(signed)
		if err != nil {
			return out, fmt.Errorf("parse the presigned url: %w", err)
		}
		out.Signature = u.Query().Get("X-Amz-Signature")
		return out, nil
	}
	if err := signer.SignHTTP(ctx, creds, req, s.PayloadHash, s.Service, s.Region, s.Time, opts); err != nil {
		return out, fmt.Errorf("sign: %w", err)
	}
	auth := req.Header.Get("Authorization")
	i := strings.LastIndex(auth, "Signature=")
	if i < 0 {
		return out, fmt.Errorf("the SDK signer produced no signature")
	}
	out.Signature = auth[i+len("Signature="):]
	return out, nil
}

// WirePath is the request path exactly as sent, still percent-encoded
// (Go's server leaves r.RequestURI uncleaned; only a ServeMux would clean
// or redirect it): what the path rules (awsrule) read.
func WirePath(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" || uri == "*" {
		return r.URL.EscapedPath()
	}
	if !strings.HasPrefix(uri, "/") { // absolute-form, through a proxy
		if u, err := url.Parse(uri); err == nil {
			return u.EscapedPath()
		}
	}
	p, _, _ := strings.Cut(uri, "?")
	return p
}
